"""Made-up run histories for the tests of the notebook's tables and claims."""
import numpy as np

from hw5.train.rundir import History


def history_from(d_steps: np.ndarray, g_steps: np.ndarray, steps_per_epoch: int) -> History:
    epochs = [{"epoch": k + 1, "steps": steps_per_epoch,
               "d_loss": float(d_steps[k * steps_per_epoch:(k + 1) * steps_per_epoch].mean()),
               "g_loss": float(g_steps[k * steps_per_epoch:(k + 1) * steps_per_epoch].mean())}
              for k in range(len(d_steps) // steps_per_epoch)]
    return {"epochs": epochs, "d_loss_per_step": d_steps.tolist(), "g_loss_per_step": g_steps.tolist()}

"""Made-up run histories for the tests of the notebook's tables and claims."""
import numpy as np

from hw5.train.rundir import History


def history_from(d_steps: np.ndarray, g_steps: np.ndarray, steps_per_epoch: int,
                 d_real: np.ndarray | None = None, d_fake: np.ndarray | None = None) -> History:
    """Per-step L_D, L_G (and D(x), D(G(z)): 0.6 and 0.4 unless given) with their epoch means."""
    steps = {"d_loss": d_steps, "g_loss": g_steps,
             "d_real": np.full(len(d_steps), 0.6) if d_real is None else d_real,
             "d_fake": np.full(len(d_steps), 0.4) if d_fake is None else d_fake}
    epochs = [{"epoch": k + 1, "steps": steps_per_epoch,
               **{key: float(values[k * steps_per_epoch:(k + 1) * steps_per_epoch].mean())
                  for key, values in steps.items()}}
              for k in range(len(d_steps) // steps_per_epoch)]
    return {"epochs": epochs, **{f"{key}_per_step": values.tolist() for key, values in steps.items()}}

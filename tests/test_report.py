"""The numbers the notebook prints about a run's losses."""
import math

import numpy as np

from hw5 import report


def history_from(d_steps: np.ndarray, g_steps: np.ndarray, steps_per_epoch: int) -> dict:
    epochs = [{"epoch": k + 1, "steps": steps_per_epoch,
               "d_loss": float(d_steps[k * steps_per_epoch:(k + 1) * steps_per_epoch].mean()),
               "g_loss": float(g_steps[k * steps_per_epoch:(k + 1) * steps_per_epoch].mean())}
              for k in range(len(d_steps) // steps_per_epoch)]
    return {"epochs": epochs, "d_loss_per_step": d_steps.tolist(), "g_loss_per_step": g_steps.tolist()}


def test_swing_length_is_a_quarter_period_for_an_oscillation_and_one_step_for_noise():
    steps = np.arange(4000)
    assert abs(report.swing_length(np.sin(2 * np.pi * steps / 80)) - 20) <= 1
    assert report.swing_length(np.random.default_rng(0).normal(size=4000)) <= 2


def test_loss_summary_reports_anticorrelated_swings_and_the_drift():
    steps = np.arange(20 * 100)
    swing = np.sin(2 * np.pi * steps / 50)            # whole periods in every epoch
    d = 1.2 + 0.1 * swing + 0.002 * steps / 100      # L_D drifts up by 0.02 per 10 epochs
    g = 0.9 - 0.1 * swing
    text = report.loss_summary(history_from(d, g, steps_per_epoch=100), window=5)
    first, last = text.splitlines()[1:3]
    assert first.split()[:2] == ["epochs", "1-5"] and last.split()[:2] == ["epochs", "16-20"]
    assert float(first.split()[-2]) == -1.0 and abs(int(first.split()[-1]) - 12.5) <= 1
    assert "L_D +0.020, L_G +0.000 per 10 epochs" in text
    assert f"{2 * math.log(2):.3f}" in text


def test_run_summary_names_each_session_with_its_epochs_and_commit():
    session = {"device": "cpu", "device_name": "x86_64", "precision": "bfloat16", "dirty": False}
    history = {"epochs_done": 3, "num_images": 1000, "epochs": [{"steps": 4, "seconds": 60.0}] * 3,
               "sessions": [{**session, "start_epoch": 1, "commit": "a" * 40},
                            {**session, "start_epoch": 3, "commit": "b" * 40, "dirty": True}]}
    assert report.run_summary(history).splitlines() == [
        "3 epochs x 4 steps on 1,000 images, 3.0 min of training",
        "epochs 1-2: code at aaaaaaaaaa, cpu (x86_64), bfloat16",
        "epochs 3-3: code at bbbbbbbbbb + uncommitted changes, cpu (x86_64), bfloat16"]

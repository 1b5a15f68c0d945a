"""The numbers the notebook prints about a run: loss dynamics and the text tables."""
import math

import numpy as np
import pytest

from hw5 import dynamics, tables
from histories import history_from


def test_swing_length_is_a_quarter_period_for_an_oscillation_and_one_step_for_noise():
    steps = np.arange(4000)
    assert abs(dynamics.swing_length(np.sin(2 * np.pi * steps / 80)) - 20) <= 1
    assert dynamics.swing_length(np.random.default_rng(0).normal(size=4000)) <= 2


def test_loss_summary_reports_each_window_with_anticorrelated_swings_despite_a_trend():
    steps = np.arange(20 * 100)
    swing = np.sin(2 * np.pi * steps / 50)            # whole periods in every epoch: swings of 12.5 steps
    d = 1.2 + 0.1 * swing - 0.02 * steps / 100       # L_D falls by 0.2 per 10 epochs
    g = 0.9 - 0.1 * swing
    rows = dynamics.loss_summary(history_from(d, g, steps_per_epoch=100), window=5).splitlines()
    assert [row.split()[1] for row in rows[1:5]] == ["1-5", "6-10", "11-15", "16-20"]
    for k, row in enumerate(rows[1:5]):
        mean_d, mean_g, corr, swing_steps = row.split()[2:]
        assert float(mean_d) == pytest.approx(1.2 - 0.02 * (5 * k + 2.5), abs=2e-3)
        assert float(corr) < -0.9 and abs(int(swing_steps) - 12.5) <= 1   # the trend is not one long swing
    assert rows[5].split()[-2:] == [f"{2 * math.log(2):.3f}", f"{math.log(2):.3f}"]


def test_swing_length_ignores_a_linear_trend():
    steps = np.arange(1000)
    assert abs(dynamics.swing_length(np.sin(2 * np.pi * steps / 80) + steps / 100) - 20) <= 1


def test_run_summary_names_each_session_with_its_epochs_and_commit():
    session = {"device": "cpu", "device_name": "x86_64", "precision": "bfloat16", "dirty": False}
    history = {"epochs_done": 3, "num_images": 1000,
               "epochs": [{"steps": 4, "seconds": s} for s in (50.0, 60.0, 70.0)],
               "sessions": [{**session, "start_epoch": 1, "commit": "a" * 40},
                            {**session, "start_epoch": 3, "commit": "b" * 40, "dirty": True}]}
    assert tables.run_summary(history).splitlines() == [
        "3 epochs x 4 steps on 1,000 images, 3.0 min training, median epoch 60.0 s",
        "epochs 1-2: code at aaaaaaaaaa, cpu (x86_64), bfloat16",
        "epochs 3-3: code at bbbbbbbbbb + uncommitted changes, cpu (x86_64), bfloat16"]


def test_quality_table_puts_other_runs_in_columns_at_equal_epochs():
    score = lambda epoch, fd: {"epoch": epoch, "frechet_distance": fd, "coverage": 0.5}
    reference = {"real_train_images": score(0, 1.0), "untrained_generator": score(0, 800.0)}
    run = {"config": {"eval_samples": 5000}, "quality_reference": reference,
           "quality": [score(1, 400.0), score(5, 300.0)]}
    other = {**run, "quality": [score(1, 410.0), score(10, 200.0)]}
    info = {"test_accuracy": 0.9085, "epochs": 5, "seed": 0}
    lines = tables.quality_table(run, info, "bf16", {"fp32": other}).splitlines()
    assert lines[0] == "classifier: test accuracy 90.85% (5 epochs, seed 0); 5,000 images per score"
    assert lines[1].split() == ["bf16", "fp32"] and lines[2].split() == ["FD", "coverage"] * 2
    rows = {line[:30].strip(): line[30:].split() for line in lines[3:]}
    assert rows == {"real training images (floor)": ["1.00", "0.500"],
                    "untrained generator (ceiling)": ["800.00", "0.500"],
                    "after epoch 1": ["400.00", "0.500", "410.00", "0.500"],
                    "after epoch 5": ["300.00", "0.500"],
                    "after epoch 10": ["200.00", "0.500"]}
    first_column_end = lines[1].index("bf16") + len("bf16")
    assert lines[-1].index("200.00") >= first_column_end    # epoch 10 is fp32's score, not bf16's


def test_paths_inside_the_project_are_shown_relative_to_it(tmp_path):
    from hw5.paths import DEFAULT_RUN_DIR, shown
    assert str(shown(DEFAULT_RUN_DIR)) == "runs/dcgan"
    assert shown(tmp_path) == tmp_path.resolve()

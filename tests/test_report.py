"""The numbers the notebook prints about a run's losses."""
import math

import numpy as np
import torch

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
    history = {"epochs_done": 3, "num_images": 1000,
               "epochs": [{"steps": 4, "seconds": s} for s in (50.0, 60.0, 70.0)],
               "sessions": [{**session, "start_epoch": 1, "commit": "a" * 40},
                            {**session, "start_epoch": 3, "commit": "b" * 40, "dirty": True}]}
    assert report.run_summary(history).splitlines() == [
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
    lines = report.quality_table(run, info, "bf16", {"fp32": other}).splitlines()
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


def claimed_run() -> tuple[dict, dict, torch.Tensor, torch.Tensor]:
    """A made-up 50-epoch run with everything the commentary says of the committed one: the three loss phases
    with anti-correlated swings, the Fréchet distances, coverage, classes, an fp32 twin and the spectra."""
    per_epoch = 20
    steps = np.arange(50 * per_epoch)
    epoch = steps // per_epoch + 1
    swing = 0.1 * np.sin(2 * np.pi * steps / 80)
    d = np.select([epoch <= 10, epoch <= 20], [1.25, 1.0], 0.8) + swing
    g = np.select([epoch <= 10, epoch <= 20], [0.85, 1.2], 1.7) - swing
    history = history_from(d, g, per_epoch)
    history["epochs"] = [{**e, "seconds": 50.0} for e in history["epochs"]]
    distances = {1: 480, 5: 490, 10: 300, 15: 310, 20: 300, 25: 370, 30: 280, 35: 230, 40: 170, 45: 210, 50: 180}
    fractions = [0.075] * 9 + [0.325]
    history["quality"] = [{"epoch": e, "frechet_distance": fd, "coverage": 0.8, "class_fractions": fractions}
                          for e, fd in distances.items()]
    history["quality_reference"] = {"real_train_images": {"frechet_distance": 1.0, "class_fractions": [0.1] * 10}}
    fp32 = {"epochs": [{**e, "seconds": 80.0} for e in history["epochs"]],     # the same losses, slower
            "quality": [{**q, "frechet_distance": factor * q["frechet_distance"]}   # equal after epoch 1, then
                        for q, factor in zip(history["quality"], [1.0] + [1.15, 0.85] * 4 + [1.15, 0.95])]}  # by turns
    excess = torch.full((28, 28), 0.6, dtype=torch.float64)
    excess[14, 14] = 2.0
    by_epoch = torch.ones(50, 28, 28, dtype=torch.float64)
    by_epoch[:25, 14, 14], by_epoch[25:, 14, 14], by_epoch[30, 14, 14] = 40.0, 5.0, 20.0
    return history, fp32, excess, by_epoch


def test_commentary_claims_hold_for_a_run_that_fits_them_and_fail_where_it_does_not():
    history, fp32, excess, by_epoch = claimed_run()
    claims = report.commentary_claims(history, fp32, excess, by_epoch)
    assert [statement for statement, holds in claims if not holds] == []
    history["quality"][6]["coverage"] = 0.2                                        # a collapse at epoch 30
    fp32["quality"] = [{**q, "frechet_distance": factor * q["frechet_distance"]}       # fp32 better at every score
                       for q, factor in zip(history["quality"], [1.0, 0.85] + [0.95] * 9)]
    excess[14, 14] = 8.0                                                           # a strong final checkerboard
    failed = [statement for statement, holds in report.commentary_claims(history, fp32, excess, by_epoch)
              if not holds]
    assert [statement.split(":")[0] for statement in failed] == ["quality", "precision", "artifacts"]
    assert "coverage" in failed[0] and "final generator" in failed[2]
    assert "FAILS  quality: coverage" in report.claims_table(report.commentary_claims(history, fp32, excess,
                                                                                         by_epoch))


def test_commentary_claims_of_a_two_epoch_smoke_run_are_computed_and_mostly_fail():
    history, fp32, excess, by_epoch = claimed_run()
    short = history_from(np.array(history["d_loss_per_step"][:40]), np.array(history["g_loss_per_step"][:40]), 20)
    short.update(epochs=history["epochs"][:2], quality=history["quality"][:1] + [{**history["quality"][1], "epoch": 2}],
                 quality_reference=history["quality_reference"])
    claims = report.commentary_claims(short, fp32, excess, by_epoch[:2])
    assert len(claims) == len(report.commentary_claims(history, fp32, excess, by_epoch))
    assert sum(holds for _, holds in claims) < len(claims) / 2


def test_paths_inside_the_project_are_shown_relative_to_it(tmp_path):
    from hw5.paths import DEFAULT_RUN_DIR, shown
    assert str(shown(DEFAULT_RUN_DIR)) == "runs/dcgan"
    assert shown(tmp_path) == tmp_path.resolve()

"""The training loop: a run's files, resuming exactly, refusing a run of another configuration."""
import math
from dataclasses import replace

import pytest
import torch

from hw5.answers.gan import Step, fixed_noise
from hw5.answers.models import generate
from hw5.config import TrainConfig
from hw5.train import __main__ as cli, loop, train
from hw5.train.rundir import RunError, load_results

TINY = TrainConfig(epochs=2, batch_size=64, limit=200, seed=3, eval_samples=100)


def test_run_writes_history_samples_and_final_weights(tmp_path, tiny_fashion):
    history = train(TINY, tmp_path / "run", data_root=tiny_fashion, progress=False)
    assert history["finished"] and history["epochs_done"] == 2 and history["num_images"] == 200
    steps = math.ceil(200 / 64)
    assert len(history["d_loss_per_step"]) == len(history["g_loss_per_step"]) == 2 * steps
    assert [e["epoch"] for e in history["epochs"]] == [1, 2] and all(e["steps"] == steps for e in history["epochs"])
    first = history["epochs"][0]
    assert first["d_loss"] == pytest.approx(sum(history["d_loss_per_step"][:steps]) / steps)
    assert [q["epoch"] for q in history["quality"]] == [1, 2]
    assert set(history["quality_reference"]) == {"real_train_images", "untrained_generator"}
    loaded, generator, samples = load_results(tmp_path / "run")
    assert loaded == history
    assert samples.shape == (2, 16, 1, 28, 28) and samples.abs().max() <= 1
    z = fixed_noise(TINY)
    torch.testing.assert_close(generate(generator, z), samples[-1])  # samples come from the saved G


def test_interrupted_run_resumes_at_the_next_epoch_and_ends_identical(tmp_path, tiny_fashion, monkeypatch):
    straight = train(TINY, tmp_path / "straight", data_root=tiny_fashion, progress=False)

    calls = {"n": 0}
    real_step = loop.train_step

    def interrupted_step(*args):
        calls["n"] += 1
        if calls["n"] == 5:  # inside epoch 2 (4 steps an epoch)
            raise KeyboardInterrupt
        return real_step(*args)

    monkeypatch.setattr(loop, "train_step", interrupted_step)
    with pytest.raises(KeyboardInterrupt):
        train(TINY, tmp_path / "resumed", data_root=tiny_fashion, progress=False)
    monkeypatch.setattr(loop, "train_step", real_step)
    resumed = train(TINY, tmp_path / "resumed", data_root=tiny_fashion, progress=False)

    assert [s["start_epoch"] for s in resumed["sessions"]] == [1, 2]
    for key in ("d_loss_per_step", "g_loss_per_step"):
        assert resumed[key] == straight[key]
    for name in ("generator.pt", "discriminator.pt", "samples.pt"):
        a = torch.load(tmp_path / "straight" / name, weights_only=True)
        b = torch.load(tmp_path / "resumed" / name, weights_only=True)
        if isinstance(a, dict):
            assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
        else:
            assert torch.equal(a, b)


def test_refuses_a_run_directory_of_another_configuration(tmp_path, tiny_fashion, capsys):
    train(TINY, tmp_path / "run", data_root=tiny_fashion, progress=False)
    before = {p.name: p.read_bytes() for p in (tmp_path / "run").iterdir()}
    with pytest.raises(RunError, match=r"another configuration \(lr: run has 0.0001, asked 0.001\)"):
        train(replace(TINY, lr=1e-3), tmp_path / "run", data_root=tiny_fashion, progress=False)
    argv = ["--run-dir", str(tmp_path / "run"), "--data-root", str(tiny_fashion), "--epochs", "3",
            "--batch-size", "64", "--limit", "200", "--seed", "3", "--eval-samples", "100"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "epochs: run has 2, asked 3" in err and err.count("\n") == 1
    assert {p.name: p.read_bytes() for p in (tmp_path / "run").iterdir()} == before  # nothing overwritten


def test_history_records_each_steps_probabilities_and_scoring_leaves_training_alone(tmp_path, tiny_fashion):
    scored = train(TINY, tmp_path / "scored", data_root=tiny_fashion, progress=False)
    unscored = train(replace(TINY, eval_samples=0), tmp_path / "unscored", data_root=tiny_fashion, progress=False)
    for name in Step._fields:   # scoring draws nothing from the RNG that training uses
        assert scored[f"{name}_per_step"] == unscored[f"{name}_per_step"]
    d_real, d_fake = scored["d_real_per_step"], scored["d_fake_per_step"]
    assert len(d_real) == len(d_fake) == len(scored["d_loss_per_step"]) and all(0 < p < 1 for p in d_real + d_fake)
    steps = scored["epochs"][0]["steps"]
    assert scored["epochs"][0]["d_fake"] == pytest.approx(sum(d_fake[:steps]) / steps)
    assert unscored["quality"] == [] and unscored["quality_reference"] is None

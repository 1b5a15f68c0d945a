from dataclasses import replace

import pytest
import torch

from hw5 import gan as gan_module, models, runs, train as training
from hw5.config import TrainConfig
from hw5.device import DeviceError, pick_device, resolve_precision
from hw5.gan import build_gan, fixed_noise, gan_losses, train_step
from hw5.runs import RunError, load_results
from hw5.train import train

TINY = TrainConfig(epochs=2, batch_size=64, limit=200, seed=3, eval_samples=100)


def test_training_step_gives_finite_losses_and_moves_every_weight():
    gan = build_gan(TINY, torch.device("cpu"))
    before = {name: p.detach().clone() for model in (gan.generator, gan.discriminator)
              for name, p in model.named_parameters(prefix=type(model).__name__)}
    d_loss, g_loss = train_step(gan, torch.rand(8, 1, 28, 28) * 2 - 1, torch.randn(8, 100))
    assert torch.isfinite(d_loss) and torch.isfinite(g_loss)
    after = {name: p for model in (gan.generator, gan.discriminator)
             for name, p in model.named_parameters(prefix=type(model).__name__)}
    unchanged = [name for name in before if torch.equal(before[name], after[name])]
    assert unchanged == []


def test_bf16_step_keeps_fp32_weights_and_gives_finite_losses():
    gan = build_gan(TINY, torch.device("cpu"))
    before = [p.detach().clone() for p in gan.generator.parameters()]
    d_loss, g_loss = train_step(gan, torch.rand(8, 1, 28, 28) * 2 - 1, torch.randn(8, 100), torch.bfloat16)
    assert d_loss.dtype == g_loss.dtype == torch.float32 and torch.isfinite(d_loss) and torch.isfinite(g_loss)
    assert all(p.dtype == torch.float32 for p in gan.generator.parameters())
    assert all(not torch.equal(a, b) for a, b in zip(before, gan.generator.parameters()))
    assert resolve_precision("fp32", torch.device("cpu")) == torch.float32
    assert resolve_precision("bf16", torch.device("cpu")) == torch.bfloat16


def test_gradients_are_those_of_each_players_own_loss():
    """The simultaneous update gives D the gradient of L_D and G the gradient of L_G, as two tapes would."""
    gan = build_gan(TINY, torch.device("cpu"))
    real, z = torch.rand(6, 1, 28, 28) * 2 - 1, torch.randn(6, 100)
    gan.generator.eval(), gan.discriminator.eval()  # deterministic: no dropout, fixed BatchNorm statistics
    d_loss, g_loss = gan_losses(gan.discriminator(real), gan.discriminator(gan.generator(z)))
    d_loss.backward(inputs=list(gan.discriminator.parameters()), retain_graph=True)
    expected_d = [p.grad.clone() for p in gan.discriminator.parameters()]
    g_loss.backward(inputs=list(gan.generator.parameters()))
    expected_g = [p.grad.clone() for p in gan.generator.parameters()]
    for opt in (gan.opt_d, gan.opt_g):  # capture the gradients train_step hands to the optimizers
        opt.step = lambda: None
    train_step(gan, real, z)
    for p, g in zip(gan.discriminator.parameters(), expected_d):
        torch.testing.assert_close(p.grad, g)
    for p, g in zip(gan.generator.parameters(), expected_g):
        torch.testing.assert_close(p.grad, g)


def test_run_writes_history_samples_and_final_weights(tmp_path, tiny_fashion):
    history = train(TINY, tmp_path / "run", data_root=tiny_fashion, progress=False)
    assert history["finished"] and history["epochs_done"] == 2 and history["num_images"] == 200
    steps = -(-200 // 64)
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
    torch.testing.assert_close(models.generate(generator, z), samples[-1])  # samples come from the saved G


def test_fixed_noise_is_the_same_in_every_run():
    assert torch.equal(fixed_noise(TINY), fixed_noise(TINY))
    assert not torch.equal(fixed_noise(TINY), fixed_noise(replace(TINY, seed=4)))


def test_interrupted_run_resumes_at_the_next_epoch_and_ends_identical(tmp_path, tiny_fashion, monkeypatch):
    straight = train(TINY, tmp_path / "straight", data_root=tiny_fashion, progress=False)

    calls = {"n": 0}
    real_step = gan_module.train_step

    def interrupted_step(*args):
        calls["n"] += 1
        if calls["n"] == 5:  # inside epoch 2 (4 steps an epoch)
            raise KeyboardInterrupt
        return real_step(*args)

    monkeypatch.setattr(gan_module, "train_step", interrupted_step)
    with pytest.raises(KeyboardInterrupt):
        train(TINY, tmp_path / "resumed", data_root=tiny_fashion, progress=False)
    monkeypatch.setattr(gan_module, "train_step", real_step)
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
    assert training.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "epochs: run has 2, asked 3" in err and err.count("\n") == 1
    assert {p.name: p.read_bytes() for p in (tmp_path / "run").iterdir()} == before  # nothing overwritten


def test_device_errors_are_clear(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training.main(["--run-dir", str(tmp_path / "run"), "--device", "cuda"]) == 2
    assert capsys.readouterr().err.startswith("error: --device cuda was asked for, but PyTorch sees no CUDA GPU")
    assert not (tmp_path / "run").exists()
    with pytest.raises(DeviceError, match="no CUDA GPU"):
        pick_device("cuda")
    with pytest.raises(DeviceError, match="unknown device"):
        pick_device("tpu")
    assert pick_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("args, message", [
    (["--epochs", "x"], "expected an integer"),
    (["--epochs", "-3"], "expected an integer >= 1"),
    (["--seed", "-1"], "expected an integer >= 0"),
    (["--device", "tpu"], "invalid choice"),
])
def test_cli_rejects_bad_overrides(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        training.main(["--run-dir", str(tmp_path / "run"), *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "run").exists()  # nothing was written


@pytest.mark.skipif(runs.fcntl is None, reason="no flock on this system")
def test_a_run_held_by_another_process_is_refused_and_left_alone(tmp_path, tiny_fashion):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    stale = run_dir / ".checkpoint.pt.tmp"       # to another process, this is a write in progress
    stale.write_bytes(b"half a checkpoint")
    config = TrainConfig(epochs=1, limit=64, batch_size=32, eval_samples=0)
    with open(run_dir / runs.LOCK, "a") as handle:
        runs.fcntl.flock(handle, runs.fcntl.LOCK_EX | runs.fcntl.LOCK_NB)
        with pytest.raises(RunError, match="being trained by another process"):
            train(config, run_dir, data_root=tiny_fashion, progress=False)
        assert stale.exists() and not (run_dir / runs.CHECKPOINT).exists()
    train(config, run_dir, data_root=tiny_fashion, progress=False)   # lock released: it trains
    assert runs.read_history(run_dir)["finished"]

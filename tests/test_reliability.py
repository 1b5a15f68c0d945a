"""Faults injected into real training processes: SIGKILL at random moments and mid-write, Ctrl-C, damaged files.

A run that is killed and resumed, however often, must end bit-identical to one that ran straight through.
"""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from hw5.config import ROOT, TrainConfig
from hw5.train import loop, train
from hw5.train.rundir import CHECKPOINT, HISTORY, RunError, load_results, read_history

EPOCHS, LIMIT, BATCH = 3, 256, 32   # 8 steps an epoch: each process lives a few seconds
TIME_LIMIT = 300                   # seconds for any one process: a guard against a hang, not a speed test
# Every process with this one's thread count: bit-identity holds for one thread count, and a count read anew by
# each process from the CPUs it may use at that moment could differ between the processes of one test.
ENV = {**os.environ, "OMP_NUM_THREADS": str(torch.get_num_threads())}


def command(run_dir: Path, data_root: Path) -> list[str]:
    return [sys.executable, "-m", "hw5.train", "--run-dir", str(run_dir), "--data-root", str(data_root),
            "--epochs", str(EPOCHS), "--limit", str(LIMIT), "--batch-size", str(BATCH), "--seed", "7",
            "--eval-samples", "200", "--device", "cpu"]


def start(run_dir: Path, data_root: Path) -> subprocess.Popen:
    return subprocess.Popen(command(run_dir, data_root), cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_to_end(run_dir: Path, data_root: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command(run_dir, data_root), cwd=ROOT, env=ENV, capture_output=True, text=True,
                            timeout=TIME_LIMIT)
    assert result.returncode == 0, result.stderr
    return result


# The child process SIGKILLs itself halfway through its nth write of one file: a deterministic mid-write kill.
DIE_MID_WRITE = """
import io, os, signal, sys
import hw5.storage as storage
target, nth, seen, original = sys.argv[1], int(sys.argv[2]), [0], storage.atomic_write

def atomic_write(path, write):
    if path.name == target:
        seen[0] += 1
        if seen[0] == nth:
            def half_then_die(f):
                buffer = io.BytesIO()
                write(buffer)
                f.write(buffer.getvalue()[:len(buffer.getvalue()) // 2])
                f.flush()
                os.fsync(f.fileno())
                os.kill(os.getpid(), signal.SIGKILL)
            return original(path, half_then_die)
    return original(path, write)

storage.atomic_write = atomic_write
from hw5.train.__main__ import main
sys.exit(main(sys.argv[3:]))
"""


def kill_mid_write(run_dir: Path, data_root: Path, target: str, nth: int) -> str:
    """Run training that dies by SIGKILL halfway through its nth write of `target`; what stands under the
    target's name must still be a whole, loadable file (the previous version), never the half-written one."""
    result = subprocess.run([sys.executable, "-c", DIE_MID_WRITE, target, str(nth), *command(run_dir, data_root)[3:]],
                            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=TIME_LIMIT)
    if result.returncode == 0:
        return "finished before the write"
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert list(run_dir.glob(f".{target}.*.tmp")), "no half-written temporary file"
    if (run_dir / target).exists():
        torch.load(run_dir / target, weights_only=False)
    return f"killed halfway through writing {target} (write {nth})"


def kill_after(run_dir: Path, data_root: Path, seconds: float) -> str:
    process = start(run_dir, data_root)
    try:
        process.wait(timeout=seconds)
        return "finished before the kill"
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return f"killed after {seconds:.2f} s"


def final_state(run_dir: Path) -> dict:
    """Everything that must be identical: losses (first, so that a failure names the first step that differs),
    weights, optimizer states, samples and scores (not timings)."""
    checkpoint = torch.load(run_dir / CHECKPOINT, weights_only=False)
    history = read_history(run_dir)
    return {"d_loss_per_step": history["d_loss_per_step"], "g_loss_per_step": history["g_loss_per_step"],
            "epoch_means": [(e["d_loss"], e["g_loss"]) for e in history["epochs"]],
            "generator": checkpoint["generator"], "discriminator": checkpoint["discriminator"],
            "opt_g": checkpoint["opt_g"]["state"], "opt_d": checkpoint["opt_d"]["state"],
            "samples": checkpoint["samples"], "final_generator": torch.load(run_dir / "generator.pt"),
            "quality": [{k: v for k, v in q.items() if k != "seconds"} for q in history["quality"]],
            "quality_reference": history["quality_reference"]}


def assert_identical(a, b, where=""):
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_identical(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


@pytest.fixture(scope="module")
def straight_runs(tmp_path_factory, shared_tiny_fashion):
    """The same uninterrupted run twice, each process timed: the second, warm (imports compiled and cached),
    tells how long a process lives on this machine now, so that kills can be drawn inside that."""
    lifetimes, run_dirs = [], []
    for name in ("straight", "again"):
        run_dir = tmp_path_factory.mktemp(name) / "run"
        start_time = time.monotonic()
        run_to_end(run_dir, shared_tiny_fashion)
        lifetimes.append(time.monotonic() - start_time)
        run_dirs.append(run_dir)
    return run_dirs, min(lifetimes), shared_tiny_fashion


@pytest.fixture(scope="module")
def straight_run(straight_runs):
    (first, _), _, data_root = straight_runs
    return first, data_root


def test_same_seed_twice_gives_identical_runs(straight_runs):
    (first, again), _, _ = straight_runs
    assert_identical(final_state(first), final_state(again))


def test_killed_at_random_moments_and_resumed_ends_bit_identical(straight_runs, tmp_path):
    (first, _), lifetime, data_root = straight_runs
    run_dir = tmp_path / "killed"
    rng = random.Random(11)
    events = []
    # Kills drawn within 30-90% of a whole run's life (start-up included): the first process, which has the
    # whole run to do, is killed for sure; resumed ones have less left and may finish first.
    while len(events) < 8 and not events[-1:] == ["finished before the kill"]:
        events.append(kill_after(run_dir, data_root, rng.uniform(0.3, 0.9) * lifetime))
    run_to_end(run_dir, data_root)
    assert events[0].startswith("killed after"), events
    assert not list(run_dir.glob(".*.tmp"))
    assert_identical(final_state(first), final_state(run_dir))
    print("random kills:", events, "; sessions started at epochs",
          [s["start_epoch"] for s in read_history(run_dir)["sessions"]])


def test_killed_in_the_middle_of_writes_and_resumed_ends_bit_identical(straight_run, tmp_path):
    first, data_root = straight_run
    run_dir = tmp_path / "killed"
    events = [kill_mid_write(run_dir, data_root, CHECKPOINT, nth=2),       # epoch 1 saved, epoch 2's write cut
              kill_mid_write(run_dir, data_root, CHECKPOINT, nth=1),       # epoch 2 done again, its write cut
              kill_mid_write(run_dir, data_root, "generator.pt", nth=1),   # all epochs saved, results cut
              kill_mid_write(run_dir, data_root, "samples.pt", nth=1)]     # results cut later
    assert all(event.startswith("killed halfway") for event in events), events
    assert not read_history(run_dir)["finished"]
    assert "training epochs" not in run_to_end(run_dir, data_root).stderr   # nothing left to train
    history = read_history(run_dir)
    # sessions that trained are recorded: the 1st (epoch 1) and the 3rd (epochs 2-3); the last two only wrote
    # the results, so they record none (nor a "training epochs 4-3" line)
    assert [s["start_epoch"] for s in history["sessions"]] == [1, 2]
    assert not list(run_dir.glob(".*.tmp"))
    assert_identical(final_state(first), final_state(run_dir))


def test_ctrl_c_keeps_finished_epochs_and_a_rerun_resumes(straight_run, tmp_path):
    first, data_root = straight_run
    run_dir = tmp_path / "interrupted"
    process = start(run_dir, data_root)
    deadline = time.monotonic() + TIME_LIMIT
    while not (run_dir / HISTORY).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=TIME_LIMIT)
    done = read_history(run_dir)["epochs_done"]
    assert process.returncode == 130 and f"interrupted: {done} epochs are saved in" in err and "run the same command to resume" in err
    run_to_end(run_dir, data_root)
    assert read_history(run_dir)["sessions"][-1]["start_epoch"] == done + 1
    assert_identical(final_state(first), final_state(run_dir))


def files(run_dir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(run_dir.iterdir())}


def test_a_checkpoint_damaged_or_missing_is_one_clear_error_and_changes_no_file(shared_tiny_fashion, tmp_path,
                                                                                 monkeypatch, capsys):
    data_root = shared_tiny_fashion
    config = TrainConfig(epochs=3, limit=128, batch_size=64, eval_samples=0)
    run_dir = tmp_path / "run"
    steps = iter(range(100))
    real_step = loop.train_step

    def stop_in_epoch_two(*args):  # 2 steps an epoch: the third is in epoch 2, after epoch 1's checkpoint
        if next(steps) == 2:
            raise KeyboardInterrupt
        return real_step(*args)

    monkeypatch.setattr(loop, "train_step", stop_in_epoch_two)
    with pytest.raises(KeyboardInterrupt):
        train(config, run_dir, data_root=data_root, progress=False)
    monkeypatch.setattr(loop, "train_step", real_step)
    assert read_history(run_dir)["epochs_done"] == 1
    path = run_dir / CHECKPOINT
    good = path.read_bytes()
    for damage in (good[:len(good) // 2],                                             # truncated
                   good[:-100] + bytes(b ^ 0xFF for b in good[-100:]),                 # altered bytes
                   b"not a checkpoint"):
        path.write_bytes(damage)
        before = files(run_dir)
        with pytest.raises(RunError, match=f"checkpoint {path} is damaged.*delete it"):
            train(config, run_dir, data_root=data_root, progress=False)
        assert files(run_dir) == before  # reported, nothing overwritten
    path.unlink()   # 1 of 3 epochs done, and no checkpoint to resume from: training anew would lose it
    before = files(run_dir)
    from hw5.train.__main__ import main
    argv = ["--run-dir", str(run_dir), "--data-root", str(data_root), "--epochs", "3", "--limit", "128",
            "--batch-size", "64", "--eval-samples", "0"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {run_dir} has 1 of 3 epochs done but no checkpoint.pt to resume from: restore it")
    assert err.count("\n") == 1 and files(run_dir) == before


def test_damaged_results_are_reported(straight_run, tmp_path):
    first, _ = straight_run
    run_dir = tmp_path / "copy"
    run_dir.mkdir()
    for name in ("history.json", "generator.pt", "samples.pt"):
        (run_dir / name).write_bytes((first / name).read_bytes())
    (run_dir / "generator.pt").write_bytes((first / "generator.pt").read_bytes()[:1000])
    with pytest.raises(RunError, match="cannot be loaded.*restore them from git"):
        load_results(run_dir)
    (run_dir / "history.json").write_text('{"config": ')
    with pytest.raises(RunError, match="history.json cannot be read"):
        load_results(run_dir)


def test_unwritable_run_directory_is_one_clear_error(tmp_path, capsys, tiny_fashion):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    from hw5.train.__main__ import main
    assert main(["--run-dir", str(blocker / "run"), "--data-root", str(tiny_fashion), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write to run directory") and err.count("\n") == 1
    assert blocker.read_text() == "not a folder"

"""`make bench`: it times the training step and batches that training runs, and its numbers agree."""
import json

import pytest

from hw5.answers import gan
from hw5.appendix import bench


def test_bench_times_the_training_step_and_batches_and_prints_consistent_numbers(capsys, monkeypatch):
    calls = {"train_step": 0, "batches": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    # the bench must time the very functions training runs: count their calls through the gan module's names
    monkeypatch.setattr(bench, "train_step", counted("train_step", gan.train_step))
    monkeypatch.setattr(bench, "batches", counted("batches", gan.batches))
    assert bench.main(["--steps", "2", "--warmup", "1", "--device", "cpu"]) == 0
    assert calls == {"train_step": 1 + 2, "batches": 1}  # 1 warm-up step and 2 timed ones, in one epoch
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["img_per_s"] > 0 and last["baseline_img_per_s"] > 0
    assert last["speedup"] == pytest.approx(last["img_per_s"] / last["baseline_img_per_s"], rel=1e-2)
    assert isinstance(last["bf16_native"], bool) and last["cpu_capability"]
    assert last["hours_for_50_epochs"] == pytest.approx(50 * 60000 / last["img_per_s"] / 3600, rel=1e-2)

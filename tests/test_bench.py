import json

import pytest
import torch

from hw5 import bench, gan
from hw5.device import precision_name, resolve_precision


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
    assert bench.train_step is not gan.train_step and calls == {"train_step": 3 + 1, "batches": 1}  # + flop count
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["precision"] == precision_name(resolve_precision("auto", torch.device("cpu")))
    assert last["img_per_s"] > 0 and last["baseline_img_per_s"] > 0
    assert last["speedup"] == pytest.approx(last["img_per_s"] / last["baseline_img_per_s"], rel=1e-2)
    peak = last["peak_gflops_bf16"] if last["precision"] == "bfloat16" else last["peak_gflops_fp32"]
    assert last["fraction_of_peak"] == pytest.approx(last["img_per_s"] * last["gflop_per_img"] / peak, rel=1e-2)
    assert last["hours_for_50_epochs"] == pytest.approx(50 * 60000 / last["img_per_s"] / 3600, rel=1e-2)
    assert 0.3 < last["gflop_per_img"] < 0.7  # G forward ~0.1 GFLOP, D ~0.02, three passes' worth of each


def test_bench_imports_training_code_instead_of_copying_it():
    assert bench.train_step is gan.train_step and bench.batches is gan.batches and bench.build_gan is gan.build_gan

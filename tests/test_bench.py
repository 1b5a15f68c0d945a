import json

from hw5 import bench


def test_bench_prints_numbers_and_a_json_last_line(capsys):
    assert bench.main(["--steps", "2", "--warmup", "1", "--device", "cpu"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("img_per_s", "baseline_img_per_s", "speedup", "gflop_per_img", "peak_gflops_fp32",
                "peak_gflops_bf16", "fraction_of_peak", "precision", "device"):
        assert key in last
    assert last["img_per_s"] > 0 and last["baseline_img_per_s"] > 0
    assert 0.3 < last["gflop_per_img"] < 0.7  # G forward ~0.1 GFLOP, D ~0.02, three passes' worth of each

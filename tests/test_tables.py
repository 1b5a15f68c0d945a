"""The text tables the notebook prints."""
import re

import numpy as np
import pytest
import torch

from hw5.render import tables


def test_training_time_is_the_mean_epoch_times_the_epochs_beside_the_median():
    history = {"epochs_done": 3, "num_images": 1000,
               "epochs": [{"steps": 4, "seconds": s} for s in (3000.0, 3600.0, 5400.0)]}
    assert tables.training_time(history) == ("3 epochs x 4 steps on 1,000 images: 3.33 h of training, "
                                             "mean epoch 4000.0 s (median 3600.0 s)")


def test_sessions_table_names_each_session_with_its_epochs_code_commit_and_machine():
    session = {"device": "cpu", "device_name": "Xeon", "cpu_capability": "AVX512", "threads": 2,
               "precision": "fp32", "torch": "2.9.0"}
    history = {"epochs_done": 3,
               "sessions": [{**session, "start_epoch": 1, "commit": "a" * 40, "code": {"fingerprint": "f" * 16}},
                            {**session, "start_epoch": 3, "commit": None, "device": "cuda",
                             "device_name": "NVIDIA H200"}]}
    assert tables.sessions_table(history, {"fingerprint": "e" * 16}).splitlines() == [
        "epochs  code              commit   precision  torch          machine",
        "1-2     ffffffffffffffff  aaaaaaa  fp32       2.9.0          cpu: Xeon (AVX512, 2 threads)",
        "3-3     none              none     fp32       2.9.0          cuda: NVIDIA H200",
        "this checkout's training code: eeeeeeeeeeeeeeee"]


def test_quality_table_lists_the_reference_points_then_every_score_by_epoch():
    score = lambda epoch, fd: {"epoch": epoch, "frechet_distance": fd, "coverage": 0.5}
    reference = {"real_train_images": score(0, 1.0), "untrained_generator": score(0, 800.0)}
    run = {"config": {"eval_samples": 5000}, "quality_reference": reference,
           "quality": [score(1, 400.0), score(5, 300.0)]}
    info = {"test_accuracy": 0.9085, "epochs": 5, "seed": 0}
    lines = tables.quality_table(run, info).splitlines()
    assert lines[0] == "classifier: test accuracy 90.85% (5 epochs, seed 0); 5,000 images per score"
    assert lines[1].split() == ["reference,", "real", "training", "images:", "FD", "1.00,", "coverage", "0.500"]
    assert lines[2].split() == ["reference,", "untrained", "generator:", "FD", "800.00,", "coverage", "0.500"]
    assert [line.split() for line in lines[3:]] == [["epoch", "1", "5"], ["FD", "400.0", "300.0"],
                                                    ["coverage", "0.500", "0.500"]]


def test_layer_rows_count_every_parameter_and_restore_the_mode():
    from hw5.answers.models import Generator
    g = Generator(100)
    rows = tables.layer_rows(g, torch.zeros(2, 100))
    assert sum(count for *_, count in rows) == sum(p.numel() for p in g.parameters()) and g.training



def test_layer_table_gives_parameter_free_layers_that_keep_the_shape_the_row_before_them():
    from hw5.answers.models import Discriminator
    lines = tables.layer_table(Discriminator(), torch.zeros(1, 1, 28, 28)).splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "layer", "features.0-2 (Conv2d, LeakyReLU, Dropout)", "features.3-5 (Conv2d, LeakyReLU, Dropout)",
        "features.6 (Flatten)", "classify (Linear)", "total"]            # Flatten changes the shape: a row of its own
    assert lines[2].split()[-4:] == ["(128,", "7,", "7)", "204,928"] and lines[-1].split() == ["total", "212,865"]


def test_linear_stem_is_one_matrix_of_rank_100_and_would_see_a_non_linearity():
    from hw5.answers.models import Generator
    generator = Generator(100)
    numbers = lambda text: (int(re.search(r"rank (\d+)", text)[1]), float(re.search(r"error (\S+),", text)[1]))
    rank, error = numbers(tables.linear_stem(generator, 100))
    assert rank == 100 and error < 1e-12
    generator.project = torch.nn.Sequential(generator.project, torch.nn.LeakyReLU(0.3))   # the tutorial's order
    assert numbers(tables.linear_stem(generator, 100))[1] > 1e-3

def test_timing_table_gives_the_slope_between_consecutive_sizes_beside_the_counts_and_each_methods_spread():
    timing = {"d": [10, 100, 1000, 10000], "full softmax": [1e-6, 1e-6, 1e-5, 1e-4],
              "hierarchical softmax": [1e-6] * 4, "negative sampling": [2e-6, 3e-6, 2e-6, 4e-6],
              "work": {"full softmax": [10, 100, 1000, 10000], "hierarchical softmax": [2, 4, 8, 16],
                       "negative sampling": [11] * 4}}
    lines = tables.timing_table(timing).splitlines()
    assert lines[2].split() == ["10", "1.0", "1.0", "2.0"]
    assert lines[-5].split() == ["slopes", "+0.0", "+1.0", "+1.0", "+0.0", "+0.0", "+0.0", "+0.2", "-0.2", "+0.3"]
    assert lines[-4].split() == ["counts", "+1.0", "+1.0", "+1.0", "+0.3", "+0.3", "+0.3", "+0.0", "+0.0", "+0.0"]
    assert lines[-3].split() == ["max/min", "100.0", "1.0", "2.0"]
    assert "between consecutive sizes" in lines[-2]


def test_timing_tables_slopes_and_spread_follow_from_the_times_as_printed():
    """A reader dividing the printed times gets the printed max/min and slopes (here 52642.04 / 43.84 = 1200.8 but
    52642.0 / 43.8 = 1201.9)."""
    times = {"full softmax": [43.84, 116.94, 731.04, 52642.04], "importance sampling": [50.65, 51.26, 53.34, 55.04]}
    timing = {"d": [100, 1000, 10_000, 100_000], **{m: [us * 1e-6 for us in v] for m, v in times.items()},
              "work": {"full softmax": [100, 1000, 10_000, 100_000], "importance sampling": [11] * 4}}
    lines = tables.timing_table(timing).splitlines()
    printed = np.array([[float(x) for x in line.split()[1:]] for line in lines[2:6]])   # (sizes, methods), µs
    slopes = np.diff(np.log(printed), axis=0).T / np.log(10)                          # (methods, size steps)
    assert lines[1].split()[1:] == ["full", "softmax", "importance", "sampling"]
    assert lines[-5].split()[1:] == [f"{round(x, 1) + 0.0:+.1f}" for x in slopes.flatten()]
    assert lines[-3].split()[1:] == [f"{x:.1f}" for x in printed.max(0) / printed.min(0)] == ["1201.9", "1.1"]


def test_error_table_lists_each_check_with_its_largest_error():
    lines = tables.error_table("check", {"round trip": 1.5e-16, "Jacobian": 0.0}).splitlines()
    assert lines[0].split() == ["check", "max", "|error|"]
    assert lines[1].split() == ["round", "trip", "1.5e-16"] and lines[2].split() == ["Jacobian", "0.0e+00"]


def test_huffman_table_gives_mean_paths_near_the_entropy_not_log2_d():
    rows = [line.split() for line in tables.huffman_table((1000, 100_000)).splitlines()[1:]]
    assert [row[0] for row in rows] == ["1,000", "100,000"]
    assert all(float(row[3]) < float(row[1]) for row in rows)   # Zipf: shorter than a balanced tree's
    assert all(float(row[4].replace(",", "")) == pytest.approx(d / float(row[3]), rel=1e-3)
               for d, row in zip((1000, 100_000), rows))


def test_huffman_tables_speed_ups_are_d_over_the_paths_as_printed_and_as_they_are():
    """10,000 / 13.3 = 752, but 10,000 / log2 10,000 = 753: each derived column must follow from the column beside
    it, as printed, and be the exact ratio too (two readers, one answer)."""
    for row in (line.split() for line in tables.huffman_table().splitlines()[1:]):
        d = int(row[0].replace(",", ""))
        assert [row[2], row[4]] == [f"{d / float(row[1]):,.0f}", f"{d / float(row[3]):,.0f}"], row
        assert row[2] == f"{d / np.log2(d):,.0f}", row


def test_excess_power_table_reads_both_diagonals_and_names_the_strongest_frequency():
    ratio = torch.ones(28, 28, dtype=torch.float64)
    ratio[7, 21], ratio[14, 14] = 9.0, 3.0      # index 21 is frequency -7 across
    lines = tables.excess_power_table(ratio).splitlines()
    assert lines[2].split() == ["l", "=", "0", "l", "=", "7", "l", "=", "-7", "l", "=", "14"]
    assert lines[4].split()[3:] == ["1.0", "1.0", "9.0", "1.0"] and lines[5].split()[-1] == "3.0"
    assert lines[-1] == "strongest: 9.0 at k = 7, l = -7; median over all 783 frequencies: 1.00"


"""The text tables the notebook prints."""
import torch

from hw5.render import tables


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


def test_layer_rows_count_every_parameter_and_restore_the_mode():
    from hw5.answers.models import Generator
    g = Generator(100)
    rows = tables.layer_rows(g, torch.zeros(2, 100))
    assert sum(count for *_, count in rows) == sum(p.numel() for p in g.parameters()) and g.training



def test_timing_table_fits_the_slope_over_the_larger_sizes():
    timing = {"d": [10, 100, 1000, 10000], "full softmax": [1e-6, 1e-5, 1e-4, 1e-3],
              "hierarchical softmax": [1e-6] * 4, "negative sampling": [2e-6] * 4}
    lines = tables.timing_table(timing).splitlines()
    slopes = lines[-2].split()
    assert slopes[0] == "slope" and [abs(float(x)) for x in slopes[1:]] == [1.0, 0.0, 0.0]
    assert "d >= 1,000" in lines[-1]
    assert lines[2].split() == ["10", "1.0", "1.0", "2.0"]



def test_error_table_lists_each_check_with_its_largest_error():
    lines = tables.error_table("check", {"round trip": 1.5e-16, "Jacobian": 0.0}).splitlines()
    assert lines[0].split() == ["check", "max", "|error|"]
    assert lines[1].split() == ["round", "trip", "1.5e-16"] and lines[2].split() == ["Jacobian", "0.0e+00"]


def test_huffman_table_gives_mean_paths_near_the_entropy_not_log2_d():
    rows = [line.split() for line in tables.huffman_table((1000, 100_000)).splitlines()[1:]]
    assert [row[0] for row in rows] == ["1,000", "100,000"]
    assert all(float(row[3]) < float(row[1]) for row in rows)   # Zipf: shorter than a balanced tree's

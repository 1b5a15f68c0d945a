"""`python -m hw5.train`: its options, its errors (one line, nothing written), its output."""
import functools
import json

import pytest
import torch

from hw5.config import TrainConfig, as_record
from hw5.train import __main__ as cli, progress, provenance


def test_device_errors_are_one_line_and_write_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert cli.main(["--run-dir", str(tmp_path / "run"), "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --device cuda was asked for, but this PyTorch cannot use it") and err.count("\n") == 1
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("args, message", [
    (["--epochs", "x"], "invalid int value: 'x'"),
    (["--epochs", "-3"], "epochs must be an integer >= 1, got -3"),
    (["--seed", "-1"], "seed must be an integer >= 0, got -1"),
    (["--precision", "fp16"], "invalid choice: 'fp16'"),
    (["--device", "tpu"], "invalid choice"),
])
def test_cli_rejects_bad_overrides(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--run-dir", str(tmp_path / "run"), *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "run").exists()  # nothing was written


def test_progress_is_a_bar_within_an_epoch_and_a_line_per_epoch_on_stderr(tmp_path, tiny_fashion, capsys,
                                                                          monkeypatch):
    # tqdm redraws at most every 0.1 s: steps faster than that would skip the full bar; here it draws every step
    monkeypatch.setattr(progress, "tqdm", functools.partial(progress.tqdm, mininterval=0))
    argv = ["--run-dir", str(tmp_path / "run"), "--data-root", str(tiny_fashion), "--epochs", "2",
            "--limit", "64", "--batch-size", "32", "--eval-samples", "0"]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out)   # one JSON line: the final losses (and scores, here turned off)
    assert summary["epochs"] == 2 and summary["d_loss"] > 0 and "frechet_distance" not in summary
    lines = [line.split("\r")[-1] for line in err.split("\n") if line]   # as a terminal shows them
    assert lines[0].startswith("training epochs 1-2 on 64 images")
    assert [line.split(":")[0] for line in lines[1:3]] == ["epoch 1/2", "epoch 2/2"] and "to go" in lines[1]
    assert lines[3].startswith("trained 2 epochs in") and len(lines) == 4
    bar = [line for line in err.split("\n")[2].split("\r") if line.startswith("epoch 2/2: ")]
    assert len(bar) >= 2 and "100%" in bar[-2]   # within epoch 2, a bar redrawn in place until it is full


def test_show_prints_a_finished_run_and_never_trains(tmp_path, tiny_fashion, capsys):
    argv = ["--run-dir", str(tmp_path / "run"), "--data-root", str(tiny_fashion), "--epochs", "1",
            "--limit", "64", "--batch-size", "32", "--eval-samples", "50"]
    assert cli.main([*argv, "--show"]) == 2 and not (tmp_path / "run").exists()
    assert "run holds no run: restore it from git, or train it" in capsys.readouterr().err
    assert cli.main(argv) == 0
    trained = capsys.readouterr().out
    assert cli.main([*argv, "--show"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == json.loads(trained) and shown["frechet_distance"] > shown["reference_real_train_images"]


def test_a_run_begun_by_other_training_code_is_not_resumed(tmp_path, capsys):
    code = provenance.code_fingerprint()
    other = {"fingerprint": "0" * 16, "files": {**code["files"], "hw5/answers/gan.py": "0" * 16}}
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    history = {"config": as_record(TrainConfig()), "finished": False, "epochs_done": 3,
               "sessions": [{"start_epoch": 1, "code": other, "commit": None}]}
    (run_dir / "history.json").write_text(json.dumps(history))
    assert cli.main(["--run-dir", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert "holds a run begun by other training code (session 1 (from epoch 1) ran other code in hw5/answers/gan.py)" in err
    assert "delete it to train anew" in err and sorted(p.name for p in run_dir.iterdir()) == ["history.json"]

"""A run directory: a changed config names the make target that fixes it; a foreign history is refused; a run's
provenance (which sessions the training code at HEAD did not train)."""
import re
from pathlib import Path

import pytest
import torch

from hw5.config import ROOT, RUN_DIR, TrainConfig, as_record
from hw5.train import rundir
from hw5.train.rundir import RunError


@pytest.mark.parametrize("run_dir, fix", [(RUN_DIR, "`make retrain`"), (Path("runs/dcgan"), "`make retrain`"),
                                          (Path("runs/try"), "--run-dir")])
def test_a_changed_config_names_what_to_run(monkeypatch, run_dir, fix):
    monkeypatch.chdir(ROOT)   # a relative --run-dir is relative to the working directory
    message = r"holds a run of another configuration \(lr: run has 0.0001, asked 0.001\): .*" + re.escape(fix)
    with pytest.raises(RunError, match=message):
        rundir.check_config(run_dir, as_record(TrainConfig()), TrainConfig(lr=1e-3))


@pytest.mark.parametrize("content", ['{"config": ', '[1, 2]', '{"epochs": []}'])
def test_a_foreign_history_is_refused_with_one_clear_error(tmp_path, content):
    (tmp_path / "history.json").write_text(content)
    with pytest.raises(RunError, match="history.json cannot be read.*restore it from git, or delete"):
        rundir.read_history(tmp_path, TrainConfig())
    assert (tmp_path / "history.json").read_text() == content


def session(commit, dirty=False, start_epoch=1) -> dict:
    return {"start_epoch": start_epoch, "commit": commit, "dirty": dirty}


def test_a_run_is_stale_unless_every_session_ran_clean_at_heads_training_code():
    head, first = rundir.git("rev-parse", "HEAD"), rundir.git("rev-list", "--max-parents=0", "HEAD")
    assert rundir.stale_sessions({"sessions": [session(head), session(head, start_epoch=20)]}) == []
    reasons = rundir.stale_sessions({"sessions": [
        session(head), session(head, True, 5), session(None, None, 9), session(first, start_epoch=12),
        session("0" * 40, start_epoch=30)]})
    assert [reason.split(" (")[0] for reason in reasons] == ["session 2", "session 3", "session 4", "session 5"]
    assert "with changed training code" in reasons[0] and "outside a git checkout" in reasons[1]
    assert f"trained at {first[:7]}, whose training code differs" in reasons[2] and "hw5/answers/gan.py" in reasons[2]
    assert "commit not in this checkout" in reasons[3]


def test_dirty_means_changed_training_code_not_an_advanced_checkpoint(tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    rundir.git("clone", "--quiet", "--shared", str(ROOT), str(clone))
    monkeypatch.setattr(rundir, "ROOT", clone)
    record = lambda: rundir.session_record(1, torch.device("cpu"), "fp32")
    assert record()["commit"] == rundir.git("rev-parse", "HEAD") and record()["dirty"] is False
    with open(clone / "runs" / "dcgan" / "history.json", "a") as history:   # training advanced a tracked run
        history.write(" ")
    assert record()["dirty"] is False
    with open(clone / "hw5" / "answers" / "gan.py", "a") as code:
        code.write("# changed\n")
    assert record()["dirty"] is True and record()["device_name"] and record()["cpu_capability"]

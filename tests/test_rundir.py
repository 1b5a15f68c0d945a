"""A run directory: a changed config names the make target that fixes it; a foreign history is refused."""
import re
from pathlib import Path

import pytest

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

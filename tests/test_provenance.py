"""Which code trained a run: the fingerprint of the executed training code (stable under comments, docstrings,
line endings and Python versions, changed by any executed line), the committed run's recorded fingerprints, and
the one check the build, the tests and `python -m hw5.train` ask (nothing trains to answer it)."""
import hashlib
import json
import subprocess

import pytest
import torch

from hw5.config import ROOT, RUN_DIR, TrainConfig, as_record
from hw5.train import provenance, rundir
from hw5.train.provenance import code_fingerprint, source_fingerprint
from hw5.train.rundir import RunError

SOURCE = '''"""A module."""
import torch  # the only import

SLOPE = 0.3   # a constant


def f(x):
    """Doubled, then α-scaled."""
    return 2 * x * SLOPE  # inline
'''


def test_the_fingerprint_is_a_fixed_function_of_the_executed_code():
    # fixed values: a change of method (what is cut, how lines are joined, the hash) shows here
    digest = lambda text: hashlib.sha256(text.encode()).hexdigest()[:16]
    executed = "import torch\nSLOPE = 0.3\ndef f(x):\n    return 2 * x * SLOPE"
    assert source_fingerprint(SOURCE) == "6be130b697f86d7c" == digest(executed)
    selected = "def f(x):\n    return 2 * x * SLOPE\nSLOPE = 0.3"   # in the order asked
    assert source_fingerprint(SOURCE, ("f", "SLOPE")) == "1c6d0b6694a5534c" == digest(selected)


@pytest.mark.parametrize("edit", [
    lambda s: s.replace("\n", "\r\n"),                                        # a Windows checkout
    lambda s: s.replace("# the only import", "# torch, nothing else"),
    lambda s: s.replace('"""Doubled, then α-scaled."""', '"""Twice x, times the slope ü."""'),
    lambda s: s.replace('"""A module."""\n', ""),
    lambda s: s.replace("\n\n\ndef f", "\n# a new comment line\n\n\n\ndef f"),
    lambda s: s.replace("  # inline", "   "),
])
def test_comments_docstrings_blank_lines_and_line_endings_change_nothing(edit):
    assert edit(SOURCE) != SOURCE and source_fingerprint(edit(SOURCE)) == source_fingerprint(SOURCE)


@pytest.mark.parametrize("edit", [
    lambda s: s.replace("0.3", "0.2"), lambda s: s.replace("2 * x", "3 * x"),
    lambda s: s.replace("import torch", "import torch as th"), lambda s: s + "print('loaded')\n",
])
def test_any_executed_change_changes_it(edit):
    assert source_fingerprint(edit(SOURCE)) != source_fingerprint(SOURCE)


def test_a_selection_of_definitions_sees_only_those():
    names = ("f", "SLOPE")
    assert source_fingerprint(SOURCE.replace("torch", "numpy"), names) == source_fingerprint(SOURCE, names)
    assert source_fingerprint(SOURCE.replace("2 * x", "3 * x"), names) != source_fingerprint(SOURCE, names)
    assert source_fingerprint(SOURCE, ("f", "g")) != source_fingerprint(SOURCE, ("f",))   # a missing one counts


def test_the_training_files_hold_every_name_their_fingerprint_selects():
    for path, names in provenance.TRAINING_CODE.items():
        lines, tree = provenance.executed_lines((ROOT / path).read_text())
        defined = {name for node in tree.body for name in provenance.defined_names(node)}
        assert names is None or set(names) <= defined, path


def test_the_committed_runs_fingerprints_are_those_of_the_files_at_its_commits(committed_run):
    """Its sessions predate fingerprints: theirs were computed from the files at their clean commits."""
    for session in committed_run["sessions"]:
        commit = session["commit"]
        try:
            provenance.git("cat-file", "-e", f"{commit}^{{commit}}")
        except (OSError, subprocess.CalledProcessError):
            pytest.skip(f"commit {commit[:7]} is not in this checkout (a shallow clone, a ZIP): the fingerprints "
                        f"recorded for it cannot be recomputed here")
        assert not session["dirty"] and commit[:7] in session["code_note"]
        assert session["code"] == code_fingerprint(lambda path: provenance.git("show", f"{commit}:{path}"))
    assert all(session["code"] == code_fingerprint() for session in committed_run["sessions"])


def fake_run(run_dir, code: dict, finished: bool = True, config: dict | None = None, epochs_done: int = 7):
    run_dir.mkdir()
    history = {"config": config or as_record(TrainConfig()), "finished": finished, "num_images": 60_000,
               "epochs_done": epochs_done, "epochs": [{"seconds": 3600.0}] * epochs_done,
               "sessions": [{"start_epoch": 1, "code": code, "commit": None, "device_name": "Xeon", "threads": 2}]}
    (run_dir / "history.json").write_text(json.dumps(history))
    return run_dir


def other(path: str = "hw5/answers/models.py") -> dict:
    """This checkout's fingerprint with one file's changed: a run of other code."""
    code = code_fingerprint()
    return {"fingerprint": "0" * 16, "files": {**code["files"], path: "0" * 16}}


def test_a_run_of_other_code_is_refused_naming_the_files_and_its_own_hours(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.optim.Adam, "step", lambda *a: pytest.fail("trained"))
    stale = fake_run(tmp_path / "stale", other())
    message = (r"was not trained by the training code in this checkout \(session 1 \(from epoch 1\) ran other code "
               r"in hw5/answers/models.py\): `make retrain` trains it anew; it took 7.0 hours of training at 17 "
               r"images/s on Xeon \(2 threads\); `make bench` measures this machine")
    with pytest.raises(RunError, match=message):
        provenance.check_shown(stale, tmp_path / "no-retrain")
    no_code = fake_run(tmp_path / "old", None)
    with pytest.raises(RunError, match="session 1 recorded no fingerprint of its code"):
        provenance.check_shown(no_code, tmp_path / "no-retrain")
    with pytest.raises(RunError, match="holds no run: restore it from git, or `make retrain`"):
        provenance.check_shown(tmp_path / "empty", tmp_path / "no-retrain")
    provenance.check_shown(fake_run(tmp_path / "fresh", code_fingerprint()), tmp_path / "no-retrain")   # no error


def test_a_retrain_under_way_is_one_by_this_code_unfinished_and_checkpointed(tmp_path):
    retrain = fake_run(tmp_path / "retrain", code_fingerprint(), finished=False)
    assert provenance.retrain_under_way(retrain) is None   # no checkpoint to resume from
    (retrain / rundir.CHECKPOINT).write_bytes(b"")
    assert provenance.retrain_under_way(retrain) == f"retrain under way in {retrain}: 7 of 50 epochs done"
    for name, kind in (("other-code", dict(code=other(), finished=False)),
                       ("finished", dict(code=code_fingerprint(), finished=True)),   # to be swapped in
                       ("other-config", dict(code=code_fingerprint(), finished=False,
                                             config={**as_record(TrainConfig()), "epochs": 5}))):
        run = fake_run(tmp_path / name, **kind)
        (run / rundir.CHECKPOINT).write_bytes(b"")
        assert provenance.retrain_under_way(run) is None, name


def test_while_a_retrain_is_under_way_the_build_waits_for_it(tmp_path):
    retrain = fake_run(tmp_path / "retrain", code_fingerprint(), finished=False)
    (retrain / rundir.CHECKPOINT).write_bytes(b"")
    stale = fake_run(tmp_path / "stale", other())
    with pytest.raises(RunError, match=r"retrain under way in .*: 7 of 50 epochs done; .* `make retrain` resumes"):
        provenance.check_shown(stale, retrain)
    with pytest.raises(RunError, match=r"retrain under way in .*: 7 of 50 epochs done"):
        provenance.check_shown(tmp_path / "no-run-yet", retrain)
    finished = fake_run(tmp_path / "finished", code_fingerprint())
    with pytest.raises(RunError, match=r"the retrain in .*finished is finished: `make retrain` swaps it into"):
        provenance.check_shown(stale, finished)


def test_a_session_records_its_codes_fingerprint_with_or_without_git(monkeypatch):
    record = provenance.session_record(1, torch.device("cpu"), "fp32")
    assert record["code"] == code_fingerprint() and record["device_name"] and record["cpu_capability"]
    assert rundir.session_record(1, torch.device("cpu"), "fp32")["code"] == record["code"]   # as the loop calls it
    monkeypatch.setattr(provenance, "git", lambda *a: (_ for _ in ()).throw(OSError("no git")))
    assert provenance.session_record(1, torch.device("cpu"), "fp32")["commit"] is None   # a ZIP: no commit


def test_the_committed_run_is_this_checkouts_whatever_git_holds(committed_run, monkeypatch):
    monkeypatch.setattr(provenance, "git", lambda *a: (_ for _ in ()).throw(OSError("no git")))
    provenance.check_shown(RUN_DIR, ROOT / "no-retrain")   # no error: the files, not the history, decide

"""The notebook's mode (HW5_SMOKE, read by Python only; Make passes it on) and what follows from it: the committed
run, loaded and refused unless the training code in this checkout trained it."""
import json

import matplotlib
import pytest

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402

from hw5.config import TrainConfig, as_record  # noqa: E402
from hw5.render import notebook, pdf  # noqa: E402
from hw5.train import rundir  # noqa: E402
from hw5.train.rundir import RunError  # noqa: E402


@pytest.mark.parametrize("value, smoke", [("", False), ("0", False), ("false", False), ("False", False),
                                          (" FALSE ", False), ("1", True), ("yes", True), ("True", True)])
def test_hw5_smoke_is_read_one_way_and_picks_the_build(monkeypatch, value, smoke):
    monkeypatch.setenv("HW5_SMOKE", value)
    assert notebook.smoke_mode() is smoke
    from hw5.render.pdf import build_paths
    assert (build_paths()[1] == notebook.SMOKE_DIR / "hw5.pdf") is smoke   # where the build goes: Python decides


def test_smoke_mode_works_in_a_scratch_folder_on_a_tiny_run(monkeypatch):
    monkeypatch.setenv("HW5_SMOKE", "1")
    mode = notebook.notebook_mode()
    assert mode.smoke and mode.config.epochs == 2 and "hw5-smoke-" in str(mode.run_dir)


def test_a_figure_saved_at_two_moments_is_the_same_pdf(tmp_path, monkeypatch):
    fig, ax = plt.subplots()
    ax.plot([1, 3, 2])
    saved = []
    for moment in ("1000000000", "2000000000"):   # matplotlib dates a PDF from SOURCE_DATE_EPOCH when it is set
        monkeypatch.setenv("SOURCE_DATE_EPOCH", moment)
        saved.append(notebook.save_figure(fig, tmp_path / f"{moment}.pdf").read_bytes())
    plt.close(fig)
    assert saved[0] == saved[1] and saved[0].startswith(b"%PDF")


def test_full_mode_loads_the_committed_run_and_never_trains(monkeypatch, committed_run):
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    monkeypatch.setattr(notebook, "train", lambda *a, **k: (_ for _ in ()).throw(AssertionError("trained")))
    history, generator, samples = notebook.the_run(notebook.notebook_mode())
    assert history["finished"] and not generator.training and len(samples) == history["epochs_done"]


def fake_run(run_dir, commit: str, finished: bool = True, config: dict | None = None):
    run_dir.mkdir()
    history = {"config": config or {}, "finished": finished, "num_images": 60_000, "epochs_done": 7,
               "sessions": [{"start_epoch": 1, "commit": commit, "dirty": False}]}
    (run_dir / "history.json").write_text(json.dumps(history))
    return run_dir


def test_a_retrain_under_way_is_one_by_this_code_unfinished_and_checkpointed(tmp_path):
    head, first = rundir.git("rev-parse", "HEAD"), rundir.git("rev-list", "--max-parents=0", "HEAD")
    assignment = as_record(TrainConfig())
    retrain = fake_run(tmp_path / "retrain", head, finished=False, config=assignment)
    assert notebook.retrain_under_way(retrain) is None   # no checkpoint to resume from
    (retrain / rundir.CHECKPOINT).write_bytes(b"")
    assert notebook.retrain_under_way(retrain) == f"retrain under way in {retrain}: 7 of 50 epochs done"
    for name, other in (("other-code", dict(commit=first, finished=False, config=assignment)),
                        ("finished", dict(commit=head, finished=True, config=assignment)),   # to be swapped in
                        ("other-config", dict(commit=head, finished=False, config={**assignment, "epochs": 5}))):
        run = fake_run(tmp_path / name, **other)
        (run / rundir.CHECKPOINT).write_bytes(b"")
        assert notebook.retrain_under_way(run) is None


def test_while_a_retrain_is_under_way_the_build_waits_for_it(tmp_path, monkeypatch, capsys):
    head, first = rundir.git("rev-parse", "HEAD"), rundir.git("rev-list", "--max-parents=0", "HEAD")
    retrain = fake_run(tmp_path / "retrain", head, finished=False, config=as_record(TrainConfig()))
    (retrain / rundir.CHECKPOINT).write_bytes(b"")
    stale = fake_run(tmp_path / "stale", first)
    with pytest.raises(RunError, match=r"retrain under way in .*: 7 of 50 epochs done; .* `make retrain` resumes"):
        notebook.check_trained_here(stale, retrain)
    with pytest.raises(RunError, match=r"retrain under way in .*: 7 of 50 epochs done"):
        notebook.check_trained_here(tmp_path / "no-run-yet", retrain)
    finished = fake_run(tmp_path / "finished", head, finished=True, config=as_record(TrainConfig()))
    with pytest.raises(RunError, match=r"the retrain in .*finished is finished: `make retrain` swaps it into"):
        notebook.check_trained_here(stale, finished)
    monkeypatch.setattr(pdf, "RUN_DIR", stale)
    monkeypatch.setattr(pdf, "RETRAIN_DIR", retrain)
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    monkeypatch.setattr(pdf, "execute", lambda *a: (_ for _ in ()).throw(AssertionError("built")))
    assert pdf.main(["execute"]) == 1 and "7 of 50 epochs done" in capsys.readouterr().err


def test_a_run_the_checkouts_training_code_did_not_train_is_refused_with_what_to_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(notebook, "project_images_per_second", lambda *a, **k: 600.0)   # as if timed
    first = rundir.git("rev-list", "--max-parents=0", "HEAD")
    stale = fake_run(tmp_path / "stale", first)
    with pytest.raises(RunError, match=rf"trained at {first[:7]}.*`make retrain` trains it anew, about 1\.4 hours"):
        notebook.check_trained_here(stale, tmp_path / "no-retrain")
    monkeypatch.setattr(pdf, "RUN_DIR", stale)   # `make notebook` and `make pdf` refuse it, in one line
    monkeypatch.setattr(pdf, "RETRAIN_DIR", tmp_path / "no-retrain")
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    monkeypatch.setattr(pdf, "execute", lambda *a: (_ for _ in ()).throw(AssertionError("built")))
    assert pdf.main(["execute"]) == 1 and "`make retrain`" in capsys.readouterr().err
    notebook.check_trained_here(fake_run(tmp_path / "fresh", rundir.git("rev-parse", "HEAD")))   # no error
    with pytest.raises(RunError, match="holds no run"):
        notebook.check_trained_here(tmp_path / "empty", tmp_path / "no-retrain")
    monkeypatch.setattr(rundir, "git", lambda *a: (_ for _ in ()).throw(OSError("no git")))
    notebook.check_trained_here(stale)   # without git there is nothing to compare with

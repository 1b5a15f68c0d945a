"""The notebook's mode (HW5_SMOKE, read by Python only; Make passes it on) and what follows from it: the committed
run, loaded and refused unless the training code in this checkout trained it."""
import matplotlib
import pytest

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402

from hw5.render import notebook, pdf  # noqa: E402
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


def test_make_notebook_and_make_pdf_refuse_what_provenance_refuses_in_one_line(monkeypatch, capsys):
    def refuse(*paths):
        raise RunError("runs/dcgan was not trained by the training code in this checkout (...)")
    monkeypatch.setattr(pdf, "check_shown", refuse)
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    monkeypatch.setattr(pdf, "execute", lambda *a: pytest.fail("built"))
    for command in ("execute", "pdf"):
        assert pdf.main([command]) == 1
        assert capsys.readouterr().err == "error: runs/dcgan was not trained by the training code in this checkout (...)\n"
    monkeypatch.setattr(notebook, "check_shown", refuse)
    with pytest.raises(RunError, match="not trained by"):
        notebook.the_run(notebook.notebook_mode())

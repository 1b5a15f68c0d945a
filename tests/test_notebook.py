"""The notebook's mode and what follows from it."""
from dataclasses import replace

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402

from hw5.render import notebook  # noqa: E402


def test_full_mode_never_trains_the_missing_fp32_twin(tmp_path, monkeypatch):
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    monkeypatch.setattr(notebook, "train", lambda *a, **k: (_ for _ in ()).throw(AssertionError("trained")))
    mode = replace(notebook.notebook_mode(), fp32_run_dir=tmp_path / "absent")
    assert not mode.smoke and notebook.fp32_twin(mode) is None and not (tmp_path / "absent").exists()


def test_full_mode_loads_the_committed_fp32_twin(monkeypatch):
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    twin = notebook.fp32_twin(notebook.notebook_mode())
    assert twin["finished"] and twin["config"]["precision"] == "fp32"


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

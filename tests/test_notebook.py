"""The notebook's mode and what follows from it."""
from dataclasses import replace

import pytest

from hw5 import notebook
from hw5.config import TrainConfig


def test_full_mode_never_trains_the_missing_fp32_twin(tmp_path, monkeypatch):
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    monkeypatch.setattr(notebook, "train", lambda *a, **k: (_ for _ in ()).throw(AssertionError("trained")))
    mode = replace(notebook.notebook_mode(), fp32_run_dir=tmp_path / "absent")
    assert not mode.smoke and notebook.fp32_twin(mode) is None and not (tmp_path / "absent").exists()


def test_full_mode_loads_the_committed_fp32_twin(monkeypatch):
    monkeypatch.delenv("HW5_SMOKE", raising=False)
    twin = notebook.fp32_twin(notebook.notebook_mode())
    assert twin["finished"] and twin["config"]["precision"] == "fp32"


def test_grid_epochs_are_the_assignments_for_50_and_scaled_otherwise():
    assert notebook.grid_epochs(TrainConfig().epochs) == [10, 30, 50]
    assert notebook.grid_epochs(2) == [1, 2]
    assert notebook.progression_epochs(50) == [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]


def test_source_shows_the_package_code_with_its_constants_and_files():
    from hw5 import gan, models
    text = notebook.Source(models, "DROPOUT", "BN", models.Discriminator, gan.gan_losses).text
    assert text.startswith("# hw5/models.py\n") and "\n# hw5/gan.py\ndef gan_losses(" in text
    assert "DROPOUT = 0.3" in text and "\nBN = dict(momentum=0.01, eps=1e-3)" in text
    assert "# Keras' BatchNormalization" in text          # the comment above a constant comes with it
    assert "class Discriminator(nn.Module):" in text and text.count("# hw5/models.py") == 1
    assert "\\PY{k}{class}" in notebook.Source(models.Generator)._repr_latex_()   # highlighted for the PDF
    with pytest.raises(ValueError, match="assigns no NOTHING"):
        notebook.Source(models, "NOTHING")

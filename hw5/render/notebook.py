"""The notebook's mode (the full assignment run, or with HW5_SMOKE a smoke run; the variable is read here and
nowhere else) and what follows from it; its figures' style and saving."""
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from ..answers.models import Generator
from ..config import ROOT, RUN_DIR, TrainConfig
from ..storage import atomic_write
from ..train import train
from ..train.provenance import check_shown
from ..train.rundir import History, load_results

FIGURES_DIR = ROOT / "figures"           # each figure of the notebook as a file, and the README's picture
SMOKE_DIR = ROOT / "build" / "smoke"     # the smoke build's notebook and PDF


@dataclass(frozen=True)
class NotebookMode:
    config: TrainConfig
    run_dir: Path        # the run the notebook shows (the_run)
    figures_dir: Path    # where the notebook saves its figures
    smoke: bool


def smoke_mode() -> bool:
    """HW5_SMOKE set to anything but '', '0' or 'false' (any case): every cell then runs in about a minute, on a
    tiny run in a temporary folder, and the build goes to SMOKE_DIR (the Makefile leaves it to this)."""
    return os.environ.get("HW5_SMOKE", "").strip().lower() not in ("", "0", "false")


def notebook_mode() -> NotebookMode:
    """The full assignment run, or with HW5_SMOKE=1 a tiny one in a temporary folder (never the committed files)."""
    if not smoke_mode():
        return NotebookMode(TrainConfig(), RUN_DIR, FIGURES_DIR, smoke=False)
    scratch = Path(tempfile.mkdtemp(prefix="hw5-smoke-"))
    tiny = replace(TrainConfig(), epochs=2, limit=1024, eval_samples=1000)
    return NotebookMode(tiny, scratch / "run", scratch / "figures", True)


def the_run(mode: NotebookMode) -> tuple[History, Generator, torch.Tensor]:
    """The run the write-up shows, as rundir.load_results gives it: in full mode the committed run, never trained
    here, refused unless this checkout's training code trained it (provenance.check_shown); in smoke mode a tiny
    run, trained first."""
    if mode.smoke:
        train(mode.config, mode.run_dir, progress=False)   # a minute: no progress lines on the page
    else:
        check_shown(mode.run_dir)
    return load_results(mode.run_dir)


def use_notebook_style() -> None:
    """Inline figures as PNG for the browser and PDF for the write-up (nbconvert's LaTeX prefers the PDF)."""
    from matplotlib_inline.backend_inline import set_matplotlib_formats
    set_matplotlib_formats("png", "pdf")
    plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 200, "font.size": 9, "axes.titlesize": 10,
                         "axes.spines.top": False, "axes.spines.right": False,
                         "pdf.fonttype": 42})  # embed TrueType text in PDF figures, not Type 3


def save_figure(fig, path: Path, dpi: float | None = None) -> Path:
    """Save a figure, atomically; the format follows the suffix (.pdf for vector, .png for raster, at `dpi`). A PDF
    gets no creation date, so the same figure gives the same bytes on every rebuild."""
    path = Path(path)
    metadata = {"CreationDate": None} if path.suffix == ".pdf" else None
    return atomic_write(path, lambda f: fig.savefig(f, format=path.suffix[1:], bbox_inches="tight",
                                                    metadata=metadata, dpi=dpi or "figure"))

"""The notebook's mode (the full assignment run, or with HW5_SMOKE a smoke run; the variable is read here and
nowhere else) and what follows from it; its figures' style and saving."""
import os
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from ..answers.models import Generator
from ..appendix.bench import project_images_per_second
from ..config import RETRAIN_DIR, ROOT, RUN_DIR, TrainConfig, as_record, pick_device, shown
from ..storage import atomic_write
from ..train import rundir, train
from ..train.rundir import History, RunError, load_results, read_history

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
    here, refused unless this checkout's training code trained it; in smoke mode a tiny run, trained first."""
    if mode.smoke:
        train(mode.config, mode.run_dir, progress=False)   # a minute: no progress lines on the page
    else:
        check_trained_here(mode.run_dir)
    return load_results(mode.run_dir)


def check_trained_here(run_dir: Path, retrain_dir: Path = RETRAIN_DIR) -> None:
    """A RunError unless the training code in this checkout trained the run in run_dir (rundir.stale_sessions):
    while that code's retrain in retrain_dir is under way, or finished and not yet swapped in, one that says so;
    otherwise one naming `make retrain` and its time on this machine. Nothing to check outside a git checkout."""
    try:
        rundir.git("rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        return
    history = read_history(run_dir)
    reasons = ["it holds no run"] if history is None else rundir.stale_sessions(history)
    if reasons and (under_way := retrain_under_way(retrain_dir)):
        raise RunError(f"{under_way}; {shown(run_dir)} is not this training code's run: `make retrain` resumes the "
                       f"retrain, and swaps the run in when it is finished")
    retrain = read_history(retrain_dir)
    if reasons and retrain and retrain["finished"] and not rundir.stale_sessions(retrain):
        raise RunError(f"the retrain in {shown(retrain_dir)} is finished: `make retrain` swaps it into "
                       f"{shown(run_dir)}")
    if history is None:
        raise RunError(f"{shown(run_dir)} holds no run: restore it from git, or `make retrain`")
    if reasons:
        config, device = TrainConfig(), pick_device()
        images = config.epochs * history["num_images"]
        hours = images / project_images_per_second(config, device, steps=6, warmup=2) / 3600
        raise RunError(f"{shown(run_dir)} was not trained by the training code in this checkout "
                       f"({'; '.join(reasons)}): `make retrain` trains it anew, about {hours:.1f} hours on this "
                       f"machine ({device}, timed over 6 steps)")


def retrain_under_way(retrain_dir: Path = RETRAIN_DIR) -> str | None:
    """'retrain under way in runs/dcgan-new: k of 50 epochs done' while retrain_dir holds an unfinished,
    checkpointed run of TrainConfig() that only this checkout's training code trained; None otherwise."""
    history = read_history(retrain_dir)
    if (history is None or history["finished"] or history["config"] != as_record(TrainConfig())
            or not (retrain_dir / rundir.CHECKPOINT).exists() or rundir.stale_sessions(history)):
        return None
    return (f"retrain under way in {shown(retrain_dir)}: {history['epochs_done']} of "
            f"{history['config']['epochs']} epochs done")


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

"""The notebook's mode (the full assignment run, or a smoke run), the choices that follow from it, and the
package's source code shown on the page."""
import inspect
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .config import GRID_EPOCHS, TrainConfig, smoke, smoke_mode
from .paths import DEFAULT_RUN_DIR, FIGURES_DIR, FP32_RUN_DIR, shown
from .runs import History, finished_history
from .train import train


@dataclass(frozen=True)
class NotebookMode:
    config: TrainConfig
    run_dir: Path        # a finished run of `config` here is loaded, anything else is trained or resumed
    fp32_run_dir: Path   # the same run in plain fp32 (precision="fp32"), for comparison
    figures_dir: Path    # where the notebook saves its figures
    smoke: bool


def notebook_mode() -> NotebookMode:
    """The full assignment run, or with HW5_SMOKE=1 a tiny one in a temporary folder (the committed run and
    figures are never touched by a smoke run)."""
    if not smoke_mode():
        return NotebookMode(TrainConfig(), DEFAULT_RUN_DIR, FP32_RUN_DIR, FIGURES_DIR, smoke=False)
    scratch = Path(tempfile.mkdtemp(prefix="hw5-smoke-"))
    return NotebookMode(smoke(TrainConfig()), scratch / "run", scratch / "run-fp32", scratch / "figures",
                        smoke=True)


def fp32_twin(mode: NotebookMode) -> History | None:
    """The run's plain-fp32 twin: in smoke mode trained (seconds); in full mode loaded if it is there, never
    trained unasked (over an hour on a CPU): None when it is missing (`make retrain-fp32` makes it)."""
    config = replace(mode.config, precision="fp32")
    if mode.smoke:
        return train(config, mode.fp32_run_dir, progress=False)
    return finished_history(mode.fp32_run_dir, config)


def grid_epochs(epochs: int) -> list[int]:
    """The assignment's epochs 10, 30, 50, scaled to a run of `epochs` epochs (identical for 50)."""
    return sorted({max(1, round(e * epochs / TrainConfig().epochs)) for e in GRID_EPOCHS})


def progression_epochs(epochs: int, columns: int = 11) -> list[int]:
    """About `columns` epochs spread over the run, always with the first and the last: 1, 5, 10, ..., 50."""
    step = max(1, round(epochs / (columns - 1)))
    return sorted({1, epochs, *range(step, epochs + 1, step)})


class Source:
    """The source code of functions and classes of the package, for the page: read from the package when the
    cell runs (the page shows exactly the code that trains, never a copy), syntax-highlighted in Jupyter and,
    one size smaller than the text, in the PDF. A comment line names each object's file."""

    def __init__(self, *objects):
        parts, last_file = [], None
        for obj in objects:
            file = shown(Path(inspect.getsourcefile(obj)))
            header = f"# {file}\n" if file != last_file else ""
            parts.append(header + inspect.getsource(obj).rstrip())
            last_file = file
        self.text = "\n\n".join(parts) + "\n"

    def _repr_html_(self) -> str:
        from IPython.display import Code
        return Code(self.text, language="python")._repr_html_()

    def _repr_latex_(self) -> str:
        from pygments import highlight
        from pygments.formatters import LatexFormatter
        from pygments.lexers import PythonLexer
        return highlight(self.text, PythonLexer(), LatexFormatter(verboptions=r"fontsize=\small"))

    def __repr__(self) -> str:
        return self.text

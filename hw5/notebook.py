"""The notebook's mode (the full assignment run, or a smoke run), the choices that follow from it, and the
package's source code shown on the page."""
import ast
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
    """The source code of functions, classes and module constants of the package, for the page: read from the
    package when the cell runs (the page shows exactly the code that trains, never a copy), syntax-highlighted
    in Jupyter and, one size smaller than the text, in the PDF. A comment line names each piece's file.
    Arguments: functions and classes; or a module followed by the names of its constants, e.g.
    Source(models, "DROPOUT", models.Discriminator)."""

    def __init__(self, *parts):
        pieces, module = [], None   # (module, source, is a constant)
        for part in parts:
            if inspect.ismodule(part):
                module = part
            elif isinstance(part, str):
                pieces.append((module, constant_source(module, part), True))
            else:
                pieces.append((inspect.getmodule(part), inspect.getsource(part).rstrip(), False))
        text, last, last_constant = "", None, False
        for owner, source, constant in pieces:
            if text:
                text += "\n" if constant and last_constant else "\n\n"   # constants stay together
            if owner is not last:
                text += f"# {shown(Path(inspect.getsourcefile(owner)))}\n"
            text += source
            last, last_constant = owner, constant
        self.text = text + "\n"

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


def constant_source(module, name: str) -> str:
    """The lines of `module` that assign `name` at top level, with the comment lines right above them."""
    lines = inspect.getsource(module).splitlines()
    for node in ast.parse("\n".join(lines)).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            first = node.lineno - 1
            while first > 0 and lines[first - 1].lstrip().startswith("#"):
                first -= 1
            return "\n".join(lines[first:node.end_lineno])
    raise ValueError(f"{module.__name__} assigns no {name} at top level")

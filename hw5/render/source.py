"""The package's source code on the page: functions, classes and module constants, read from the package when
the cell runs, so the page shows exactly the code that trains, never a copy."""
import ast
import inspect
from pathlib import Path

from IPython.display import Code
from pygments import highlight
from pygments.formatters import LatexFormatter
from pygments.lexers import PythonLexer

from ..config import shown

SMALL = 9   # points: LaTeX's \small beside the 10 pt text
FITS = 104  # characters a code line holds: the 482 pt text width / 4.61 pt (DejaVu Sans Mono: 0.602 em × 9 pt × 0.85)


class Source:
    """Highlighted in Jupyter and, a size below the text, in the PDF, each function or class on one page under a comment
    naming its file. Arguments: functions and classes, or a module then names of its constants: Source(models, "BN")."""

    def __init__(self, *parts):
        self.pieces = []   # what the page keeps together: a function or class, its file's name, constants
        module, last_owner, last_constant = None, None, False
        for part in parts:
            if inspect.ismodule(part):
                module = part
                continue
            constant = isinstance(part, str)
            owner = module if constant else inspect.getmodule(part)
            text = constant_source(module, part) if constant else inspect.getsource(part).rstrip()
            if last_constant and owner is last_owner:   # constants stay with what follows them
                self.pieces[-1] += ("\n" if constant else "\n\n") + text
            else:
                header = f"# {shown(Path(inspect.getsourcefile(owner)))}\n" if owner is not last_owner else ""
                self.pieces.append(header + text)
            last_owner, last_constant = owner, constant
        self.text = "\n\n".join(self.pieces) + "\n"

    def _repr_html_(self) -> str:
        return Code(self.text, language="python")._repr_html_()

    def _repr_latex_(self) -> str:
        def boxed(piece: str) -> str:
            # a line over FITS shrinks its piece, never wraps; minipages never break, and no piece is near a page long
            size = SMALL * min(1, FITS / max(map(len, piece.splitlines())))
            font = rf"fontsize=\fontsize{{{size:.2f}}}{{{1.15 * size:.2f}}}\selectfont"
            code = highlight(piece, PythonLexer(), LatexFormatter(verboptions=font))
            return rf"\par\noindent\begin{{minipage}}{{\linewidth}}{code}\end{{minipage}}\par\medskip"
        return "\n".join(map(boxed, self.pieces))

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

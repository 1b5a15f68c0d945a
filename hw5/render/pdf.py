"""hw5.ipynb -> executed notebook -> writeup/hw5.pdf (nbconvert, XeLaTeX, our template), each written atomically;
a glyph missing from the fonts is an error (XeLaTeX only logs it).

    python -m hw5.render.pdf execute   # run all cells of hw5.ipynb, saved in place (smoke mode: build/smoke/)
    python -m hw5.render.pdf pdf       # render the executed notebook to writeup/hw5.pdf (smoke: build/smoke/)
"""
import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.exporters.pdf import LatexFailed, PDFExporter
from traitlets.config import Config

from ..config import ROOT
from ..storage import atomic_write
from ..train.provenance import check_shown
from ..train.rundir import RunError
from .notebook import SMOKE_DIR, smoke_mode

KERNEL = "hw5"  # the project's kernel, registered in .venv by `make`
TEMPLATE = ROOT / "writeup" / "hw5.tex.j2"
MISSING_GLYPH = re.compile(r"Missing character: There is no (.+?) in font (.+?)!")
PLACEHOLDER_NAME = "Student Name"  # the name in hw5.ipynb's first cell until the student puts theirs (README)
# the first cell's title block: "# Title", "**Name:** ...", "**Collaborators:** ...", a line each
TITLE_LINE = re.compile(r"^(?:# (?P<title>.*)|\*\*(?P<field>Name|Collaborators):\*\*(?P<value>.*))\n?", re.M)
WIDGET = "application/vnd.jupyter.widget-view+json"   # an output that shows a live widget
PDF_CONFIG = {   # nbconvert's settings: our template, without prompts or the cells tagged to leave out
    "TemplateExporter": dict(exclude_input_prompt=True, exclude_output_prompt=True,
                             extra_template_paths=[str(TEMPLATE.parent)], template_file=TEMPLATE.name),
    "TagRemovePreprocessor": dict(enabled=True, remove_input_tags=("hide-input",), remove_cell_tags=("hide-in-pdf",))}


class WriteupError(RuntimeError):
    """The notebook could not be executed or rendered; the message says why and what to do."""


def execute(notebook: Path, output: Path, kernel: str = KERNEL) -> Path:
    """Run every cell top to bottom (as "Run All" does) and save the executed notebook atomically."""
    nb = nbformat.read(notebook, as_version=4)
    try:
        NotebookClient(nb, timeout=None, kernel_name=kernel, record_timing=False,
                       resources={"metadata": {"path": str(Path(notebook).resolve().parent)}}).execute()
    except CellExecutionError as err:
        raise WriteupError(f"a cell of {notebook} failed; {output} is left as it was:\n{err}") from err
    for cell in nb.cells:   # progress bars are live widgets (tqdm in Jupyter): nothing to keep once done
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if WIDGET not in o.get("data", {})]
    nb.metadata.pop("widgets", None)
    return atomic_write(output, lambda f: f.write(nbformat.writes(nb).encode()))


def build_paths() -> tuple[Path, Path]:
    """(executed notebook, PDF): the committed ones, or in smoke mode copies under build/smoke/."""
    if smoke_mode():
        return SMOKE_DIR / "hw5.ipynb", SMOKE_DIR / "hw5.pdf"
    return ROOT / "hw5.ipynb", ROOT / "writeup" / "hw5.pdf"


class CheckedPDFExporter(PDFExporter):
    """nbconvert's PDF exporter that reads XeLaTeX's log and refuses to pass over missing glyphs."""

    def run_latex(self, filename, *args, **kwargs):
        done = super().run_latex(filename, *args, **kwargs)
        log = Path(filename).with_suffix(".log")
        missing = sorted(set(MISSING_GLYPH.findall(log.read_text(errors="replace")))) if log.exists() else []
        if missing:
            raise WriteupError("the PDF would lack glyphs: " + "; ".join(f"{c} in {f}" for c, f in missing))
        return done


def title_block(nb) -> tuple[dict[str, str], str]:
    """The notebook's first cell split in two: its title, name and collaborators (keys "title", "name",
    "collaborators"; a line the student deleted is missing), and the rest of the cell."""
    source = nb.cells[0].source
    fields = {m["field"].lower() if m["field"] else "title": (m["value"] if m["field"] else m["title"]).strip()
              for m in TITLE_LINE.finditer(source)}
    return fields, TITLE_LINE.sub("", source).strip()


def placeholder_warning(nb) -> str | None:
    """A warning while the name in the notebook's first cell is missing or the placeholder (the PDF is built all the
    same)."""
    name = title_block(nb)[0].get("name", "")
    if name and name != PLACEHOLDER_NAME:
        return None
    return (f"warning: the PDF's name is {name or 'missing'!r}: put yours on the line \"**Name:**\" at the top of "
            f"hw5.ipynb, its first cell (README.md)\n")


def render_pdf(notebook: Path, pdf: Path) -> Path:
    """Render an executed notebook to PDF through nbconvert (`--to pdf`) with the project's template."""
    missing = [tool for tool in ("xelatex", "pandoc") if shutil.which(tool) is None]
    if missing:
        raise WriteupError(f"{' and '.join(missing)} not found, needed for the PDF: install the Debian packages of "
                           f"tools/system-packages.txt (`make` does this on Debian/Ubuntu), or TeX Live with XeLaTeX, "
                           f"pandoc and the DejaVu fonts elsewhere")
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    title, nb.cells[0].source = title_block(nb)   # the template sets the title block; the cell keeps the rest
    try:
        body, _ = CheckedPDFExporter(config=Config(PDF_CONFIG)).from_notebook_node(
            nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.resolve().parent)},
                           "title_block": title})
    except LatexFailed as err:
        raise WriteupError(f"XeLaTeX failed on {notebook}; {pdf} is left as it was. Its log ends:\n"
                           + "\n".join(err.output.splitlines()[-30:])) from err
    return atomic_write(pdf, lambda f: f.write(body))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw5.render.pdf",
                                     description="Run all cells of hw5.ipynb (execute), or render it to PDF (pdf).")
    parser.add_argument("command", choices=("execute", "pdf"))
    args = parser.parse_args(argv)
    executed, pdf = build_paths()
    try:
        if not smoke_mode():   # the committed run, only if the code on the page trained it
            check_shown()
        if args.command == "execute":
            print(f"executed {execute(ROOT / 'hw5.ipynb', executed)}")
        else:
            print(f"wrote {render_pdf(executed, pdf)}")
            print(placeholder_warning(nbformat.read(executed, as_version=4)) or "", end="", file=sys.stderr)
    except (WriteupError, RunError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

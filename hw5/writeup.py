"""hw5.ipynb -> executed notebook -> writeup/hw5.pdf (nbconvert's PDF exporter, XeLaTeX, our template).

    python -m hw5.writeup execute NOTEBOOK [--output EXECUTED]
    python -m hw5.writeup pdf NOTEBOOK PDF

The PDF fails loudly when a glyph is missing from the fonts (XeLaTeX only logs that), and every output file is
written atomically, so an interrupted build leaves the previous good file in place.
"""
import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

from .paths import ROOT
from .storage import atomic_write

KERNEL = "hw5"  # the project's kernel, registered in .venv by `make`
TEMPLATE = ROOT / "writeup" / "hw5.tex.j2"
SYSTEM_PACKAGES = ROOT / "tools" / "system-packages.txt"   # what `make system` installs on Debian/Ubuntu
MISSING_GLYPH = re.compile(r"Missing character: There is no (.+?) in font (.+?)!")
PLACEHOLDER_AUTHOR = "Student Name"  # hw5.ipynb's metadata "authors" until the student sets it (README)


class WriteupError(RuntimeError):
    """The notebook could not be executed or rendered; the message says why and what to do."""


def execute(notebook: Path, output: Path, kernel: str = KERNEL) -> Path:
    """Run every cell top to bottom (as "Run All" does) and save the executed notebook atomically."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=None, kernel_name=kernel, record_timing=False,
                            resources={"metadata": {"path": str(Path(notebook).resolve().parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        raise WriteupError(f"a cell of {notebook} failed; {output} is left as it was:\n{err}") from err
    return atomic_write(output, lambda f: f.write(nbformat.writes(nb).encode()))


def system_packages() -> list[str]:
    lines = (line.strip() for line in SYSTEM_PACKAGES.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def check_tools() -> None:
    missing = [tool for tool in ("xelatex", "pandoc") if shutil.which(tool) is None]
    if missing:
        raise WriteupError(f"{' and '.join(missing)} not found, needed for the PDF: install the Debian packages "
                           f"{' '.join(system_packages())} (`make` does this on Debian/Ubuntu), or TeX Live with "
                           f"XeLaTeX, pandoc and the DejaVu fonts elsewhere")


def pdf_exporter():
    from nbconvert import PDFExporter
    from traitlets.config import Config

    class CheckedPDFExporter(PDFExporter):
        """nbconvert's PDF exporter that reads XeLaTeX's log and refuses to pass over missing glyphs."""

        def run_latex(self, filename, *args, **kwargs):
            done = super().run_latex(filename, *args, **kwargs)
            log = Path(filename).with_suffix(".log")
            missing = sorted(set(MISSING_GLYPH.findall(log.read_text(errors="replace")))) if log.exists() else []
            if missing:
                raise WriteupError("the PDF would lack glyphs: " + "; ".join(f"{c} in {f}" for c, f in missing))
            return done

    config = Config()
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = ("hide-input",)
    config.TagRemovePreprocessor.remove_cell_tags = ("hide-in-pdf",)
    config.TemplateExporter.extra_template_paths = [str(TEMPLATE.parent)]
    config.TemplateExporter.template_file = TEMPLATE.name
    return CheckedPDFExporter(config=config)


def placeholder_warning(nb) -> str | None:
    """A warning while the notebook's author is still the placeholder (the PDF is built all the same)."""
    names = [author.get("name", "") for author in nb.metadata.get("authors", [])]
    if names and all(name and name != PLACEHOLDER_AUTHOR for name in names):
        return None
    return (f"warning: the PDF's author is {', '.join(names) or 'missing'!r}: put your name in hw5.ipynb's "
            f"metadata, \"authors\" (README.md, \"Your name and collaborators\")")


def render_pdf(notebook: Path, pdf: Path) -> Path:
    """Render an executed notebook to PDF through nbconvert (`--to pdf`) with the project's template."""
    from nbconvert.exporters.pdf import LatexFailed

    check_tools()
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    try:
        body, _ = pdf_exporter().from_notebook_node(
            nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.resolve().parent)}})
    except LatexFailed as err:
        raise WriteupError(f"XeLaTeX failed on {notebook}; {pdf} is left as it was. Its log ends:\n"
                           + "\n".join(err.output.splitlines()[-30:])) from err
    return atomic_write(pdf, lambda f: f.write(body))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw5.writeup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("execute", help="run all cells and save the executed notebook")
    run.add_argument("notebook", type=Path)
    run.add_argument("--output", type=Path, help="default: overwrite NOTEBOOK")
    pdf = commands.add_parser("pdf", help="render an executed notebook to PDF")
    pdf.add_argument("notebook", type=Path)
    pdf.add_argument("pdf", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "execute":
            print(f"executed {execute(args.notebook, args.output or args.notebook)}")
        else:
            print(f"wrote {render_pdf(args.notebook, args.pdf)}")
            warning = placeholder_warning(nbformat.read(args.notebook, as_version=4))
            if warning:
                print(warning, file=sys.stderr)
    except WriteupError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

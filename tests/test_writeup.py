"""The notebook end to end in smoke mode, and its PDF."""
import re
import subprocess

import nbformat
import pytest

from hw5 import writeup
from hw5.paths import FIGURES_DIR, ROOT

QUESTION_HEADINGS = ("Question 1: Reversible block", "Question 2: Practical skip-gram",
                     "Question 3: DCGAN on FashionMNIST")


@pytest.fixture(scope="module")
def smoke_build(tmp_path_factory):
    """hw5.ipynb executed with HW5_SMOKE=1 (nbclient), then rendered to PDF; built once for the module."""
    out = tmp_path_factory.mktemp("smoke")
    mp = pytest.MonkeyPatch()
    mp.setenv("HW5_SMOKE", "1")
    try:
        notebook = writeup.execute(ROOT / "hw5.ipynb", out / "hw5.ipynb")
    finally:
        mp.undo()
    pdf = writeup.render_pdf(notebook, out / "hw5.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return nbformat.read(notebook, as_version=4), pdf, text


def test_every_cell_ran_in_smoke_mode_and_drew_its_figures(smoke_build):
    nb, _, _ = smoke_build
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert "mode: SMOKE" in "".join(o.get("text", "") for o in code[0].outputs)
    saved = re.findall(r'save_figure\(fig, mode\.figures_dir / "([a-z_0-9]+\.pdf)"\)', "".join(c.source for c in code))
    assert sorted(saved) == sorted(p.name for p in FIGURES_DIR.glob("*.pdf"))   # the committed figures, each once
    shown = [c for c in code if any("application/pdf" in o.get("data", {}) for o in c.outputs)]
    assert [c.source.count("save_figure(") for c in shown] == [1] * len(saved)  # each displayed, as vector PDF
    assert all("execution" not in c.metadata for c in code)  # no timing metadata saved


def test_pdf_has_each_question_on_its_own_page_and_no_missing_glyphs(smoke_build):
    _, pdf, text = smoke_build
    pages = text.split("\f")
    for heading in QUESTION_HEADINGS:
        starts = [i for i, page in enumerate(pages) if heading in page]
        assert starts, heading
        assert pages[starts[0]].lstrip().startswith(heading), f"{heading} does not start its page"
    assert "\ufffd" not in text
    assert "ETA" not in text  # no progress-bar lines


def test_notebook_names_title_author_and_collaborators():
    nb = nbformat.read(ROOT / "hw5.ipynb", as_version=4)
    assert nb.metadata["title"] and nb.metadata["authors"][0]["name"]
    assert "Collaborators:" in nb.cells[0].source
    assert nb.metadata["kernelspec"]["name"] == writeup.KERNEL


def test_missing_tex_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(writeup.shutil, "which", lambda tool: None)
    target = tmp_path / "hw5.pdf"
    target.write_bytes(b"the previous PDF")
    with pytest.raises(writeup.WriteupError, match="xelatex and pandoc not found.*texlive-xetex"):
        writeup.render_pdf(ROOT / "hw5.ipynb", target)
    assert target.read_bytes() == b"the previous PDF"


def test_a_figure_saved_at_two_moments_is_the_same_pdf(tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    from hw5.storage import save_figure

    fig, ax = plt.subplots()
    ax.plot([1, 3, 2])
    saved = []
    for moment in ("1000000000", "2000000000"):   # matplotlib dates a PDF from SOURCE_DATE_EPOCH when it is set
        monkeypatch.setenv("SOURCE_DATE_EPOCH", moment)
        saved.append(save_figure(fig, tmp_path / f"{moment}.pdf").read_bytes())
    plt.close(fig)
    assert saved[0] == saved[1] and saved[0].startswith(b"%PDF")

"""The notebook end to end in smoke mode, and its PDF: the assignment's parts in order, the graded code on the
page, the extras after them."""
import re
import subprocess

import nbformat
import pytest

from hw5.config import ROOT
from hw5.render import pdf as writeup
from hw5.render.notebook import FIGURES_DIR

QUESTIONS = ("Question 1: Reversible block", "Question 2: Practical skip-gram", "Question 3: DCGAN on FashionMNIST")
# every part under the assignment's own letter, in the assignment's order, then the extras
PARTS = ("Question 1: Reversible block", "(a) The inverse", "(b) The Jacobian", "(c) The determinant",
         "Question 2: Practical skip-gram", "(a) The gradient and its running time", "(b) From a depth-1 tree",
         "(c) The gradient as a weighted average", "Question 3: DCGAN on FashionMNIST", "(a) Data",
         "(b) Discriminator", "(c) Generator", "(d) Loss and optimizer", "(e) Training for 50 epochs",
         "(f) Loss curves", "Appendix: beyond the assignment", "References")
APPENDIX = "Appendix: beyond the assignment"
REQUIRED_PAGES = 13
APPENDIX_PAGES = 5   # then the references
TOTAL_PAGES = 19
STUDENT = "Ada Lovelace"   # the smoke build's name, put in place of the placeholder as a student would


def pdf_pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@pytest.fixture(scope="module")
def smoke_build(tmp_path_factory):
    """hw5.ipynb executed with HW5_SMOKE=1 (nbclient), then named and rendered to PDF; built once for the module."""
    out = tmp_path_factory.mktemp("smoke")
    mp = pytest.MonkeyPatch()
    mp.setenv("HW5_SMOKE", "1")
    try:
        notebook = writeup.execute(ROOT / "hw5.ipynb", out / "hw5.ipynb")
    finally:
        mp.undo()
    named = nbformat.read(notebook, as_version=4)   # a student's one edit: the name in the first cell
    named.cells[0].source = named.cells[0].source.replace(writeup.PLACEHOLDER_NAME, STUDENT)
    nbformat.write(named, notebook)
    pdf = writeup.render_pdf(notebook, out / "hw5.pdf")
    return nbformat.read(notebook, as_version=4), pdf, pdf_pages(pdf)


def test_every_cell_ran_in_smoke_mode_and_drew_its_figures(smoke_build):
    nb, _, _ = smoke_build
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert code[0].metadata["tags"] == ["setup", "hide-input"] and code[0].outputs == []   # set-up: not on the page
    saved = re.findall(r'save_figure\(fig, mode\.figures_dir / "([a-z_0-9]+\.pdf)"\)', "".join(c.source for c in code))
    assert sorted(saved) == sorted(p.name for p in FIGURES_DIR.glob("*.pdf"))   # the committed figures, each once
    shown = [c for c in code if any("application/pdf" in o.get("data", {}) for o in c.outputs)]
    assert [c.source.count('.pdf")') for c in shown] == [1] * len(saved)    # each displayed, as vector PDF
    assert all("execution" not in c.metadata for c in code)  # no timing metadata saved


def test_pdf_has_the_assignments_parts_in_order_each_question_on_its_own_page(smoke_build):
    _, _, pages = smoke_build
    text = "\f".join(pages)
    at = 0
    for part in PARTS:   # each found after the one before it: all there, in order
        at = text.find(part, at)
        assert at != -1, f"{part} missing or out of order"
    for heading in (*QUESTIONS, APPENDIX):
        page = next(page for page in pages if heading in page)
        assert page.lstrip().startswith(heading), f"{heading} does not start its page"
    assert "\ufffd" not in text and "↪" not in text  # no missing glyphs, no code line too long for the page
    assert "to go" not in text  # no progress lines


def test_the_graded_code_is_on_the_page_under_its_part(smoke_build):
    _, _, pages = smoke_build
    text = "\f".join(pages)
    part = lambda heading: text.index(heading)
    code = {"class Discriminator(nn.Module):": ("(b) Discriminator", "(c) Generator"),
            "class Generator(nn.Module):": ("(c) Generator", "(d) Loss and optimizer"),
            "def gan_losses(": ("(d) Loss and optimizer", "(e) Training for 50 epochs"),
            "def train_step(gan: GAN": ("(e) Training for 50 epochs", "(f) Loss curves"),
            "def seed_rngs(config: TrainConfig": ("(e) Training for 50 epochs", "(f) Loss curves"),
            "def train(config: TrainConfig": ("(e) Training for 50 epochs", "(f) Loss curves")}
    for definition, (start, end) in code.items():
        assert part(start) < text.find(definition) < part(end), definition


def test_pdf_title_block_is_the_first_cells_title_name_and_collaborators_once(smoke_build):
    nb, _, pages = smoke_build
    front = pages[0]
    fields, _ = writeup.title_block(nb)
    assert fields["name"] == STUDENT and front.lstrip().startswith(fields["title"])
    for line in (STUDENT, f"Collaborators: {fields['collaborators']}"):
        assert front.count(line) == 1, line   # in the title block, and not again in the cell's text below it
    assert "Sources:" in front and "import" not in front   # the set-up cell's imports stay off the page
    text = "\f".join(pages)
    for instruction in (writeup.PLACEHOLDER_NAME, "Edit this line", "mode:", "run directory:", "README"):
        assert instruction not in text, instruction


def test_the_committed_pdf_answers_in_13_pages_then_5_of_appendix_and_the_references():
    pages = [page for page in pdf_pages(ROOT / "writeup" / "hw5.pdf") if page.strip()]
    appendix = next(i for i, page in enumerate(pages) if page.lstrip().startswith(APPENDIX))
    references = next(i for i, page in enumerate(pages) if re.search(r"^\s*References$", page, flags=re.M))
    assert appendix <= REQUIRED_PAGES   # 0-based: the required part ends on page 13 at the latest
    assert all(any(page.lstrip().startswith(q) for page in pages[:appendix]) for q in QUESTIONS)
    appendix_pages = references - appendix + (not pages[references].lstrip().startswith("References"))
    assert appendix_pages <= APPENDIX_PAGES
    assert len(pages) <= TOTAL_PAGES


def test_the_first_cell_holds_title_name_and_collaborators_and_nothing_else_does():
    nb = nbformat.read(ROOT / "hw5.ipynb", as_version=4)
    fields, rest = writeup.title_block(nb)
    assert fields.keys() == {"title", "name", "collaborators"} and all(fields.values())
    assert fields["name"] == writeup.PLACEHOLDER_NAME and rest.startswith("**Sources:**")
    assert "authors" not in nb.metadata and "title" not in nb.metadata   # one place for each
    assert nb.metadata["kernelspec"]["name"] == writeup.KERNEL


def test_the_title_block_is_split_off_the_first_cell_whatever_the_student_left():
    cell = "# Homework\n\n**Name:**  Ada Lovelace \n\n**Collaborators:** Alan Turing (Q2).\n\n**Sources:** notes."
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(cell)])
    assert writeup.title_block(nb) == ({"title": "Homework", "name": "Ada Lovelace",
                                        "collaborators": "Alan Turing (Q2)."}, "**Sources:** notes.")
    nb.cells[0].source = "**Sources:** notes."
    assert writeup.title_block(nb) == ({}, "**Sources:** notes.")


def test_a_placeholder_or_missing_name_is_warned_about_and_a_real_one_is_not():
    nb = nbformat.read(ROOT / "hw5.ipynb", as_version=4)
    placeholder = nb.cells[0].source
    assert "put yours on the line \"**Name:**\"" in writeup.placeholder_warning(nb)
    nb.cells[0].source = placeholder.replace(writeup.PLACEHOLDER_NAME, STUDENT)
    assert writeup.placeholder_warning(nb) is None
    nb.cells[0].source = placeholder.replace(f"**Name:** {writeup.PLACEHOLDER_NAME}", "")
    assert "name is 'missing'" in writeup.placeholder_warning(nb)


def test_missing_tex_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(writeup.shutil, "which", lambda tool: None)
    target = tmp_path / "hw5.pdf"
    target.write_bytes(b"the previous PDF")
    with pytest.raises(writeup.WriteupError, match="xelatex and pandoc not found.*tools/system-packages.txt"):
        writeup.render_pdf(ROOT / "hw5.ipynb", target)
    assert target.read_bytes() == b"the previous PDF"

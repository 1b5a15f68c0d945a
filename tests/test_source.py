"""The package's code on the page: read from the package, with its constants, files and highlighting."""
import re
from pathlib import Path

import pytest

from hw5.answers import data, gan, models
from hw5.render.source import FITS, SMALL, Source


def test_source_shows_the_package_code_with_its_constants_and_files():
    text = Source(models, "DROPOUT", "BN", models.Discriminator, gan.gan_losses).text
    assert text.startswith("# hw5/answers/models.py\n") and "\n# hw5/answers/gan.py\ndef gan_losses(" in text
    assert "DROPOUT = 0.3" in text and "\nBN = dict(momentum=0.01, eps=1e-3)" in text
    lines = Path(models.__file__).read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("BN = "))
    comment = [line for line in lines[at - 2:at] if line.startswith("# ")]
    assert len(comment) == 2 and "\n".join(comment + [lines[at]]) in text   # the comment above a constant comes too
    assert "class Discriminator(nn.Module):" in text and text.count("# hw5/answers/models.py") == 1
    assert "\\PY{k}{class}" in Source(models.Generator)._repr_latex_()   # highlighted for the PDF
    with pytest.raises(ValueError, match="assigns no NOTHING"):
        Source(models, "NOTHING")


def test_each_piece_stays_on_one_page_in_the_pdf():
    source = Source(models, "BN", models.Generator, models.init_like_keras, gan.gan_losses)
    assert [piece.splitlines()[0] for piece in source.pieces] == [
        "# hw5/answers/models.py", "def init_like_keras(model: nn.Module) -> None:", "# hw5/answers/gan.py"]
    assert "class Generator(nn.Module):" in source.pieces[0]           # the constant stays with what follows it
    latex = source._repr_latex_()
    assert latex.count(r"\begin{minipage}") == latex.count(r"\begin{Verbatim}") == 3   # minipages never break


def test_only_a_piece_with_a_line_too_long_for_the_page_is_set_smaller():
    source = Source(gan.batches, data.load_images)
    short, long = (max(map(len, piece.splitlines())) for piece in source.pieces)
    assert short <= FITS < long
    sizes = [float(size) for size in re.findall(r"\\fontsize\{([0-9.]+)\}", source._repr_latex_())]
    assert sizes == [SMALL, pytest.approx(SMALL * FITS / long, abs=0.01)]

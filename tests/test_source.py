"""The package's code on the page: read from the package, with its constants, files and highlighting."""
import pytest

from hw5.answers import gan, models
from hw5.render.source import Source


def test_source_shows_the_package_code_with_its_constants_and_files():
    text = Source(models, "DROPOUT", "BN", models.Discriminator, gan.gan_losses).text
    assert text.startswith("# hw5/answers/models.py\n") and "\n# hw5/answers/gan.py\ndef gan_losses(" in text
    assert "DROPOUT = 0.3" in text and "\nBN = dict(momentum=0.01, eps=1e-3)" in text
    assert "# Keras' BatchNormalization" in text          # the comment above a constant comes with it
    assert "class Discriminator(nn.Module):" in text and text.count("# hw5/answers/models.py") == 1
    assert "\\PY{k}{class}" in Source(models.Generator)._repr_latex_()   # highlighted for the PDF
    with pytest.raises(ValueError, match="assigns no NOTHING"):
        Source(models, "NOTHING")

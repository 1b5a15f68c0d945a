"""The cached classifier that judges sample quality."""
import json

import pytest

from hw5.answers.data import load_images
from hw5.appendix import classifier
from hw5.config import DATA_DIR


def test_cached_classifier_has_its_recorded_test_accuracy():
    model = classifier.load_classifier()
    info = json.loads(classifier.INFO.read_text())
    images, labels = load_images(DATA_DIR, train=False)
    accuracy = float((classifier.predict(model, images)[1] == labels).double().mean())
    assert accuracy == pytest.approx(info["test_accuracy"], abs=1e-4) and accuracy > 0.9
    assert classifier.WEIGHTS.stat().st_size < 5 * 2**20


def test_missing_classifier_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="restore it from git, or retrain it with `make classifier`"):
        classifier.load_classifier(tmp_path / "nothing.pt")

"""The sample-quality measure: the Fréchet distance, coverage, and scores of real and collapsed images."""
import pytest
import torch

from hw5.answers.data import load_images
from hw5.answers.models import Generator
from hw5.appendix import quality
from hw5.config import DATA_DIR, TrainConfig


@pytest.fixture(scope="module")
def evaluator():
    return quality.Evaluator(TrainConfig(eval_samples=2000))


def test_frechet_distance_is_zero_for_identical_sets_and_matches_the_diagonal_closed_form():
    gen = torch.Generator().manual_seed(0)
    feats = torch.randn(500, 8, dtype=torch.float64, generator=gen) @ torch.randn(8, 8, dtype=torch.float64,
                                                                              generator=gen)
    stats = quality.statistics(feats)
    assert abs(quality.frechet_distance(*stats, *stats)) < 1e-8
    mu1, mu2 = torch.randn(5, dtype=torch.float64, generator=gen), torch.randn(5, dtype=torch.float64, generator=gen)
    var1, var2 = torch.rand(5, dtype=torch.float64, generator=gen), torch.rand(5, dtype=torch.float64, generator=gen)
    expected = float((mu1 - mu2).square().sum() + (var1.sqrt() - var2.sqrt()).square().sum())
    assert quality.frechet_distance(mu1, torch.diag(var1), mu2, torch.diag(var2)) == pytest.approx(expected)


def test_real_images_score_near_zero_and_worse_as_they_are_corrupted(evaluator):
    real, _ = load_images(DATA_DIR, train=True, limit=2000)
    gen = torch.Generator().manual_seed(1)
    scores = [evaluator.score_images((real + sigma * torch.randn(real.shape, generator=gen)).clamp(-1, 1))
              for sigma in (0.0, 0.2, 0.5, 1.0)]
    distances = [s["frechet_distance"] for s in scores]
    assert distances[0] < 5 and all(a < b for a, b in zip(distances, distances[1:])), distances
    assert scores[0]["coverage"] > 0.99                              # real images cover all ten classes
    assert abs(sum(scores[0]["class_fractions"]) - 1) < 1e-12


def test_collapsed_images_have_zero_coverage(evaluator):
    boots = load_images(DATA_DIR, train=True, limit=3000)
    one_image = boots[0][boots[1] == 9][:1].repeat(500, 1, 1, 1)   # one ankle boot, 500 times: total collapse
    score = evaluator.score_images(one_image)
    assert score["coverage"] == 0.0 and score["class_fractions"][9] == 1.0


def test_scoring_is_repeatable_and_draws_nothing_from_the_global_rng():
    """What lets training score its generator between epochs without changing the run."""
    generator = Generator(100)
    torch.manual_seed(5)
    state = torch.get_rng_state()
    evaluator = quality.Evaluator(TrainConfig(eval_samples=500))
    first = evaluator.score_generator(generator)
    images, classes = evaluator.judge(generator)
    assert torch.equal(torch.get_rng_state(), state) and generator.training
    assert evaluator.score_generator(generator) == first and images.shape == (500, 1, 28, 28)
    assert classes.shape == (500,) and quality.Evaluator(TrainConfig(eval_samples=500)).score_generator(generator) == first

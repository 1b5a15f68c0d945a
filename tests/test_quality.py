"""The sample-quality measure: the Fréchet distance, the cached classifier, the evaluation of a run."""
import json

import pytest
import torch

from hw5 import quality
from hw5.data import load_images
from hw5.models import Generator, generate
from hw5.paths import DATA_DIR


@pytest.fixture(scope="module")
def test_set():
    images, labels = load_images(DATA_DIR, train=False)
    return images, labels


@pytest.fixture(scope="module")
def evaluator(test_set):
    return quality.Evaluator(test_set[0], num_samples=2000)


def test_classifier_loads_from_the_cache_without_retraining(monkeypatch, test_set):
    monkeypatch.setattr(quality, "train_classifier", lambda *a, **k: pytest.fail("retrained"))
    model = quality.load_classifier()
    info = json.loads(quality.CLASSIFIER_INFO.read_text())
    accuracy = quality.test_accuracy(model, *test_set)
    assert accuracy == pytest.approx(info["test_accuracy"], abs=1e-4) and accuracy > 0.9
    assert quality.CLASSIFIER_WEIGHTS.stat().st_size < 5 * 2**20


def test_missing_classifier_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m hw5.quality train"):
        quality.load_classifier(tmp_path / "nothing.pt")


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


def test_quality_epochs():
    assert quality.quality_epochs(50) == [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
    assert quality.quality_epochs(2) == [1, 2]
    assert quality.quality_epochs(12) == [1, 5, 10, 12]


def test_evaluate_prints_one_json_line_for_a_finished_run(tmp_path, shared_tiny_fashion, capsys):
    from hw5 import evaluate, train
    from hw5.config import TrainConfig
    train.train(TrainConfig(epochs=1, limit=64, batch_size=32, eval_samples=50), tmp_path / "run",
                data_root=shared_tiny_fashion, progress=False)
    capsys.readouterr()
    assert evaluate.main([str(tmp_path / "run"), "--data-root", str(shared_tiny_fashion)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["num_samples"] == TrainConfig().eval_samples and result["epochs"] == 1
    assert result["frechet_distance"] > 0 and 0 <= result["coverage"] <= 1
    assert sum(result["class_fractions"]) == pytest.approx(1) and len(result["class_fractions"]) == 10
    # the scale's ends: real images lie far closer to the test set than the untrained generator's output
    assert 0 <= result["reference_real_train_images"] < result["reference_untrained_generator"] / 10


def test_class_gallery_sorts_images_by_class_and_pads_rare_classes():
    images = torch.arange(7, dtype=torch.float32).view(7, 1, 1, 1).expand(7, 1, 2, 2) / 10
    classes = torch.tensor([3, 1, 3, 3, 0, 3, 1])
    rows, counts = quality.class_gallery(images, classes, per_class=3, num_classes=4)
    assert rows.shape == (4, 3, 1, 2, 2) and counts == [1, 2, 0, 4]
    firsts = rows[..., 0, 0, 0]  # each tile's value: its image's index / 10, or 1 for a blank tile
    torch.testing.assert_close(firsts, torch.tensor([[0.4, 1, 1], [0.1, 0.6, 1], [1, 1, 1], [0.0, 0.2, 0.3]]))


def test_generate_uses_eval_mode_and_restores_training_mode():
    generator = Generator()
    noise = quality.evaluation_noise(8, seed=3)
    assert torch.equal(noise, quality.evaluation_noise(8, seed=3))
    images = generate(generator, noise, batch_size=3)   # batches of 3, 3, 2: BatchNorm must not see them
    assert generator.training and images.shape == (8, 1, 28, 28)
    torch.testing.assert_close(images, generator.eval()(noise).detach())


def test_power_spectrum_puts_a_checkerboard_at_half_the_size_and_keeps_parseval():
    i, j = torch.meshgrid(torch.arange(28), torch.arange(28), indexing="ij")
    checkerboard = ((-1.0) ** (i + j)).view(1, 1, 28, 28)                 # period 2 both ways
    stripes = torch.cos(2 * torch.pi * 7 * j / 28).view(1, 1, 28, 28)     # 7 cycles across, period 4
    power = quality.power_spectrum(checkerboard)
    assert power[14, 14] == pytest.approx(28.0**4) and power.sum() == pytest.approx(28.0**4)
    power = quality.power_spectrum(stripes)
    assert set(map(tuple, (power > 1e-9 * power.max()).nonzero().tolist())) == {(0, 7), (0, 21)}
    images = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    centred = images - images.mean(dim=(-2, -1), keepdim=True)
    assert quality.power_spectrum(images).sum() == pytest.approx(28 * 28 * centred.square().sum().item() / 5)


def test_excess_power_is_one_for_the_same_images_and_peaks_where_a_checkerboard_is_added(test_set):
    real = test_set[0][:500]
    torch.testing.assert_close(quality.excess_power(real, real), torch.ones(28, 28, dtype=torch.float64))
    i, j = torch.meshgrid(torch.arange(28), torch.arange(28), indexing="ij")
    ratio = quality.excess_power(real + 0.05 * (-1.0) ** (i + j), real)
    assert ratio.argmax().item() == 14 * 28 + 14 and ratio[14, 14] > 10


def test_excess_power_of_sets_stacked_by_epoch_is_that_of_each_set(test_set):
    real = test_set[0][:300]
    by_epoch = torch.rand(3, 16, 1, 28, 28, generator=torch.Generator().manual_seed(1)) * 2 - 1
    torch.testing.assert_close(quality.excess_power(by_epoch, real),
                               torch.stack([quality.excess_power(images, real) for images in by_epoch]))


def test_spectrum_map_ignores_the_zero_frequency_whose_ratio_is_rounding_noise():
    import matplotlib
    matplotlib.use("agg")
    from hw5 import plotting
    ratio = torch.rand(28, 28, dtype=torch.float64) + 0.5
    drawn = []
    for noise in (1e-6, 1e6):   # 0/0 after centring: any value at all
        ratio[0, 0] = noise
        fig = plotting.plot_excess_power(ratio, ratio.expand(3, 28, 28), epoch=3)
        image = fig.axes[0].images[0]
        drawn.append((image.get_array().filled(0.0).copy(), image.get_clim()))
        matplotlib.pyplot.close(fig)
    assert (drawn[0][0] == drawn[1][0]).all() and drawn[0][1] == drawn[1][1]

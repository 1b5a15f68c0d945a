"""Sample quality of a generator, judged by the FashionMNIST classifier of `classifier`: the Fréchet distance
(FID with its 128 penultimate features instead of Inception's) between the generated and the test images,
    FD = ‖μ_r - μ_g‖² + tr(Σ_r + Σ_g - 2 (Σ_r^{1/2} Σ_g Σ_r^{1/2})^{1/2}),
and class coverage: the entropy of the predicted classes / log 10 (1 = all ten equally often, 0 = one only)."""
import math
from pathlib import Path

import torch
from torch import nn

from ..answers.data import load_images
from ..answers.models import generate
from ..config import DATA_DIR, TrainConfig
from .classifier import load_classifier, predict


def statistics(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean (F,) and covariance (F, F) of features (N, F), in float64."""
    features = features.double()
    return features.mean(0), torch.cov(features.T)


def frechet_distance(mu1: torch.Tensor, cov1: torch.Tensor, mu2: torch.Tensor, cov2: torch.Tensor) -> float:
    """‖μ1-μ2‖² + tr(Σ1 + Σ2 - 2 (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}); the trace term via symmetric eigenvalues."""
    values, vectors = torch.linalg.eigh(cov1)
    root1 = vectors @ torch.diag(values.clamp(min=0).sqrt()) @ vectors.T          # Σ1^{1/2}
    middle = torch.linalg.eigvalsh(root1 @ cov2 @ root1).clamp(min=0).sqrt().sum()
    return float((mu1 - mu2).square().sum() + cov1.trace() + cov2.trace() - 2 * middle)


def coverage(classes: torch.Tensor) -> tuple[list[float], float]:
    """(fraction of images per predicted class, entropy of those fractions / log 10)."""
    fractions = torch.bincount(classes, minlength=10).double() / len(classes)
    entropy = torch.special.entr(fractions).sum()   # -sum p log p, with 0 log 0 = 0
    return fractions.tolist(), float(entropy / math.log(10)) + 0.0  # + 0.0: no "-0.0" for one class


class Evaluator:
    """Scores images against the test set, and a generator by its images of `config.eval_samples` fixed noise
    vectors. Nothing here draws from torch's global RNG (the noise has its own, the classifier is loaded under
    fork_rng, scoring runs in eval mode), so scoring cannot change a run; scores compare across epochs and runs."""

    def __init__(self, config: TrainConfig, data_root: Path = DATA_DIR):
        self.classifier = load_classifier()
        self.test_stats = statistics(predict(self.classifier, load_images(data_root, train=False)[0])[0])
        rng = torch.Generator().manual_seed(config.seed + 12345)
        self.noise = torch.randn(config.eval_samples, config.latent_dim, generator=rng)   # (N, latent_dim)

    def judge(self, generator: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        """The generator's images (N, 1, 28, 28) of the fixed noise, and the classes the classifier predicts."""
        images = generate(generator, self.noise)
        return images, predict(self.classifier, images)[1]

    def score_images(self, images: torch.Tensor) -> dict:
        """frechet_distance (to the test set), coverage, and class_fractions (per predicted class, in
        data.CLASS_NAMES order)."""
        feats, classes = predict(self.classifier, images)
        fractions, cover = coverage(classes)
        return {"frechet_distance": frechet_distance(*statistics(feats), *self.test_stats),
                "coverage": cover, "class_fractions": fractions}

    def score_generator(self, generator: nn.Module) -> dict:
        return self.score_images(generate(generator, self.noise))

    def reference_scores(self, untrained: nn.Module, data_root: Path = DATA_DIR) -> dict:
        """The scale's ends: as many real training images (what a perfect G would score) and the untrained G."""
        real = load_images(data_root, train=True, limit=len(self.noise))[0]
        return {"real_train_images": self.score_images(real), "untrained_generator": self.score_generator(untrained)}

r"""Sample quality of a generator, measured with a small FashionMNIST classifier trained once and cached.

Fréchet distance (as FID, with this classifier's 128 penultimate features instead of Inception's): for feature
means $\mu_r, \mu_g$ and covariances $\Sigma_r, \Sigma_g$ of the test set and of $N$ generated images,
    FD = ‖μ_r - μ_g‖² + tr(Σ_r + Σ_g - 2 (Σ_r^{1/2} Σ_g Σ_r^{1/2})^{1/2}).
Class coverage: the classifier's predicted classes over the generated images, and their entropy divided by log 10
(1 = all ten classes equally often, 0 = one class only).

    python -m hw5.quality train       # retrain and overwrite the cached classifier (about 2 minutes on a CPU)
"""
import json
import math
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .config import GRID_EPOCHS, TrainConfig
from .data import load_images
from .models import LATENT_DIM, generate
from .paths import DATA_DIR, ROOT
from .runs import QualityReference, QualityScore
from .storage import save_json, save_torch

CLASSIFIER_WEIGHTS = ROOT / "hw5" / "assets" / "classifier.pt"
CLASSIFIER_INFO = ROOT / "hw5" / "assets" / "classifier.json"
FEATURES = 128


class Classifier(nn.Module):
    """Two conv blocks and a 128-unit hidden layer (its test accuracy is recorded in CLASSIFIER_INFO)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # (B, 32, 14, 14)
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # (B, 64, 7, 7)
            nn.Flatten(), nn.Linear(64 * 7 * 7, FEATURES), nn.ReLU(),       # (B, 128): the features
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(FEATURES, 10))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def train_classifier(data_root: Path = DATA_DIR, epochs: int = 5, seed: int = 0, batch_size: int = 128,
                     device: str = "cpu") -> tuple[Classifier, dict]:
    torch.manual_seed(seed)
    images, labels = load_images(data_root, train=True)
    test_images, test_labels = load_images(data_root, train=False)
    model = Classifier().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    order_rng = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(images), generator=order_rng)
        for i in range(0, len(images), batch_size):
            batch = order[i:i + batch_size]
            loss = F.cross_entropy(model(images[batch].to(device)), labels[batch].to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        accuracy = test_accuracy(model, test_images, test_labels)
        print(f"classifier epoch {epoch}/{epochs}: test accuracy {accuracy:.4f}", file=sys.stderr)
    info = {"test_accuracy": accuracy, "epochs": epochs, "seed": seed, "batch_size": batch_size,
            "train_images": len(images), "test_images": len(test_images),
            "seconds": round(time.perf_counter() - start, 1), "torch": torch.__version__}
    return model.cpu().eval(), info


@torch.no_grad()
def predict(model: Classifier, images: torch.Tensor, batch_size: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """(features (N, 128) float64, predicted class (N,)) in eval mode."""
    model.eval()
    device = next(model.parameters()).device
    feats, classes = [], []
    for i in range(0, len(images), batch_size):
        f = model.features(images[i:i + batch_size].to(device))
        feats.append(f.double().cpu())
        classes.append(model.head(f).argmax(1).cpu())
    return torch.cat(feats), torch.cat(classes)


def test_accuracy(model: Classifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    return float((predict(model, images)[1] == labels).double().mean())


def load_classifier(path: Path = CLASSIFIER_WEIGHTS) -> Classifier:
    if not Path(path).exists():
        raise FileNotFoundError(f"the cached classifier {path} is missing: restore it from git, or run "
                                f"`python -m hw5.quality train` to retrain it (about 2 minutes)")
    model = Classifier()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()


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
    entropy = -(fractions[fractions > 0] * fractions[fractions > 0].log()).sum()
    return fractions.tolist(), float(entropy / math.log(10)) + 0.0  # + 0.0: no "-0.0" for one class


def evaluation_noise(num_samples: int, latent_dim: int = LATENT_DIM, seed: int = 0) -> torch.Tensor:
    """The fixed noise (num_samples, latent_dim) every generator is scored on, from its own random generator
    (never the training one, so scoring cannot change a run)."""
    return torch.randn(num_samples, latent_dim, generator=torch.Generator().manual_seed(seed + 12345))


def class_gallery(images: torch.Tensor, classes: torch.Tensor, per_class: int = 12,
                  num_classes: int = 10) -> tuple[torch.Tensor, list[int]]:
    """The first `per_class` images of each predicted class as one (num_classes, per_class, 1, H, W) tensor,
    the rows of classes with fewer images filled up with blank (white, +1) tiles; and each class's count."""
    rows = torch.ones(num_classes, per_class, *images.shape[1:])
    counts = torch.bincount(classes, minlength=num_classes).tolist()
    for label in range(num_classes):
        picked = images[classes == label][:per_class]
        rows[label, :len(picked)] = picked
    return rows, counts


def power_spectrum(images: torch.Tensor) -> torch.Tensor:
    """Mean power |FFT|² of (..., N, 1, H, W) images, each centred on its own mean, over the N images:
    (..., H, W) float64, entry [k, l] at k cycles per image down and l across (index H - k is frequency -k)."""
    x = images.squeeze(-3).double()
    x = x - x.mean(dim=(-2, -1), keepdim=True)
    return torch.fft.fft2(x).abs().square().mean(-3)


def excess_power(generated: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """Power of generated over real images at each spatial frequency, (..., H, W) for generated images
    (..., N, 1, H, W), e.g. one set per epoch, and real ones (M, 1, H, W): 1 where they match. Periodic
    artifacts of the stride-2 transposed convolutions (checkerboards of period 2 and 4 pixels) show up as
    peaks at H/2 and H/4 cycles per image."""
    return power_spectrum(generated) / power_spectrum(real)


class Evaluator:
    """Scores sets of images against the test set; generators are scored on `num_samples` fixed noise vectors
    from their own random generator, so scores are comparable across epochs and use no training randomness."""

    def __init__(self, test_images: torch.Tensor, num_samples: int, latent_dim: int = LATENT_DIM,
                 seed: int = 0, classifier: Classifier | None = None):
        self.classifier = classifier if classifier is not None else load_classifier()
        self.test_stats = statistics(predict(self.classifier, test_images)[0])
        self.num_samples = num_samples
        self.noise = evaluation_noise(num_samples, latent_dim, seed)

    def score_images(self, images: torch.Tensor) -> QualityScore:
        feats, classes = predict(self.classifier, images)
        fractions, cover = coverage(classes)
        return {"frechet_distance": frechet_distance(*statistics(feats), *self.test_stats),
                "coverage": cover, "class_fractions": fractions}

    def score_generator(self, generator: nn.Module) -> QualityScore:
        return self.score_images(generate(generator, self.noise))


def evaluator_for(config: TrainConfig, data_root: Path = DATA_DIR) -> Evaluator | None:
    """The evaluator a run of `config` is scored with (None when its eval_samples is 0)."""
    if not config.eval_samples:
        return None
    test_images, _ = load_images(data_root, train=False)
    return Evaluator(test_images, config.eval_samples, config.latent_dim, config.seed)


def reference_scores(evaluator: Evaluator, untrained: nn.Module, data_root: Path = DATA_DIR) -> QualityReference:
    """The quality scale's ends, measured the same way: real training images (the floor: what a perfect
    generator would score with this many images) and the untrained generator (the ceiling)."""
    real, _ = load_images(data_root, train=True, limit=evaluator.num_samples)
    return {"real_train_images": evaluator.score_images(real),
            "untrained_generator": evaluator.score_generator(untrained)}


def quality_epochs(epochs: int) -> list[int]:
    """When training records quality: epoch 1, every 5th, the assignment's grid epochs, and the last."""
    return sorted({1, epochs, *range(5, epochs + 1, 5), *(e for e in GRID_EPOCHS if e <= epochs)})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["train"]:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    model, info = train_classifier()
    save_torch(model.state_dict(), CLASSIFIER_WEIGHTS)
    save_json(info, CLASSIFIER_INFO)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())

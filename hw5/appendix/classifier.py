"""The quality measure's judge: a small FashionMNIST classifier, trained once and cached in assets/.
`python -m hw5.appendix.classifier train` (`make classifier`) retrains it and overwrites the cache."""
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..answers.data import load_images
from ..config import DATA_DIR
from ..storage import save_json, save_torch

WEIGHTS = Path(__file__).resolve().parent / "assets" / "classifier.pt"
INFO = WEIGHTS.with_suffix(".json")   # its training settings and test accuracy
FEATURES = 128


class Classifier(nn.Module):
    """Two conv blocks and a 128-unit hidden layer (its test accuracy is recorded in INFO)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # (B, 32, 14, 14)
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # (B, 64, 7, 7)
            nn.Flatten(), nn.Linear(64 * 7 * 7, FEATURES), nn.ReLU(),       # (B, 128): the features
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(FEATURES, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def train_classifier(data_root: Path = DATA_DIR, epochs: int = 5, seed: int = 0,
                     batch_size: int = 128) -> tuple[Classifier, dict]:
    torch.manual_seed(seed)
    images, labels = load_images(data_root, train=True)
    test_images, test_labels = load_images(data_root, train=False)
    model = Classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    order_rng = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(images), generator=order_rng)
        for i in range(0, len(images), batch_size):
            batch = order[i:i + batch_size]
            loss = F.cross_entropy(model(images[batch]), labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        accuracy = float((predict(model, test_images)[1] == test_labels).double().mean())
        print(f"classifier epoch {epoch}/{epochs}: test accuracy {accuracy:.4f}", file=sys.stderr)
    info = {"test_accuracy": accuracy, "epochs": epochs, "seed": seed, "batch_size": batch_size,
            "train_images": len(images), "test_images": len(test_images),
            "seconds": round(time.perf_counter() - start, 1), "torch": torch.__version__}
    return model.eval(), info


@torch.no_grad()
def predict(model: Classifier, images: torch.Tensor, batch_size: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """(features (N, 128) float64, predicted class (N,)) in eval mode."""
    model.eval()
    device = next(model.parameters()).device
    feats, classes = [], []
    for chunk in images.split(batch_size):
        f = model.body(chunk.to(device))
        feats.append(f.double().cpu())
        classes.append(model.head(f).argmax(1).cpu())
    return torch.cat(feats), torch.cat(classes)


def load_classifier(path: Path = WEIGHTS) -> Classifier:
    if not Path(path).exists():
        raise FileNotFoundError(f"the cached classifier {path} is missing: restore it from git, or retrain it "
                                f"with `make classifier` (about 2 minutes)")
    with torch.random.fork_rng(devices=[]):   # its random initial weights leave torch's global RNG as it was
        model = Classifier()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()


if __name__ == "__main__":
    if sys.argv[1:] != ["train"]:   # never overwrite the cache by accident
        raise SystemExit("usage: python -m hw5.appendix.classifier train   # retrains the cached classifier")
    model, info = train_classifier()
    save_torch(model.state_dict(), WEIGHTS)
    save_json(info, INFO)
    print(json.dumps(info))

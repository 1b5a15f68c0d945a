"""Settings every part of the package reads: the run's hyperparameters, the project's paths, and the device and
precision a run trains on."""
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"                 # FashionMNIST lands in DATA_DIR/FashionMNIST/raw (git-ignored)
RUNS_DIR = ROOT / "runs"                 # one folder per training run
RUN_DIR = RUNS_DIR / "dcgan"             # the committed 50-epoch run the write-up shows
RETRAIN_DIR = RUNS_DIR / "dcgan-new"     # where `make retrain` trains, until the run is finished and swapped in
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("fp32", "bf16")
GRID_EPOCHS = (10, 30, 50)               # the assignment shows samples after these epochs (Q3e)


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 50           # the assignment's training length
    batch_size: int = 64       # the assignment sets none (the tutorial 256); 60000/64 -> 938 steps an epoch
    lr: float = 1e-4           # Adam learning rate of both players (the assignment's)
    adam_betas: tuple = (0.9, 0.999)  # Keras' Adam defaults, which the assignment keeps ...
    adam_eps: float = 1e-7     # ... epsilon included (PyTorch's default is 1e-8)
    latent_dim: int = 100      # length of the noise vector z
    num_fixed_noise: int = 16  # fixed noise vectors rendered after every epoch (a 4x4 grid)
    seed: int = 0              # seeds weights, shuffling, latent noise and dropout
    limit: int | None = None   # train on the first `limit` images only (smoke runs); None = all 60000
    eval_samples: int = 5000   # images per sample-quality score (hw5.appendix.quality); 0 = no evaluation
    precision: str = "fp32"    # the matrix products' dtype: fp32, or bf16 (autocast; fast only where native)

    def __post_init__(self):
        minimum = dict(epochs=1, batch_size=1, latent_dim=1, num_fixed_noise=1, seed=0, eval_samples=0, limit=1)
        for name, least in minimum.items():
            value = getattr(self, name)
            if not (name == "limit" and value is None) and (type(value) is not int or value < least):
                raise ValueError(f"{name} must be an integer >= {least}, got {value!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        object.__setattr__(self, "adam_betas", tuple(self.adam_betas))


def as_record(config: TrainConfig) -> dict:
    """The config as saved beside every result (JSON types: the betas become a list)."""
    return {**asdict(config), "adam_betas": list(config.adam_betas)}


def quality_epochs(epochs: int) -> list[int]:
    """When training records sample quality: epoch 1, every 5th (GRID_EPOCHS among them), and the last."""
    return sorted({1, epochs, *range(5, epochs + 1, 5)})


def shown(path: Path) -> Path:
    """A path as the write-up prints it: relative to the project root when inside it."""
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


class DeviceError(RuntimeError):
    """The device or precision asked for is not available here; the message says what to use instead."""


def pick_device(name: str = "auto") -> torch.device:
    available = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available(), "cpu": True}
    name = next(n for n, ok in available.items() if ok) if name == "auto" else name
    if not available.get(name):
        raise DeviceError(f"--device {name} was asked for, but this PyTorch cannot use it: use --device cpu "
                          f"(or auto)" if name in available else f"unknown device {name!r}: use {', '.join(DEVICES)}")
    return torch.device(name)


def resolve_precision(precision: str, device: torch.device) -> torch.dtype:
    """The dtype of the matrix products; bf16 is refused on a GPU without it (a CPU emulates it, slowly)."""
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise DeviceError(f"--precision bf16 is not supported on {device}: use fp32")
    return {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]


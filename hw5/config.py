"""Hyperparameters of the Q3 run: one frozen dataclass, overridden with dataclasses.replace."""
import os
from dataclasses import asdict, dataclass, replace

from .models import LATENT_DIM

SMOKE_ENV = "HW5_SMOKE"
GRID_EPOCHS = (10, 30, 50)            # the assignment shows samples after these epochs (Q3e)
PRECISIONS = ("auto", "fp32", "bf16")  # the compute precisions a run can ask for (hw5.device)


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 50           # the assignment's training length
    batch_size: int = 256      # the TF tutorial's BATCH_SIZE; 60000/256 -> 235 steps an epoch
    lr: float = 1e-4           # Adam learning rate of both players (the assignment's)
    adam_betas: tuple = (0.9, 0.999)  # Keras' Adam defaults, which the assignment keeps ...
    adam_eps: float = 1e-7     # ... epsilon included (PyTorch's default is 1e-8)
    latent_dim: int = LATENT_DIM  # length of the noise vector z
    num_fixed_noise: int = 16  # fixed noise vectors rendered after every epoch (a 4x4 grid)
    seed: int = 0              # seeds weights, shuffling, latent noise and dropout
    limit: int | None = None   # train on the first `limit` images only (smoke runs); None = all 60000
    eval_samples: int = 5000   # images per sample-quality score (hw5.quality); 0 = no evaluation
    precision: str = "auto"    # matrix products in fp32, bf16 (autocast) or auto: bf16 where the hardware has it

    def __post_init__(self):
        for name in ("epochs", "batch_size", "latent_dim", "num_fixed_noise"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if self.limit is not None and (not isinstance(self.limit, int) or self.limit < 1):
            raise ValueError(f"limit must be a positive integer or None, got {self.limit!r}")
        for name in ("seed", "eval_samples"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        object.__setattr__(self, "adam_betas", tuple(self.adam_betas))


def as_record(config: TrainConfig) -> dict:
    """The config as saved beside every result (JSON types: the betas become a list)."""
    return {**asdict(config), "adam_betas": list(config.adam_betas)}


def smoke_mode() -> bool:
    """True when HW5_SMOKE is set to anything but '', '0' or 'false': every cell then runs in about a minute."""
    return os.environ.get(SMOKE_ENV, "").strip().lower() not in ("", "0", "false")


def smoke(config: TrainConfig) -> TrainConfig:
    """The same run, shrunk: a couple of epochs on ~1000 images."""
    return replace(config, epochs=2, limit=1024, eval_samples=1000)

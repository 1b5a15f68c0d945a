r"""The DCGAN of Q3: exactly the assignment's architecture (TensorFlow's DCGAN tutorial).

Generator $G: \mathbb{R}^{100} \to [-1, 1]^{1\times 28\times 28}$ and discriminator
$D: [-1, 1]^{1\times 28\times 28} \to \mathbb{R}$ (a logit; the sigmoid lives in the loss).
Both take explicit arguments, return tensors, and do no I/O.
"""
import torch
from torch import nn

LATENT_DIM = 100
NEGATIVE_SLOPE = 0.3  # Keras' LeakyReLU default alpha, which the assignment keeps
DROPOUT = 0.3
# Keras' BatchNormalization defaults: running = 0.99 * running + 0.01 * batch (PyTorch's momentum is the 0.01),
# and epsilon 1e-3 (PyTorch's default is 1e-5).
BN = dict(momentum=0.01, eps=1e-3)


class Dropout(nn.Dropout):
    """nn.Dropout (inverted: kept units are scaled up) with a cheaper mask. torch's bernoulli_ draws one float per
    unit and was ~18% of a training step on a CPU; here each unit gets 16 random bits (two per int32 drawn) and is
    dropped when they fall below round(p * 2^16): P(drop) = p to within 2^-17, and the scale 1/(1 - that
    probability) keeps E[output] = input exactly. The mask costs about a third of bernoulli_'s."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        threshold = round(self.p * 65536)                  # dropped: 16-bit values in [0, threshold)
        words = torch.randint(-2**31, 2**31 - 1, ((x.numel() + 1) // 2,), dtype=torch.int32, device=x.device)
        bits = words.view(torch.int16)[:x.numel()].view(x.shape)   # uniform on [-32768, 32767]
        keep = bits >= threshold - 32768
        return x * keep.to(x.dtype).mul_(65536 / (65536 - threshold))


class Generator(nn.Module):
    """z (B, 100) -> image (B, 1, 28, 28) in [-1, 1]; 2,305,472 trainable parameters."""

    def __init__(self, latent_dim: int = LATENT_DIM):
        super().__init__()
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 7 * 7 * 256, bias=False),   # (B, 12544)
            nn.BatchNorm1d(7 * 7 * 256, **BN),
            nn.LeakyReLU(NEGATIVE_SLOPE),
        )
        # Keras "same" padding for a 5x5 kernel is 2 on each side; for the stride-2 layers
        # output_padding=1 gives Keras' output size 2*H (PyTorch alone would give 2*H - 1).
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(256, 128, 5, stride=1, padding=2, bias=False),  # (B, 128, 7, 7)
            nn.BatchNorm2d(128, **BN),
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2, output_padding=1, bias=False),  # (B, 64, 14, 14)
            nn.BatchNorm2d(64, **BN),
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2, output_padding=1, bias=False),  # (B, 1, 28, 28)
            nn.Tanh(),
        )
        init_like_keras(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.project(z).view(-1, 256, 7, 7)  # Keras Reshape((7, 7, 256)), channels first here
        return self.upsample(h)


class Discriminator(nn.Module):
    """image (B, 1, 28, 28) -> logit (B,); 212,865 parameters."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 64, 5, stride=2, padding=2),    # (B, 64, 14, 14)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            Dropout(DROPOUT),
            nn.Conv2d(64, 128, 5, stride=2, padding=2),  # (B, 128, 7, 7)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            Dropout(DROPOUT),
            nn.Flatten(),                                # (B, 6272)
        )
        self.classify = nn.Linear(7 * 7 * 128, 1)         # (B, 1)
        init_like_keras(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(x)).squeeze(1)


def init_like_keras(model: nn.Module) -> None:
    """Keras' default initialisers, which the reference uses: Glorot-uniform kernels, zero biases."""
    for layer in model.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


def count_parameters(model: nn.Module) -> int:
    """Trainable parameters (BatchNorm's running statistics are buffers, not counted)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)

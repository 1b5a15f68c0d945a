r"""Q3(b) and Q3(c), the DCGAN: exactly the assignment's architecture, in the TensorFlow tutorial's conventions.
$G: \mathbb{R}^{d_z} \to [-1, 1]^{1\times 28\times 28}$ and $D: [-1, 1]^{1\times 28\times 28} \to \mathbb{R}$ (a logit; the
sigmoid lives in the loss), with no I/O. Where PyTorch's defaults differ from Keras' (the tutorial's), the
constants below follow Keras.
"""
import torch
from torch import nn

NEGATIVE_SLOPE = 0.3   # LeakyReLU slope (the assignment's; Keras' default alpha)
DROPOUT = 0.3          # dropout probability in D (the assignment's)
# Keras' BatchNormalization: running = 0.99 * running + 0.01 * batch (PyTorch's momentum is
# the 0.01), and epsilon 1e-3 (PyTorch's default is 1e-5).
BN = dict(momentum=0.01, eps=1e-3)


class Discriminator(nn.Module):
    """image (B, 1, 28, 28) -> logit (B,); 212,865 parameters."""

    def __init__(self):
        super().__init__()
        # 5x5 kernels, stride 2. Keras' "same" pads 1 before and 2 after; padding=2 pads
        # 2 on each side, which gives the same output size: (28 + 4 - 5) // 2 + 1 = 14
        self.features = nn.Sequential(
            nn.Conv2d(1, 64, 5, stride=2, padding=2),    # (B, 64, 14, 14)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Dropout(DROPOUT),
            nn.Conv2d(64, 128, 5, stride=2, padding=2),  # (B, 128, 7, 7)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Dropout(DROPOUT),
            nn.Flatten(),                                # (B, 6272)
        )
        self.classify = nn.Linear(128 * 7 * 7, 1)        # (B, 1): a logit per image
        init_like_keras(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(x)).squeeze(1)


class Generator(nn.Module):
    """z (B, latent_dim) -> image (B, 1, 28, 28) in [-1, 1]; 2,280,384 trainable parameters
    (Keras' summary adds BatchNorm's 384 moving statistics: 2,280,768 in all)."""

    def __init__(self, latent_dim: int):
        super().__init__()
        self.project = nn.Linear(latent_dim, 7 * 7 * 256, bias=False)   # (B, 12544)
        # Keras' "same" output sizes, H (stride 1) and 2H (stride 2): padding=2 gives
        # (H - 1) * stride - 4 + 5, that is H and 2H - 1; output_padding=1 adds the last row.
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(256, 128, 5, stride=1, padding=2, bias=False),
            nn.BatchNorm2d(128, **BN),                           # (B, 128, 7, 7)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2, output_padding=1,
                               bias=False),
            nn.BatchNorm2d(64, **BN),                            # (B, 64, 14, 14)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2, output_padding=1,
                               bias=False),                      # (B, 1, 28, 28)
            nn.Tanh(),
        )
        init_like_keras(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.project(z).view(-1, 256, 7, 7)  # Keras' Reshape, channels first
        return self.upsample(h)


def init_like_keras(model: nn.Module) -> None:
    """Keras' default initialisers, as in the reference: Glorot-uniform kernels, zero bias."""
    for layer in model.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


@torch.no_grad()
def generate(generator: nn.Module, noise: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """G(noise) in eval mode (BatchNorm's running statistics), as float32 (N, 1, 28, 28) on the CPU."""
    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    images = torch.cat([generator(chunk.to(device)).float().cpu() for chunk in noise.split(batch_size)])
    generator.train(was_training)
    return images

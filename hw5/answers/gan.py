r"""Q3(d) and Q3(e): the adversarial game and one step of it.

    L_D = BCE(D(x), 1) + BCE(D(G(z)), 0),    L_G = BCE(D(G(z)), 1)

(binary cross-entropy on D's logits, as in the TensorFlow tutorial). Each step is the tutorial's
`train_step`, a simultaneous update: one generator pass, D on the real and on the fake batch, then
both players' gradients from that same pass and one Adam step each. The epoch loop that runs the
steps is hw5.train.loop.train.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn.functional as F

from ..config import TrainConfig
from .models import Discriminator, Generator


@dataclass
class GAN:
    generator: Generator
    discriminator: Discriminator
    opt_g: torch.optim.Adam
    opt_d: torch.optim.Adam


def seed_rngs(config: TrainConfig) -> torch.Generator:
    """A run's one seeding: torch's global RNG draws the initial weights (build_gan, next) and then
    D's dropout masks; the RNG returned draws each epoch's batch order and training noise."""
    torch.manual_seed(config.seed)
    return torch.Generator().manual_seed(config.seed + 1)


def build_gan(config: TrainConfig, device: torch.device) -> GAN:
    generator = Generator(config.latent_dim).to(device)
    discriminator = Discriminator().to(device)
    adam = dict(lr=config.lr, betas=config.adam_betas, eps=config.adam_eps)
    return GAN(generator, discriminator,
               torch.optim.Adam(generator.parameters(), **adam),
               torch.optim.Adam(discriminator.parameters(), **adam))


def fixed_noise(config: TrainConfig) -> torch.Tensor:
    """The latent vectors rendered after every epoch, (num_fixed_noise, latent_dim), from an RNG of
    their own: the same in every run of a seed, and drawing them leaves torch's global RNG alone."""
    rng = torch.Generator().manual_seed(config.seed)
    return torch.randn(config.num_fixed_noise, config.latent_dim, generator=rng)


def gan_losses(real_logits: torch.Tensor, fake_logits: torch.Tensor):
    """(L_D, L_G) from D's logits on a real and on a generated batch, each (B,)."""
    bce = F.binary_cross_entropy_with_logits
    real, fake = torch.ones_like(real_logits), torch.zeros_like(fake_logits)
    d_loss = bce(real_logits, real) + bce(fake_logits, fake)  # D: real->1, fake->0
    g_loss = bce(fake_logits, torch.ones_like(fake_logits))    # G: fake->1
    return d_loss, g_loss


class Step(NamedTuple):
    """What a step records, each a detached scalar tensor; the history keeps these names."""
    d_loss: torch.Tensor   # L_D
    g_loss: torch.Tensor   # L_G
    d_real: torch.Tensor   # D(x): D's mean probability of "real" on the real batch ...
    d_fake: torch.Tensor   # ... and D(G(z)) on the generated one (training mode, before the update)


def train_step(gan: GAN, real: torch.Tensor, z: torch.Tensor,
               dtype: torch.dtype = torch.float32) -> Step:
    """One simultaneous update of both players."""
    # bf16: matrix products in bf16 (autocast); weights and losses stay fp32
    enabled = dtype != torch.float32
    with torch.autocast(real.device.type, dtype=dtype, enabled=enabled):
        fake = gan.generator(z)                       # (B, 1, 28, 28)
        real_logits = gan.discriminator(real)         # (B,)
        fake_logits = gan.discriminator(fake)         # (B,): L_G flows back through
    real_logits, fake_logits = real_logits.float(), fake_logits.float()
    d_loss, g_loss = gan_losses(real_logits, fake_logits)
    gan.opt_d.zero_grad()
    gan.opt_g.zero_grad()
    # each player's gradient of its own loss, both from this one pass (the
    # tutorial's two gradient tapes): D's from L_D, G's from L_G
    d_loss.backward(inputs=list(gan.discriminator.parameters()), retain_graph=True)
    g_loss.backward(inputs=list(gan.generator.parameters()))
    gan.opt_d.step()
    gan.opt_g.step()
    return Step(d_loss.detach(), g_loss.detach(), real_logits.detach().sigmoid().mean(),
                fake_logits.detach().sigmoid().mean())


def batches(images: torch.Tensor, config: TrainConfig,
            rng: torch.Generator) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """One epoch of (real (B, 1, 28, 28), z (B, latent_dim)): a fresh random order of
    all images, cut into batches of config.batch_size (the last holds the rest)."""
    order = torch.randperm(len(images), generator=rng).to(images.device)
    for i in range(0, len(images), config.batch_size):
        real = images[order[i:i + config.batch_size]]
        z = torch.randn(len(real), config.latent_dim, generator=rng)
        yield real, z.to(images.device)

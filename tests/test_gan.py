"""Q3(d), (e): the losses, the training step and the fixed noise."""
from dataclasses import replace

import torch

from hw5.answers.gan import build_gan, fixed_noise, gan_losses, train_step
from hw5.config import TrainConfig

TINY = TrainConfig(epochs=2, batch_size=64, limit=200, seed=3, eval_samples=100)


def test_training_step_gives_finite_losses_and_moves_every_weight():
    gan = build_gan(TINY, torch.device("cpu"))
    before = {name: p.detach().clone() for model in (gan.generator, gan.discriminator)
              for name, p in model.named_parameters(prefix=type(model).__name__)}
    d_loss, g_loss, d_real, d_fake = train_step(gan, torch.rand(8, 1, 28, 28) * 2 - 1, torch.randn(8, 100))
    assert torch.isfinite(d_loss) and torch.isfinite(g_loss) and 0 < d_real < 1 and 0 < d_fake < 1
    after = {name: p for model in (gan.generator, gan.discriminator)
             for name, p in model.named_parameters(prefix=type(model).__name__)}
    unchanged = [name for name in before if torch.equal(before[name], after[name])]
    assert unchanged == []


def test_bf16_step_keeps_fp32_weights_and_gives_finite_losses():
    gan = build_gan(TINY, torch.device("cpu"))
    before = [p.detach().clone() for p in gan.generator.parameters()]
    stats = train_step(gan, torch.rand(8, 1, 28, 28) * 2 - 1, torch.randn(8, 100), torch.bfloat16)
    assert stats.dtype == torch.float32 and torch.isfinite(stats).all()
    assert all(p.dtype == torch.float32 for p in gan.generator.parameters())
    assert all(not torch.equal(a, b) for a, b in zip(before, gan.generator.parameters()))


def test_gradients_are_those_of_each_players_own_loss():
    """The simultaneous update gives D the gradient of L_D and G the gradient of L_G, as two tapes would, and
    returns those losses and D's mean probabilities on the batches it saw."""
    gan = build_gan(TINY, torch.device("cpu"))
    real, z = torch.rand(6, 1, 28, 28) * 2 - 1, torch.randn(6, 100)
    gan.generator.eval(), gan.discriminator.eval()  # deterministic: no dropout, fixed BatchNorm statistics
    real_logits, fake_logits = gan.discriminator(real), gan.discriminator(gan.generator(z))
    d_loss, g_loss = gan_losses(real_logits, fake_logits)
    expected_stats = torch.stack([d_loss, g_loss, real_logits.sigmoid().mean(), fake_logits.sigmoid().mean()])
    d_loss.backward(inputs=list(gan.discriminator.parameters()), retain_graph=True)
    expected_d = [p.grad.clone() for p in gan.discriminator.parameters()]
    g_loss.backward(inputs=list(gan.generator.parameters()))
    expected_g = [p.grad.clone() for p in gan.generator.parameters()]
    for opt in (gan.opt_d, gan.opt_g):  # capture the gradients train_step hands to the optimizers
        opt.step = lambda: None
    torch.testing.assert_close(train_step(gan, real, z), expected_stats.detach())
    for p, g in zip(gan.discriminator.parameters(), expected_d):
        torch.testing.assert_close(p.grad, g)
    for p, g in zip(gan.generator.parameters(), expected_g):
        torch.testing.assert_close(p.grad, g)


def test_fixed_noise_is_the_same_in_every_run():
    assert torch.equal(fixed_noise(TINY), fixed_noise(TINY))
    assert not torch.equal(fixed_noise(TINY), fixed_noise(replace(TINY, seed=4)))

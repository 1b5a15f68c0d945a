"""Q3(d), (e): the losses, the training step, the seeding and the fixed noise."""
from dataclasses import replace

import torch

from hw5.answers.gan import Step, build_gan, fixed_noise, gan_losses, seed_rngs, train_step
from hw5.config import TrainConfig

TINY = TrainConfig(epochs=2, batch_size=64, limit=200, seed=3, eval_samples=100)


def test_training_step_gives_finite_losses_and_moves_every_weight():
    gan = build_gan(TINY, torch.device("cpu"))
    before = {name: p.detach().clone() for model in (gan.generator, gan.discriminator)
              for name, p in model.named_parameters(prefix=type(model).__name__)}
    step = train_step(gan, torch.rand(8, 1, 28, 28) * 2 - 1, torch.randn(8, 100))
    assert isinstance(step, Step) and torch.isfinite(step.d_loss) and torch.isfinite(step.g_loss)
    assert 0 < step.d_real < 1 and 0 < step.d_fake < 1 and not any(value.requires_grad for value in step)
    after = {name: p for model in (gan.generator, gan.discriminator)
             for name, p in model.named_parameters(prefix=type(model).__name__)}
    unchanged = [name for name in before if torch.equal(before[name], after[name])]
    assert unchanged == []


def test_bf16_step_keeps_fp32_weights_and_gives_finite_losses():
    gan = build_gan(TINY, torch.device("cpu"))
    before = [p.detach().clone() for p in gan.generator.parameters()]
    step = train_step(gan, torch.rand(8, 1, 28, 28) * 2 - 1, torch.randn(8, 100), torch.bfloat16)
    assert all(value.dtype == torch.float32 and torch.isfinite(value) for value in step)
    assert all(p.dtype == torch.float32 for p in gan.generator.parameters())
    assert all(not torch.equal(a, b) for a, b in zip(before, gan.generator.parameters()))


def test_gradients_are_those_of_each_players_own_loss():
    """The simultaneous update hands each optimizer the gradient of its player's own loss, computed here the
    textbook way instead: D's from a pass on fake.detach(), G's through a second D call, each with its own
    zero_grad and backward. The Step holds those losses and D's mean probabilities."""
    gan = build_gan(TINY, torch.device("cpu"))
    G, D = gan.generator.eval(), gan.discriminator.eval()   # deterministic: no dropout, fixed BatchNorm statistics
    real, z = torch.rand(6, 1, 28, 28) * 2 - 1, torch.randn(6, 100)
    bce = torch.nn.BCEWithLogitsLoss()
    fake = G(z)
    real_logits, fake_logits = D(real), D(fake.detach())
    d_loss = bce(real_logits, torch.ones(6)) + bce(fake_logits, torch.zeros(6))
    D.zero_grad()
    d_loss.backward()
    expected_d = [p.grad.clone() for p in D.parameters()]
    g_loss = bce(D(fake), torch.ones(6))
    G.zero_grad()
    g_loss.backward()
    expected_g = [p.grad.clone() for p in G.parameters()]
    expected = Step(d_loss, g_loss, real_logits.sigmoid().mean(), fake_logits.sigmoid().mean())

    for opt in (gan.opt_d, gan.opt_g):   # keep the gradients train_step hands to the optimizers
        opt.step = lambda: None
    step = train_step(gan, real, z)
    torch.testing.assert_close(torch.stack(step), torch.stack(expected).detach())
    for p, g in zip([*D.parameters(), *G.parameters()], expected_d + expected_g):
        torch.testing.assert_close(p.grad, g)


def test_the_losses_are_binary_cross_entropy_on_the_logits():
    real_logits, fake_logits = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    d_loss, g_loss = gan_losses(real_logits, fake_logits)
    p_real, p_fake = real_logits.sigmoid(), fake_logits.sigmoid()
    torch.testing.assert_close(d_loss, -(p_real.log().mean() + (1 - p_fake).log().mean()))
    torch.testing.assert_close(g_loss, -p_fake.log().mean())


def test_seeding_makes_the_weights_and_the_data_rng_repeatable():
    def seeded():
        rng = seed_rngs(TINY)
        return build_gan(TINY, torch.device("cpu")), torch.randn(3, generator=rng)
    (gan1, draw1), (gan2, draw2) = seeded(), seeded()
    assert torch.equal(draw1, draw2)
    assert all(torch.equal(a, b) for a, b in zip(gan1.generator.parameters(), gan2.generator.parameters()))
    seed_rngs(replace(TINY, seed=4))
    other = build_gan(TINY, torch.device("cpu"))
    assert not torch.equal(next(other.generator.parameters()), next(gan1.generator.parameters()))


def test_fixed_noise_depends_on_the_seed_only_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    noise = fixed_noise(TINY)
    assert torch.equal(torch.get_rng_state(), state)                     # drawing it changed no other randomness
    torch.randn(5)                                                       # whatever was drawn before
    assert torch.equal(fixed_noise(TINY), noise) and noise.shape == (16, 100)
    assert not torch.equal(fixed_noise(replace(TINY, seed=4)), noise)

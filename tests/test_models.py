"""Q3(b), (c): the discriminator and the generator against the assignment's shapes and parameter counts."""
import pytest
import torch

from hw5.answers.models import Discriminator, Dropout16Bit, Generator, generate
from hw5.render.tables import layer_rows


def layers(model, x):
    """(layer type, output shape without the batch) of every leaf layer in execution order, and the output."""
    rows = layer_rows(model, x)
    with torch.no_grad():
        return [(kind, shape) for _, kind, shape, _ in rows], sum(r[3] for r in rows), model.eval()(x)


def test_generator_layers_and_parameters():
    shapes, parameters, out = layers(Generator(100), torch.randn(3, 100))
    assert shapes == [
        ("Linear", (12544,)), ("BatchNorm1d", (12544,)), ("LeakyReLU", (12544,)),
        ("ConvTranspose2d", (128, 7, 7)), ("BatchNorm2d", (128, 7, 7)), ("LeakyReLU", (128, 7, 7)),
        ("ConvTranspose2d", (64, 14, 14)), ("BatchNorm2d", (64, 14, 14)), ("LeakyReLU", (64, 14, 14)),
        ("ConvTranspose2d", (1, 28, 28)), ("Tanh", (1, 28, 28)),
    ]
    assert out.shape == (3, 1, 28, 28) and out.abs().max() <= 1
    assert parameters == 2_305_472   # the TF tutorial's count: no biases before BatchNorm


def test_discriminator_layers_and_parameters():
    shapes, parameters, out = layers(Discriminator(), torch.randn(5, 1, 28, 28))
    assert shapes == [
        ("Conv2d", (64, 14, 14)), ("LeakyReLU", (64, 14, 14)), ("Dropout16Bit", (64, 14, 14)),
        ("Conv2d", (128, 7, 7)), ("LeakyReLU", (128, 7, 7)), ("Dropout16Bit", (128, 7, 7)),
        ("Flatten", (6272,)), ("Linear", (1,)),
    ]
    assert out.shape == (5,)  # one logit per image
    assert parameters == 212_865


def test_cheap_dropout_keeps_the_bernoulli_distribution_and_scale():
    layer = Dropout16Bit(0.3)
    x = torch.ones(200_000)
    torch.manual_seed(0)
    y = layer(x)
    kept = y != 0
    assert abs(kept.double().mean().item() - 0.7) < 0.005          # P(keep) = 1 - p
    assert torch.allclose(y[kept], torch.full_like(y[kept], 1 / 0.7), rtol=1e-5)  # inverted dropout: E[y] = x
    odd = layer.train()(torch.ones(3, 5, 7))                        # odd sizes use half of the last int32
    assert odd.shape == (3, 5, 7) and all(v == 0 or v == pytest.approx(1 / 0.7, rel=1e-5) for v in odd.unique())
    assert torch.equal(layer.eval()(x), x)                          # identity at evaluation


def test_generate_uses_eval_mode_and_restores_training_mode():
    generator = Generator(100)
    noise = torch.randn(8, 100, generator=torch.Generator().manual_seed(3))
    images = generate(generator, noise, batch_size=3)   # batches of 3, 3, 2: BatchNorm must not see them
    assert generator.training and images.shape == (8, 1, 28, 28)
    torch.testing.assert_close(images, generator.eval()(noise).detach())

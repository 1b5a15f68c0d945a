"""Q3(b), (c): the discriminator and the generator against the assignment's shapes and parameter counts."""
import pytest
import torch

from hw5.answers.models import Discriminator, Generator, generate
from hw5.render.tables import layer_rows


def layers(model, x):
    """(layer type, output shape without the batch) of every leaf layer in execution order, and the output."""
    rows = layer_rows(model, x)
    with torch.no_grad():
        return [(kind, shape) for _, kind, shape, _ in rows], sum(r[3] for r in rows), model.eval()(x)


def test_generator_layers_and_parameters():
    shapes, parameters, out = layers(Generator(100), torch.randn(3, 100))
    assert shapes == [
        ("Linear", (12544,)),   # then reshaped: no BatchNorm or LeakyReLU, as the assignment lists
        ("ConvTranspose2d", (128, 7, 7)), ("BatchNorm2d", (128, 7, 7)), ("LeakyReLU", (128, 7, 7)),
        ("ConvTranspose2d", (64, 14, 14)), ("BatchNorm2d", (64, 14, 14)), ("LeakyReLU", (64, 14, 14)),
        ("ConvTranspose2d", (1, 28, 28)), ("Tanh", (1, 28, 28)),
    ]
    assert out.shape == (3, 1, 28, 28) and out.abs().max() <= 1
    assert parameters == 2_280_384   # trainable (no biases); Keras' 2,280,768 adds the moving statistics
    moving = sum(b.numel() for name, b in Generator(100).named_buffers() if name.endswith(("_mean", "_var")))
    assert parameters + moving == 2_280_768


def test_discriminator_layers_and_parameters():
    shapes, parameters, out = layers(Discriminator(), torch.randn(5, 1, 28, 28))
    assert shapes == [
        ("Conv2d", (64, 14, 14)), ("LeakyReLU", (64, 14, 14)), ("Dropout", (64, 14, 14)),
        ("Conv2d", (128, 7, 7)), ("LeakyReLU", (128, 7, 7)), ("Dropout", (128, 7, 7)),
        ("Flatten", (6272,)), ("Linear", (1,)),
    ]
    assert out.shape == (5,)  # one logit per image
    assert parameters == 212_865


def test_generate_uses_eval_mode_and_restores_training_mode():
    generator = Generator(100)
    noise = torch.randn(8, 100, generator=torch.Generator().manual_seed(3))
    images = generate(generator, noise, batch_size=3)   # batches of 3, 3, 2: BatchNorm must not see them
    assert generator.training and images.shape == (8, 1, 28, 28)
    torch.testing.assert_close(images, generator.eval()(noise).detach())

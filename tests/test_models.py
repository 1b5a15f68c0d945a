import pytest
import torch

from hw5.models import Discriminator, Dropout16Bit, Generator, count_parameters, layer_rows


def output_shapes(model, x):
    """(layer type, output shape without the batch) of every leaf layer in execution order, and the output."""
    shapes = [(kind, shape) for _, kind, shape, _ in layer_rows(model, x)]
    with torch.no_grad():
        return shapes, model.eval()(x)


def test_generator_layers_and_parameters():
    shapes, out = output_shapes(Generator(), torch.randn(3, 100))
    assert shapes == [
        ("Linear", (12544,)), ("BatchNorm1d", (12544,)), ("LeakyReLU", (12544,)),
        ("ConvTranspose2d", (128, 7, 7)), ("BatchNorm2d", (128, 7, 7)), ("LeakyReLU", (128, 7, 7)),
        ("ConvTranspose2d", (64, 14, 14)), ("BatchNorm2d", (64, 14, 14)), ("LeakyReLU", (64, 14, 14)),
        ("ConvTranspose2d", (1, 28, 28)), ("Tanh", (1, 28, 28)),
    ]
    assert out.shape == (3, 1, 28, 28) and out.abs().max() <= 1
    assert count_parameters(Generator()) == 2_305_472


def test_discriminator_layers_and_parameters():
    shapes, out = output_shapes(Discriminator(), torch.randn(5, 1, 28, 28))
    assert shapes == [
        ("Conv2d", (64, 14, 14)), ("LeakyReLU", (64, 14, 14)), ("Dropout16Bit", (64, 14, 14)),
        ("Conv2d", (128, 7, 7)), ("LeakyReLU", (128, 7, 7)), ("Dropout16Bit", (128, 7, 7)),
        ("Flatten", (6272,)), ("Linear", (1,)),
    ]
    assert out.shape == (5,)  # one logit per image
    assert count_parameters(Discriminator()) == 212_865


def test_layers_follow_the_keras_reference():
    g, d = Generator(), Discriminator()
    assert g.project[0].bias is None and all(m.bias is None for m in g.upsample if hasattr(m, "stride"))
    slopes = {m.negative_slope for m in [*g.modules(), *d.modules()] if isinstance(m, torch.nn.LeakyReLU)}
    assert slopes == {0.3}
    assert {m.p for m in d.modules() if isinstance(m, torch.nn.Dropout)} == {0.3}
    norms = [m for m in g.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    assert len(norms) == 3 and all(m.momentum == 0.01 and m.eps == 1e-3 for m in norms)


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


def test_layer_rows_count_every_parameter_and_restore_the_mode():
    g = Generator()
    rows = layer_rows(g, torch.zeros(2, 100))
    assert sum(count for *_, count in rows) == count_parameters(g) and g.training
    assert [name for name, *_ in rows][:2] == ["project.0", "project.1"]

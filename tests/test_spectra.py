"""Power spectra: where a checkerboard shows, and generated over real power."""
import pytest
import torch

from hw5.answers.data import load_images
from hw5.appendix import spectra
from hw5.config import DATA_DIR


@pytest.fixture(scope="module")
def test_set():
    images, labels = load_images(DATA_DIR, train=False)
    return images, labels


def test_power_spectrum_puts_a_checkerboard_at_half_the_size_and_keeps_parseval():
    i, j = torch.meshgrid(torch.arange(28), torch.arange(28), indexing="ij")
    checkerboard = ((-1.0) ** (i + j)).view(1, 1, 28, 28)                 # period 2 both ways
    stripes = torch.cos(2 * torch.pi * 7 * j / 28).view(1, 1, 28, 28)     # 7 cycles across, period 4
    power = spectra.power_spectrum(checkerboard)
    assert power[14, 14] == pytest.approx(28.0**4) and power.sum() == pytest.approx(28.0**4)
    power = spectra.power_spectrum(stripes)
    assert set(map(tuple, (power > 1e-9 * power.max()).nonzero().tolist())) == {(0, 7), (0, 21)}
    images = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    centred = images - images.mean(dim=(-2, -1), keepdim=True)
    assert spectra.power_spectrum(images).sum() == pytest.approx(28 * 28 * centred.square().sum().item() / 5)


def test_excess_power_is_one_for_the_same_images_and_peaks_where_a_checkerboard_is_added(test_set):
    real = test_set[0][:500]
    torch.testing.assert_close(spectra.excess_power(real, real), torch.ones(28, 28, dtype=torch.float64))
    i, j = torch.meshgrid(torch.arange(28), torch.arange(28), indexing="ij")
    ratio = spectra.excess_power(real + 0.05 * (-1.0) ** (i + j), real)
    assert ratio.argmax().item() == 14 * 28 + 14 and ratio[14, 14] > 10


def test_excess_power_of_sets_stacked_by_epoch_is_that_of_each_set(test_set):
    real = test_set[0][:300]
    by_epoch = torch.rand(3, 16, 1, 28, 28, generator=torch.Generator().manual_seed(1)) * 2 - 1
    torch.testing.assert_close(spectra.excess_power(by_epoch, real),
                               torch.stack([spectra.excess_power(images, real) for images in by_epoch]))

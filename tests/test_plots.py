"""The figures: which epochs they show, the gallery's layout, the spectrum map's colour scale, saving."""
import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from hw5.config import TrainConfig  # noqa: E402
from hw5.render import plots  # noqa: E402


def test_grid_epochs_are_the_assignments_for_50_and_scaled_otherwise():
    assert plots.grid_epochs(TrainConfig().epochs) == [10, 30, 50]
    assert plots.grid_epochs(2) == [1, 2]


def test_sample_grids_draw_each_epochs_samples_one_per_axes_on_the_fixed_scale():
    samples = 0.1 * torch.rand(5, 3, 1, 4, 4)      # a narrow range, which a min-max display would stretch
    fig = plots.plot_sample_grids(samples, [2, 5])
    images = [ax.images[0] for ax in fig.axes]
    assert len(images) == 6 and all(image.get_clim() == (-1.0, 1.0) for image in images)
    drawn = np.stack([image.get_array() for image in images])
    assert np.array_equal(drawn, samples[[1, 4]].reshape(6, 4, 4).numpy())   # samples[T - 1], row by row
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["$T = 2$", "$T = 5$"]
    plt.close(fig)


def test_progression_shows_the_asked_vectors_labelled_from_one():
    samples = torch.arange(4 * 6, dtype=torch.float32).view(4, 6, 1, 1, 1).expand(4, 6, 1, 2, 2) / 100
    fig = plots.plot_progression(samples, [1, 4], vectors=range(3, 6))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["4", "5", "6"]
    mosaic = ax.images[0].get_array()
    assert mosaic[1, 1] == samples[0, 3, 0, 0, 0] and mosaic[1, 4] == samples[3, 3, 0, 0, 0]   # vector 4: epochs 1, 4
    assert mosaic[4, 1] == samples[0, 4, 0, 0, 0]
    plt.close(fig)


def test_class_gallery_sorts_images_by_class_and_pads_rare_classes():
    images = torch.arange(7, dtype=torch.float32).view(7, 1, 1, 1).expand(7, 1, 2, 2) / 10
    classes = torch.tensor([3, 1, 3, 3, 0, 3, 1])
    rows, counts = plots.class_gallery(images, classes, per_class=3, num_classes=4)
    assert rows.shape == (4, 3, 1, 2, 2) and counts == [1, 2, 0, 4]
    firsts = rows[..., 0, 0, 0]  # each tile's value: its image's index / 10, or 1 for a blank tile
    torch.testing.assert_close(firsts, torch.tensor([[0.4, 1, 1], [0.1, 0.6, 1], [1, 1, 1], [0.0, 0.2, 0.3]]))


def test_spectrum_map_ignores_the_zero_frequency_whose_ratio_is_rounding_noise():
    ratio = torch.rand(28, 28, dtype=torch.float64) + 0.5
    drawn = []
    for noise in (1e-6, 1e6):   # 0/0 after centring: any value at all
        ratio[0, 0] = noise
        fig = plots.plot_excess_power(ratio, ratio.expand(3, 28, 28), epoch=3)
        image = fig.axes[0].images[0]
        drawn.append((image.get_array().filled(0.0).copy(), image.get_clim()))
        plt.close(fig)
    assert (drawn[0][0] == drawn[1][0]).all() and drawn[0][1] == drawn[1][1]


def test_spectrum_map_scale_ends_at_the_largest_ratio_and_its_inverse_so_nothing_is_clipped():
    ratio = torch.ones(28, 28, dtype=torch.float64)
    ratio[14, 14], ratio[3, 5] = 1.8, 1 / 1.2
    fig = plots.plot_excess_power(ratio, ratio.expand(3, 28, 28), epoch=3)
    image, bar = fig.axes[0].images[0], fig.axes[-1]   # the colour bar: the last axes
    assert image.get_clim() == pytest.approx((1 / 1.8, 1.8))
    assert [t.get_text() for t in bar.get_yticklabels()] == ["0.556", "1", "1.8"]   # each end the other's inverse
    plt.close(fig)


def test_tiles_are_laid_out_row_by_row_in_white_frames():
    images = torch.arange(3, dtype=torch.float32).view(3, 1, 1, 1).expand(3, 1, 2, 2) / 10   # image k is k/10
    mosaic = plots.tile(images, ncols=2)
    assert mosaic.shape == (7, 7)                                 # 2 x 2 tiles of 2 x 2, framed by 1 pixel
    assert mosaic[1, 1] == 0.0 and mosaic[1, 4] == 0.1 and mosaic[4, 1] == 0.2
    assert mosaic[0].tolist() == [plots.GAP] * 7 and mosaic[4, 4] == plots.GAP   # frames, and an empty slot

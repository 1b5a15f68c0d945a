"""The figures: which epochs they show, the gallery's layout, the spectrum map's colour scale, saving."""
import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from hw5.config import TrainConfig  # noqa: E402
from hw5.render import plots  # noqa: E402


def test_grid_epochs_are_the_assignments_for_50_and_scaled_otherwise():
    assert plots.grid_epochs(TrainConfig().epochs) == [10, 30, 50]
    assert plots.grid_epochs(2) == [1, 2]


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


def test_tiles_are_laid_out_row_by_row_in_white_frames():
    images = torch.arange(3, dtype=torch.float32).view(3, 1, 1, 1).expand(3, 1, 2, 2) / 10   # image k is k/10
    mosaic = plots.tile(images, ncols=2)
    assert mosaic.shape == (7, 7)                                 # 2 x 2 tiles of 2 x 2, framed by 1 pixel
    assert mosaic[1, 1] == 0.0 and mosaic[1, 4] == 0.1 and mosaic[4, 1] == 0.2
    assert mosaic[0].tolist() == [plots.GAP] * 7 and mosaic[4, 4] == plots.GAP   # frames, and an empty slot

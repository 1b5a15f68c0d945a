"""The loss statistics that the reading of the loss curves (Q3f) rests on."""

import numpy as np
import pytest

from hw5.appendix import dynamics
from histories import history_from


def test_loss_summary_lists_every_epoch_side_by_side_then_the_windows_anticorrelation():
    steps = np.arange(20 * 100)
    swing = np.sin(2 * np.pi * steps / 50)            # whole periods in every epoch
    d = 1.2 + 0.1 * swing - 0.02 * steps / 100       # L_D falls by 0.02 per epoch
    g = 0.9 - 0.1 * swing
    rows = dynamics.loss_summary(history_from(d, g, steps_per_epoch=100), window=5, blocks=3).splitlines()
    assert rows[0].split() == ["ep", "L_D", "L_G", "D(x)", "D(G(z))"] * 3
    epochs = [row.split()[5 * k:5 * k + 5] for row in rows[1:8] for k in range(3)]
    epochs = sorted((cells for cells in epochs if cells), key=lambda cells: int(cells[0]))
    assert [int(cells[0]) for cells in epochs] == list(range(1, 21))    # 7 + 7 + 6 rows, each epoch once
    for epoch, mean_d, mean_g, d_real, d_fake in epochs:
        assert float(mean_d) == pytest.approx(1.2 - 0.02 * (int(epoch) - 0.5), abs=6e-3)
        assert (mean_g, d_real, d_fake) == ("0.90", "0.60", "0.40")
    assert rows[8].startswith("corr of L_D and L_G over the steps of each 5 epochs: ")
    corr = [float(c) for c in rows[8].split(": ")[1].split()]
    assert len(corr) == 4 and all(c < -0.9 for c in corr)


def test_step_correlation_is_the_sign_of_how_the_losses_move_together():
    x = np.random.default_rng(0).normal(size=500)
    assert dynamics.step_correlation(x, -2 * x) == pytest.approx(-1)
    assert dynamics.step_correlation(x, x + 1) == pytest.approx(1)


def test_step_values_are_the_steps_of_the_asked_epochs():
    steps = np.arange(3 * 4, dtype=float)
    history = history_from(steps, -steps, steps_per_epoch=4)
    assert dynamics.step_values(history, "d_loss", 2, 3).tolist() == list(range(4, 12))
    assert dynamics.step_losses(history, 1, 1)[1].tolist() == [0, -1, -2, -3]


def test_surges_count_the_steps_beyond_the_calm_stretch_between_the_opening_and_the_upset():
    d, g = np.full((4, 5), 1.2), np.full((4, 5), 0.9)     # 4 epochs of 5 steps
    d[0, 1] = 0.3                                          # the opening: epoch 1, step 2
    d[2] = 0.8                                             # epoch 3, the upset: the lowest mean L_D, every step low
    g[1, 4] = 1.5                                          # the calm stretch (epoch 2)'s highest L_G
    g[3, 0] = 1.6                                          # after the upset: one step beyond
    history = history_from(d.ravel(), g.ravel(), steps_per_epoch=5)
    calm, low, high, beyond = dynamics.surges(history)
    assert (list(calm), low, high, beyond) == ([2], 1.2, 1.5, {1: 1, 3: 5, 4: 1})
    assert dynamics.loss_summary(history).splitlines()[-2:] == [
        "step 1: L_D 1.20, L_G 0.90; epochs 2-2's steps: L_D >= 1.20, L_G <= 1.50",
        "steps beyond that range: 1 in epoch 1, 5 in epoch 3, 1 in epoch 4"]

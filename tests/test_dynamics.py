"""The loss statistics that the reading of the loss curves (Q3f) rests on."""
import math

import numpy as np
import pytest

from hw5.appendix import dynamics
from histories import history_from


def test_loss_summary_reports_each_window_with_its_means_and_anticorrelation():
    steps = np.arange(20 * 100)
    swing = np.sin(2 * np.pi * steps / 50)            # whole periods in every epoch
    d = 1.2 + 0.1 * swing - 0.02 * steps / 100       # L_D falls by 0.2 per 10 epochs
    g = 0.9 - 0.1 * swing
    rows = dynamics.loss_summary(history_from(d, g, steps_per_epoch=100), window=5).splitlines()
    assert [row.split()[1] for row in rows[1:5]] == ["1-5", "6-10", "11-15", "16-20"]
    for k, row in enumerate(rows[1:5]):
        mean_d, mean_g, d_real, d_fake, corr = row.split()[2:]
        assert (d_real, d_fake) == ("0.600", "0.400")
        assert float(mean_d) == pytest.approx(1.2 - 0.02 * (5 * k + 2.5), abs=2e-3)
        assert float(mean_g) == pytest.approx(0.9, abs=2e-3)
        assert float(corr) < -0.9
    assert rows[5].split()[-4:] == [f"{2 * math.log(2):.3f}", f"{math.log(2):.3f}", "0.500", "0.500"]


def test_step_correlation_is_the_sign_of_how_the_losses_move_together():
    x = np.random.default_rng(0).normal(size=500)
    assert dynamics.step_correlation(x, -2 * x) == pytest.approx(-1)
    assert dynamics.step_correlation(x, x + 1) == pytest.approx(1)

"""The loss statistics that the reading of the loss curves (Q3f) rests on."""
import math

import numpy as np
import pytest

from hw5.appendix import dynamics
from histories import history_from


def test_swing_length_is_a_quarter_period_for_an_oscillation_and_one_step_for_noise():
    steps = np.arange(4000)
    assert abs(dynamics.swing_length(np.sin(2 * np.pi * steps / 80)) - 20) <= 1
    assert dynamics.swing_length(np.random.default_rng(0).normal(size=4000)) <= 2


def test_loss_summary_reports_each_window_with_anticorrelated_swings_despite_a_trend():
    steps = np.arange(20 * 100)
    swing = np.sin(2 * np.pi * steps / 50)            # whole periods in every epoch: swings of 12.5 steps
    d = 1.2 + 0.1 * swing - 0.02 * steps / 100       # L_D falls by 0.2 per 10 epochs
    g = 0.9 - 0.1 * swing
    rows = dynamics.loss_summary(history_from(d, g, steps_per_epoch=100), window=5).splitlines()
    assert [row.split()[1] for row in rows[1:5]] == ["1-5", "6-10", "11-15", "16-20"]
    for k, row in enumerate(rows[1:5]):
        mean_d, mean_g, d_real, d_fake, corr, swing_steps = row.split()[2:]
        assert (d_real, d_fake) == ("0.600", "0.400")
        assert float(mean_d) == pytest.approx(1.2 - 0.02 * (5 * k + 2.5), abs=2e-3)
        assert float(corr) < -0.9 and abs(int(swing_steps) - 12.5) <= 1   # the trend is not one long swing
    assert rows[5].split()[-4:] == [f"{2 * math.log(2):.3f}", f"{math.log(2):.3f}", "0.500", "0.500"]


def test_swing_length_ignores_a_linear_trend():
    steps = np.arange(1000)
    assert abs(dynamics.swing_length(np.sin(2 * np.pi * steps / 80) + steps / 100) - 20) <= 1

"""Q2 measured: the sampled gradient's error and the timing of each method."""
import time

import numpy as np
import torch

from hw5.appendix import word2vec


def test_sampled_gradient_approaches_the_exact_one_as_k_grows():
    errors = word2vec.sampling_error(d=500, h=16, scale=0.3, power=0.75, ks=(10, 100, 1000, 10000), trials=10)
    values = list(errors.values())
    assert all(a > b for a, b in zip(values, values[1:]))
    assert values[-1] < 0.05 and values[0] / values[-1] > 10  # roughly 1/sqrt(k): 30x over 1000x more samples


def test_benchmark_reports_every_method_and_size():
    result = word2vec.benchmark(ds=(50, 500), h=8, k=5, pairs=3, min_seconds=0.0)
    assert result["d"] == [50, 500]
    for key in ("full softmax", "hierarchical softmax", "negative sampling"):
        assert len(result[key]) == 2 and all(v > 0 for v in result[key])
    work = result["work"]
    assert work["full softmax"] == [50, 500] and work["negative sampling"] == [6, 6]
    assert len(result["importance sampling"]) == 2 and all(v > 0 for v in result["importance sampling"])
    assert work["importance sampling"] == [6, 6]   # (c)'s method is timed too, on the same k + 1 rows
    assert work["hierarchical softmax"][0] < work["hierarchical softmax"][1] < np.log2(500)   # Zipf: below log2 d


def test_a_pairs_time_is_its_fastest_round_in_one_thread():
    """Other work slows some rounds down: the time reported is the fastest round, timed in one thread."""
    calls, threads = [], torch.get_num_threads()

    def step(t, c):
        calls.append(torch.get_num_threads())
        if len(calls) <= 4:   # the warm-up pair and the whole first round run slow, as on a busy machine
            time.sleep(0.02)

    seconds = word2vec.time_per_pair(step, [(0, 1), (2, 3), (4, 5)], min_seconds=0.0, rounds=3)
    assert seconds < 0.005 and len(calls) == 1 + 3 * 3 and set(calls) == {1} and torch.get_num_threads() == threads

"""Q2 measured (Appendix A): the sampled gradient's error against the number of samples, and the time of one SGD
step of each method of `hw5.answers.skipgram` against the vocabulary size."""
import time

import numpy as np
import torch

from ..answers.skipgram import (huffman_tree, hierarchical_step, importance_sampled_grad, negative_sampling_step,
                                softmax_grads, softmax_step, unigram, zipf_counts)


def sampling_error(d: int, h: int, scale: float, power: float, ks, trials: int,
                   seed: int = 0) -> dict[int, float]:
    """Mean relative error |estimate - exact| / |exact| of the importance-sampled ∂L/∂w_t, by number of samples k:
    d words with Zipf counts, input and output vectors N(0, scale²) in float64, the proposal the unigram
    distribution to `power`, and `trials` random (t, c) pairs, the same for every k."""
    gen = torch.Generator().manual_seed(seed)
    W_in = torch.randn(d, h, generator=gen, dtype=torch.float64) * scale
    W_out = torch.randn(d, h, generator=gen, dtype=torch.float64) * scale
    proposal = unigram(zipf_counts(d), power)
    pairs = torch.randint(0, d, (trials, 2), generator=gen).tolist()
    errors = {}
    for k in ks:
        total = 0.0
        for t, c in pairs:
            exact = softmax_grads(W_in, W_out, t, c)[1]
            estimate = importance_sampled_grad(W_in, W_out, t, c, proposal, k, gen)
            total += float((estimate - exact).norm() / exact.norm())
        errors[k] = total / trials
    return errors


def time_per_pair(step, pairs: list[tuple[int, int]], min_seconds: float = 0.2, rounds: int = 5) -> float:
    """Seconds per pair of `step(t, c)`: the fastest of at least `rounds` rounds over the pairs (and
    min_seconds in all), as other work on the machine can only add to a round's time; in one thread,
    as these small steps gain nothing from a second one and would wait for it on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        step(*pairs[0])   # warm-up
        times, deadline = [], time.perf_counter() + min_seconds
        while len(times) < rounds or time.perf_counter() < deadline:
            start = time.perf_counter()
            for t, c in pairs:
                step(t, c)
            times.append((time.perf_counter() - start) / len(pairs))
    finally:
        torch.set_num_threads(threads)
    return min(times)


def benchmark(ds=(100, 1000, 10_000, 100_000, 1_000_000), h: int = 100, k: int = 10, pairs: int = 20,
              seed: int = 0, min_seconds: float = 0.2) -> dict[str, list[float]]:
    """Seconds per training pair (one SGD step) of the three methods for each vocabulary size d, h fixed."""
    gen = torch.Generator().manual_seed(seed)
    result = {"d": list(ds), "full softmax": [], "hierarchical softmax": [], "negative sampling": [],
              "mean path length": []}
    for d in ds:
        counts = zipf_counts(d)
        tree = huffman_tree(counts)
        noise = unigram(counts, 0.75)
        W_in = torch.randn(d, h, generator=gen) * 0.01
        W_out = torch.zeros(d, h)
        W_nodes = torch.zeros(d - 1, h)
        pair_list = unigram(counts).sample(2 * pairs, gen).view(pairs, 2).tolist()
        result["full softmax"].append(time_per_pair(
            lambda t, c: softmax_step(W_in, W_out, t, c, 0.025), pair_list, min_seconds))
        result["hierarchical softmax"].append(time_per_pair(
            lambda t, c: hierarchical_step(W_in, W_nodes, tree, t, c, 0.025), pair_list, min_seconds))
        result["negative sampling"].append(time_per_pair(
            lambda t, c: negative_sampling_step(W_in, W_out, t, c, noise, k, 0.025, gen), pair_list, min_seconds))
        result["mean path length"].append(float(np.average(tree.lengths, weights=counts)))
    return result


def fitted_slope(ds, seconds) -> float:
    """Slope of log(seconds) against log(d), least squares over all the sizes measured."""
    return float(np.polyfit(np.log(ds), np.log(seconds), 1)[0])

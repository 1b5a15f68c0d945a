"""Q2 measured (Appendix A): the sampled gradient's error against the number of samples, and the time of one SGD
step of each method of `hw5.answers.skipgram` against the vocabulary size."""
import time
import timeit

import numpy as np
import torch

from ..answers.skipgram import (huffman_tree, hierarchical_step, importance_sampled_grads, importance_sampling_step,
                                negative_sampling_step, softmax_grads, softmax_step, unigram, zipf_counts)


def sampling_error(d: int, h: int, scale: float, power: float, ks, trials: int, seed: int = 0) -> dict[int, float]:
    """Mean relative error |estimate - exact| / |exact| of the importance-sampled ∂L/∂w_t by number of samples k,
    over `trials` random (t, c) pairs of d Zipf-counted words: vectors N(0, scale²), the proposal unigram^power."""
    gen = torch.Generator().manual_seed(seed)
    W_in, W_out = (torch.randn(d, h, generator=gen, dtype=torch.float64) * scale for _ in range(2))
    proposal = unigram(zipf_counts(d), power)
    pairs = torch.randint(0, d, (trials, 2), generator=gen).tolist()
    exact = [softmax_grads(W_in, W_out, t, c)[1] for t, c in pairs]   # ∂L/∂w_t of each pair
    errors = {}
    for k in ks:
        estimates = (importance_sampled_grads(W_in, W_out, t, c, proposal, k, gen)[0] for t, c in pairs)
        errors[k] = float(np.mean([(e - g).norm() / g.norm() for e, g in zip(estimates, exact)]))
    return errors


def time_per_pair(step, pairs: list[tuple[int, int]], min_seconds: float = 0.2, rounds: int = 5) -> float:
    """Seconds per pair of `step(t, c)`: the fastest of `rounds` or more rounds (min_seconds in all), as other work
    can only slow a round; in one thread: small steps gain nothing from more, and wait for them when busy."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        step(*pairs[0])   # warm-up
        times, deadline = [], time.perf_counter() + min_seconds
        while len(times) < rounds or time.perf_counter() < deadline:
            times.append(timeit.timeit(lambda: [step(t, c) for t, c in pairs], number=1) / len(pairs))
    finally:
        torch.set_num_threads(threads)
    return min(times)


def benchmark(ds=(100, 1000, 10_000, 100_000, 1_000_000), h: int = 100, k: int = 10, pairs: int = 20,
              seed: int = 0, min_seconds: float = 0.2) -> dict[str, list[float]]:
    """Seconds per training pair (one SGD step) of the four methods for each vocabulary size d, h fixed; and
    under "work", the output vectors of length h each reads and updates per pair: d, the Huffman tree's mean path
    length, k + 1 and k + 1 (the two sampling methods draw from unigram^(3/4))."""
    gen = torch.Generator().manual_seed(seed)
    methods = ("full softmax", "hierarchical softmax", "importance sampling", "negative sampling")
    result = {"d": list(ds), **{name: [] for name in methods}, "work": {name: [] for name in methods}}
    for d in ds:
        counts = zipf_counts(d)
        tree, noise = huffman_tree(counts), unigram(counts, 0.75)
        W_in = torch.randn(d, h, generator=gen) * 0.01
        W_out, W_nodes = torch.zeros(d, h), torch.zeros(d - 1, h)
        pair_list = unigram(counts).sample(2 * pairs, gen).view(pairs, 2).tolist()
        steps = {"full softmax": lambda t, c: softmax_step(W_in, W_out, t, c, 0.025),
                 "hierarchical softmax": lambda t, c: hierarchical_step(W_in, W_nodes, tree, t, c, 0.025),
                 "importance sampling": lambda t, c: importance_sampling_step(W_in, W_out, t, c, noise, k, 0.025, gen),
                 "negative sampling": lambda t, c: negative_sampling_step(W_in, W_out, t, c, noise, k, 0.025, gen)}
        for name, step in steps.items():
            result[name].append(time_per_pair(step, pair_list, min_seconds))
        for name, work in zip(methods, (d, float(np.average(tree.lengths, weights=counts)), k + 1, k + 1)):
            result["work"][name].append(work)
    return result

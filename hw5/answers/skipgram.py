r"""Q2: the skip-gram gradient, hierarchical softmax and sampled gradients, each as the write-up states it.

Vocabulary of d words, embeddings of size h. $W \in \mathbb{R}^{d\times h}$ holds the input vectors (row $w_i$),
$W' \in \mathbb{R}^{d\times h}$ the output vectors (row $w'_j$). For a (target t, context c) pair:
    s = W' w_t (d,),  p = softmax(s),  L = -log p_c = -s_c + log Σ_j exp s_j
    ∂L/∂w_t = W'^T (p - e_c) = -w'_c + E_{j~p}[w'_j]      ∂L/∂w'_j = (p_j - [j = c]) w_t
Each step below is one SGD update on one pair by these formulas (no autograd), so the appendix times what is analysed.
"""
import heapq
from dataclasses import dataclass

import numpy as np
import torch


# ----- (a) full softmax: O(dh) per pair -----
def softmax_grads(W_in: torch.Tensor, W_out: torch.Tensor, t: int, c: int):
    """(L, ∂L/∂w_t (h,), ∂L/∂s = p - e_c (d,)) for one pair, from the closed forms above. ∂L/∂W' = (p - e_c) w_t^T,
    the outer product of the last with w_t, is rank 1: the step adds it into W' in place and never builds it."""
    w_t = W_in[t]                               # (h,)
    s = W_out @ w_t                             # (d,)  d dot products of length h: O(dh)
    loss = torch.logsumexp(s, dim=0) - s[c]
    g = torch.softmax(s, dim=0)                 # (d,)  p, O(d)
    g[c] -= 1.0                                 # p - e_c
    return loss, W_out.T @ g, g                 # W'^T (p - e_c): O(dh)


def softmax_step(W_in: torch.Tensor, W_out: torch.Tensor, t: int, c: int, lr: float) -> None:
    """One SGD step on one pair: every one of the d output vectors moves, O(dh). W' is read twice (scores and
    ∂L/∂w_t) and updated once, in place: no d×h temporary."""
    _, grad_t, g = softmax_grads(W_in, W_out, t, c)
    W_out.addr_(g, W_in[t], alpha=-lr)          # W' -= lr (p - e_c) w_t^T, one pass over W'
    W_in[t] -= lr * grad_t


# ----- (b) hierarchical softmax: O(h log d) per pair -----
@dataclass(frozen=True)
class Tree:
    """A binary tree over d words: d leaves, d-1 inner nodes (each with an output vector, rows of `W_nodes`)."""
    paths: np.ndarray    # (d, max_depth) int64: paths[w, :lengths[w]], the inner nodes from the root to w, 0-padded
    codes: np.ndarray    # (d, max_depth) int8: codes[w, :lengths[w]], the turns (0/1) along that path, 0-padded
    lengths: np.ndarray  # (d,) int64


def huffman_tree(counts: np.ndarray) -> Tree:
    """Huffman coding of the vocabulary by frequency, as word2vec builds it: merge the two rarest subtrees until one
    is left. Frequent words get short paths; the mean path is minimal among binary trees, under entropy + 1 bit."""
    d = len(counts)
    heap = [(float(n), w) for w, n in enumerate(counts)]   # ids < d: leaves; ids >= d: inner nodes
    heapq.heapify(heap)
    parent, turn = np.zeros(2 * d - 1, dtype=np.int64), np.zeros(2 * d - 1, dtype=np.int8)
    for inner in range(d, 2 * d - 1):                      # d - 1 merges; the last, 2d - 2, is the root
        (n0, a), (n1, b) = heapq.heappop(heap), heapq.heappop(heap)
        parent[a], turn[a], parent[b], turn[b] = inner, 0, inner, 1
        heapq.heappush(heap, (n0 + n1, inner))
    depth = np.zeros(2 * d - 1, dtype=np.int64)
    for node in reversed(range(2 * d - 2)):                # parents have larger ids: fill depths top-down
        depth[node] = depth[parent[node]] + 1
    lengths = depth[:d]
    paths = np.zeros((d, max(1, lengths.max())), dtype=np.int64)
    codes = np.zeros_like(paths, dtype=np.int8)
    words, node = np.arange(d), np.arange(d)
    for up in range(lengths.max()):                        # all words walk up together, filling paths from the end
        live = lengths > up
        k = lengths[live] - 1 - up
        paths[words[live], k] = parent[node[live]] - d     # inner nodes numbered 0 .. d-2
        codes[words[live], k] = turn[node[live]]
        node[live] = parent[node[live]]
    return Tree(paths, codes, lengths)


def path_log_prob(W_nodes: torch.Tensor, w_t: torch.Tensor, tree: Tree, word: int) -> torch.Tensor:
    """log P(word | t) = Σ_k log σ((1 - 2 b_k) v_{n_k} · w_t) along the word's path (b_k: its turns)."""
    nodes, signs = path_of(tree, word, w_t.dtype)
    return torch.nn.functional.logsigmoid(signs * (W_nodes[nodes] @ w_t)).sum()


def path_of(tree: Tree, word: int, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """(inner nodes on the word's path, ±1 per turn: +1 for turn 0, whose probability is σ(a), -1 for σ(-a))."""
    n = tree.lengths[word]
    return torch.from_numpy(tree.paths[word, :n]), 1.0 - 2.0 * torch.from_numpy(tree.codes[word, :n]).to(dtype)


def leaf_probabilities(W_nodes: torch.Tensor, w_t: torch.Tensor, tree: Tree) -> torch.Tensor:
    """P(w | t) of every leaf w (d,); they sum to one because σ(a) + σ(-a) = 1 at every inner node."""
    return torch.stack([path_log_prob(W_nodes, w_t, tree, w) for w in range(len(tree.lengths))]).exp()


def logistic_grads(W_rows: torch.Tensor, rows: torch.Tensor, labels: torch.Tensor, w_t: torch.Tensor):
    """For L = -Σ_k log σ(y_k a_k) with a_k = W_rows[r_k] · w_t and y_k = ±1: (L, ∂L/∂w_t, ∂L/∂a).
    ∂L/∂a_k = σ(a_k) - [y_k = 1], so ∂L/∂w_t = Σ_k (σ(a_k) - [y_k = 1]) W_rows[r_k]; O(len(rows) h)."""
    V = W_rows[rows]                             # (K, h)
    a = V @ w_t                                  # (K,)
    loss = -torch.nn.functional.logsigmoid(labels * a).sum()
    g = torch.sigmoid(a) - (labels > 0).to(a.dtype)
    return loss, V.T @ g, g


def hierarchical_step(W_in: torch.Tensor, W_nodes: torch.Tensor, tree: Tree, t: int, c: int, lr: float) -> None:
    """One SGD step on one pair: only the ~log2(d) inner nodes on the context word's path move."""
    nodes, labels = path_of(tree, c, W_in.dtype)
    w_t = W_in[t].clone()
    _, grad_t, g = logistic_grads(W_nodes, nodes, labels, w_t)
    W_nodes.index_add_(0, nodes, torch.outer(g, w_t), alpha=-lr)
    W_in[t] -= lr * grad_t


# ----- (c) sampling: O(kh) per pair -----
@dataclass(frozen=True)
class Categorical:
    """A distribution over the d words, drawn in O(log d) from cumulative sums built once (torch.multinomial: O(d))."""
    probs: torch.Tensor  # (d,) float64
    cdf: torch.Tensor    # (d,) float64

    def sample(self, k: int, generator: torch.Generator) -> torch.Tensor:
        u = torch.rand(k, generator=generator, dtype=self.cdf.dtype) * self.cdf[-1]
        return torch.searchsorted(self.cdf, u, right=True).clamp_(max=len(self.cdf) - 1)


def unigram(counts: np.ndarray, power: float = 1.0) -> Categorical:
    """Word frequencies raised to `power` and normalised (word2vec's noise distribution uses 3/4)."""
    weights = torch.as_tensor(counts, dtype=torch.float64) ** power
    probs = weights / weights.sum()
    return Categorical(probs, torch.cumsum(probs, dim=0))


def importance_sampled_grads(W_in: torch.Tensor, W_out: torch.Tensor, t: int, c: int, proposal: Categorical,
                             k: int, generator: torch.Generator):
    """(∂L/∂w_t, rows, ĝ) from k draws j_i ~ Q weighted r_i = exp(s_{j_i}) / Q(j_i), self-normalised so that p's
    normaliser is never computed. rows = (c, j_1..j_k) and ĝ = (-1, r_1/Σr, .., r_k/Σr), the estimate of ∂L/∂s there:
    ∂L/∂w_t ≈ -w'_c + Σ_i r_i w'_{j_i} / Σ_i r_i = W'[rows]^T ĝ, and ∂L/∂W' ≈ ĝ w_t^T on those rows, adding up where
    one repeats. O(kh)."""
    rows = torch.cat([torch.tensor([c]), proposal.sample(k, generator)])   # the context word, then k draws
    V = W_out[rows]                                                         # (k+1, h)
    s = V[1:] @ W_in[t]                                                     # (k,)  O(kh)
    r = torch.softmax(s - proposal.probs[rows[1:]].log().to(s.dtype), dim=0)   # r_i / Σ r_i, stably
    g = torch.cat([-torch.ones(1, dtype=r.dtype), r])
    return V.T @ g, rows, g


def importance_sampling_step(W_in: torch.Tensor, W_out: torch.Tensor, t: int, c: int, proposal: Categorical,
                             k: int, lr: float, generator: torch.Generator) -> None:
    """One SGD step with the estimates above: w_t, w'_c and the k sampled output vectors move."""
    w_t = W_in[t].clone()
    grad_t, rows, g = importance_sampled_grads(W_in, W_out, t, c, proposal, k, generator)
    W_out.index_add_(0, rows, torch.outer(g, w_t), alpha=-lr)
    W_in[t] -= lr * grad_t


def negative_sampling_step(W_in: torch.Tensor, W_out: torch.Tensor, t: int, c: int, noise: Categorical,
                           k: int, lr: float, generator: torch.Generator) -> None:
    """One SGD step of L = -log σ(w'_c·w_t) - Σ_{i=1..k} log σ(-w'_{n_i}·w_t), n_i ~ noise: k + 1 rows move."""
    rows = torch.cat([torch.tensor([c]), noise.sample(k, generator)])   # the context word, then k negatives
    labels = torch.cat([torch.ones(1), -torch.ones(k)]).to(W_in.dtype)
    w_t = W_in[t].clone()
    _, grad_t, g = logistic_grads(W_out, rows, labels, w_t)
    W_out.index_add_(0, rows, torch.outer(g, w_t), alpha=-lr)
    W_in[t] -= lr * grad_t


# ----- the checks -----
def zipf_counts(d: int, exponent: float = 1.0) -> np.ndarray:
    """Word counts following Zipf's law, count ∝ 1/rank, as natural text roughly does."""
    return np.round(1e9 / np.arange(1, d + 1) ** exponent).astype(np.int64) + 1


def gradient_checks(d: int = 60, h: int = 8, k: int = 5, seed: int = 0) -> dict[str, float]:
    """Largest |closed form - autograd| of every gradient above, in float64, on random sizes and vectors."""
    gen = torch.Generator().manual_seed(seed)
    W_in, W_out = (torch.randn(d, h, dtype=torch.float64, generator=gen) for _ in range(2))
    t, c = torch.randint(0, d, (2,), generator=gen).tolist()
    loss = lambda w, V: -torch.log_softmax(V @ w, dim=0)[c]
    ref_t, ref_out = torch.func.grad(loss, argnums=(0, 1))(W_in[t], W_out)   # the autograd reference
    _, grad_t, g = softmax_grads(W_in, W_out, t, c)
    errors = {"softmax: dL/dw_t": (grad_t - ref_t).abs().max(),
              "softmax: dL/dW'": (torch.outer(g, W_in[t]) - ref_out).abs().max()}
    tree = huffman_tree(zipf_counts(d))
    W_nodes = torch.randn(d - 1, h, dtype=torch.float64, generator=gen)
    noise = unigram(zipf_counts(d), 0.75).sample(k, gen)
    negatives = torch.cat([torch.tensor([c]), noise]), torch.cat([torch.ones(1), -torch.ones(k)]).double()
    for name, matrix, (rows, labels) in [("hierarchical softmax", W_nodes, path_of(tree, c, torch.float64)),
                                         ("negative sampling", W_out, negatives)]:
        loss = lambda w, V: -torch.nn.functional.logsigmoid(labels * (V[rows] @ w)).sum()
        ref_t, ref_rows = torch.func.grad(loss, argnums=(0, 1))(W_in[t], matrix)
        _, grad_t, g = logistic_grads(matrix, rows, labels, W_in[t])
        grad_rows = torch.zeros_like(matrix).index_add_(0, rows, torch.outer(g, W_in[t]))
        errors[f"{name}: dL/dw_t"] = (grad_t - ref_t).abs().max()
        errors[f"{name}: dL/d(output vectors)"] = (grad_rows - ref_rows).abs().max()
    errors["hierarchical softmax: |sum_c p(c|t) - 1|"] = (leaf_probabilities(W_nodes, W_in[t], tree).sum() - 1).abs()
    return {name: float(value) for name, value in errors.items()}

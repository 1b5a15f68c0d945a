"""Q2: every closed-form gradient against autograd, the Huffman tree, the sampler."""
import numpy as np
import pytest
import torch

from hw5.answers import skipgram


@pytest.mark.parametrize("d, h", [(7, 3), (50, 16), (300, 5)])
def test_softmax_gradient_equals_autograd(d, h):
    gen = torch.Generator().manual_seed(d)
    W_in = torch.randn(d, h, dtype=torch.float64, generator=gen).requires_grad_()
    W_out = torch.randn(d, h, dtype=torch.float64, generator=gen).requires_grad_()
    t, c = 1, d - 2
    loss = -torch.log_softmax(W_out @ W_in[t], dim=0)[c]
    loss.backward()
    ours_loss, grad_t, grad_s = skipgram.softmax_grads(W_in.detach(), W_out.detach(), t, c)
    grad_out = torch.outer(grad_s, W_in[t].detach())   # ∂L/∂W' = (p - e_c) w_t^T
    torch.testing.assert_close(ours_loss, loss.detach())
    torch.testing.assert_close(grad_t, W_in.grad[t])
    torch.testing.assert_close(grad_out, W_out.grad)
    assert torch.count_nonzero(W_in.grad.sum(1)) == 1  # only the target's input vector has a gradient


def test_softmax_step_is_sgd_with_those_gradients():
    gen = torch.Generator().manual_seed(1)
    W_in, W_out = torch.randn(20, 4, generator=gen), torch.randn(20, 4, generator=gen)
    _, grad_t, grad_s = skipgram.softmax_grads(W_in, W_out, 3, 5)
    expected_in, expected_out = W_in[3] - 0.1 * grad_t, W_out - 0.1 * torch.outer(grad_s, W_in[3])
    skipgram.softmax_step(W_in, W_out, 3, 5, lr=0.1)
    torch.testing.assert_close(W_in[3], expected_in)
    torch.testing.assert_close(W_out, expected_out)


def test_softmax_step_is_sgd_with_autograds_gradients_done_in_place():
    gen = torch.Generator().manual_seed(3)
    W_in = torch.randn(30, 6, dtype=torch.float64, generator=gen).requires_grad_()
    W_out = torch.randn(30, 6, dtype=torch.float64, generator=gen).requires_grad_()
    (-torch.log_softmax(W_out @ W_in[4], dim=0)[9]).backward()
    stepped_in, stepped_out = W_in.detach().clone(), W_out.detach().clone()
    addresses = stepped_in.data_ptr(), stepped_out.data_ptr()
    skipgram.softmax_step(stepped_in, stepped_out, 4, 9, lr=0.5)
    torch.testing.assert_close(stepped_in, W_in.detach() - 0.5 * W_in.grad)
    torch.testing.assert_close(stepped_out, W_out.detach() - 0.5 * W_out.grad)
    assert (stepped_in.data_ptr(), stepped_out.data_ptr()) == addresses


def bytes_allocated(step) -> list[int]:
    """The size of every CPU allocation made while `step()` runs, as torch's profiler records them."""
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
    return [e.nbytes() for e in prof.profiler.kineto_results.events() if e.name() == "[memory]" and e.nbytes() > 0]


def test_softmax_step_allocates_vectors_of_length_d_never_a_d_by_h_matrix():
    """The rank-1 update goes into W' in place: the step allocates a few vectors of length d (the scores, p - e_c),
    all together under an eighth of one d x h matrix (h = 64), so its memory traffic is its passes over W'."""
    d, h = 2000, 64
    gen = torch.Generator().manual_seed(4)
    W_in, W_out = torch.randn(d, h, generator=gen), torch.randn(d, h, generator=gen)
    skipgram.softmax_step(W_in, W_out, 1, 2, lr=0.1)   # warm-up: first calls may set up caches
    allocated = bytes_allocated(lambda: skipgram.softmax_step(W_in, W_out, 3, 5, lr=0.1))
    assert allocated and sum(allocated) < W_out.nbytes / 8, allocated


def test_importance_sampling_step_approaches_the_softmax_step_as_k_grows():
    """With many draws the step's estimates of ∂L/∂w_t and ∂L/∂W' = (p - e_c) w_t^T approach the exact ones; only
    the rows drawn and the context word's move."""
    d, h, t, c = 12, 4, 2, 7
    gen = torch.Generator().manual_seed(5)
    W_in, W_out = (torch.randn(d, h, dtype=torch.float64, generator=gen) * 0.5 for _ in range(2))
    proposal = skipgram.unigram(skipgram.zipf_counts(d), 0.75)
    _, grad_t, grad_s = skipgram.softmax_grads(W_in, W_out, t, c)
    for k, tolerance in ((1, None), (200_000, 0.01)):
        stepped_in, stepped_out = W_in.clone(), W_out.clone()
        skipgram.importance_sampling_step(stepped_in, stepped_out, t, c, proposal, k, 1.0, gen)
        moved = torch.nonzero((stepped_out != W_out).any(1)).flatten().tolist()
        assert c in moved and len(moved) <= k + 1
        assert torch.equal(torch.cat([stepped_in[:t], stepped_in[t + 1:]]), torch.cat([W_in[:t], W_in[t + 1:]]))
        if tolerance:
            torch.testing.assert_close(W_in[t] - stepped_in[t], grad_t, atol=tolerance, rtol=0)
            torch.testing.assert_close(W_out - stepped_out, torch.outer(grad_s, W_in[t]), atol=tolerance, rtol=0)


@pytest.mark.parametrize("d", [2, 3, 10, 257])
def test_hierarchical_softmax_leaves_sum_to_one(d):
    gen = torch.Generator().manual_seed(d)
    tree = skipgram.huffman_tree(skipgram.zipf_counts(d))
    W_nodes = torch.randn(d - 1, 8, dtype=torch.float64, generator=gen)
    probs = skipgram.leaf_probabilities(W_nodes, torch.randn(8, dtype=torch.float64, generator=gen), tree)
    assert probs.shape == (d,) and (probs > 0).all()
    torch.testing.assert_close(probs.sum(), torch.tensor(1.0, dtype=torch.float64))


def test_huffman_tree_is_a_prefix_code_with_short_paths_for_frequent_words():
    counts = np.array([500, 300, 100, 50, 30, 10, 5, 5])
    tree = skipgram.huffman_tree(counts)
    words = ["".join(map(str, tree.codes[w, :tree.lengths[w]])) for w in range(len(counts))]
    assert not any(a != b and b.startswith(a) for a in words for b in words)   # prefix-free
    assert list(tree.lengths) == sorted(tree.lengths)                           # frequent words: shorter paths
    assert set(tree.paths[:, 0]) == {len(counts) - 2}                           # every path starts at the root
    p = counts / counts.sum()
    entropy, mean_length = -(p * np.log2(p)).sum(), (p * tree.lengths).sum()
    assert entropy <= mean_length < entropy + 1                                 # Huffman's optimality bound


@pytest.mark.parametrize("d, h, k, seed", [(2, 1, 1, 0), (60, 8, 5, 1), (513, 20, 15, 2)])
def test_every_closed_form_gradient_equals_autograd(d, h, k, seed):
    errors = skipgram.gradient_checks(d, h, k, seed)
    assert len(errors) == 7 and max(errors.values()) < 1e-12, errors


def test_hierarchical_loss_is_minus_log_path_probability():
    gen = torch.Generator().manual_seed(2)
    tree = skipgram.huffman_tree(skipgram.zipf_counts(40))
    nodes, signs = skipgram.path_of(tree, 17, torch.float64)
    w_t = torch.randn(6, dtype=torch.float64, generator=gen)
    W_nodes = torch.randn(39, 6, dtype=torch.float64, generator=gen)
    torch.testing.assert_close(skipgram.logistic_grads(W_nodes, nodes, signs, w_t)[0],
                               -skipgram.path_log_prob(W_nodes, w_t, tree, 17))


def test_categorical_sampler_matches_its_probabilities():
    dist = skipgram.unigram(np.array([1, 2, 3, 4]), power=1.0)
    draws = dist.sample(200_000, torch.Generator().manual_seed(0))
    freq = torch.bincount(draws, minlength=4).double() / len(draws)
    torch.testing.assert_close(freq, dist.probs, atol=5e-3, rtol=0)

"""The notebook's text tables: Q2's tree and timings, a model's layers, a run's provenance, scores and spectrum."""
import copy

import numpy as np
import torch

from ..answers.skipgram import huffman_tree, zipf_counts
from ..train.rundir import History


def error_table(title: str, errors: dict[str, float]) -> str:
    """One check per row: what is compared, and the largest |difference| found."""
    width = max(len(title), *map(len, errors)) + 2
    return "\n".join([f"{title:<{width}}{'max |error|':>12}", *(f"{k:<{width}}{v:>12.1e}" for k, v in errors.items())])


def huffman_table(ds=(10**3, 10**4, 10**5, 10**6)) -> str:
    """By vocabulary size: the balanced tree's path (log2 d inner nodes) and its speed-up in vectors per pair over
    the flat softmax (d / log2 d); the Huffman tree's mean path over Zipf-distributed word counts, and its own.
    Paths to 4 decimals: then d over a path as printed and d over the exact path round to the same speed-up."""
    rows = [f"{'d':>10}{'log2 d':>9}{'d / log2 d':>12}{'Huffman mean path':>19}{'d / Huffman':>13}"]
    for d in ds:
        counts = zipf_counts(d)
        balanced, mean_path = np.log2(d), np.average(huffman_tree(counts).lengths, weights=counts)
        rows.append(f"{d:>10,}{balanced:>9.4f}{d / balanced:>12,.0f}{mean_path:>19.4f}{d / mean_path:>13,.0f}")
    return "\n".join(rows)


def timing_table(timing: dict) -> str:
    """Microseconds per training pair of each method (the keys of timing["work"]) by vocabulary size d; the slopes
    of log time on log d between consecutive sizes, beside those of the work the counts predict (word2vec.benchmark's
    "work"); max/min. Slopes and max/min are of the times as printed, so a reader's arithmetic gives the same."""
    sizes, methods = timing["d"], list(timing["work"])
    shown = {m: [round(seconds * 1e6, 1) for seconds in timing[m]] for m in methods}   # µs, as printed
    rows = ["µs per training pair:", f"{'d':>10}" + "".join(f"{m:>21}" for m in methods)]
    rows += [f"{d:>10,}" + "".join(f"{shown[m][i]:>21.1f}" for m in methods) for i, d in enumerate(sizes)]
    for label, values in (("slopes", shown), ("counts", timing["work"])):
        slopes = [np.diff(np.log(values[m])) / np.diff(np.log(sizes)) for m in methods]
        rows.append(f"{label:>10}" + "".join(f"{' '.join(f'{round(x, 1) + 0.0:+.1f}' for x in s):>21}"
                                             for s in slopes))   # + 0.0: no "-0.0"
    rows.append(f"{'max/min':>10}" + "".join(f"{max(shown[m]) / min(shown[m]):>21.1f}" for m in methods))
    rows.append("(slopes: of log time against log d, between consecutive sizes; counts: the same of the vectors\n"
                " read and updated per pair, right panel: d, the mean Huffman path unrounded, k + 1, k + 1)")
    return "\n".join(rows)


@torch.no_grad()
def layer_rows(model: torch.nn.Module, example: torch.Tensor) -> list[tuple[str, str, tuple, int]]:
    """(name, type, output shape per example, parameters) per leaf layer in forward order, in eval mode (restored)."""
    rows = []
    hooks = [layer.register_forward_hook(lambda mod, inp, out, name=name: rows.append(
                 (name, type(mod).__name__, tuple(out.shape[1:]), sum(p.numel() for p in mod.parameters()))))
             for name, layer in model.named_modules() if not list(layer.children())]
    was_training = model.training
    model.eval()(example)
    model.train(was_training)
    for hook in hooks:
        hook.remove()
    return rows


def layer_table(model: torch.nn.Module, example: torch.Tensor) -> str:
    """One row per layer, output shape (for one example) and parameter count; a layer without parameters that
    keeps its input's shape (an activation, dropout) shares the row of the layer before it. Then the total."""
    rows = []   # [first name, last name, types, shape, parameters]
    for name, kind, shape, count in layer_rows(model, example):
        if rows and count == 0 and shape == rows[-1][3]:
            rows[-1][1:3] = [name, rows[-1][2] + [kind]]
        else:
            rows.append([name, name, [kind], shape, count])
    labels = [f"{first}{'-' + last.rsplit('.', 1)[1] if last != first else ''} ({', '.join(kinds)})"
              for first, last, kinds, _, _ in rows]
    width = max(map(len, labels))
    lines = [f"{'layer':<{width}}  {'output shape':<16}{'parameters':>12}"]
    lines += [f"{label:<{width}}  {str(shape):<16}{count:>12,}" for label, (*_, shape, count) in zip(labels, rows)]
    lines.append(f"{'total':<{width}}  {'':<16}{sum(row[4] for row in rows):>12,}")
    return "\n".join(lines)


@torch.no_grad()
def linear_stem(generator: torch.nn.Module, latent_dim: int, samples: int = 64, seed: int = 0) -> str:
    """G's bias-free dense layer, reshape and first transposed convolution, nothing non-linear between them: the
    map from z to that convolution's output (before BatchNorm) as one matrix A, whose columns are its values at the
    unit vectors; A's rank, and how closely A z gives the map's value at random z, in float64 (to rounding, if the
    map is linear)."""
    g = copy.deepcopy(generator).double().eval()

    def stem(z: torch.Tensor) -> torch.Tensor:   # upsample.0's output in G's own forward pass, (B, 128 * 7 * 7)
        caught = []
        hook = g.upsample[0].register_forward_hook(lambda layer, inputs, output: caught.append(output.flatten(1)))
        g(z)
        hook.remove()
        return caught[0]

    matrix = stem(torch.eye(latent_dim, dtype=torch.float64)).T                     # (6272, latent_dim)
    z = torch.randn(samples, latent_dim, generator=torch.Generator().manual_seed(seed)).double()
    error = float((stem(z) - z @ matrix.T).abs().max() / stem(z).abs().max())
    return (f"pre-BN output of upsample.0 = A z: A {tuple(matrix.shape)}, rank {torch.linalg.matrix_rank(matrix)}, "
            f"relative error {error:.0e}, {samples} random z")


def training_time(history: History) -> str:
    """A run's size and training time: the mean epoch (times the epochs, the hours) and the median, which other load
    on the machine slows less."""
    seconds = [e["seconds"] for e in history["epochs"]]
    return (f"{history['epochs_done']} epochs x {history['epochs'][0]['steps']} steps on {history['num_images']:,} "
            f"images: {sum(seconds) / 3600:.2f} h of training, mean epoch {np.mean(seconds):.1f} s (median "
            f"{np.median(seconds):.1f} s)")


def sessions_table(history: History, code: dict) -> str:
    """Per training session (start or resumption) of a run: its epochs, the fingerprint of its training code, its
    commit, precision, torch and machine; last this checkout's fingerprint, `code` (provenance.code_fingerprint)."""
    lines = [f"{'epochs':<8}{'code':<18}{'commit':<9}{'precision':<11}{'torch':<15}machine"]
    ends = [later["start_epoch"] - 1 for later in history["sessions"][1:]] + [history["epochs_done"]]
    for session, last in zip(history["sessions"], ends):
        machine = (f"{session['device_name']} ({session['cpu_capability']}, {session['threads']} threads)"
                   if session["device"] == "cpu" else session["device_name"])
        epochs = f"{session['start_epoch']}-{last}"
        lines.append(f"{epochs:<8}{session.get('code', {}).get('fingerprint', 'none'):<18}"
                     f"{(session['commit'] or 'none')[:7]:<9}{session['precision']:<11}{session['torch']:<15}"
                     f"{session['device']}: {machine}")
    lines.append(f"this checkout's training code: {code['fingerprint']}")
    return "\n".join(lines)


def quality_table(history: History, classifier_info: dict) -> str:
    """The two reference points, then the run's quality scores by epoch (a column each), all scored the same way."""
    lines = [f"classifier: test accuracy {classifier_info['test_accuracy']:.2%} ({classifier_info['epochs']} epochs, "
             f"seed {classifier_info['seed']}); {history['config']['eval_samples']:,} images per score"]
    for key, name in (("real_train_images", "real training images:"), ("untrained_generator", "untrained generator:")):
        point = history["quality_reference"][key]
        lines.append(f"reference, {name:<22} FD {point['frechet_distance']:>7.2f}, coverage {point['coverage']:.3f}")
    scores = history["quality"]
    lines += ["epoch   " + "".join(f"{q['epoch']:>6}" for q in scores),   # 11 scores fit the page's width
              "FD      " + "".join(f"{q['frechet_distance']:>6.1f}" for q in scores),
              "coverage" + "".join(f"{q['coverage']:>6.3f}" for q in scores)]
    return "\n".join(lines)


def excess_power_table(ratio: torch.Tensor) -> str:
    """Generated/real power at the frequencies of period 2 and 4 px (0, ±H/4, H/2 cycles per image each way: where
    the stride-2 transposed convolutions leave checkerboards), the strongest frequency, and the median over all."""
    h, w = ratio.shape
    rows, cols = (0, h // 4, h // 2), (0, w // 4, -(w // 4), w // 2)
    lines = ["generated / real power at k cycles per image down, l across",
             f"(0: constant, ±{h // 4}: period 4 px, {h // 2}: period 2 px)",
             f"{'':>8}" + "".join(f"{f'l = {l}':>10}" for l in cols)]
    lines += [f"{f'k = {k}':>8}" + "".join(f"{'':>10}" if k == l == 0 else f"{ratio[k, l].item():>10.1f}"
                                          for l in cols) for k in rows]
    flat = ratio.flatten()[1:]   # without the zero frequency (0/0 for centred images)
    k, l = divmod(int(flat.argmax()) + 1, w)
    signed = lambda f, n: f - n if f > n // 2 else f
    lines.append(f"strongest: {flat.max().item():.1f} at k = {signed(k, h)}, l = {signed(l, w)}; "
                 f"median over all {h * w - 1} frequencies: {flat.median().item():.2f}")
    return "\n".join(lines)

"""The write-up's figures. Each function takes arrays or a history and returns a Figure (notebook.save_figure).
Every image is drawn on one fixed intensity scale, pixel -1 -> black and +1 -> white (never min-max per image),
so grids from different epochs can be compared by eye."""
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from torchvision.utils import make_grid

from ..config import GRID_EPOCHS
from ..train.rundir import History

GAP = 1.0  # value of the separators between tiles (white)


def grid_epochs(epochs: int) -> list[int]:
    """The assignment's epochs 10, 30, 50 of its 50, at the same fractions of a run of `epochs` epochs."""
    return sorted({max(1, round(e * epochs / GRID_EPOCHS[-1])) for e in GRID_EPOCHS})


def class_gallery(images: torch.Tensor, classes: torch.Tensor, per_class: int = 12,
                  num_classes: int = 10) -> tuple[torch.Tensor, list[int]]:
    """The first `per_class` images of each class, (num_classes, per_class, 1, H, W), rare classes' rows filled
    up with blank (white, +1) tiles; and each class's count."""
    rows = torch.ones(num_classes, per_class, *images.shape[1:])
    counts = torch.bincount(classes, minlength=num_classes).tolist()
    for label in range(num_classes):
        picked = images[classes == label][:per_class]
        rows[label, :len(picked)] = picked
    return rows, counts


def tile(images: torch.Tensor, ncols: int, pad: int = 1) -> np.ndarray:
    """(N, 1, H, W) in [-1, 1] -> one grey mosaic, tiles row by row, each framed by `pad` white pixels."""
    return make_grid(torch.as_tensor(images).float(), nrow=ncols, padding=pad, pad_value=GAP)[0].numpy()


def labelled_tiles(ax, rows: torch.Tensor, row_labels: list[str], col_labels: list[str] | None = None) -> None:
    """rows (R, C, 1, H, W) as one R x C mosaic, each row and (optionally) each column labelled."""
    r, c, _, h, w = rows.shape
    ax.imshow(tile(rows.reshape(r * c, 1, h, w), ncols=c), cmap="gray", vmin=-1.0, vmax=1.0, interpolation="none")
    ax.set_yticks([k * (h + 1) + 1 + (h - 1) / 2 for k in range(r)], row_labels)   # tile centres
    ax.set_xticks([k * (w + 1) + 1 + (w - 1) / 2 for k in range(c)], col_labels or [])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)


def plot_real_images(images: torch.Tensor, labels: torch.Tensor, class_names: tuple, per_class: int = 4) -> Figure:
    """The first `per_class` training images of each class, one class per column."""
    columns = torch.stack([images[labels == label][:per_class] for label in range(len(class_names))])
    fig, ax = plt.subplots(figsize=(0.5 * len(class_names), 0.5 * per_class + 0.5))
    labelled_tiles(ax, columns.transpose(0, 1), [""] * per_class, list(class_names))
    ax.tick_params(axis="x", labelsize=7, rotation=30)
    ax.set_title("FashionMNIST training images, one per class")
    return fig


def plot_sample_grids(samples: torch.Tensor, epochs: list[int], inches: float = 0.62) -> Figure:
    """Row T: samples[T - 1], G(fixed_noise) as train rendered it after epoch T; one grey scale, -1 black, +1 white."""
    k = samples.shape[1]
    fig, axes = plt.subplots(len(epochs), k, figsize=(inches * k + 0.6, inches * len(epochs)), squeeze=False,
                             gridspec_kw=dict(left=0.6 / (inches * k + 0.6), right=1, bottom=0, top=1,
                                              wspace=0.04, hspace=0.1))
    for row, epoch in zip(axes, epochs):
        row[0].set_ylabel(f"$T = {epoch}$", rotation=0, ha="right", va="center", fontsize=10)
        for ax, image in zip(row, np.asarray(samples[epoch - 1])):
            ax.imshow(image[0], cmap="gray", vmin=-1.0, vmax=1.0, interpolation="none")
            ax.set(xticks=[], yticks=[], frame_on=False)
    return fig


def plot_progression(samples: torch.Tensor, epochs: list[int], vectors: range) -> Figure:
    """The fixed noise vectors `vectors` (0-based; rows, labelled from 1) rendered after each of `epochs` (columns)."""
    picked = samples[[e - 1 for e in epochs]][:, list(vectors)].transpose(0, 1)   # (vectors, epochs, 1, 28, 28)
    fig, ax = plt.subplots(figsize=(0.4 * len(epochs) + 0.4, 0.4 * len(vectors) + 0.6))
    labelled_tiles(ax, picked, [str(v + 1) for v in vectors], [str(e) for e in epochs])
    ax.set(xlabel="epoch", ylabel="vector")
    ax.set_title("Each row: one fixed noise vector over training")
    return fig


def plot_losses(history: History) -> Figure:
    """Both players' losses against epochs: left the epoch means, right every step of each player, all with the
    loss's value in a balanced game (D = 1/2) dashed. D's probabilities are in the loss summary's table."""
    fig, ax_steps = plt.subplot_mosaic([["mean", "d_loss"], ["mean", "g_loss"]], sharex=True, figsize=(6.8, 2.45))
    ax_mean = ax_steps.pop("mean")
    step_epoch = np.concatenate([k + np.arange(1, e["steps"] + 1) / e["steps"]   # epoch k + 1's steps
                                 for k, e in enumerate(history["epochs"])])
    epochs = [e["epoch"] for e in history["epochs"]]
    half = r"at $D \equiv \frac{1}{2}$"
    for key, name, color, marker, balanced, dark in (
            ("d_loss", "$L_D$", "tab:blue", "o", (2 * np.log(2), r"$2\ln 2$"), "navy"),
            ("g_loss", "$L_G$", "tab:orange", "s", (np.log(2), r"$\ln 2$"), "saddlebrown")):   # markers: grey print
        ax_mean.plot(epochs, [e[key] for e in history["epochs"]], color=color, lw=2, marker=marker, ms=3, label=name)
        ax_steps[key].plot(step_epoch, history[f"{key}_per_step"], color=color, lw=0.3)
        ax_steps[key].set(ylabel=name, ylim=(0, max(history[f"{key}_per_step"]) * 1.1))
        for ax in (ax_mean, ax_steps[key]):
            ax.axhline(balanced[0], color=dark, ls="--", lw=1.2, label=f"{name} {half}: {balanced[1]}")
    first = history["epochs"][0]["steps"]   # epoch 1's steps; the extreme steps (f) quotes, ringed and labelled
    for key, at in (("d_loss", np.argmin(history["d_loss_per_step"])),
                     ("g_loss", np.argmax(history["g_loss_per_step"][:first])),
                     ("g_loss", np.argmax(history["g_loss_per_step"]))):
        value, epoch = history[f"{key}_per_step"][at], int(np.ceil(step_epoch[at]))
        step = at + 1 - sum(e["steps"] for e in history["epochs"][:epoch - 1])
        left = step_epoch[at] < max(epochs) / 2   # the label on the side with room
        ax_steps[key].plot(step_epoch[at], value, "o", ms=5, mfc="none", mec="black", mew=0.8, clip_on=False)
        ax_steps[key].annotate(f"{value:.2f}: epoch {epoch}, step {step}", (step_epoch[at], value),
                               xytext=(8 if left else -8, 0), textcoords="offset points",
                               ha="left" if left else "right", va="center" if key == "d_loss" else "top", fontsize=8)
    ax_mean.set(ylabel="loss (BCE)", xlabel="epoch", title="epoch means", xlim=(-1, max(epochs) + 0.5))
    ax_steps["d_loss"].set_title("every step")
    ax_steps["d_loss"].tick_params(labelbottom=False)
    ax_steps["g_loss"].set_xlabel("epoch")
    handles, labels = ax_mean.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 0.91), frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


def plot_skipgram_scaling(result: dict, h: int) -> Figure:
    """Left: measured seconds per training pair against d (log-log). Right: the work the O() claims count,
    output vectors of length h touched per pair (word2vec.benchmark's "work")."""
    fig, (ax_time, ax_rows) = plt.subplots(1, 2, figsize=(6.8, 2.7))
    d = np.array(result["d"])
    styles = (("tab:red", "o"), ("tab:green", "s"), ("tab:orange", "^"), ("tab:purple", "x"))   # the two k + 1 cross
    for (name, work), (color, marker) in zip(result["work"].items(), styles):
        ax_time.plot(d, np.array(result[name]) * 1e6, "-", marker=marker, color=color, label=name, ms=4)
        ax_rows.plot(d, work, "-", marker=marker, color=color, label=name, ms=4)
    ax_rows.plot(d, np.log2(d), ":", color="gray", label=r"$\log_2 d$")
    ax_time.set(ylabel="µs per training pair", title=f"Measured time of one SGD step ($h={h}$)")
    ax_rows.set(ylabel="vectors of length $h$ per pair", title="Work per pair (rows read and updated)")
    for ax in (ax_time, ax_rows):
        ax.set(xscale="log", yscale="log", xlabel="vocabulary size $d$")
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def plot_sampling_error(errors: dict[int, float]) -> Figure:
    """Relative error of the importance-sampled gradient against the number of samples k, with k^(-1/2)."""
    k, err = np.array(list(errors.items())).T   # samples, mean relative error
    fig, ax = plt.subplots(figsize=(3.6, 2.3))
    ax.plot(k, err, "o-", label="importance sampling")
    ax.plot(k, err[0] * np.sqrt(k[0] / k), ":", color="gray", label=r"$\propto k^{-1/2}$")
    ax.set(xscale="log", yscale="log", xlabel="samples $k$", ylabel=r"$\|\hat g - g\| / \|g\|$",
           title="Sampled gradient vs exact")
    ax.legend(fontsize=8, frameon=False)
    return fig


def plot_quality(history: History) -> Figure:
    """Fréchet distance of the generator against epochs, beside its two reference points, and class coverage."""
    reference = history["quality_reference"]
    fig, (ax_fd, ax_cov) = plt.subplots(1, 2, figsize=(6.8, 2.5), gridspec_kw={"width_ratios": [3, 2]})
    epochs, fd, coverage = zip(*[(q["epoch"], q["frechet_distance"], q["coverage"]) for q in history["quality"]])
    ax_fd.plot(epochs, fd, "o-", color="tab:green", ms=3, label="generator")
    ax_cov.plot(epochs, coverage, "o-", color="tab:green", ms=3)
    for key, style, name in (("untrained_generator", "--", "untrained generator"),
                             ("real_train_images", ":", "real training images")):
        ax_fd.axhline(reference[key]["frechet_distance"], color="gray", ls=style, lw=1, label=name)
    ax_fd.set(xlabel="epoch", ylabel="Fréchet distance to test set", yscale="log",
              title=f"Sample quality ({history['config']['eval_samples']:,} images; lower is better)")
    ax_fd.legend(fontsize=8, frameon=False, loc="lower left", bbox_to_anchor=(0, 0.1))
    ax_cov.axhline(reference["real_train_images"]["coverage"], color="gray", ls=":", lw=1, label="real images")
    ax_cov.set(ylim=(0, 1.02), xlabel="epoch", ylabel="entropy / log 10", title="Class coverage")
    ax_cov.legend(fontsize=8, frameon=False, loc="lower right")
    fig.tight_layout()
    return fig


def plot_class_gallery(images: torch.Tensor, classes: torch.Tensor, class_names: tuple,
                       real_fractions: list[float], title: str) -> Figure:
    """Generated images sorted by the class the quality classifier gives them: one row per class, labelled
    with its share of these images and, in brackets, of real images (rows of rare classes end in blank tiles)."""
    rows, counts = class_gallery(images, classes, num_classes=len(class_names))
    labels = [f"{name}  {count / len(classes):.1%} ({real:.1%})"
              for name, count, real in zip(class_names, counts, real_fractions)]
    fig, ax = plt.subplots(figsize=(0.36 * rows.shape[1] + 2.1, 0.36 * len(rows) + 0.4))
    labelled_tiles(ax, rows, labels)
    ax.set_title(title)
    return fig


def plot_excess_power(ratio: torch.Tensor, ratio_by_epoch: torch.Tensor, epoch: int) -> Figure:
    """Left: generated/real power over the frequency plane after `epoch`, zero frequency in the middle (red: more
    than real images, blue: less), on a log colour scale that ends at the largest ratio and its inverse, both
    labelled: no value is clipped. Right: the checkerboard frequencies' ratio (E, H, W) by epoch."""
    ratio = torch.as_tensor(ratio, dtype=torch.float64).clone().numpy()
    ratio[0, 0] = np.nan   # zero frequency: 0/0 once each image is centred on its mean, rounding noise (grey)
    shifted = np.fft.fftshift(ratio)
    h, w = shifted.shape
    peak = np.nanmax(np.maximum(shifted, 1 / shifted))   # the ratio furthest from 1, either way
    colours = plt.get_cmap("RdBu_r").with_extremes(bad="lightgray")
    fig, (ax_map, ax_epochs) = plt.subplots(1, 2, figsize=(6.8, 2.4), gridspec_kw={"width_ratios": [1, 1.15]})
    image = ax_map.imshow(shifted, cmap=colours, norm=LogNorm(1 / peak, peak), interpolation="none",
                          extent=(-w // 2 - 0.5, w - w // 2 - 0.5, h - h // 2 - 0.5, -h // 2 - 0.5))
    ticks = [-(h // 2), -(h // 4), 0, h // 4]
    ax_map.set(xticks=ticks, yticks=ticks, xlabel="cycles per image, across", ylabel="cycles per image, down",
               title=f"After epoch {epoch}: generated / real")
    bar = fig.colorbar(image, ax=ax_map, label="power ratio (log scale)", shrink=0.85)
    bar.set_ticks([1 / peak, 1, peak], labels=[f"{1 / peak:.3g}", "1", f"{peak:.3g}"])   # 3 digits: 1/1.84 = 0.543, as printed
    bar.minorticks_off()
    epochs = np.arange(1, len(ratio_by_epoch) + 1)
    for (k, l), color in (((h // 2, w // 2), "tab:red"), ((h // 4, w // 4), "tab:blue"),
                          ((h // 4, -(w // 4)), "tab:purple")):
        ax_epochs.plot(epochs, ratio_by_epoch[:, k, l], "o-", color=color, ms=2.5, lw=1,
                       label=f"({k}, {l}): period {h // k} px".replace("-", "\N{MINUS SIGN}"))
    ax_epochs.axhline(1, color="gray", ls=":", lw=1, label="as real images")
    ax_epochs.set(yscale="log", xlabel="epoch", ylabel="generated / real power",
                  title="Checkerboard frequencies, fixed-noise samples")
    bottom, top = ax_epochs.get_ylim()
    ax_epochs.set_ylim(bottom, top * (top / bottom) ** 0.4)   # a log axis 40% taller: the legend above the points
    ax_epochs.legend(fontsize=7, frameon=False, loc="upper right")
    fig.tight_layout()
    return fig

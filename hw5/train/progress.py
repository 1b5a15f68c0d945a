"""What a run shows while it trains: a progress bar within each epoch, and a line after it. On stderr in a
terminal; in Jupyter the line is one display that the next line replaces."""
import sys
from collections.abc import Iterable
from datetime import timedelta

from tqdm.auto import tqdm


class Progress:
    def __init__(self, epochs: int, enabled: bool = True):
        self.epochs, self.enabled = epochs, enabled
        self.line = line_display() if enabled else lambda line: None

    def bar(self, batches: Iterable, epoch: int, steps: int) -> Iterable:
        """The batches, passed through a bar of `steps` that the epoch's end clears."""
        return tqdm(batches, f"epoch {epoch}/{self.epochs}", steps, leave=False, unit="batch",
                    disable=not self.enabled)

    def epoch_done(self, history: dict, first: int) -> None:
        """The epoch's means and time, and the time to go at this session's mean epoch time (since `first`)."""
        epoch = history["epochs"][-1]
        seconds = [e["seconds"] for e in history["epochs"][first - 1:]]
        to_go = timedelta(seconds=round(sum(seconds) / len(seconds) * (self.epochs - epoch["epoch"])))
        self.line(f"epoch {epoch['epoch']}/{self.epochs}: L_D {epoch['d_loss']:.3f}, L_G {epoch['g_loss']:.3f}, "
                  f"D(x) {epoch['d_real']:.3f}, D(G(z)) {epoch['d_fake']:.3f}, {epoch['seconds']:.0f} s; "
                  f"{to_go} to go")


def line_display():
    """A function that shows a line: printed to stderr, or in Jupyter replacing the line before."""
    try:
        from IPython import get_ipython
        from IPython.display import Pretty, display
        in_jupyter = hasattr(get_ipython(), "kernel")
    except ImportError:
        in_jupyter = False
    if not in_jupyter:
        return lambda line: print(line, file=sys.stderr, flush=True)
    handle = display(Pretty(""), display_id=True)
    return lambda line: handle.update(Pretty(line))

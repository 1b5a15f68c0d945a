"""One live status line with an ETA: rewritten in place in a terminal, one updated display in Jupyter.

In a notebook the line is a single display that is updated, so the saved notebook (and the PDF) keeps only
its last state, never a scroll of progress bars.
"""
import sys
import time


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def format_seconds(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


class Progress:
    """Reports `done` of `total` steps; the ETA is extrapolated from the steps done since this object was made."""

    def __init__(self, total: int, done: int = 0, min_interval: float = 1.0, stream=None, quiet: bool = False):
        self.total, self.start_done, self.min_interval, self.quiet = total, done, min_interval, quiet
        self.stream = stream if stream is not None else sys.stderr
        self.start_time = time.perf_counter()
        self.last_shown = -float("inf")
        self.display = None
        self.tty = self.stream.isatty()
        if stream is None and not quiet and in_notebook():
            from IPython.display import Pretty, display
            self.display = display(Pretty(""), display_id=True)
        elif not self.tty:  # a log file: whole lines, fewer of them
            self.min_interval = max(min_interval, 10.0)

    def eta(self, done: int) -> str:
        elapsed, steps = time.perf_counter() - self.start_time, done - self.start_done
        if steps <= 0:
            return "?"
        return format_seconds(elapsed / steps * (self.total - done))

    def update(self, done: int, text) -> None:
        """`text`: a string, or a function returning one, called only when the line is actually redrawn."""
        now = time.perf_counter()
        if now - self.last_shown < self.min_interval:
            return
        self.last_shown = now
        text = text() if callable(text) else text
        self.show(f"{text} · {100 * done / self.total:5.1f}% · ETA {self.eta(done)}")

    def show(self, line: str) -> None:
        if self.quiet:
            return
        if self.display is not None:
            from IPython.display import Pretty
            self.display.update(Pretty(line))
        elif self.tty:
            self.stream.write(f"\r\033[K{line}")
            self.stream.flush()
        else:
            print(line, file=self.stream, flush=True)

    def close(self, line: str) -> None:
        """Replace the live line by a final summary."""
        self.show(line)
        if self.display is None and self.tty and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()

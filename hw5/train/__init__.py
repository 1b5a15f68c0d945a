"""Running and resuming training runs (`python -m hw5.train`)."""
from .loop import train  # noqa: F401 (the package's API)

"""Running and resuming training runs (`python -m hw5.train`), and the tools that train or score whole runs."""
from .loop import train, train_or_load

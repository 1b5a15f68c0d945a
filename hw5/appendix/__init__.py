"""The appendix's analyses: sample quality, loss statistics, the commentary's checks, speed, Q2's costs."""

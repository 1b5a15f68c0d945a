"""The appendix's analyses: Q2's costs, sample quality, loss statistics, checkerboards, speed."""

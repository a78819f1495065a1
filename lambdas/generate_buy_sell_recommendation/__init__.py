"""Generate Buy/Sell recommendation: the second state of the sample."""

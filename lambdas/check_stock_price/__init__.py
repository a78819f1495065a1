"""Check Stock Price: the first state of the sample."""

"""Sell Stock: the mocked sell trade of the sample."""

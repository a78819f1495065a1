"""Buy Stock: the mocked buy trade of the sample."""

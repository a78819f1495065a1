"""Code that runs inside Lambda runtime processes, not in LocalStack's (``nodejs/``: the
Node.js runtime's bootstrap and preload). Nothing here is imported by Python code
but for its files' location."""

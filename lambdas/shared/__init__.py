"""Code shared by the sample's Lambda functions.

The deploy step packs this folder as ``shared/`` into every function's zip, so
``from shared.stock import ...`` works both at runtime and in the unit tests.
"""

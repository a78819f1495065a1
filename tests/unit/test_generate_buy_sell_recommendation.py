"""Generate Buy/Sell recommendation: "sell" above 50, else "buy"."""

from __future__ import annotations

import pytest
from generate_buy_sell_recommendation.app import (
    InvalidInputError,
    InvalidStockPriceError,
    handler,
)


@pytest.mark.parametrize(
    ("price", "expected"),
    [(0, "buy"), (49, "buy"), (50, "buy"), (51, "sell"), (99, "sell")],
)
def test_recommends_sell_above_50_and_buy_otherwise(price: int, expected: str):
    # GIVEN the output of Check Stock Price
    # WHEN the recommendation is generated
    # THEN it is the bare string "sell" above 50 and "buy" at 50 or below
    assert handler({"stock_price": price}, None) == expected


def test_ignores_other_keys_of_the_state():
    # GIVEN a state with more than the price WHEN the recommendation is generated
    # THEN only the price decides
    assert handler({"stock_price": 80, "recommended_type": "buy"}, None) == "sell"


@pytest.mark.parametrize(
    "state", [{}, {"stock_price": None}, {"stock_price": "80"}, {"stock_price": 100}]
)
def test_a_missing_or_invalid_price_raises_invalid_stock_price(state):
    # GIVEN a state without a valid stock_price
    # WHEN the recommendation is generated THEN a typed error names the field
    with pytest.raises(InvalidStockPriceError, match="stock_price"):
        handler(state, None)


def test_a_state_that_is_not_an_object_raises_invalid_input():
    with pytest.raises(InvalidInputError):
        handler(80, None)

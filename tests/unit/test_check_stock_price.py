"""Check Stock Price: a random price, or the execution input's valid one."""

from __future__ import annotations

import pytest
from check_stock_price import app
from check_stock_price.app import InvalidInputError, InvalidStockPriceError, handler


def test_without_a_price_returns_a_random_integer_from_0_to_99():
    # GIVEN an execution input without stock_price
    # WHEN the function runs many times
    prices = [handler({}, None)["stock_price"] for _ in range(2000)]
    # THEN every price is an int in range, and the whole range is used
    assert all(type(price) is int and 0 <= price <= 99 for price in prices)
    assert min(prices) == 0
    assert max(prices) == 99


def test_returns_only_the_stock_price_key():
    # GIVEN an input with other keys WHEN the function runs THEN only stock_price comes back
    assert set(handler({"note": "x"}, None)) == {"stock_price"}


def test_uses_the_random_generator(monkeypatch: pytest.MonkeyPatch):
    # GIVEN a random generator that returns 42
    monkeypatch.setattr(app.random, "randint", lambda low, high: 42)
    # WHEN the function runs without a price THEN that price is returned
    assert handler({}, None) == {"stock_price": 42}


@pytest.mark.parametrize("price", [0, 1, 50, 51, 99])
def test_a_valid_price_in_the_input_is_returned_unchanged(price: int):
    # GIVEN an execution input with a valid stock_price
    # WHEN the function runs THEN it returns that price
    assert handler({"stock_price": price}, None) == {"stock_price": price}


@pytest.mark.parametrize(
    ("price", "shown"),
    [
        ("abc", "'abc' (str)"),
        ("42", "'42' (str)"),
        (42.0, "42.0 (float)"),
        (True, "True (bool)"),
        (False, "False (bool)"),
        (None, "None (NoneType)"),
        (100, "100 (int)"),
        (-1, "-1 (int)"),
        (10**30, f"{10**30} (int)"),
        ([1], "[1] (list)"),
        ({"v": 1}, "{'v': 1} (dict)"),
    ],
)
def test_an_invalid_price_raises_a_typed_error_naming_field_range_and_value(price, shown):
    # GIVEN an execution input whose stock_price is not an integer from 0 to 99
    # WHEN the function runs
    with pytest.raises(InvalidStockPriceError) as raised:
        handler({"stock_price": price}, None)
    # THEN the message names the field, the range and the value with its type
    assert str(raised.value) == f"stock_price must be an integer from 0 to 99, got {shown}"


def test_the_error_names_that_step_functions_reports():
    # Step Functions uses the exception class name as the error name
    assert InvalidStockPriceError.__name__ == "InvalidStockPriceError"
    assert InvalidInputError.__name__ == "InvalidInputError"
    assert issubclass(InvalidStockPriceError, ValueError)
    assert issubclass(InvalidInputError, ValueError)


@pytest.mark.parametrize("event", [[], [1, 2], "text", 7, None, True])
def test_an_input_that_is_not_an_object_raises_invalid_input(event):
    # GIVEN an execution input that is not a JSON object
    # WHEN the function runs THEN it raises InvalidInputError saying so
    with pytest.raises(InvalidInputError, match="execution input must be a JSON object"):
        handler(event, None)

"""Buy Stock and Sell Stock: mocked trades built by shared.trade."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from buy_stock.app import handler as buy
from sell_stock.app import handler as sell
from shared import trade
from shared.stock import InvalidInputError, InvalidStockPriceError

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


@pytest.mark.parametrize(("handler", "kind"), [(buy, "buy"), (sell, "sell")])
def test_a_trade_has_the_sample_fields_all_strings(handler, kind):
    # GIVEN the state after approval
    state = {"stock_price": 42, "recommended_type": kind}
    before = datetime.now(UTC)
    # WHEN the trade function runs
    result = handler(state, None)
    after = datetime.now(UTC)
    # THEN it returns id, price, type, qty and timestamp, every value a string
    assert set(result) == {"id", "price", "type", "qty", "timestamp"}
    assert all(isinstance(value, str) for value in result.values())
    assert re.fullmatch(r"[0-9a-f]{32}", result["id"])
    assert result["price"] == "42"
    assert result["type"] == kind
    assert 1 <= int(result["qty"]) <= 10
    assert TIMESTAMP.fullmatch(result["timestamp"])
    moment = datetime.strptime(result["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert before - timedelta(milliseconds=1) <= moment <= after


def test_every_trade_has_its_own_id_and_quantities_cover_1_to_10():
    # GIVEN many trades WHEN they are made
    trades = [buy({"stock_price": 7}, None) for _ in range(500)]
    # THEN ids are unique and quantities span 1..10
    assert len({t["id"] for t in trades}) == 500
    assert {int(t["qty"]) for t in trades} == set(range(1, 11))


def test_the_quantity_comes_from_the_random_generator(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(trade.random, "randint", lambda low, high: high)
    assert sell({"stock_price": 60}, None)["qty"] == "10"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 25, 20, 1, 2, 345678, tzinfo=UTC), "2026-11-25T20:01:02.345Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 0, tzinfo=UTC), "2026-01-02T03:04:05.000Z"),
        (
            datetime(2026, 11, 25, 22, 1, 2, 9999, tzinfo=timezone(timedelta(hours=2))),
            "2026-11-25T20:01:02.009Z",
        ),
    ],
)
def test_timestamps_are_utc_with_milliseconds_and_z(moment, expected):
    # GIVEN a moment (in any time zone) WHEN formatted THEN it is UTC, milliseconds, Z
    assert trade.format_timestamp(moment) == expected


@pytest.mark.parametrize("handler", [buy, sell])
@pytest.mark.parametrize("state", [{}, {"stock_price": "42"}, {"stock_price": 100}])
def test_a_missing_or_invalid_price_raises_invalid_stock_price(handler, state):
    with pytest.raises(InvalidStockPriceError, match="stock_price"):
        handler(state, None)


@pytest.mark.parametrize("handler", [buy, sell])
def test_a_state_that_is_not_an_object_raises_invalid_input(handler):
    with pytest.raises(InvalidInputError):
        handler(["stock_price", 42], None)


def test_the_trade_functions_share_the_trade_logic():
    # GIVEN both function modules WHEN read THEN neither implements the trade itself
    import buy_stock.app
    import sell_stock.app

    assert buy_stock.app.execute_trade is trade.execute_trade
    assert sell_stock.app.execute_trade is trade.execute_trade

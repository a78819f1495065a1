"""Validation of the stock price that travels through the state machine."""

from __future__ import annotations

from typing import Any

MIN_PRICE = 0
MAX_PRICE = 99


class InvalidInputError(ValueError):
    """The state input is not a JSON object.

    Step Functions names the error after this class: ``InvalidInputError``.
    """


class InvalidStockPriceError(ValueError):
    """``stock_price`` is missing or not an integer from MIN_PRICE to MAX_PRICE.

    Step Functions names the error after this class: ``InvalidStockPriceError``.
    """


def require_object(event: Any) -> dict[str, Any]:
    """Return ``event`` if it is a JSON object, else raise InvalidInputError."""
    if not isinstance(event, dict):
        raise InvalidInputError(
            f"execution input must be a JSON object, got {type(event).__name__}: {event!r:.80}"
        )
    return event


def validate_stock_price(value: Any) -> int:
    """Return ``value`` if it is an int from MIN_PRICE to MAX_PRICE (bool excluded)."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_PRICE <= value <= MAX_PRICE:
        raise InvalidStockPriceError(
            f"stock_price must be an integer from {MIN_PRICE} to {MAX_PRICE}, "
            f"got {value!r:.80} ({type(value).__name__})"
        )
    return value


def require_stock_price(event: Any) -> int:
    """Return the validated ``stock_price`` of a state input that must carry one."""
    state = require_object(event)
    if "stock_price" not in state:
        raise InvalidStockPriceError(
            f"stock_price is required (an integer from {MIN_PRICE} to {MAX_PRICE}), "
            f"got keys {sorted(state)!r:.120}"
        )
    return validate_stock_price(state["stock_price"])

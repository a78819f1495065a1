"""Generate Buy/Sell recommendation: sell above a threshold price, else buy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from shared.stock import InvalidInputError, InvalidStockPriceError, require_stock_price

if TYPE_CHECKING:
    from awslambdaric.lambda_context import LambdaContext

__all__ = ["SELL_ABOVE", "InvalidInputError", "InvalidStockPriceError", "handler"]

SELL_ABOVE = 50
"""Prices strictly above this are a "sell"; the others are a "buy"."""


def handler(event: Any, context: LambdaContext) -> Literal["buy", "sell"]:
    """Return the bare string ``"sell"`` or ``"buy"`` for the input's ``stock_price``.

    The state machine stores it at ``$.recommended_type``.

    Raises:
        InvalidInputError: the state input is not a JSON object.
        InvalidStockPriceError: ``stock_price`` is missing or not an integer from 0 to 99.
    """
    return "sell" if require_stock_price(event) > SELL_ABOVE else "buy"

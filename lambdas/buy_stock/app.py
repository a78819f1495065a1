"""Buy Stock: mocks buying a random quantity at the input's stock price."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.stock import InvalidInputError, InvalidStockPriceError
from shared.trade import TradeResult, execute_trade

if TYPE_CHECKING:
    from awslambdaric.lambda_context import LambdaContext

__all__ = ["InvalidInputError", "InvalidStockPriceError", "handler"]


def handler(event: Any, context: LambdaContext) -> TradeResult:
    """Return the trade: id, price, type "buy", qty and timestamp, all strings.

    Raises:
        InvalidInputError: the state input is not a JSON object.
        InvalidStockPriceError: ``stock_price`` is missing or not an integer from 0 to 99.
    """
    return execute_trade(event, "buy")

"""Check Stock Price: returns the price to trade at, random unless the input gives one."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from shared.stock import (
    MAX_PRICE,
    MIN_PRICE,
    InvalidInputError,
    InvalidStockPriceError,
    require_object,
    validate_stock_price,
)

if TYPE_CHECKING:
    from awslambdaric.lambda_context import LambdaContext

__all__ = ["InvalidInputError", "InvalidStockPriceError", "handler"]


def handler(event: Any, context: LambdaContext) -> dict[str, int]:
    """Return ``{"stock_price": N}``.

    N is the execution input's ``stock_price`` when it has one (an integer from
    0 to 99), else a random integer from 0 to 99.

    Raises:
        InvalidInputError: the execution input is not a JSON object.
        InvalidStockPriceError: ``stock_price`` is there but not an integer from 0 to 99.
    """
    state = require_object(event)
    if "stock_price" in state:
        return {"stock_price": validate_stock_price(state["stock_price"])}
    return {"stock_price": random.randint(MIN_PRICE, MAX_PRICE)}

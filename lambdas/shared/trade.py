"""The mocked trade that the Buy Stock and Sell Stock functions perform."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

from shared.stock import require_stock_price

TradeType = Literal["buy", "sell"]

MIN_QTY = 1
MAX_QTY = 10


class TradeResult(TypedDict):
    """What a trade function returns; every value is a string, as in the sample."""

    id: str
    price: str
    type: TradeType
    qty: str
    timestamp: str


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and a ``Z``: ``2026-11-25T20:01:02.345Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def execute_trade(event: Any, trade_type: TradeType) -> TradeResult:
    """Mock a trade of a random quantity at the state input's ``stock_price``."""
    price = require_stock_price(event)
    return TradeResult(
        id=uuid.uuid4().hex,
        price=str(price),
        type=trade_type,
        qty=str(random.randint(MIN_QTY, MAX_QTY)),
        timestamp=format_timestamp(datetime.now(UTC)),
    )

"""Execution input, checked by the sample's own validation before starting."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from sfnlocal.errors import UserError


@cache
def _stock_rules(repo_root: Path) -> ModuleType:
    """lambdas/shared/stock.py: the rules check_stock_price applies, loaded as is."""
    path = repo_root / "lambdas" / "shared" / "stock.py"
    spec = importlib.util.spec_from_file_location("sample_stock_rules", path)
    if spec is None or spec.loader is None:
        raise UserError(f"cannot load {path}", "run from a checkout of this repository")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def execution_input(repo_root: Path, price: int | None) -> dict[str, Any]:
    if price is None:
        return {}
    rules = _stock_rules(repo_root)
    try:
        return {"stock_price": rules.validate_stock_price(price)}
    except rules.InvalidStockPriceError as error:
        raise UserError(
            str(error), f"give --price a whole number from {rules.MIN_PRICE} to {rules.MAX_PRICE}"
        ) from None

"""Execution input, checked by the sample's own validation before starting."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from sfnlocal import aws_names
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


# -- what the console's Start execution dialog takes ---------------------------

INPUT_MAX_BYTES = 256 * 1024
CLOUDWATCH_NOTE = (
    "Step Functions allows you to create state machine, execution, and activity names that "
    "contain non-ASCII characters. These non-ASCII names don't work with Amazon CloudWatch. "
    "To ensure that you can track CloudWatch metrics, choose a name that uses only ASCII "
    "characters."
)
"""The seed's note beside the Start execution dialog's Name box."""


def execution_name(name: str | None) -> str | None:
    """``name`` if StartExecution accepts it; None when empty (Step Functions picks one).

    Non-ASCII letters are allowed, as AWS allows them (see CLOUDWATCH_NOTE).
    """
    if not name:
        return None
    if problem := aws_names.name_problem(name):
        raise UserError(
            problem,
            "use letters, digits, '-' and '_' (white space, brackets, wildcards, "
            '" # % \\ ^ | ~ ` $ & , ; : / and control characters are not allowed; '
            f"at most {aws_names.NAME_MAX} characters), or leave it empty for a generated name",
        )
    return name


def parse_input(repo_root: Path, text: str) -> dict[str, Any]:
    """The execution input typed as JSON, checked by the sample's own rules."""
    if len(text.encode()) > INPUT_MAX_BYTES:
        raise UserError(
            f"the input is larger than {INPUT_MAX_BYTES // 1024} KiB", "send a smaller input"
        )
    try:
        value = json.loads(text or "{}")
    except ValueError as error:
        raise UserError(f"the input is not valid JSON: {error}", "fix the JSON") from None
    rules = _stock_rules(repo_root)
    try:
        value = rules.require_object(value)
    except rules.InvalidInputError as error:
        raise UserError(str(error), 'write a JSON object, e.g. {"stock_price": 20}') from None
    try:
        if "stock_price" in value:
            rules.validate_stock_price(value["stock_price"])
    except rules.InvalidStockPriceError as error:
        raise UserError(
            str(error),
            f"give stock_price a whole number from {rules.MIN_PRICE} to {rules.MAX_PRICE}, "
            "or leave it out for a random price",
        ) from None
    return value

"""Deployment packages: function folder at the zip root plus shared/, byte-for-byte stable."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sfnlocal.deploy.errors import DeployError
from sfnlocal.deploy.packaging import (
    FIXED_DATE_TIME,
    build_package,
    check_node_modules,
    code_sha256,
)
from tests.conftest import REPO_ROOT

LAMBDAS = REPO_ROOT / "lambdas"
FUNCTIONS = sorted(p.name for p in LAMBDAS.iterdir() if (p / "function.json").is_file())
PYTHON_FUNCTIONS = [f for f in FUNCTIONS if (LAMBDAS / f / "app.py").is_file()]
NODE_APPROVER = LAMBDAS / "approve_request_node"


@pytest.fixture
def lambdas_copy(tmp_path: Path) -> Path:
    """A private copy of lambdas/ that a test may change."""
    copy = tmp_path / "lambdas"
    shutil.copytree(LAMBDAS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def names_in(package: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.namelist()


def test_the_five_functions_are_packaged():
    assert FUNCTIONS == [
        "approve_request",
        "approve_request_node",
        "buy_stock",
        "check_stock_price",
        "generate_buy_sell_recommendation",
        "sell_stock",
    ]


@pytest.mark.parametrize("function", PYTHON_FUNCTIONS)
def test_the_zip_has_app_at_its_root_and_the_shared_package(function: str):
    # GIVEN a function folder WHEN it is packaged
    names = names_in(build_package(LAMBDAS / function, LAMBDAS / "shared"))
    # THEN app.py is top-level and shared/ comes along, without function.json or caches
    assert "app.py" in names
    assert "__init__.py" in names
    assert {"shared/__init__.py", "shared/stock.py", "shared/trade.py"} <= set(names)
    assert "function.json" not in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert names == sorted(names)


def test_caches_and_hidden_files_are_left_out(lambdas_copy: Path):
    # GIVEN a function folder with bytecode caches and an editor's hidden file
    folder = lambdas_copy / "buy_stock"
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "app.cpython-313.pyc").write_bytes(b"\0")
    (folder / ".app.py.swp").write_bytes(b"\0")
    (lambdas_copy / "shared" / "__pycache__").mkdir()
    (lambdas_copy / "shared" / "__pycache__" / "trade.cpython-313.pyc").write_bytes(b"\0")
    # WHEN it is packaged THEN none of them is in the zip
    names = names_in(build_package(folder, lambdas_copy / "shared"))
    assert names == [
        "__init__.py",
        "app.py",
        "shared/__init__.py",
        "shared/stock.py",
        "shared/trade.py",
    ]


def test_entries_have_a_fixed_timestamp_and_mode():
    package = build_package(LAMBDAS / "sell_stock", LAMBDAS / "shared")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            assert info.date_time == FIXED_DATE_TIME
            assert info.external_attr >> 16 == 0o100644


def test_the_same_files_give_the_same_bytes_whatever_their_mtimes(lambdas_copy: Path):
    # GIVEN a package built from the repository's files
    original = build_package(LAMBDAS / "check_stock_price", LAMBDAS / "shared")
    # WHEN the same files, copied and with new modification times, are packaged again
    for path in lambdas_copy.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    again = build_package(lambdas_copy / "check_stock_price", lambdas_copy / "shared")
    # THEN the bytes (and so the hash) are the same
    assert again == original
    assert code_sha256(again) == code_sha256(original)


def test_a_changed_file_changes_the_hash(lambdas_copy: Path):
    # GIVEN a package WHEN a shared file changes THEN every function's hash changes
    before = code_sha256(build_package(lambdas_copy / "buy_stock", lambdas_copy / "shared"))
    trade = lambdas_copy / "shared" / "trade.py"
    trade.write_text(trade.read_text() + "\n# changed\n")
    after = code_sha256(build_package(lambdas_copy / "buy_stock", lambdas_copy / "shared"))
    assert before != after


def test_code_sha256_is_base64_of_the_sha256_digest_as_lambda_reports_it():
    package = build_package(LAMBDAS / "approve_request", LAMBDAS / "shared")
    expected = base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert code_sha256(package) == expected
    assert len(code_sha256(package)) == 44


@pytest.mark.parametrize(
    ("function", "event", "check"),
    [
        ("check_stock_price", {"stock_price": 7}, lambda out: out == {"stock_price": 7}),
        ("generate_buy_sell_recommendation", {"stock_price": 70}, lambda out: out == "sell"),
        ("buy_stock", {"stock_price": 7}, lambda out: out["type"] == "buy" and out["price"] == "7"),
    ],
)
def test_the_unzipped_package_runs_as_lambda_loads_it(tmp_path: Path, function, event, check):
    # GIVEN a package unzipped into an empty folder (as Lambda does)
    package = build_package(LAMBDAS / function, LAMBDAS / "shared")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        archive.extractall(tmp_path)
    # WHEN a fresh interpreter, with only that folder on its path, imports app and calls handler
    script = (
        "import json, sys; sys.path.insert(0, '.'); import app; "
        "print(json.dumps(app.handler(json.loads(sys.argv[1]), None)))"
    )
    done = subprocess.run(
        [sys.executable, "-E", "-s", "-c", script, json.dumps(event)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # THEN it works: shared/ is importable next to app.py
    assert done.returncode == 0, done.stderr
    assert check(json.loads(done.stdout))


# --- a Node.js function: its node_modules come along ------------------------------------------


@pytest.fixture
def node_function(tmp_path: Path) -> Path:
    """A Node.js function folder with a lock and node_modules as `make envs` leaves them."""
    folder = tmp_path / "fn"
    shutil.copytree(NODE_APPROVER, folder, ignore=shutil.ignore_patterns("node_modules"))
    modules = folder / "node_modules"
    (modules / "dep").mkdir(parents=True)
    (modules / "dep" / "index.js").write_text("module.exports = 1;\n" * 1000)
    (modules / ".bin").mkdir()
    (modules / ".package-lock.json").write_text("{}")
    stamp = hashlib.sha256(
        (folder / "package.json").read_bytes() + (folder / "package-lock.json").read_bytes()
    )
    (modules / ".lock-stamp").write_text(stamp.hexdigest() + "\n")
    return folder


def test_a_node_package_holds_its_code_and_node_modules_without_shared(node_function: Path):
    # GIVEN a Node.js function folder WHEN it is packaged (with no shared Python package)
    package = build_package(node_function, None)
    # THEN its code and its dependencies are in, npm's hidden files and function.json are not
    assert names_in(package) == [
        "app.js",
        "node_modules/dep/index.js",
        "package-lock.json",
        "package.json",
    ]
    # AND only the dependencies are compressed
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert kinds["node_modules/dep/index.js"] == zipfile.ZIP_DEFLATED
    assert kinds["app.js"] == zipfile.ZIP_STORED
    # AND the same files give the same bytes
    assert build_package(node_function, None) == package


def test_node_modules_installed_from_the_lock_pass(node_function: Path):
    check_node_modules(node_function, "lambdas/fn")


def test_missing_node_modules_stop_the_deploy_with_the_fix(node_function: Path):
    shutil.rmtree(node_function / "node_modules")
    with pytest.raises(DeployError, match="lambdas/fn has no node_modules") as raised:
        check_node_modules(node_function, "lambdas/fn")
    assert "make envs" in raised.value.fix


def test_node_modules_of_another_lock_stop_the_deploy(node_function: Path):
    lock = node_function / "package-lock.json"
    lock.write_text(lock.read_text().replace("2.1693.0", "2.1692.0"))
    with pytest.raises(DeployError, match="has node_modules of another lock"):
        check_node_modules(node_function, "lambdas/fn")


def test_the_seeds_approver_package_fits_a_zipped_upload():
    # GIVEN the seed's approver with aws-sdk v2 (over 100 MB unpacked)
    check_node_modules(NODE_APPROVER, "lambdas/approve_request_node")  # else: run make envs
    package = build_package(NODE_APPROVER, None)
    # THEN its zip stays below the 50 MB that a CreateFunction ZipFile may have
    assert len(package) < 50 * 1024 * 1024
    assert "node_modules/aws-sdk/clients/stepfunctions.js" in names_in(package)

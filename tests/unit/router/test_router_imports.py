"""router/ is a pure core: it imports only the standard library and never reads the clock."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROUTER = Path(__file__).resolve().parents[3] / "router"
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "time_ns"}


def _modules() -> list[Path]:
    return sorted(ROUTER.glob("*.py"))


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_router_package_has_modules_to_check() -> None:
    assert len(_modules()) > 10


def test_router_imports_only_the_standard_library_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"router", "__future__"}
    offenders = {
        f"{path.name}: {root}"
        for path in _modules()
        for root in _imported_roots(ast.parse(path.read_text()))
        if root not in allowed
    }
    assert offenders == set()


def test_the_import_check_would_catch_a_third_party_import() -> None:
    tree = ast.parse("import faust\nfrom structlog import get_logger\nfrom . import x\n")
    assert _imported_roots(tree) == {"faust", "structlog"}


def test_router_never_reads_the_clock() -> None:
    offenders = [
        f"{path.name}:{node.lineno} {node.func.attr}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
    ]
    assert offenders == []


def test_router_does_not_import_the_time_module() -> None:
    assert all("time" not in _imported_roots(ast.parse(p.read_text())) for p in _modules())

"""Fixtures for end-to-end tests: the real local stack, brought up (idempotently) once.

Nothing here is skipped: a stack that cannot come up fails the test with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.errors import InfraError
from infra.settings import Settings
from infra.stack import ensure_up

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def stack() -> Settings:
    try:
        return ensure_up()
    except InfraError as exc:
        pytest.fail(f"the local stack could not come up: {exc}", pytrace=False)

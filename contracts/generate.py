"""Write (or check) the generated contract documents.

``python -m contracts.generate`` writes contracts/schemas/*.json and asyncapi.json;
``python -m contracts.generate --check`` exits 1 listing the files that drifted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Final

import orjson

from contracts.asyncapi import build_asyncapi
from contracts.events import EVENT_TYPES
from contracts.json_schemas import event_schema, schema_file_name

PACKAGE_DIR: Final = Path(__file__).resolve().parent
SCHEMA_DIR: Final = PACKAGE_DIR / "schemas"
ASYNCAPI_PATH: Final = PACKAGE_DIR / "asyncapi.json"


def render(document: dict[str, Any]) -> bytes:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def expected_files() -> dict[Path, bytes]:
    files = {
        SCHEMA_DIR / schema_file_name(event_type): render(event_schema(event_type))
        for event_type in sorted(EVENT_TYPES)
    }
    files[ASYNCAPI_PATH] = render(build_asyncapi())
    return files


def drifted_files() -> list[Path]:
    """Generated files whose content differs, that are missing, or that are stale."""
    expected = expected_files()
    drifted = [p for p, content in expected.items() if _read(p) != content]
    stale = [p for p in sorted(SCHEMA_DIR.glob("*.json")) if p not in expected]
    return drifted + stale


def write() -> list[Path]:
    expected = expected_files()
    SCHEMA_DIR.mkdir(exist_ok=True)
    for stale in SCHEMA_DIR.glob("*.json"):
        if stale not in expected:
            stale.unlink()
    for path, content in expected.items():
        path.write_bytes(content)
    return list(expected)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contracts.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if any file drifted")
    args = parser.parse_args(argv)
    if not args.check:
        print(f"wrote {len(write())} files")
        return 0
    drifted = drifted_files()
    for path in drifted:
        print(f"drifted: {path.relative_to(PACKAGE_DIR.parent)}")
    if drifted:
        print("run: python -m contracts.generate")
    return 1 if drifted else 0


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())

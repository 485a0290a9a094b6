"""structlog set-up: JSON lines in production, readable lines on a terminal.

National ids never reach a log line in full: a processor masks every value under a
key that names one, and any bare 10-digit run in a string value.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_TEN_DIGITS = re.compile(r"(?<!\d)(\d{3})\d{4}(\d{3})(?!\d)")
_ID_KEYS = {"citizen_national_id", "national_id", "citizen_id"}


def mask_national_id(value: str) -> str:
    """`0012345679` -> `001****679`: enough to tell ids apart, not enough to use one."""
    return _TEN_DIGITS.sub(r"\1****\2", value)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_national_id(value)
    if isinstance(value, dict):
        return {k: ("***" if k in _ID_KEYS else _mask(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    return value


def mask_processor(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k in _ID_KEYS else _mask(v)) for k, v in event_dict.items()}


def configure(fmt: str = "auto", level: str = "info") -> None:
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            mask_processor,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(level.upper())
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)

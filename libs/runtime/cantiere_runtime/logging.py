"""Structured logs with structlog: JSON in production, readable on a terminal; ids bound per message and request."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

# uvicorn's loggers keep their own handlers when it configures logging itself: ours take over.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def configure_logging(service: str, *, fmt: str = "auto", level: str = "INFO", stream: Any = None) -> None:
    """Configure structlog and the standard logging module once, at process start.

    Lines of the standard library's loggers (uvicorn, SQLAlchemy, nats-py, FastStream...) go through the
    same structlog renderer: one JSON object per line in production, with the bound ids of the moment.
    """
    stream = stream or sys.stderr
    pretty = fmt == "console" or (fmt == "auto" and hasattr(stream, "isatty") and stream.isatty())
    renderer: Any = structlog.dev.ConsoleRenderer() if pretty else structlog.processors.JSONRenderer()
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.StackInfoRenderer(), structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping().get(level.upper(), 20)),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # Other libraries' debug lines may carry query parameters (aiosqlite logs them): never below INFO.
    root.setLevel(max(logging.INFO, logging.getLevelNamesMapping().get(level.upper(), logging.INFO)))
    logging.captureWarnings(True)  # a library's warning is a log line like any other
    for name in SERVER_LOGGERS:
        server = logging.getLogger(name)
        server.handlers.clear()
        server.propagate = True
        server.setLevel(logging.NOTSET)  # uvicorn's own `log_level` (or a dictConfig) set it: the root decides
        server.disabled = False


@contextmanager
def bound(**ids: Any) -> Iterator[None]:
    """Bind ids (correlation_id, causation_id, request_id...) to every log line inside the block."""
    clean = {k: str(v) for k, v in ids.items() if v is not None}
    tokens = structlog.contextvars.bind_contextvars(**clean)
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)

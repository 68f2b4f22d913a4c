"""Readers' libraries (pydicom, eyepy, OCT-Converter) log what they find odd: collected
here as one-line notes on the scan, not shown on the console."""

from __future__ import annotations

import contextlib
import logging


class _Notes(logging.Handler):
    """Collects a library's log messages (warnings and worse) as one-line notes."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = (record.getMessage().strip().splitlines() or [""])[0]
        if text and text not in self.lines:
            self.lines.append(text)


@contextlib.contextmanager
def library_logs(name: str):
    """Within: the warnings (and worse) that logger ``name`` logs, collected, not shown."""
    logger = logging.getLogger(name)
    handler = _Notes()
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved

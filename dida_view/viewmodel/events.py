"""Plain-callback events for the Qt-free view models (no Qt here: widgets connect to them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks; :meth:`emit` calls each with the new value, in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callable[[Any], None]] = []

    def connect(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """Call ``callback(value)`` on every change (returns it, so it can decorate)."""
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[Any], None]) -> None:
        """Stop calling ``callback``."""
        self._callbacks.remove(callback)

    def emit(self, value: Any = None) -> None:
        """Tell every callback about ``value``."""
        for callback in list(self._callbacks):
            callback(value)

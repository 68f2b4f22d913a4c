"""Values read from a model's JSON configuration, checked for type and shape.

JSON gives any type anywhere: ``"mean": "0.5"``, ``"input_size": {"h": 224}``,
``"scale": NaN`` (Python's parser accepts it). Each reader here returns the value as the
program uses it or raises :class:`~dida_view.errors.SettingsError` with one line naming
the key, what was expected and what was given (never the value itself when it is large).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dida_view.errors import SettingsError
from dida_view.io.limits import MAX_INPUT_PIXELS, MAX_INPUT_SIDE

EXPECTED = "{key}: expected {what}, got {got}"


def describe(value: Any) -> str:
    """What ``value`` is, in a few words (``a string``, ``an object``, ``3 numbers``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if len(repr(value)) <= 24 else "a number"
    if isinstance(value, str):
        return repr(value) if len(value) <= 24 else "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        if value and all(_is_number(v) for v in value):
            return f"{len(value)} number{'s' if len(value) != 1 else ''}"
        return f"a list of {len(value)}"
    return type(value).__name__


def expected(key: str, what: str, value: Any) -> SettingsError:
    """The error for ``key``: expected ``what``, got ``value`` (described)."""
    return SettingsError(EXPECTED.format(key=key, what=what, got=describe(value)))


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def number(key: str, value: Any, *, lo: float | None = None, hi: float | None = None) -> float:
    """A finite JSON number (not a string, not true/false), within ``lo .. hi`` if given."""
    if not _is_number(value):
        raise expected(key, "a number", value)
    v = float(value)
    if not math.isfinite(v):
        raise expected(key, "a finite number", value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise expected(key, f"a number in {lo:g}..{hi:g}", value)
    return v


def numbers(key: str, value: Any, *, counts: Sequence[int] | None = None,
            what: str = "a number or a list of numbers", lo: float | None = None,
            hi: float | None = None) -> tuple[float, ...]:
    """A number or a list of numbers (``counts``: the lengths allowed), as a tuple."""
    items = list(value) if isinstance(value, list | tuple) else [value]
    if not items or (counts is not None and len(items) not in counts):
        raise expected(key, what, value)
    if not all(_is_number(v) for v in items):
        raise expected(key, what, value)
    return tuple(number(key, v, lo=lo, hi=hi) for v in items)


def whole(key: str, value: Any, what: str) -> int:
    """A positive whole number (``224`` or ``224.0``)."""
    if not _is_number(value) or not math.isfinite(float(value)) or \
            float(value) != int(value) or int(value) < 1:
        raise expected(key, what, value)
    return int(value)


def choice(key: str, value: Any, choices: Sequence[str]) -> str:
    """One of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        names = ", ".join(repr(c) for c in choices[:-1]) + f" or {choices[-1]!r}"
        raise expected(key, names, value)
    return value


def boolean(key: str, value: Any) -> bool:
    """``true`` or ``false`` (not 0, 1 or a string)."""
    if not isinstance(value, bool):
        raise expected(key, "true or false", value)
    return value


INPUT_SIZE_LIMIT = (
    "{what} {height} x {width} (height x width) is larger than the limit of {side} pixels a "
    "side and {million:.1f} million pixels")


def check_input_size(size: tuple[int, int], what: str = "preprocessing.input_size") -> None:
    """Refuse a model input larger than :data:`~dida_view.io.limits.MAX_INPUT_SIDE` a side
    or :data:`~dida_view.io.limits.MAX_INPUT_PIXELS` in all (or of no pixels).

    Raises
    ------
    SettingsError
        Naming ``what``, the size and the limit.
    """
    h, w = (int(v) for v in size)
    if h < 1 or w < 1:
        raise SettingsError(f"{what}: expected positive sizes, got {h} x {w}")
    if max(h, w) > MAX_INPUT_SIDE or h * w > MAX_INPUT_PIXELS:
        raise SettingsError(INPUT_SIZE_LIMIT.format(
            what=what, height=h, width=w, side=MAX_INPUT_SIDE,
            million=MAX_INPUT_PIXELS / 1e6))


def input_size(key: str, value: Any) -> tuple[int, int]:
    """``input_size``: one whole number (a square) or [height, width], each > 0."""
    what = "a whole number or [height, width] of whole numbers > 0"
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise expected(key, what, value)
        return whole(key, value[0], what), whole(key, value[1], what)
    n = whole(key, value, what)
    return n, n

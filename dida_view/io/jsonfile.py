"""Reading any JSON the program is given (sidecars, case lists, model metadata), bounded.

``json.loads`` recurses once per nesting level: ``'[' * 100000`` raises RecursionError,
and on a thread with a small stack (the viewer's worker) it can take the process down.
Every JSON a user can hand us goes through :func:`parse_json`, which measures the
nesting first (outside strings, without recursion) and refuses what is deeper than
:data:`MAX_DEPTH` or larger than :data:`MAX_BYTES` with one line, as a ``ValueError``.
Files may be UTF-8 with or without a byte-order mark, or UTF-16/32 with one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

MAX_DEPTH = 64  # our own files nest 4 or 5 levels deep
MAX_BYTES = 64 << 20
# a JSON string, as an unrolled loop: one step per run of plain characters, not per
# character, so a long string (the base64 arrays of a domain reference) takes milliseconds
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (strings are skipped)."""
    depth = deepest = 0
    for m in _BRACKET.finditer(_STRING.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_json(text: str, what: str = "JSON") -> Any:
    """``json.loads(text)``, refusing text nested deeper than :data:`MAX_DEPTH`.

    Raises
    ------
    ValueError
        One line: ``what`` is not JSON (the parser's first line), or nests too deep.
    """
    if len(text) > MAX_BYTES:
        raise ValueError(f"{what}: larger than {MAX_BYTES >> 20} MB")
    if nesting(text) > MAX_DEPTH:
        raise ValueError(f"{what}: nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text)
    except RecursionError:  # not reached after the check above; kept as a guard
        raise ValueError(f"{what}: nested too deep") from None
    except ValueError as exc:
        raise ValueError(f"{what}: not JSON ({str(exc).splitlines()[0]})") from None


def read_json(path: str | Path, what: str | None = None) -> Any:
    """The JSON of file ``path`` (any Unicode encoding JSON allows), bounded as
    :func:`parse_json`.

    Raises
    ------
    OSError
        The file cannot be read.
    ValueError
        One line naming the file: too large, not UTF-8, not JSON or nested too deep.
    """
    p = Path(path)
    name = what or str(p)
    if p.stat().st_size > MAX_BYTES:
        raise ValueError(f"{name}: larger than {MAX_BYTES >> 20} MB")
    raw = p.read_bytes()
    try:  # UTF-8 with or without a byte-order mark, UTF-16 or UTF-32 with one (RFC 8259)
        text = raw.decode(json.detect_encoding(raw))
    except UnicodeDecodeError:
        raise ValueError(f"{name}: not a UTF-8 text file") from None
    return parse_json(text.removeprefix("\ufeff"), name)

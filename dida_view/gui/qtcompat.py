"""A guard against a reference-count bug of PySide6 6.12.0 on CPython < 3.12.

PySide6-Essentials 6.12.0 returns ``None``, ``True`` and ``False`` from its methods (and
from ``Signal.emit``) without taking a reference, as if they were immortal. On CPython
3.12+ they are immortal and nothing happens; on 3.10 / 3.11 every call lowers their
reference count by one, and after some thousands of repaints or signals the interpreter
aborts with "none_dealloc" / "bool_dealloc". 6.11.x does not do this.

:func:`guard` measures the leak once and, only where it is present, gives these three
singletons a reference count so large that the leak can never bring it to zero: what
CPython 3.12 does for them anyway. Nothing else is touched.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

HEADROOM = 1 << 40
_PROBES = 64


class _Probe(QObject):
    ping = Signal()


def leaks() -> bool:
    """Whether PySide6 calls lose references to None / True (measured, no side effects)."""
    probe = _Probe()
    none0, true0 = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.setObjectName("probe")  # a void method: returns None
        probe.ping.emit()  # returns True
    lost = max(none0 - sys.getrefcount(None), true0 - sys.getrefcount(True))
    if lost > 0 and _can_patch():  # give back what the probe took
        for obj in (None, True):
            ctypes.c_ssize_t.from_address(id(obj)).value += _PROBES
    return lost >= _PROBES // 2


def _can_patch() -> bool:
    # CPython's object header starts with ob_refcnt, except in trace-refs debug builds
    return (sys.implementation.name == "cpython" and sys.version_info < (3, 12)
            and not hasattr(sys, "getobjects"))


def guard() -> bool:
    """Protect None, True and False from the binding's leak; True if it was needed."""
    if not _can_patch() or not leaks():
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += HEADROOM
    return True


GUARDED = guard()

"""UI state kept between sessions (window geometry, last choices, recent files).

QSettings hold UI state only, never results. :func:`make_settings` is the one place that
creates them; a version key lets a future release drop state it no longer understands.
Tests redirect the INI files with ``QSettings.setPath`` per test.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "DiDA View"
APPLICATION = "dida-view"
SETTINGS_VERSION = 1
MAX_RECENT = 8


def make_settings() -> QSettings:
    """The application's QSettings (INI format, user scope), reset if from another version.

    Returns
    -------
    QSettings
        Settings whose ``version`` key equals :data:`SETTINGS_VERSION`.
    """
    s = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION,
                  APPLICATION)
    if read_int(s, "version", 0) != SETTINGS_VERSION:
        s.clear()
        s.setValue("version", SETTINGS_VERSION)
    return s


def read_int(s: QSettings, key: str, default: int) -> int:
    """An integer setting, ``default`` when missing or not a number."""
    try:
        return int(s.value(key, default))
    except (TypeError, ValueError):
        return default


def read_str(s: QSettings, key: str, default: str = "") -> str:
    """A string setting, ``default`` when missing."""
    v = s.value(key, default)
    return v if isinstance(v, str) else default


def recent_files(s: QSettings, kind: str) -> list[str]:
    """Recently opened files of ``kind`` (``"images"`` or ``"models"``), newest first.

    Files that no longer exist are left out.
    """
    v = s.value(f"recent/{kind}", [])
    if isinstance(v, str):
        v = [v] if v else []
    return [p for p in (v or []) if isinstance(p, str) and Path(p).is_file()][:MAX_RECENT]


def push_recent(s: QSettings, kind: str, path: str | Path) -> list[str]:
    """Put ``path`` first in the recent list of ``kind``; returns the new list."""
    p = str(Path(path).resolve())
    items = [p] + [x for x in recent_files(s, kind) if x != p]
    items = items[:MAX_RECENT]
    s.setValue(f"recent/{kind}", items)
    return items

"""Light and dark themes: Qt's own Fusion palette, switched from View > Dark Theme.

A dark theme is for reading rooms, where a bright window around the scans dazzles. It is
Qt's Fusion style with a dark :class:`QPalette` (no extra library); the choice is UI state,
kept in QSettings under ``display/dark``.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from dida_view.gui.qsettings import read_int

KEY = "display/dark"


def dark_palette() -> QPalette:
    """A dark Fusion palette: near-black bases, light text, amber highlight (not blue,
    which the maps use for "argues against")."""
    p = QPalette()
    window, base, text = QColor(37, 37, 38), QColor(24, 24, 24), QColor(225, 225, 225)
    disabled = QColor(127, 127, 127)
    role = QPalette.ColorRole
    for r, c in [
        (role.Window, window), (role.WindowText, text), (role.Base, base),
        (role.AlternateBase, QColor(45, 45, 48)), (role.ToolTipBase, QColor(50, 50, 50)),
        (role.ToolTipText, text), (role.PlaceholderText, disabled), (role.Text, text),
        (role.Button, QColor(48, 48, 50)), (role.ButtonText, text),
        (role.BrightText, QColor(255, 90, 90)), (role.Link, QColor(255, 193, 7)),
        (role.Highlight, QColor(255, 179, 0)), (role.HighlightedText, QColor(20, 20, 20)),
        (role.Light, QColor(70, 70, 72)), (role.Midlight, QColor(58, 58, 60)),
        (role.Mid, QColor(45, 45, 47)), (role.Dark, QColor(20, 20, 20)),
        (role.Shadow, QColor(0, 0, 0)),
    ]:
        p.setColor(r, c)
    group = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group, r, disabled)
    return p


def apply_theme(dark: bool, app: QApplication | None = None) -> None:
    """Use the dark palette, or Fusion's standard light one, for the whole application."""
    app = app or QApplication.instance()
    if app is None:
        return
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())


def is_dark(store: QSettings) -> bool:
    """Whether the dark theme was chosen (light by default)."""
    return read_int(store, KEY, 0) != 0


def set_dark(store: QSettings, on: bool) -> None:
    """View > Dark Theme: use the dark (or light) theme and remember the choice."""
    store.setValue(KEY, int(on))
    apply_theme(on)

"""Small windows: the controls give way to the scans.

At 1280 x 720 and 1024 x 768 the controls dock took about 40 % of the height (scans about
150 pixels tall) and 1024 got a horizontal scroll bar. Below :data:`COMPACT_HEIGHT` or
:data:`COMPACT_WIDTH`, with the dock at the top or bottom, its groups go into tabs
(:meth:`~dida_view.gui.viewer.controls.ControlsPanel.set_tabbed`) folded to their tab bar;
a click on a tab unfolds that page (at most :data:`UNFOLDED_SHARE` of the window's height),
a second click folds it again. A larger window puts the groups back side by side.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

from dida_view.gui.viewer.controls import ControlsPanel

COMPACT_HEIGHT = 900  # a window lower than this folds the controls into tabs
COMPACT_WIDTH = 1200  # the three groups side by side need about this much
UNFOLDED_SHARE = 0.45  # an unfolded tab takes at most this share of the window's height
SIDE_BY_SIDE_HEIGHT = 228  # the dock's height with the groups side by side (as at start)
QWIDGETSIZE_MAX = (1 << 24) - 1


def is_compact(width: int, height: int) -> bool:
    """Whether a window of ``width`` x ``height`` folds its controls into tabs."""
    return height < COMPACT_HEIGHT or width < COMPACT_WIDTH


class CompactControls(QObject):
    """Folds the controls dock of ``win`` into tabs when the window is small (see module)."""

    def __init__(self, win: QMainWindow, dock: QDockWidget, controls: ControlsPanel) -> None:
        super().__init__(win)
        self.win, self.dock, self.controls = win, dock, controls
        win.installEventFilter(self)
        dock.dockLocationChanged.connect(lambda _area: self.apply())
        dock.topLevelChanged.connect(lambda _floating: self.apply())
        controls.folded_changed.connect(lambda _folded: self._fit())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.win and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.apply()
        return False

    def horizontal(self) -> bool:
        """Whether the dock sits at the top or bottom of the window (not at a side, not
        floating): only then does it take the scans' height."""
        area = self.win.dockWidgetArea(self.dock)
        return not self.dock.isFloating() and area in (Qt.DockWidgetArea.BottomDockWidgetArea,
                                                       Qt.DockWidgetArea.TopDockWidgetArea)

    def apply(self) -> None:
        """Tabs or side by side, for the window's present size and the dock's place."""
        compact = self.horizontal() and is_compact(self.win.width(), self.win.height())
        was = self.controls.tabbed
        self.controls.set_tabbed(compact)
        if was != compact or compact:
            self._fit()
        if was and not compact and self.horizontal():  # side by side again: their height
            QTimer.singleShot(0, self._unfold_dock)

    def _unfold_dock(self) -> None:
        if not self.controls.tabbed:
            want = self.controls.sizeHint().height() + self._title_height() + 8
            self.win.resizeDocks([self.dock], [max(SIDE_BY_SIDE_HEIGHT, want)],
                                 Qt.Orientation.Vertical)

    def _title_height(self) -> int:
        bar = self.dock.titleBarWidget()
        return (bar.sizeHint().height() if bar is not None else
                self.dock.style().pixelMetric(self.dock.style().PixelMetric.PM_TitleBarHeight))

    def _fit(self) -> None:
        c, dock = self.controls, self.dock
        if not c.tabbed:
            c.setMinimumHeight(200 if self.horizontal() else 0)
            dock.setMaximumHeight(QWIDGETSIZE_MAX)
            return
        c.setMinimumHeight(0)
        folded = c.folded_height() + self._title_height() + 8
        if c.folded:
            dock.setMaximumHeight(folded)
            return
        dock.setMaximumHeight(QWIDGETSIZE_MAX)
        want = min(c.sizeHint().height() + self._title_height() + 8,
                   round(self.win.height() * UNFOLDED_SHARE))
        # after the pages are laid out: the dock area takes the new height on the next pass
        QTimer.singleShot(0, lambda: self.win.resizeDocks([dock], [max(folded, want)],
                                                          Qt.Orientation.Vertical))

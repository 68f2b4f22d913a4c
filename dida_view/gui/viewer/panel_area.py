"""The panels side by side: :class:`PanelArea` lays out the :class:`ImagePanel` s of one
view (one row or two, whichever shows the scans larger) sharing one cursor and one
zoom/pan."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from dida_view.gui.viewer.cursor import CursorModel, ZoomModel
from dida_view.gui.viewer.layout import choose_grid
from dida_view.gui.viewer.panel import BACKGROUND, SPACING, ImagePanel


class PanelArea(QWidget):
    """:class:`ImagePanel` s sharing one cursor and one zoom/pan, laid out by
    :func:`~dida_view.gui.viewer.layout.choose_grid`: one row or two, whichever shows the scans
    larger, each panel as large as its scan, the rest a dark mat.

    Signals
    -------
    panel_clicked(int)
        Index of the panel clicked (without dragging).
    panel_double_clicked(int)
        Index of the panel double-clicked.
    """

    panel_clicked = Signal(int)
    panel_double_clicked = Signal(int)

    def __init__(self, cursor: CursorModel, view: ZoomModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.cursor = cursor
        self.view = view
        self.panels: list[ImagePanel] = []
        self.grid = None  # the last PanelGrid
        self.marks: tuple = ()  # the pen's strokes, shown on every panel
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 150)

    def set_count(self, count: int, columns: int | None = None) -> list[ImagePanel]:
        """Have exactly ``count`` panels; returns them.

        ``columns`` is ignored (kept for callers): the layout follows the area's shape.
        """
        while len(self.panels) < count:
            p = ImagePanel(self.cursor, self.view, self)
            i = len(self.panels)
            p.clicked.connect(lambda i=i: self.panel_clicked.emit(i))
            p.double_clicked.connect(lambda i=i: self.panel_double_clicked.emit(i))
            p.shape_changed.connect(self.relayout)
            p.marks = self.marks
            self.panels.append(p)
            p.show()
        while len(self.panels) > count:
            p = self.panels.pop()
            p.hide()
            p.deleteLater()
        self.relayout()
        return self.panels

    def set_marks(self, marks: tuple) -> None:
        """Show the pen's strokes (original-image pixels) on every panel."""
        self.marks = marks
        for p in self.panels:
            p.marks = marks
            p.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        QPainter(self).fillRect(self.rect(), BACKGROUND)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.relayout()

    def relayout(self) -> None:
        """Place the panels for the current size and image (called on every change)."""
        if not self.panels:
            return
        iw, ih = max((p.image_size for p in self.panels if p.has_picture()),
                     default=(0, 0))
        if len(self.panels) == 1 and not self.panels[0].has_picture():
            iw = ih = 0
        g = choose_grid(self.width(), self.height(), iw, ih, len(self.panels), SPACING)
        self.grid = g
        block_w = g.columns * g.panel_w + (g.columns - 1) * SPACING
        block_h = g.rows * g.panel_h + (g.rows - 1) * SPACING
        x0 = max(0.0, (self.width() - block_w) / 2)
        y0 = max(0.0, (self.height() - block_h) / 2)
        for i, p in enumerate(self.panels):
            r, c = divmod(i, g.columns)
            x = round(x0 + c * (g.panel_w + SPACING))
            y = round(y0 + r * (g.panel_h + SPACING))
            p.header_h, p.title_px = g.header_h, g.title_px
            p.setGeometry(x, y, max(1, round(g.panel_w)), max(1, round(g.panel_h)))
            p.update()


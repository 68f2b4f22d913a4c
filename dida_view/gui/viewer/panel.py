"""One image panel: a picture, its captions, and the synchronized square.

A panel paints an RGB array (from core) scaled into its area with the shared zoom/pan of
:class:`~dida_view.gui.viewer.cursor.ZoomModel`, and draws the square of the shared
:class:`~dida_view.gui.viewer.cursor.CursorModel` at the same *image* position as every other
panel. It knows nothing about DiDA: the window tells it what to show.

Its captions (the class and score, the diagnosis) are written in its title bar, right of
the title, never on the scan: evidence in a scan's bottom band (a device's export band, as
in ``00_kermany_DME_2``) stays visible. The caption keeps its words; the title gives way.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from dida_view.gui.viewer.cursor import CursorModel, ZoomModel
from dida_view.gui.viewer.layout import choose_grid
from dida_view.gui.viewer.scalebar import draw_scale_bar
from dida_view.render.figure import MARK_COLOUR

HEADER_H = 22
BACKGROUND = QColor(24, 24, 24)
HEADER_BG = QColor(48, 48, 48)
# the panel a class chosen in the list goes to: amber, a colour the maps never use
# (blue means "argues against", red "supports")
TARGET_FRAME = QColor(255, 179, 0)
TARGET_TEXT = QColor(20, 20, 20)
SPACING = 4
SQUARE = QColor(255, 235, 59)
DRAG_THRESHOLD = 4
MAX_TEXT = 300  # longer texts (a pasted megabyte of diagnosis) are cut before Qt measures them


def to_qimage(arr: np.ndarray) -> QImage:
    """Wrap a uint8 (H, W, 3) RGB or (H, W) grey array as a QImage (a deep copy)."""
    a = np.ascontiguousarray(arr)
    if a.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {a.dtype}")
    h, w = a.shape[:2]
    if a.ndim == 2:
        img = QImage(a.data, w, h, a.strides[0], QImage.Format.Format_Grayscale8)
    elif a.ndim == 3 and a.shape[2] == 3:
        img = QImage(a.data, w, h, a.strides[0], QImage.Format.Format_RGB888)
    else:
        raise ValueError(f"expected (H, W) or (H, W, 3) pixels, got shape {a.shape}")
    return img.copy()  # own the pixels: the array may go away


def qimage_to_array(img: QImage) -> np.ndarray:
    """A QImage as uint8 (H, W, 3) RGB (used by tests and the screenshot)."""
    rgb = img.convertToFormat(QImage.Format.Format_RGB888)
    h, w = rgb.height(), rgb.width()
    buf = np.frombuffer(rgb.constBits(), np.uint8, count=rgb.bytesPerLine() * h)
    return buf.reshape(h, rgb.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


class ImagePanel(QWidget):
    """Shows one picture of the original's geometry, with captions and the square.

    Signals
    -------
    clicked()
        A click without dragging (the window uses it to pick the target panel).
    double_clicked()
        A double click.
    """

    clicked = Signal()
    double_clicked = Signal()

    def __init__(self, cursor: CursorModel, view: ZoomModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.cursor = cursor
        self.view = view
        self.header = ""
        self.caption = ""  # bottom right, on the image (the paper's class name + score)
        self.top_caption = ""  # top left, on the image (the diagnosis)
        self.hint = ""  # shown when there is no picture
        self.target = False
        self.image_size = (0, 0)  # (width, height) of the original
        self.header_h = HEADER_H  # the panel area sets these from the panel's size
        self.title_px = 13
        self.marks: tuple = ()  # the pen's strokes, in original-image pixels (as the area's)
        self.mm_per_px: float | None = None  # the original's column spacing: a scale bar
        self._qimage: QImage | None = None
        self._press: QPointF | None = None
        self._press_center: QPointF | None = None
        self._dragging = False
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._last_square: QRectF | None = None
        cursor.moved.connect(self._on_cursor_moved)
        cursor.size_changed.connect(self.update)
        view.changed.connect(self.update)

    def _on_cursor_moved(self, _pos: object) -> None:
        """Repaint only where the square was and where it is now."""
        new = self.square_rect()
        dirty = [r for r in (self._last_square, new) if r is not None]
        self._last_square = new
        for r in dirty:
            self.update(r.adjusted(-3, -3, 3, 3).toAlignedRect())

    # -- content --------------------------------------------------------------------------
    def set_picture(self, arr: np.ndarray | None, image_size: tuple[int, int]) -> None:
        """Show ``arr`` (uint8 RGB, any resolution) as an original of ``image_size`` (w, h)."""
        had = (self._qimage is not None, self.image_size)
        self._qimage = None if arr is None else to_qimage(arr)
        self.image_size = image_size
        area = self.parentWidget()
        if had != (self._qimage is not None, image_size) and isinstance(area, PanelArea):
            area.relayout()  # the panels hug the scans: a new shape moves them
        self.update()

    def set_texts(self, header: str, caption: str = "", top_caption: str = "",
                  hint: str = "") -> None:
        """Set the header above the picture and the captions drawn on it."""
        header, caption, top_caption = (t if len(t) <= MAX_TEXT else t[:MAX_TEXT - 1] + "…"
                                        for t in (header, caption, top_caption))
        changed = (header, caption, top_caption, hint) != (
            self.header, self.caption, self.top_caption, self.hint)
        self.header, self.caption, self.top_caption, self.hint = header, caption, top_caption, hint
        if changed:
            self.update()

    def set_target(self, on: bool) -> None:
        """Mark the panel as the one a class chosen in the list goes into."""
        if on != self.target:
            self.target = on
            self.update()

    def has_picture(self) -> bool:
        """Whether a picture is shown (not only a hint)."""
        return self._qimage is not None

    # -- geometry -------------------------------------------------------------------------
    def image_area(self) -> QRectF:
        """The widget area below the header where the picture is drawn."""
        return QRectF(0, self.header_h, self.width(), max(1, self.height() - self.header_h))

    def _fit(self) -> float:
        w, h = self.image_size
        area = self.image_area()
        if w <= 0 or h <= 0:
            return 1.0
        return min(area.width() / w, area.height() / h)

    def scale(self) -> float:
        """Screen pixels per original-image pixel."""
        return self._fit() * self.view.zoom

    def to_widget(self, p: QPointF) -> QPointF:
        """Original-image coordinates -> widget coordinates."""
        s = self.scale()
        c = self.view.effective_center()
        mid = self.image_area().center()
        return QPointF(mid.x() + s * (p.x() - c.x()), mid.y() + s * (p.y() - c.y()))

    def to_image(self, p: QPointF) -> QPointF:
        """Widget coordinates -> original-image coordinates."""
        s = self.scale()
        c = self.view.effective_center()
        mid = self.image_area().center()
        return QPointF(c.x() + (p.x() - mid.x()) / s, c.y() + (p.y() - mid.y()) / s)

    def image_rect(self) -> QRectF:
        """Where the whole original lands in widget coordinates."""
        tl = self.to_widget(QPointF(0, 0))
        br = self.to_widget(QPointF(*self.image_size))
        return QRectF(tl, br)

    def square_rect(self) -> QRectF | None:
        """The square in widget coordinates (None when there is no square to draw)."""
        pos = self.cursor.pos
        if pos is None or self._qimage is None:
            return None
        half = self.cursor.size / 2.0
        tl = self.to_widget(QPointF(pos.x() - half, pos.y() - half))
        br = self.to_widget(QPointF(pos.x() + half, pos.y() + half))
        return QRectF(tl, br)

    def _inside(self, p: QPointF) -> bool:
        w, h = self.image_size
        return 0 <= p.x() < w and 0 <= p.y() < h

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        area = self.image_area()
        header = QRectF(0, 0, self.width(), self.header_h)
        p.fillRect(header, TARGET_FRAME if self.target else HEADER_BG)
        p.setPen(TARGET_TEXT if self.target else QColor(255, 255, 255))
        self._draw_header(p, header)
        p.setClipRect(area)
        if self._qimage is None:
            p.setPen(QColor(200, 200, 200))
            p.drawText(area.adjusted(12, 12, -12, -12),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.hint)
            p.end()
            return
        target = self.image_rect()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                        target.width() < self._qimage.width())
        p.drawImage(target, self._qimage, QRectF(self._qimage.rect()))
        visible = target.intersected(area)
        self._draw_marks(p)
        self._draw_scale_bar(p, visible)
        sq = self.square_rect()
        if sq is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(0, 0, 0), 3))
            p.drawRect(sq)
            p.setPen(QPen(SQUARE, 1))
            p.drawRect(sq)
        if self.target:
            p.setClipping(False)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(TARGET_FRAME, 4))
            p.drawRect(QRectF(self.rect()).adjusted(2, 2, -2, -2))
        p.end()

    def _draw_scale_bar(self, p: QPainter, box: QRectF) -> None:
        if self.mm_per_px and self.image_size[0] > 0:
            px_per_mm = self.image_rect().width() / self.image_size[0] / self.mm_per_px
            draw_scale_bar(p, box, px_per_mm, self._title_font(0.85))

    def _draw_marks(self, p: QPainter) -> None:
        """The pen's strokes at their image position (the same place on every panel)."""
        if not self.marks:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width = max(3.0, self.title_px / 4)
        for colour, w in ((QColor(0, 0, 0), width + 2), (QColor(*MARK_COLOUR), width)):
            pen = QPen(colour, w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            p.setPen(pen)
            for stroke in self.marks:
                pts = [self.to_widget(QPointF(x, y)) for x, y in stroke]
                p.drawPolyline(pts if len(pts) > 1 else pts * 2)

    def _title_font(self, factor: float = 1.0) -> QFont:
        f = QFont(self.font())
        f.setPixelSize(max(8, round(self.title_px * factor)))
        f.setBold(True)
        return f

    def caption_text(self) -> str:
        """What the title bar shows right of the title: the caption (class and score) and
        the top caption (the diagnosis)."""
        return " · ".join(t for t in (self.top_caption, self.caption) if t)

    def header_texts(self) -> tuple[str, str]:
        """(title, caption) as drawn in the title bar, elided to fit: both whole when they
        fit; else the caption (the class and score: the answer) whole and the title cut to
        what is left; the caption is cut only when it alone is wider than the bar."""
        room = max(10.0, self.width() - 16.0)
        title_fm = QFontMetricsF(self._title_font())
        caption_fm = QFontMetricsF(self._title_font(1.05))
        caption = self.caption_text()
        gap = title_fm.height() * 0.6 if caption and self.header else 0.0
        need_c = caption_fm.horizontalAdvance(caption)
        title_room = room if not caption else max(0.0, room - need_c - gap)
        title = title_fm.elidedText(self.header, Qt.TextElideMode.ElideRight, title_room)
        used = title_fm.horizontalAdvance(title) if title else 0.0
        cap = caption_fm.elidedText(caption, Qt.TextElideMode.ElideRight,
                                    max(0.0, room - used - gap)) if caption else ""
        return title, cap

    def _draw_header(self, p: QPainter, header: QRectF) -> None:
        title, cap = self.header_texts()
        box = header.adjusted(8, 0, -8, 0)
        p.setFont(self._title_font())
        p.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        if cap:
            p.setFont(self._title_font(1.05))
            p.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, cap)
        p.setFont(self.font())

    # -- mouse ----------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            delta = pos - self._press
            if self._dragging or abs(delta.x()) + abs(delta.y()) > DRAG_THRESHOLD:
                self._dragging = True
                s = self.scale()
                c = self._press_center
                self.view.pan_to(QPointF(c.x() - delta.x() / s, c.y() - delta.y() / s))
                return
        ip = self.to_image(pos)
        self.cursor.propose(ip if self._qimage is not None and self._inside(ip) else None)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self.cursor.propose(None)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._press_center = self.view.effective_center()
            self._dragging = False

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            if not self._dragging:
                self.clicked.emit()
            self._press = None
            self._dragging = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.double_clicked.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps == 0 or self._qimage is None:
            return
        pos = event.position()
        anchor = self.to_image(pos)
        mid = self.image_area().center()
        fit = self._fit()
        offset = QPointF((pos.x() - mid.x()) / fit, (pos.y() - mid.y()) / fit)
        self.view.zoom_by(1.25 ** steps, anchor, offset)
        event.accept()


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


"""The volume's widgets: the B-scan bar (slider, notes, identifiers) and the localizer.

:class:`ScanBar` sits above the legend: a B-scan slider with "B-scan 7 of 25" (volumes
only), the scan's notes in plain words (what the program had to guess, it says), and the
patient identifiers when the user asked for them. :class:`LocalizerView` draws the
SLO/fundus image (or, once every B-scan is analysed, the volume evidence map) with a line
per B-scan, the current one highlighted; a click near a line asks for that B-scan.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from dida_view.gui.i18n import translate, words
from dida_view.gui.viewer.panel import to_qimage


class ScanBar(QWidget):
    """Slider and position of a volume, the scan's notes, the identifiers on request.

    Signals
    -------
    index_changed(int)
        The user moved the slider to B-scan ``index`` (0-based).
    """

    index_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        row = QHBoxLayout()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("bscan-slider")
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self.index_changed)
        self.position = QLabel()
        self.position.setObjectName("bscan-position")
        # the words beside a slim bar, not inside it: a bar's text is cut to the bar
        # ("4 of 1... an...") while a label keeps the width its words need
        self.progress = QProgressBar()
        self.progress.setObjectName("bscan-progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.progress.setMinimumWidth(60)
        self.progress_text = QLabel()
        self.progress_text.setObjectName("bscan-progress-text")
        self.progress_text.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.progress.hide()
        self.progress_text.hide()
        row.addWidget(self.position)
        row.addWidget(self.slider, 1)
        row.addWidget(self.progress)
        row.addWidget(self.progress_text)
        self.slider_row = QWidget()
        self.slider_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.notes = QLabel()
        self.notes.setObjectName("scan-notes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("QLabel { color: #b35900; }")
        self.identifiers = QLabel()
        self.identifiers.setObjectName("patient-identifiers")
        self.identifiers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (self.slider_row, self.notes, self.identifiers):
            lay.addWidget(w)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.identifiers.hide()
        self._scan_notes: tuple[str, ...] = ()
        self._result_notes: tuple[str, ...] = ()
        self.show_scan(0, 0, ())

    def show_scan(self, count: int, index: int, notes: tuple[str, ...]) -> None:
        """A scan of ``count`` B-scans at ``index`` with its ``notes``."""
        self.slider_row.setVisible(count > 1)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self.show_index(index, count)
        self._scan_notes = tuple(notes)
        self.show_notes()

    def show_notes(self, more: tuple[str, ...] | None = None) -> None:
        """The scan's notes and ``more`` (the result's, e.g. a constant image's)."""
        if more is not None:
            self._result_notes = tuple(more)
        notes = [words(n) for n in self._scan_notes + self._result_notes]
        self.notes.setText(translate("Volume", "Note: ") + "  ·  ".join(notes) if notes else "")
        self.notes.setVisible(bool(notes))
        self._update_visible()

    def show_index(self, index: int, count: int) -> None:
        """B-scan ``index`` of ``count`` is on screen."""
        if self.slider.value() != index:
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)
        self.position.setText(translate("Volume", "B-scan {0} of {1}").format(index + 1, count))

    def show_progress(self, done: int, total: int, running: bool) -> None:
        """``done`` of ``total`` B-scans analysed (the bar shows while a run of all goes)."""
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_text.setText(translate("Volume", "{0} of {1} B-scans analysed").format(
            done, total))
        self.progress.setVisible(running)
        self.progress_text.setVisible(running)

    def show_identifiers(self, text: str) -> None:
        """The patient identifiers (empty: hidden)."""
        prefix = translate("Volume", "Patient identifiers (shown on request, never exported): ")
        self.identifiers.setText(prefix + text if text else "")
        self.identifiers.setVisible(bool(text))
        self._update_visible()

    def _update_visible(self) -> None:
        self.setVisible(not self.slider_row.isHidden() or not self.notes.isHidden()
                        or not self.identifiers.isHidden())


class LocalizerView(QWidget):
    """The localizer (or the evidence map) with the B-scan lines; click to pick one.

    Signals
    -------
    line_clicked(int)
        The user clicked near B-scan ``index``'s line.
    """

    line_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("localizer")
        self.setMinimumWidth(180)
        self.setMaximumWidth(320)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._qimage: QImage | None = None
        self.lines: tuple[tuple[float, float, float, float], ...] = ()
        self.current = 0
        self.title = ""
        self.stacked_rows = 0  # the evidence map without a localizer: rows of B-scans

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(300, 300)

    def set_picture(self, image: np.ndarray | None, lines=(), title: str = "",
                    stacked_rows: int = 0) -> None:
        """Show ``image`` with ``lines`` (localizer pixels); ``stacked_rows``: a stacked
        evidence map of that many B-scans (the current one is marked by its band)."""
        self._qimage = None if image is None else to_qimage(np.ascontiguousarray(image))
        self.lines, self.title, self.stacked_rows = tuple(lines), title, stacked_rows
        self.update()

    def set_current(self, index: int) -> None:
        """Highlight B-scan ``index``."""
        self.current = index
        self.update()

    def has_picture(self) -> bool:
        """Whether a picture is shown."""
        return self._qimage is not None

    def image_rect(self) -> QRectF:
        """Where the picture is drawn (kept in proportion, under the title)."""
        if self._qimage is None:
            return QRectF()
        top = 22.0
        w, h = self._qimage.width(), self._qimage.height()
        s = min((self.width() - 8) / w, (self.height() - top - 4) / h)
        return QRectF((self.width() - w * s) / 2, top, w * s, h * s)

    def _to_widget(self, x: float, y: float) -> QPointF:
        r = self.image_rect()
        assert self._qimage is not None
        return QPointF(r.x() + x * r.width() / self._qimage.width(),
                       r.y() + y * r.height() / self._qimage.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(20, 20, 20))
        p.setPen(QColor(235, 235, 235))
        p.drawText(QRectF(4, 0, self.width() - 8, 20),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.title)
        if self._qimage is None:
            p.end()
            return
        r = self.image_rect()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawImage(r, self._qimage, QRectF(self._qimage.rect()))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for i, (x0, y0, x1, y1) in enumerate(self.lines):
            if i == self.current:
                continue
            p.setPen(QPen(QColor(120, 200, 255, 70), 1))
            p.drawLine(self._to_widget(x0, y0), self._to_widget(x1, y1))
        if 0 <= self.current < len(self.lines):
            x0, y0, x1, y1 = self.lines[self.current]
            p.setPen(QPen(QColor(0, 0, 0), 4))
            p.drawLine(self._to_widget(x0, y0), self._to_widget(x1, y1))
            p.setPen(QPen(QColor(80, 255, 80), 2))
            p.drawLine(self._to_widget(x0, y0), self._to_widget(x1, y1))
        elif self.stacked_rows:
            band = r.height() / self.stacked_rows
            p.setPen(QPen(QColor(80, 255, 80), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(r.x(), r.y() + self.current * band, r.width(), band))
        p.end()

    def index_at(self, pos: QPointF, tolerance: float = 8.0) -> int:
        """The B-scan whose line (or stacked row) is nearest ``pos``; -1 when none is
        within ``tolerance`` widget pixels."""
        r = self.image_rect()
        if self._qimage is None or not r.contains(pos):
            return -1
        if not self.lines and self.stacked_rows:
            return min(int((pos.y() - r.y()) / r.height() * self.stacked_rows),
                       self.stacked_rows - 1)
        best, best_d = -1, tolerance
        for i, (x0, y0, x1, y1) in enumerate(self.lines):
            a, b = self._to_widget(x0, y0), self._to_widget(x1, y1)
            d = _distance(pos, a, b)
            if d <= best_d:
                best, best_d = i, d
        return best

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        i = self.index_at(event.position())
        if i >= 0:
            self.line_clicked.emit(i)


def _distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    """Distance from ``p`` to the segment a-b."""
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx
                                                    + (p.y() - a.y()) * dy) / length2))
    return math.hypot(p.x() - a.x() - t * dx, p.y() - a.y() - t * dy)

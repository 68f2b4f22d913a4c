"""The status bar: run progress (grid sizes, evaluations, ETA), Cancel, and the model line.

The model line (which model, what it was trained on, "not for diagnosis") has the first
claim on the bar's width: the status message gives way first (cut with an ellipsis, whole
in its tooltip), and when the model line itself must shrink it is cut in the middle, so
the model's name and "not for diagnosis" at its two ends always show.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton, QSizePolicy, QWidget

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import mask_words, plural, translate
from dida_view.method.dida import DidaResult, count_cells


def format_eta(seconds: float) -> str:
    """``8 s``, ``2 min 05 s``."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return translate("Status", "{0} s").format(s)
    return translate("Status", "{0} min {1} s").format(s // 60, f"{s % 60:02d}")


def masked_images(n: int) -> str:
    """``1 masked image``, ``1679 masked images``."""
    return plural("Status", n, QT_TRANSLATE_NOOP("Status", "{0} masked image"),
                  QT_TRANSLATE_NOOP("Status", "{0} masked images"))


def done_text(result: DidaResult) -> str:
    """The status line for a finished run: what it cost now, and for a result from the
    cache the original run's figures, labelled as such."""
    if result.from_cache:
        return translate("Status", "Done: from cache in {0} s (computed earlier: {1} in {2} "
                         "s, {3} mask)").format(
            f"{result.lookup_seconds:.2f}", masked_images(result.evaluations),
            f"{result.seconds:.1f}", mask_words(result.mask_fill))
    return translate("Status", "Done: {0} in {1} s ({2} mask)").format(
        masked_images(result.evaluations), f"{result.seconds:.1f}",
        mask_words(result.mask_fill))


# the engine that ran -> the status line's ending ({0}: the line so far)
ENGINE_WORDS = {"full": QT_TRANSLATE_NOOP("Status", "{0}, full engine"),
                "incremental": QT_TRANSLATE_NOOP("Status", "{0}, incremental engine")}


def engine_text(result: DidaResult, shown_notes: set[str] | None = None) -> str:
    """``done_text`` with the engine that ran (``…, incremental engine``) and, the first
    time it comes (not yet in ``shown_notes``, which it joins), why not incremental."""
    text = done_text(result)
    engine = result.meta.get("engine")
    if result.from_cache or not engine:
        return text
    text = translate("Status", ENGINE_WORDS.get(engine, "{0}, {1} engine")).format(text, engine)
    note = result.meta.get("engine_note")
    if note and (shown_notes is None or note not in shown_notes):
        if shown_notes is not None:
            shown_notes.add(note)
        text = translate("Status", "{0} ({1})").format(text, note)
    return text


class ElidedLabel(QLabel):
    """A one-line label that cuts its text to its width (``mode``: where the ellipsis
    goes) instead of asking for the text's width; the whole text is its tooltip.

    ``min_chars``: the label asks for at least the width of that many characters.
    """

    def __init__(self, mode: Qt.TextElideMode, min_chars: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode, self.min_chars = mode, min_chars

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)
        self.updateGeometry()

    def shown_text(self) -> str:
        """The text as drawn at the present width."""
        return self.fontMetrics().elidedText(self.text(), self.mode, self.contentsRect().width())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        return QSize(min(fm.horizontalAdvance(self.text()),
                         fm.averageCharWidth() * self.min_chars), fm.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setPen(self.palette().windowText().color())
        p.drawText(self.contentsRect(), Qt.AlignmentFlag.AlignVCenter
                   | Qt.AlignmentFlag.AlignLeft, self.shown_text())
        p.end()


class RunStatus(QObject):
    """Owns the status bar widgets of a main window."""

    cancel_requested = Signal()

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        bar = window.statusBar()
        self.text = ElidedLabel(Qt.TextElideMode.ElideRight)  # gives way first
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(True)
        self.cancel = QPushButton(translate("Status", "Cancel (Esc)"))
        self.cancel.clicked.connect(self.cancel_requested)
        self.model = QLabel()
        # the model, what it was trained on, not for diagnosis: cut in the middle, if at all
        self.model_line = ElidedLabel(Qt.TextElideMode.ElideMiddle, min_chars=40)
        self.model_line.setObjectName("model-line")
        bar.addWidget(self.text, 1)
        bar.addPermanentWidget(self.bar)
        bar.addPermanentWidget(self.cancel)
        bar.addPermanentWidget(self.model_line)
        bar.addPermanentWidget(self.model)
        self.bar.hide()
        self.cancel.hide()
        self._grids: tuple[int, ...] = ()
        self._done_grids: list[int] = []
        self._t0 = 0.0
        self._total = 0
        self._notes: set[str] = set()  # engine notes shown once already

    def set_model(self, text: str, notes: str = "") -> None:
        """The model line on the right; ``notes`` (what of the model's configuration was
        not used) as its tooltip."""
        self.model.setText(text)
        self.model.setToolTip(notes)

    def set_model_line(self, text: str) -> None:
        """The line that names the model, its training data and "not for diagnosis"."""
        self.model_line.setText(text)

    def message(self, text: str) -> None:
        """A status message (what happened last)."""
        self.text.setText(text)

    def start(self, grids: tuple[int, ...]) -> None:
        """A run started for ``grids``."""
        self._grids = tuple(grids)
        self._done_grids = []
        self._total = count_cells(grids)
        self._t0 = time.perf_counter()
        self.bar.setRange(0, max(1, self._total))
        self.bar.setValue(0)
        self.bar.setFormat("%p %")
        self.bar.show()
        self.cancel.show()
        self.text.setText(translate("Status", "Analysing: {0}/{1} grid sizes, {2}/{3} masked "
                                    "images").format(0, len(grids), 0, self._total))

    def started(self, partial: DidaResult) -> None:
        """The run's grids are placed: count its real cells (a ``square`` grid has fewer
        than n x n) until the first progress update."""
        self._total = count_cells(partial.grid_sizes, partial.grid_box, partial.grid_geometry)
        self.bar.setRange(0, max(1, self._total))
        self.text.setText(translate("Status", "Analysing: {0}/{1} grid sizes, {2}/{3} masked "
                                    "images").format(len(self._done_grids), len(self._grids),
                                                     0, self._total))

    def done(self, result: DidaResult) -> None:
        """The run finished with ``result``: its figures and the engine that ran."""
        self.finish(engine_text(result, self._notes))

    def grid_done(self, n: int) -> None:
        """Grid size ``n`` of the current run is complete."""
        self._done_grids.append(n)

    def progress(self, done: int, total: int) -> None:
        """Cells done so far (``done`` of ``total``), with an ETA from the rate so far."""
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        elapsed = time.perf_counter() - self._t0
        eta = elapsed / done * (total - done) if done else 0.0
        self.text.setText(translate(
            "Status", "Analysing: {0}/{1} grid sizes, {2}/{3} masked images, ETA {4}").format(
            len(self._done_grids), len(self._grids), done, total, format_eta(eta)))

    def finish(self, text: str) -> None:
        """The run ended (done, failed or cancelled)."""
        self.bar.hide()
        self.cancel.hide()
        self.text.setText(text)

"""The colour legend under the panels: what the colours mean, what full colour means in
plain words (with the score's unit), the score space in use, and its note (why ``auto``
switched spaces) on a line of its own, as wide as the legend."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from dida_view.gui.i18n import space_words, translate
from dida_view.gui.viewer.panel import to_qimage
from dida_view.render import images as render

BAR_W, BAR_H = 160, 14


class LegendStrip(QWidget):
    """``blue [blue - black - red] red`` and, below, what full colour means.

    The second line names the score space and says the |d| at which a cell reaches full
    colour in plain words (``full red = the class's score drops by 0.12 probability points
    when that region is hidden``), because the same red can mean very different effects
    from one case to the next. When ``auto`` switched spaces (or a class cannot have a
    map), the third line says why, highlighted, across the whole legend (it was squeezed
    into a column 70 pixels wide beside the second).

    Signals
    -------
    contents_changed()
        New text is shown (the height its lines need may have changed).
    """

    contents_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 2, 8, 2)
        outer.setSpacing(2)
        lay = QHBoxLayout()
        lay.setSpacing(8)
        outer.addLayout(lay)
        self._first_row = lay
        bar = self.bar = QLabel()
        self._set_bar(1)
        bar.setToolTip(translate("Legend", "Colour of a cell by its d = score(original) - "
                                           "score(cell masked)"))
        left = QLabel(translate("Legend", "<b style='color:#1e5bff'>blue</b>: against the class"))
        right = QLabel(translate("Legend", "<b style='color:#e00000'>red</b>: supports the class"))
        mid = QLabel(translate("Legend", "no colour: no effect"))
        self.space = QLabel()
        self.space.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.note = QLabel()
        self.note.setObjectName("score-space-note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("background:#fff3cd; color:#5c4400; padding:2px 4px;")
        self.note.hide()
        lay.addWidget(left)
        lay.addWidget(bar)
        lay.addWidget(right)
        lay.addWidget(QLabel("·"))
        lay.addWidget(mid)
        lay.addStretch(1)
        self.scale = QLabel()
        self.scale.setWordWrap(True)
        self.scale.setToolTip(translate("Legend", "The |d| at which a cell reaches full colour "
                                                  "(with the gain), "
                              "in the score's own unit"))
        f = self.scale.font()
        f.setBold(True)
        self.scale.setFont(f)
        second = QHBoxLayout()
        second.addWidget(self.space, 0, Qt.AlignmentFlag.AlignTop)
        second.addWidget(self.scale, 1, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(second)
        outer.addWidget(self.note)
        outer.addStretch(1)
        self.setMinimumWidth(200)  # narrow windows clip the legend rather than grow
        self.set_state(None, None, None)

    def _set_bar(self, factor: int) -> None:
        self.bar.setPixmap(QPixmap.fromImage(to_qimage(render.to_uint8(
            render.legend_bar(BAR_W * factor, BAR_H * factor)))))

    def set_large(self, px: int | None) -> None:
        """Projector size (teaching mode): type of ``px`` pixels and a colour bar twice as
        large; None: back to the normal size."""
        if px:
            f = QFont(self.font())
            f.setPixelSize(px)
            self.setFont(f)
            self.note.setFont(f)  # a styled label keeps its own font otherwise
        else:
            self.setFont(QFont())  # inherit the window's font again
            self.note.setFont(QFont())
        self._set_bar(2 if px else 1)

    def needed_height(self) -> int:
        """The height its lines need at its present width (the note and the scale wrap)."""
        lay = self.layout()
        lay.invalidate()  # the text (and its font) may have changed since the last pass
        return lay.totalHeightForWidth(self.width()) if lay.hasHeightForWidth() else \
            lay.totalSizeHint().height()

    def needed_width(self) -> int:
        """The width below which the colour bar's row would be cut."""
        m = self.layout().contentsMargins()
        return self._first_row.sizeHint().width() + m.left() + m.right()

    def set_state(self, space: str | None, note: str | None, full: str | None) -> None:
        """Show the score space (and its note) and what full colour means (``full``)."""
        self.scale.setText(full or "")
        self.scale.setVisible(bool(full))
        self.note.setText(note or "")
        self.note.setVisible(bool(note) and space is not None)
        if space is None:
            self.space.setText("")
            self.space.setStyleSheet("")
            self.contents_changed.emit()
            return
        self.space.setText(translate("Legend", "Score: <b>{0}</b> ·").format(space_words(space)))
        # the space in use is highlighted like its note when it is not the one asked for
        self.space.setStyleSheet("background:#fff3cd; color:#5c4400; padding:2px;" if note
                                 else "")
        self.contents_changed.emit()

"""The case browser: a table of the cases, its filter, the queue line and the reading.

Per case: a thumbnail and the file name, the model's top class and score, the clinician's
diagnosis, whether the two agree, and the state of its analysis. The widget only shows a
:class:`~dida_view.session.caselist.CaseList` and says what the user asked for with signals; the
:class:`~dida_view.gui.cases.controller.CaseController` does it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.cases.queue import THUMB_SIZE
from dida_view.gui.cases.reading_editor import ReadingEditor
from dida_view.gui.i18n import class_name, translate
from dida_view.session.caselist import (
    ALL,
    ANALYSED,
    ANALYSING,
    ATYPICAL,
    DISAGREE,
    FAILED,
    QUEUED,
    UNREAD,
    CaseList,
)
from dida_view.viewmodel.viewer import ViewerModel

COLUMNS = (QT_TRANSLATE_NOOP("CaseBrowser", "Case"), QT_TRANSLATE_NOOP("CaseBrowser", "Model"),
           QT_TRANSLATE_NOOP("CaseBrowser", "Reading"), QT_TRANSLATE_NOOP("CaseBrowser", "Agree"),
           QT_TRANSLATE_NOOP("CaseBrowser", "State"), QT_TRANSLATE_NOOP("CaseBrowser", "Domain"))
DOMAIN_COLUMN = 5
# the domain check's answer (issue 18): a mark, a tooltip in words
DOMAIN_TEXT = {True: "", False: "⚠", None: ""}
DOMAIN_TIP = {True: QT_TRANSLATE_NOOP("CaseBrowser", "typical of the model's reference scans"),
              False: QT_TRANSLATE_NOOP("CaseBrowser", "unlike the model's reference scans: its "
                                       "explanation may not mean much"),
              None: QT_TRANSLATE_NOOP("CaseBrowser", "no domain check (not analysed yet, or "
                                      "the model has no reference)")}
STATE_TEXT = {"": "", QUEUED: QT_TRANSLATE_NOOP("CaseBrowser", "queued"),
              ANALYSING: QT_TRANSLATE_NOOP("CaseBrowser", "analysing…"),
              ANALYSED: QT_TRANSLATE_NOOP("CaseBrowser", "analysed"),
              FAILED: QT_TRANSLATE_NOOP("CaseBrowser", "failed")}
AGREE_TEXT = {True: "✓", False: "✗", None: ""}
AGREE_TIP = {True: QT_TRANSLATE_NOOP("CaseBrowser", "model and reading agree"),
             False: QT_TRANSLATE_NOOP("CaseBrowser", "model and reading differ"),
             None: QT_TRANSLATE_NOOP("CaseBrowser", "not analysed or not read yet")}
AGREE_COLOUR = {True: QColor(30, 140, 60), False: QColor(200, 40, 40)}
DOMAIN_COLOUR = QColor(179, 89, 0)
Index = QModelIndex | QPersistentModelIndex
RESIZE_PRECISION = 50  # rows beyond those on screen that a column's width looks at


def _icon(array: np.ndarray) -> QIcon:
    a = np.ascontiguousarray(array)
    h, w = a.shape[:2]
    fmt, line = (QImage.Format.Format_Grayscale8, w) if a.ndim == 2 else \
        (QImage.Format.Format_RGB888, 3 * w)
    return QIcon(QPixmap.fromImage(QImage(a.data, w, h, line, fmt).copy()))


class CaseTable(QAbstractTableModel):
    """The rows the filter shows (fixed until the filter or the list changes, so a row
    does not vanish while its diagnosis is typed)."""

    def __init__(self, cases: CaseList, parent=None) -> None:
        super().__init__(parent)
        self.cases = cases
        self.rows: list[int] = []
        self.icons: dict[str, QIcon] = {}
        self.thumbnail_wanted = lambda _path: None  # asked for each row shown without one
        self.names = lambda row: row.name  # how a row names its case (the controller's)

    def reset(self) -> None:
        """Apply the filter again."""
        self.beginResetModel()
        self.rows = self.cases.visible()
        self.endResetModel()

    def case_changed(self, index: int) -> None:
        """Case ``index`` changed: redraw its row."""
        if index in self.rows:
            r = self.rows.index(index)
            self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

    def set_thumbnail(self, path: str, array: np.ndarray) -> None:
        """Show ``array`` as the thumbnail of the case of ``path``."""
        self.icons[path] = _icon(array)
        self.case_changed(self.cases.index_of(path))

    def row_of(self, index: int) -> int:
        """The row of case ``index`` (-1 when filtered out)."""
        return self.rows.index(index) if index in self.rows else -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("CaseBrowser", COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        i = self.rows[index.row()]
        case, col = self.cases.row(i), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            state = STATE_TEXT.get(case.state)
            return (self.names(case), f"{class_name(case.top) if case.top else ''} "
                    f"{case.score}".strip(), case.diagnosis, AGREE_TEXT[case.agree],
                    translate("CaseBrowser", state) if state else case.state,
                    DOMAIN_TEXT[case.typical])[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            icon = self.icons.get(str(case.path))
            if icon is None:
                self.thumbnail_wanted(str(case.path))
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == DOMAIN_COLUMN:
                return translate("CaseBrowser", DOMAIN_TIP[case.typical])
            return translate("CaseBrowser", AGREE_TIP[case.agree]) if col == 3 else \
                self.names(case)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, DOMAIN_COLUMN):
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ForegroundRole and col == DOMAIN_COLUMN:
            return QBrush(DOMAIN_COLOUR)
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and case.agree is not None:
            return QBrush(AGREE_COLOUR[case.agree])
        if role == Qt.ItemDataRole.FontRole and i == self.cases.current:
            font = self.parent().font() if self.parent() is not None else None
            if font is not None:
                font.setBold(True)
            return font
        return None


class CaseBrowser(QWidget):
    """The case table, its filter, previous / next, the queue line and the reading.

    Signals
    -------
    case_chosen(int)
        The user picked case ``index`` in the table.
    step_requested(int)
        Previous (-1) or next (+1).
    filter_chosen(str)
        A filter of :mod:`dida_view.session.caselist` (or a class label).
    cancel_queue()
        Stop analysing ahead.
    """

    case_chosen = Signal(int)
    step_requested = Signal(int)
    filter_chosen = Signal(str)
    cancel_queue = Signal()

    def __init__(self, cases: CaseList, model: ViewerModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cases = cases
        self.filter = QComboBox()
        self.filter.setToolTip(translate("CaseBrowser", "Show all cases, those where model and "
                                                        "reading differ, those "
                               "not read yet, or one class"))
        self.prev = QPushButton("◀")
        self.prev.setToolTip(translate("CaseBrowser", "Previous case (Ctrl+[)"))
        self.next = QPushButton("▶")
        self.next.setToolTip(translate("CaseBrowser", "Next case (Ctrl+])"))
        for b in (self.prev, self.next):
            b.setFixedWidth(36)
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("CaseBrowser", "Show")))
        top.addWidget(self.filter, 1)
        top.addWidget(self.prev)
        top.addWidget(self.next)
        self.table = CaseTable(cases, self)
        self.view = QTableView()
        self.view.setModel(self.table)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setIconSize(QSize(*THUMB_SIZE))
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(THUMB_SIZE[1] + 6)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # columns fit the rows on screen and a few more, not every row: a 5,000-row list
        # would be measured whole on every change
        header.setResizeContentsPrecision(RESIZE_PRECISION)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.queue_line = QLabel("")
        self.queue_line.setWordWrap(True)
        self.cancel = QPushButton(translate("CaseBrowser", "Cancel queue"))
        self.cancel.setToolTip(translate("CaseBrowser", "Stop analysing the next cases ahead "
                                                        "(the current one goes on)"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.queue_line, 1)
        bottom.addWidget(self.cancel)
        self.editor = ReadingEditor(model)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        lay.addLayout(bottom)
        lay.addWidget(self.editor)
        self.prev.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next.clicked.connect(lambda: self.step_requested.emit(1))
        self.cancel.clicked.connect(self.cancel_queue)
        self.filter.activated.connect(
            lambda _i: self.filter_chosen.emit(self.filter.currentData()))
        self.fill_filters()

    def fill_filters(self) -> None:
        """The filter choices: all, disagreements, not read, and each class seen."""
        box, keep = self.filter, self.cases.filter
        box.blockSignals(True)
        box.clear()
        box.addItem(translate("CaseBrowser", "All cases"), ALL)
        box.addItem(translate("CaseBrowser", "Model and reading differ"), DISAGREE)
        box.addItem(translate("CaseBrowser", "Not read yet"), UNREAD)
        box.addItem(translate("CaseBrowser", "Unlike the model's reference scans"), ATYPICAL)
        for name in self.cases.classes():
            box.addItem(translate("CaseBrowser", "Class: {0}").format(class_name(name)), name)
        at = box.findData(keep)
        if at < 0:
            box.addItem(translate("CaseBrowser", "Class: {0}").format(class_name(keep)), keep)
            at = box.count() - 1
        box.setCurrentIndex(at)
        box.blockSignals(False)

    def show_current(self) -> None:
        """Select the current case's row (without saying it was chosen)."""
        r = self.table.row_of(self.cases.current)
        sel = self.view.selectionModel()
        sel.blockSignals(True)
        if r < 0:
            sel.clearSelection()
            self.view.setCurrentIndex(QModelIndex())
        else:
            self.view.selectRow(r)
            sel.setCurrentIndex(self.table.index(r, 0),
                                sel.SelectionFlag.SelectCurrent | sel.SelectionFlag.Rows)
            self.view.scrollTo(self.table.index(r, 0))
        sel.blockSignals(False)
        self.view.viewport().update()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.table.rows):
            self.case_chosen.emit(self.table.rows[current.row()])

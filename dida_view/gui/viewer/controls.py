"""The side controls: the ranked class list, display settings and analysis settings.

Display settings (opacity, gain, view, square size, weights) only re-render; analysis
settings (score space, mask fill, grid sizes, grid cells) re-run the model. The widget only emits
signals; the window decides what each change costs.

In a small window the groups go into tabs (:meth:`ControlsPanel.set_tabbed`), folded to
their tab bar until one is clicked (:mod:`dida_view.gui.viewer.compact` decides when), so
that the scans get the height.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QTabBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import translate
from dida_view.method.dida import DEFAULT_GRID_SIZES, MASK_FILLS
from dida_view.method.grids import DEFAULT_GRID_GEOMETRY
from dida_view.model.scores import SCORE_SPACES

MIXED = "mixed"
ALL_GRIDS = "all-grids"
SCORE_SPACE_NAMES = {
    "auto": QT_TRANSLATE_NOOP("Controls", "auto (probability; logit/log-odds if saturated)"),
    "probability": QT_TRANSLATE_NOOP("Controls", "probability (softmax)"),
    "logit": QT_TRANSLATE_NOOP("Controls", "logit (raw output)"),
    "log-odds": QT_TRANSLATE_NOOP("Controls", "log-odds"),
}
MASK_FILL_NAMES = {"black": QT_TRANSLATE_NOOP("Controls", "black"),
                   "mean": QT_TRANSLATE_NOOP("Controls", "mean"),
                   "blur": QT_TRANSLATE_NOOP("Controls", "blur"),
                   "noise": QT_TRANSLATE_NOOP("Controls", "noise")}
# Grid cells, in the order offered (the default first)
GEOMETRY_NAMES = {"square": QT_TRANSLATE_NOOP("Controls", "square (default)"),
                  "content": QT_TRANSLATE_NOOP("Controls", "n x n over the content (the paper)"),
                  "input": QT_TRANSLATE_NOOP("Controls", "n x n over the whole input")}


def gain_from_slider(v: int) -> float:
    """Slider position -20..30 -> gain 2**(v/10): 0.25x .. 8x, 0 = 1x."""
    return float(2.0 ** (v / 10.0))


def slider_from_gain(g: float) -> int:
    """Gain 0.25x .. 8x -> slider position (inverse of :func:`gain_from_slider`)."""
    return int(round(10.0 * math.log2(max(0.25, min(8.0, g)))))


class ControlsPanel(QWidget):
    """Class list, display and analysis controls (emits signals only)."""

    class_chosen = Signal(int)  # class index: put into the target panel
    display_changed = Signal()  # view, opacity, gain: re-render
    square_changed = Signal(int)
    weights_changed = Signal()  # re-render with new blend weights
    analysis_changed = Signal()  # score space, mask fill, grid sizes: re-run
    diagnosis_changed = Signal(str)
    reset_requested = Signal()
    view_choices_changed = Signal()  # the View list was refilled (quietly)
    folded_changed = Signal(bool)  # tabbed: the pages were folded (True) or unfolded

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        lay.setContentsMargins(6, 6, 6, 6)
        self._layout = lay

        box = QGroupBox(translate("Controls", "Classes by score: click one to show it in a panel"))
        box.setToolTip(translate("Controls", "Click a class to show it in the framed (amber) "
                                             "panel, the last one "
                       "until you click a panel to choose it. Every class's d is kept: no "
                       "re-run."))
        bl = QVBoxLayout(box)
        bl.setContentsMargins(4, 4, 4, 4)
        self.classes = QTreeWidget()
        self.classes.setColumnCount(4)
        self.classes.setHeaderLabels(["#", translate("Controls", "Class"),
                                      translate("Controls", "Score"),
                                      translate("Controls", "Shown in")])
        self.classes.setRootIsDecorated(False)
        self.classes.setUniformRowHeights(True)
        hdr = self.classes.header()
        # the names take what they need; the last column ("Shown in") takes the rest
        for c in (0, 1, 2):
            hdr.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setStretchLastSection(True)
        self.classes.itemClicked.connect(self._on_class_item)
        self.classes.itemActivated.connect(self._on_class_item)
        bl.addWidget(self.classes)
        middle_w = QWidget()
        middle = QVBoxLayout(middle_w)
        middle.setContentsMargins(0, 0, 0, 0)

        disp = QGroupBox(translate("Controls", "Display (no re-run)"))
        fl = QFormLayout(disp)
        self._compact(fl)
        self.view = QComboBox()
        self.view.currentIndexChanged.connect(lambda _: self.display_changed.emit())
        fl.addRow(translate("Controls", "View"), self.view)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(60)
        self.opacity_label = QLabel()
        self.opacity.valueChanged.connect(self._on_opacity)
        fl.addRow(translate("Controls", "Opacity"),
                  self._with_label(self.opacity, self.opacity_label))
        self.gain = QSlider(Qt.Orientation.Horizontal)
        self.gain.setRange(-20, 30)
        self.gain.setValue(0)
        self.gain_label = QLabel()
        self.gain.valueChanged.connect(self._on_gain)
        fl.addRow(translate("Controls", "Gain"), self._with_label(self.gain, self.gain_label))
        self.shared = QCheckBox(translate("Controls", "one colour scale for all panels"))
        self.shared.setChecked(True)
        self.shared.setToolTip(translate("Controls", "On: the panels' brightness can be compared "
                                                     "(the paper's way). "
                               "Off: each panel reaches full colour at its own largest |d|, "
                               "which shows weak evidence of low-scoring classes."))
        self.shared.toggled.connect(lambda _: self.display_changed.emit())
        fl.addRow(translate("Controls", "Scale"), self.shared)
        self.square = QSpinBox()
        self.square.setRange(2, 256)
        self.square.setSuffix(" px")
        self.square.setToolTip(translate("Controls", "Side of the synchronized square, in pixels "
                                                     "of the image"))
        self.square.valueChanged.connect(self.square_changed)
        fl.addRow(translate("Controls", "Square"), self.square)
        self.weights = QLineEdit()
        self.weights.setPlaceholderText(
            translate("Controls", "the paper's (finer grids weigh more)"))
        self.weights.setToolTip(translate("Controls", "Blend weights of the Mixed Image, one per "
                                                      "grid size, "
                                "coarse to fine; empty = the paper's"))
        self.weights.editingFinished.connect(self.weights_changed)
        fl.addRow(translate("Controls", "Weights"), self.weights)
        middle.addWidget(disp)
        middle.addStretch(1)

        diag = QGroupBox(
            translate("Controls", "Diagnosis by the clinician (shown on the original)"))
        dl = QVBoxLayout(diag)
        dl.setContentsMargins(6, 4, 6, 4)
        self.diagnosis = QLineEdit()
        self.diagnosis.setPlaceholderText(translate("Controls", "unknown: type a diagnosis"))
        self.diagnosis.textEdited.connect(self.diagnosis_changed)
        dl.addWidget(self.diagnosis)

        ana = QGroupBox(translate("Controls", "Analysis (re-runs the model)"))
        al = QFormLayout(ana)
        self._compact(al)
        self.score_space = QComboBox()
        for s in SCORE_SPACES:
            self.score_space.addItem(translate("Controls", SCORE_SPACE_NAMES[s]), s)
        self.score_space.currentIndexChanged.connect(lambda _: self.analysis_changed.emit())
        al.addRow(translate("Controls", "Score"), self.score_space)
        self.mask = QComboBox()
        for m in MASK_FILLS:
            self.mask.addItem(translate("Controls", MASK_FILL_NAMES.get(m, m)), m)
        self.mask.currentIndexChanged.connect(lambda _: self.analysis_changed.emit())
        al.addRow(translate("Controls", "Mask fill"), self.mask)
        self.geometry = QComboBox()
        for g, name in GEOMETRY_NAMES.items():
            self.geometry.addItem(translate("Controls", name), g)
        self.geometry.setCurrentIndex(self.geometry.findData(DEFAULT_GRID_GEOMETRY))
        self.geometry.setToolTip(translate(
            "Controls", "Where the grids lie and how many cells they have: square cells "
            "(about n across the longer side of the content; fewer inferences), the paper's "
            "n x n over the content, or n x n over the whole model input"))
        self.geometry.currentIndexChanged.connect(lambda _: self.analysis_changed.emit())
        al.addRow(translate("Controls", "Grid cells"), self.geometry)
        self.grids = QLineEdit(",".join(str(n) for n in DEFAULT_GRID_SIZES))
        self.grids.setToolTip(translate("Controls", "Grid sizes n (n x n cells), coarse to fine"))
        self._grids_text = self.grids.text()
        self.grids.editingFinished.connect(self._on_grids)
        al.addRow(translate("Controls", "Grid sizes"), self.grids)
        reset = QPushButton(translate("Controls", "Paper defaults"))
        reset.setToolTip(translate("Controls", "Grid sizes 7, 9, ..., 21, the paper's weights, "
                                               "black mask, auto score, n x n cells over the "
                                               "content"))
        reset.clicked.connect(self.reset_requested)
        al.addRow("", reset)
        right_w = QWidget()
        right = QVBoxLayout(right_w)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(diag)
        right.addWidget(ana)
        right.addStretch(1)
        # the three groups, side by side (or stacked); in tabs when the window is small
        self.groups = [(box, 3), (middle_w, 2), (right_w, 2)]
        for w, stretch in self.groups:
            lay.addWidget(w, stretch)
        self._make_tabs()
        self._on_opacity(self.opacity.value())
        self._on_gain(self.gain.value())

    def _make_tabs(self) -> None:
        self.tabbed = False
        self.folded = False
        self.tab_bar = QTabBar()
        self.tab_bar.setObjectName("controls-tabs")
        self.tab_bar.setExpanding(False)
        for name in (QT_TRANSLATE_NOOP("Controls", "Classes"),
                     QT_TRANSLATE_NOOP("Controls", "Display"),
                     QT_TRANSLATE_NOOP("Controls", "Diagnosis and analysis")):
            self.tab_bar.addTab(translate("Controls", name))
        self.tab_bar.setToolTip(translate("Controls", "Click a tab to show it; click it again "
                                                      "to fold the controls away"))
        self.tab_bar.tabBarClicked.connect(self._on_tab)
        self.pages = QStackedWidget()
        self.tab_box = QWidget()
        tl = QVBoxLayout(self.tab_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(0)
        tl.addWidget(self.tab_bar)
        tl.addWidget(self.pages, 1)
        self.tab_box.hide()

    def set_tabbed(self, on: bool) -> None:
        """The groups in tabs, folded to the tab bar (``on``: a small window), or side by
        side. Entering tabs folds them; the user unfolds one with a click."""
        if on == self.tabbed:
            return
        self.tabbed = on
        lay = self._layout
        if on:
            for w, _stretch in self.groups:
                lay.removeWidget(w)
                self.pages.addWidget(w)
            lay.addWidget(self.tab_box, 1)
            self.tab_box.show()
            self.set_folded(True)
        else:
            lay.removeWidget(self.tab_box)
            self.tab_box.hide()
            for w, stretch in self.groups:
                self.pages.removeWidget(w)
                lay.addWidget(w, stretch)
                w.show()
            self.folded = False
            self.folded_changed.emit(False)

    def set_folded(self, folded: bool) -> None:
        """Tabbed: show only the tab bar (``folded``) or the current tab's page too."""
        self.folded = bool(folded) and self.tabbed
        self.pages.setVisible(not self.folded)
        self.folded_changed.emit(self.folded)

    def _on_tab(self, index: int) -> None:
        if index < 0:
            return
        same = index == self.tab_bar.currentIndex()
        self.tab_bar.setCurrentIndex(index)
        self.pages.setCurrentIndex(index)
        self.set_folded(same and not self.folded)

    def folded_height(self) -> int:
        """The height the controls need folded: the tab bar and the margins."""
        m = self._layout.contentsMargins()
        return self.tab_bar.sizeHint().height() + m.top() + m.bottom()

    def set_horizontal(self, on: bool) -> None:
        """Lay the groups out side by side (dock at the bottom) or stacked (at a side)."""
        self._layout.setDirection(QBoxLayout.Direction.LeftToRight if on
                                  else QBoxLayout.Direction.TopToBottom)

    @staticmethod
    def _compact(form: QFormLayout) -> None:
        form.setContentsMargins(6, 4, 6, 4)
        form.setVerticalSpacing(3)

    @staticmethod
    def _with_label(slider: QSlider, label: QLabel) -> QWidget:
        w = QWidget()
        h = QHBoxLayout(w)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(slider, 1)
        label.setMinimumWidth(42)
        h.addWidget(label)
        return w

    # -- values ---------------------------------------------------------------------------
    def opacity_value(self) -> float:
        """Overlay opacity, 0..1."""
        return self.opacity.value() / 100.0

    def gain_value(self) -> float:
        """Colour intensity gain, 0.25..8."""
        return gain_from_slider(self.gain.value())

    def view_value(self) -> str | int:
        """``MIXED``, ``ALL_GRIDS`` or a grid size."""
        v = self.view.currentData()
        return MIXED if v is None else v

    def set_view_choices(self, grid_sizes: tuple[int, ...]) -> None:
        """Offer the Mixed Image, each grid size, and all grid sizes side by side."""
        current = self.view_value()
        self.view.blockSignals(True)
        self.view.clear()
        self.view.addItem(translate("Controls", "Mixed Image (all grid sizes blended)"), MIXED)
        for n in grid_sizes:
            self.view.addItem(translate("Controls", "Grid image {0} x {0}").format(n), n)
        self.view.addItem(translate("Controls", "All grid sizes of one class (Fig. 3)"), ALL_GRIDS)
        i = self.view.findData(current)
        self.view.setCurrentIndex(max(0, i))
        self.view.blockSignals(False)
        self.view_choices_changed.emit()

    def _on_opacity(self, v: int) -> None:
        self.opacity_label.setText(f"{v} %")
        self.display_changed.emit()

    def _on_gain(self, v: int) -> None:
        self.gain_label.setText(f"{gain_from_slider(v):.2g}x")
        self.display_changed.emit()

    def _on_grids(self) -> None:
        if self.grids.text() != self._grids_text:
            self._grids_text = self.grids.text()
            self.analysis_changed.emit()

    def set_grids_text(self, text: str) -> None:
        """Set the grid list without emitting a change."""
        self._grids_text = text
        self.grids.setText(text)

    def _on_class_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        k = item.data(0, Qt.ItemDataRole.UserRole)
        if k is not None:
            self.class_chosen.emit(int(k))

    def fill_classes(self, rows: list[tuple[int, str, str, str]]) -> None:
        """Rows of (class index, name, score text, panel marker), best first."""
        if rows == getattr(self, "_rows", None):
            return
        self._rows = list(rows)
        self.classes.blockSignals(True)
        selected = self.classes.currentItem()
        keep = selected.data(0, Qt.ItemDataRole.UserRole) if selected else None
        self.classes.clear()
        for rank, (k, name, score, panel) in enumerate(rows, 1):
            it = QTreeWidgetItem([str(rank), name, score, panel])
            it.setData(0, Qt.ItemDataRole.UserRole, k)
            it.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if panel:
                f = it.font(1)
                f.setBold(True)
                for c in range(4):
                    it.setFont(c, f)
            self.classes.addTopLevelItem(it)
            if k == keep:
                self.classes.setCurrentItem(it)
        self.classes.blockSignals(False)

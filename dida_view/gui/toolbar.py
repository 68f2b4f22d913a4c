"""The toolbar: the main actions within one click (open image, open model, run again,
cancel, the view, export figure).

It reuses the menu's actions (same shortcuts and enabled state) and mirrors the controls'
View choice with a second combo box on the same model, so the two never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QToolBar

if TYPE_CHECKING:
    from dida_view.gui.controls import ControlsPanel
    from dida_view.gui.window import MainWindow

ICONS = {
    "open_image": QStyle.StandardPixmap.SP_DialogOpenButton,
    "open_model": QStyle.StandardPixmap.SP_DirOpenIcon,
    "rerun": QStyle.StandardPixmap.SP_MediaPlay,
    "cancel": QStyle.StandardPixmap.SP_MediaStop,
    "export_figure": QStyle.StandardPixmap.SP_DialogSaveButton,
}
TEXTS = {"open_image": "Image", "open_model": "Model", "rerun": "Run", "cancel": "Cancel",
         "export_figure": "Export figure"}


def view_combo(controls: ControlsPanel) -> QComboBox:
    """A combo box showing the same View choices as ``controls.view``, kept in step."""
    combo = QComboBox()
    combo.setObjectName("toolbar-view")
    combo.setModel(controls.view.model())
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setToolTip("What the panels show: the Mixed Image, one grid size, or all grid "
                     "sizes of one class (the paper's Fig. 3)")

    def from_controls(*_args) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(controls.view.currentIndex())
        combo.blockSignals(False)

    combo.currentIndexChanged.connect(controls.view.setCurrentIndex)
    controls.view.currentIndexChanged.connect(from_controls)
    controls.view_choices_changed.connect(from_controls)
    from_controls()
    return combo


def make_toolbar(win: MainWindow) -> QToolBar:
    """Add the main toolbar to ``win`` (its actions come from ``win.actions_``)."""
    bar = QToolBar("Main toolbar", win)
    bar.setObjectName("main-toolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.setIconSize(QSize(18, 18))
    bar.setMovable(False)
    style = win.style()
    a = win.actions_
    for name in ("open_image", "open_model", None, "rerun", "cancel", None):
        if name is None:
            bar.addSeparator()
            continue
        action = getattr(a, name)
        action.setIcon(style.standardIcon(ICONS[name]))
        action.setIconText(TEXTS[name])
        bar.addAction(action)
    bar.addWidget(QLabel(" View "))
    win.toolbar_view = view_combo(win.controls)
    bar.addWidget(win.toolbar_view)
    bar.addSeparator()
    a.export_figure.setIcon(style.standardIcon(ICONS["export_figure"]))
    a.export_figure.setIconText(TEXTS["export_figure"])
    bar.addAction(a.export_figure)
    win.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar

"""The toolbar: the main actions within one click (open image, open model, run again,
cancel, the view, export figure).

It reuses the menu's actions (same shortcuts and enabled state). Its View combo box shares
the controls' list of views and shows the viewer model's view, so the two never disagree.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QStyle, QToolBar

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import translate
from dida_view.gui.viewer.controls import ControlsPanel
from dida_view.viewmodel.viewer import ViewerModel

# the toolbar, left to right: action names of menus.MENUS, None for a separator, "view" for
# the View choice
TOOLBAR = ("open_image", "open_model", None, "rerun", "cancel", None, "view", None,
           "export_figure")
ICONS = {
    "open_image": QStyle.StandardPixmap.SP_DialogOpenButton,
    "open_model": QStyle.StandardPixmap.SP_DirOpenIcon,
    "rerun": QStyle.StandardPixmap.SP_MediaPlay,
    "cancel": QStyle.StandardPixmap.SP_MediaStop,
    "export_figure": QStyle.StandardPixmap.SP_DialogSaveButton,
}
TEXTS = {"open_image": QT_TRANSLATE_NOOP("Toolbar", "Image"),
         "open_model": QT_TRANSLATE_NOOP("Toolbar", "Model"),
         "rerun": QT_TRANSLATE_NOOP("Toolbar", "Run"),
         "cancel": QT_TRANSLATE_NOOP("Toolbar", "Cancel"),
         "export_figure": QT_TRANSLATE_NOOP("Toolbar", "Export figure")}


def view_combo(controls: ControlsPanel, model: ViewerModel) -> QComboBox:
    """A combo box showing the same View choices as ``controls.view``; a choice goes
    through the controls (bound to ``model``), and it shows ``model.view``."""
    combo = QComboBox()
    combo.setObjectName("toolbar-view")
    combo.setModel(controls.view.model())
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setToolTip(translate("Toolbar", "What the panels show: the Mixed Image, one grid size, "
                                          "or all grid "
                     "sizes of one class (the paper's Fig. 3)"))

    def from_model(*_args) -> None:
        i = combo.findData(model.view)
        combo.blockSignals(True)
        combo.setCurrentIndex(i if i >= 0 else controls.view.currentIndex())
        combo.blockSignals(False)

    combo.currentIndexChanged.connect(controls.view.setCurrentIndex)
    controls.view.currentIndexChanged.connect(from_model)
    controls.view_choices_changed.connect(from_model)
    model.events.display.connect(from_model)
    from_model()
    return combo


def make_toolbar(win: QMainWindow, actions: SimpleNamespace, controls: ControlsPanel,
                 model: ViewerModel) -> tuple[QToolBar, QComboBox]:
    """Add the main toolbar (:data:`TOOLBAR`) to ``win``; ``actions`` are the menus' actions
    by name. Returns the toolbar and its View combo box (:func:`view_combo`)."""
    bar = QToolBar(translate("Toolbar", "Main toolbar"), win)
    bar.setObjectName("main-toolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.setIconSize(QSize(18, 18))
    bar.setMovable(False)
    style = win.style()
    combo = view_combo(controls, model)
    for name in TOOLBAR:
        if name is None:
            bar.addSeparator()
        elif name == "view":
            bar.addWidget(QLabel(" " + translate("Toolbar", "View") + " "))
            bar.addWidget(combo)
        else:
            action = getattr(actions, name)
            action.setIcon(style.standardIcon(ICONS[name]))
            action.setIconText(translate("Toolbar", TEXTS[name]))
            bar.addAction(action)
    win.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar, combo

"""Menus, actions with the shortcuts a desktop user expects, and the controls dock."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QScrollArea, QWidget

from dida_view import paths
from dida_view.gui import files, theme
from dida_view.gui.qsettings import recent_files

if TYPE_CHECKING:
    from dida_view.gui.window import MainWindow


def make_dock(win: MainWindow, controls: QWidget) -> QDockWidget:
    """The controls, in a scrollable dock on the right."""
    dock = QDockWidget("Controls", win)
    dock.setObjectName("controls-dock")
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(controls)
    dock.setWidget(scroll)

    def placed(area: Qt.DockWidgetArea) -> None:
        horizontal = area in (Qt.DockWidgetArea.BottomDockWidgetArea,
                              Qt.DockWidgetArea.TopDockWidgetArea)
        controls.set_horizontal(horizontal)
        controls.setMinimumSize(0 if horizontal else 300, 200 if horizontal else 0)

    dock.dockLocationChanged.connect(placed)
    win.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    placed(Qt.DockWidgetArea.BottomDockWidgetArea)
    win.resizeDocks([dock], [228], Qt.Orientation.Vertical)
    return dock


def _action(win: MainWindow, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    a = QAction(text, win)
    if shortcut is not None:
        if isinstance(shortcut, list):
            a.setShortcuts(shortcut)
        else:
            a.setShortcut(QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
    a.triggered.connect(lambda _checked=False: slot())
    win.addAction(a)  # shortcuts work even when the menu bar is hidden (full screen)
    return a


def build(win: MainWindow) -> SimpleNamespace:
    """Create the menu bar; returns the actions by name (tests trigger them)."""
    K = QKeySequence.StandardKey
    a = SimpleNamespace()
    a.open_image = _action(win, "Open &Image…", lambda: files.ask_open_image(win), K.Open)
    a.open_model = _action(win, "Open &Model…", lambda: files.ask_open_model(win),
                           "Ctrl+Shift+O")
    a.export_figure = _action(win, "&Export Figure…", lambda: files.ask_export_figure(win),
                              "Ctrl+E", "The paper's figure: original + the three panels")
    a.export_panels = _action(win, "Export &Panels…", lambda: files.ask_export_panels(win))
    a.export_arrays = _action(win, "Export &Arrays (.npz)…", lambda: files.ask_export_npz(win))
    a.quit = _action(win, "&Quit", win.close, K.Quit)
    a.copy_figure = _action(win, "&Copy Figure", lambda: files.copy_figure(win), K.Copy)
    a.edit_model = _action(win, "&Labels and Preprocessing…", lambda: files.edit_model(win))
    a.rerun = _action(win, "&Run Again", win.start_run, "F5")
    a.cancel = _action(win, "&Cancel", win.cancel, "Esc")
    a.reset = _action(win, "&Paper Defaults", win.reset_analysis_settings)
    a.cpu_only = _action(win, "Run on the CPU &Only", lambda: None, None,
                         "Ignore a GPU even when onnxruntime has one (reloads the model)")
    a.cpu_only.setCheckable(True)
    a.cpu_only.setChecked(win.cpu_only())
    a.cpu_only.toggled.connect(win.set_cpu_only)
    a.zoom_in = _action(win, "Zoom &In", lambda: win.view.zoom_by(1.25),
                        [QKeySequence(K.ZoomIn), QKeySequence("Ctrl+=")])
    a.zoom_out = _action(win, "Zoom &Out", lambda: win.view.zoom_by(0.8), K.ZoomOut)
    a.fit = _action(win, "&Fit to Window", win.view.fit, "Ctrl+0")
    a.square_bigger = _action(win, "&Larger Square", lambda: _square(win, 1.25), "]")
    a.square_smaller = _action(win, "&Smaller Square", lambda: _square(win, 0.8), "[")
    a.full_screen = _action(win, "&Full Screen", lambda: _toggle_full_screen(win), "F11")
    a.about = _action(win, "&About DiDA View", lambda: files.show_about(win))
    a.dark = theme.dark_action(win, win.store)

    bar = win.menuBar()
    m = bar.addMenu("&File")
    m.addAction(a.open_image)
    m.addAction(a.open_model)
    win.recent_menu = m.addMenu("Open &Recent")
    win.samples_menu = m.addMenu("Open &Sample")
    m.addSeparator()
    m.addAction(a.export_figure)
    m.addAction(a.export_panels)
    m.addAction(a.export_arrays)
    m.addSeparator()
    m.addAction(a.quit)
    m = bar.addMenu("&Edit")
    m.addAction(a.copy_figure)
    m = bar.addMenu("&Model")
    m.addAction(a.edit_model)
    m = bar.addMenu("&Analysis")
    m.addAction(a.rerun)
    m.addAction(a.cancel)
    m.addAction(a.reset)
    m.addSeparator()
    m.addAction(a.cpu_only)
    m = bar.addMenu("&View")
    m.addAction(a.zoom_in)
    m.addAction(a.zoom_out)
    m.addAction(a.fit)
    m.addSeparator()
    m.addAction(a.square_bigger)
    m.addAction(a.square_smaller)
    m.addSeparator()
    m.addAction(a.full_screen)
    m.addAction(a.dark)
    m.addAction(win.dock.toggleViewAction())
    m = bar.addMenu("&Help")
    m.addAction(a.about)
    fill_recent(win)
    _fill_samples(win)
    return a


def _square(win: MainWindow, factor: float) -> None:
    spin = win.controls.square
    spin.setValue(max(spin.minimum(), min(spin.maximum(), round(spin.value() * factor))))


def _toggle_full_screen(win: MainWindow) -> None:
    win.showNormal() if win.isFullScreen() else win.showFullScreen()


def fill_recent(win: MainWindow) -> None:
    """Rebuild File > Open Recent from the QSettings lists."""
    menu = win.recent_menu
    menu.clear()
    models = recent_files(win.store, "models")
    images = recent_files(win.store, "images")
    for p in images:
        menu.addAction(Path(p).name, lambda p=p: win.open_image(p)).setToolTip(p)
    if images and models:
        menu.addSeparator()
    for p in models:
        menu.addAction(f"Model: {Path(p).name}", lambda p=p: win.open_model(p)).setToolTip(p)
    menu.setEnabled(bool(images or models))


def _fill_samples(win: MainWindow) -> None:
    menu = win.samples_menu
    samples = paths.sample_images()
    for p in samples:
        menu.addAction(p.name, lambda p=p: win.open_image(p))
    menu.setEnabled(bool(samples))

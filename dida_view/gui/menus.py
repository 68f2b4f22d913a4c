"""The menu bar, its actions with the shortcuts a desktop user expects, and the dock.

The window hands :func:`build` the slot of every action by name; nothing here knows
the window's insides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QScrollArea,
    QWidget,
)

from dida_view.core.analysis import Settings
from dida_view.core.imageio import IMAGE_SUFFIXES, SCAN_SUFFIXES

K = QKeySequence.StandardKey
# menu -> (action name, text, shortcut(s), status tip); None: a separator, "recent"/"samples":
# the Open Recent / Open Sample sub-menus, "dock": the dock's show/hide action,
# (title, entries): a sub-menu
MENUS = {
    "&File": [
        ("open_image", "Open &Image…", K.Open, ""),
        ("open_model", "Open &Model…", "Ctrl+Shift+O", ""),
        ("open_cases", "Open &Cases…", "Ctrl+Shift+L",
         "A CSV/JSON case list, or any image of a folder to open the whole folder"),
        "recent", "samples", None,
        ("export_figure", "&Export Figure…", "Ctrl+E",
         "The paper's figure: original + the three panels"),
        ("export_panels", "Export &Panels…", None, ""),
        ("export_arrays", "Export &Arrays (.npz)…", None, ""),
        ("export_evidence", "Export E&vidence Map…", None,
         "The volume evidence map (all B-scans analysed) as a PNG and an .npz"),
        ("export_report", "Export &Report…", None,
         "A PDF report of this case (or an HTML handout)"),
        ("print_patient", "P&rint Patient Page…", K.Print,
         "The patient view of this case (original and one class's evidence) on one page"),
        None,
        ("quit", "&Quit", K.Quit, ""),
    ],
    "&Edit": [("copy_figure", "&Copy Figure", K.Copy, "")],
    "&Model": [("edit_model", "&Labels and Preprocessing…", None, "")],
    "&Analysis": [
        ("rerun", "&Run Again", "F5", ""),
        ("cancel", "&Cancel", "Esc", ""),
        ("reset", "&Paper Defaults", None, ""),
        ("analyse_all", "Analyse &All B-scans", None,
         "Analyse every B-scan of the volume (for the volume evidence map); Esc cancels"),
        None,
        ("cpu_only", "Run on the CPU &Only", None,
         "Ignore a GPU even when onnxruntime has one (reloads the model)"),
        ("&Engine", [
            ("engine_auto", "&Auto", None, "Incremental inference where a short measurement "
             "finds it faster, else full inference (the maps are the same); the next run"),
            ("engine_full", "&Full Inference", None,
             "Run the model on every masked image (the next run)"),
            ("engine_incremental", "&Incremental", None, "Recompute only what a masked cell "
             "changes (the same maps to float precision; the next run)"),
        ]),
    ],
    "&View": [
        ("zoom_in", "Zoom &In", (K.ZoomIn, "Ctrl+="), ""),
        ("zoom_out", "Zoom &Out", K.ZoomOut, ""),
        ("fit", "&Fit to Window", "Ctrl+0", ""),
        None,
        ("square_bigger", "&Larger Square", "]", ""),
        ("square_smaller", "&Smaller Square", "[", ""),
        None,
        ("next_bscan", "Next &B-scan", "PgDown", ""),
        ("prev_bscan", "Previous B-sc&an", "PgUp", ""),
        ("show_identifiers", "Show Patient &Identifiers", None,
         "Show the name, ID and birth date a DICOM or vendor file holds (never exported; "
         "off again for the next scan)"),
        None,
        ("full_screen", "&Full Screen", "F11", ""),
        ("teaching", "&Teaching Mode", "Ctrl+T", "Full screen for a projector, as a quiz: "
         "R shows the answer, Right/Left step through the cases, P draws"),
        ("teach_next", "&Next Case (Teaching)", ("Right", "Space"), ""),
        ("teach_previous", "Pre&vious Case (Teaching)", ("Left", "Backspace"), ""),
        ("reveal", "Show the &Answer", ("R", "Return", "Enter"), ""),
        ("pen", "&Pen", "P", "Draw on the panels (the marks go into the exported figure)"),
        ("clear_marks", "&Clear Pen Marks", ("C", "Delete"), ""),
        ("patient_view", "Pa&tient View", "Ctrl+Shift+P",
         "One case explained in plain words, to show or print for a patient"),
        ("dark", "&Dark Theme", None, "Dark window for reading rooms (kept for the next "
         "session)"),
        "dock",
    ],
    "&Cases": [
        ("next_case", "&Next Case", "Ctrl+]", "The next case the filter shows"),
        ("prev_case", "&Previous Case", "Ctrl+[", ""),
        None,
        ("cancel_queue", "&Cancel Queue", None, "Stop analysing the next cases ahead"),
        ("show_cases", "Show the Case &Browser", None, ""),
    ],
    "&Help": [("about", "&About DiDA View", None, "")],
}
# their slots get the new state
CHECKABLE = ("cpu_only", "dark", "teaching", "pen", "show_identifiers", "engine_auto",
             "engine_full", "engine_incremental")
# action name -> the value it picks, one of a group (only one checked)
ENGINE_ACTIONS = {"engine_auto": "auto", "engine_full": "full",
                  "engine_incremental": "incremental"}
IMAGE_FILTER = "Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ");;All files (*)"
# File > Open Image: every scan the core reads (images, DICOM, multi-page TIFF, vendor files)
SCAN_FILTER = ("Scans (" + " ".join(f"*{s}" for s in SCAN_SUFFIXES)
               + ");;Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ");;All files (*)")
OPEN = {"image": ("Open image or scan", SCAN_FILTER),
        "model": ("Open ONNX model", "ONNX models (*.onnx);;All files (*)"),
        "cases": ("Open cases: a case list, or any image of a folder",
                  "Case lists and images (*.csv *.json " + IMAGE_FILTER[8:])}


def make_dock(win: QMainWindow, controls: QWidget) -> QDockWidget:
    """The controls, in a scrollable dock (at the bottom; the user may move it)."""
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


def _action(win: QMainWindow, text: str, slot: Callable, shortcut, tip: str,
            checkable: bool) -> QAction:
    a = QAction(text, win)
    if isinstance(shortcut, tuple):  # key sequences are made here, once Qt runs
        a.setShortcuts([QKeySequence(k) for k in shortcut])
    elif shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
    if checkable:
        a.setCheckable(True)
        a.toggled.connect(slot)
    else:
        a.triggered.connect(lambda _checked=False: slot())
    win.addAction(a)  # shortcuts work even when the menu bar is hidden (full screen)
    return a


def build(win: QMainWindow, slots: dict[str, Callable], dock: QDockWidget) -> SimpleNamespace:
    """Create the menu bar. ``slots`` maps every action name of :data:`MENUS` to what it
    does. Returns the actions by name, and the ``recent`` and ``samples`` sub-menus."""
    a = SimpleNamespace()
    bar = win.menuBar()
    for title, entries in MENUS.items():
        _fill(win, bar.addMenu(title), entries, slots, dock, a)
    group = QActionGroup(win)  # exclusive: checking one unchecks the others
    for name in ENGINE_ACTIONS:
        group.addAction(getattr(a, name))
    return a


def _fill(win: QMainWindow, menu: QMenu, entries: list, slots: dict[str, Callable],
          dock: QDockWidget, a: SimpleNamespace) -> None:
    for entry in entries:
        if entry is None:
            menu.addSeparator()
        elif entry == "recent":
            a.recent = menu.addMenu("Open &Recent")
        elif entry == "samples":
            a.samples = menu.addMenu("Open &Sample")
        elif entry == "dock":
            menu.addAction(dock.toggleViewAction())
        elif len(entry) == 2:
            _fill(win, menu.addMenu(entry[0]), entry[1], slots, dock, a)
        else:
            name, text, shortcut, tip = entry
            action = _action(win, text, slots[name], shortcut, tip, name in CHECKABLE)
            setattr(a, name, action)
            menu.addAction(action)


def engine_slots(settings: Callable[[], Settings], apply: Callable[[Settings], object]
                 ) -> dict[str, Callable[[bool], object]]:
    """The slots of Analysis > Engine: a checked action applies ``settings()`` with its
    engine (``apply`` re-runs nothing for the engine alone: it is for the next run)."""
    return {name: (lambda on, e=e: apply(replace(settings(), engine=e)) if on else None)
            for name, e in ENGINE_ACTIONS.items()}


def show_engine(a: SimpleNamespace, engine: str) -> None:
    """Check the Analysis > Engine action of ``engine`` (without re-running anything)."""
    for name, e in ENGINE_ACTIONS.items():
        action = getattr(a, name)
        action.blockSignals(True)
        action.setChecked(e == engine)
        action.blockSignals(False)


def fill_files(menu: QMenu, images: list[str], models: list[str],
               open_image: Callable[[str], object], open_model: Callable[[str], object]) -> None:
    """Rebuild File > Open Recent (or Open Sample, with no models) from lists of paths."""
    menu.clear()
    for p in images:
        menu.addAction(Path(p).name, lambda p=p: open_image(p)).setToolTip(str(p))
    if images and models:
        menu.addSeparator()
    for p in models:
        menu.addAction(f"Model: {Path(p).name}", lambda p=p: open_model(p)).setToolTip(p)
    menu.setEnabled(bool(images or models))


def ask_open(parent: QWidget, store: QSettings, kind: str) -> str:
    """File > Open Image (``kind="image"``) or Open Model (``"model"``): a file dialog in
    the folder last used for that kind; the chosen path, or "" when cancelled."""
    title, filters = OPEN[kind]
    folder = store.value(f"dirs/{kind}", "")
    path, _ = QFileDialog.getOpenFileName(parent, title,
                                          folder if isinstance(folder, str) else "", filters)
    return path

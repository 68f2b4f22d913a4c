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

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import translate
from dida_view.gui.viewer.compact import CompactControls
from dida_view.io.images import IMAGE_SUFFIXES, SCAN_SUFFIXES
from dida_view.method.analysis import Settings

K = QKeySequence.StandardKey
# menu -> (action name, text, shortcut(s), status tip); None: a separator, "recent"/"samples":
# the Open Recent / Open Sample sub-menus, "dock": the dock's show/hide action,
# (title, entries): a sub-menu
MENUS = {
    QT_TRANSLATE_NOOP("Menus", "&File"): [
        ("open_image", QT_TRANSLATE_NOOP("Menus", "Open &Image…"), K.Open, ""),
        ("open_model", QT_TRANSLATE_NOOP("Menus", "Open &Model…"), "Ctrl+Shift+O", ""),
        ("open_cases", QT_TRANSLATE_NOOP("Menus", "Open &Cases…"), "Ctrl+Shift+L",
         QT_TRANSLATE_NOOP("Menus", "A CSV/JSON case list, or any image of a folder to open the whole folder")),
        "recent", "samples", None,
        ("export_figure", QT_TRANSLATE_NOOP("Menus", "&Export Figure…"), "Ctrl+E",
         QT_TRANSLATE_NOOP("Menus", "The paper's figure: original + the three panels")),
        ("export_panels", QT_TRANSLATE_NOOP("Menus", "Export &Panels…"), None, ""),
        ("export_arrays", QT_TRANSLATE_NOOP("Menus", "Export &Arrays (.npz)…"), None, ""),
        ("export_evidence", QT_TRANSLATE_NOOP("Menus", "Export E&vidence Map…"), None,
         QT_TRANSLATE_NOOP("Menus", "The volume evidence map (all B-scans analysed) as a PNG and an .npz")),
        ("export_report", QT_TRANSLATE_NOOP("Menus", "Export &Report…"), None,
         QT_TRANSLATE_NOOP("Menus", "A PDF report of this case (or an HTML handout)")),
        ("print_patient", QT_TRANSLATE_NOOP("Menus", "P&rint Patient Page…"), K.Print,
         QT_TRANSLATE_NOOP("Menus", "The patient view of this case (original and one class's evidence) on one page")),
        None,
        ("quit", QT_TRANSLATE_NOOP("Menus", "&Quit"), K.Quit, ""),
    ],
    QT_TRANSLATE_NOOP("Menus", "&Edit"): [("copy_figure", QT_TRANSLATE_NOOP("Menus", "&Copy Figure"), K.Copy, "")],
    QT_TRANSLATE_NOOP("Menus", "&Model"): [("edit_model", QT_TRANSLATE_NOOP("Menus", "&Labels and Preprocessing…"), None, "")],
    QT_TRANSLATE_NOOP("Menus", "&Analysis"): [
        ("rerun", QT_TRANSLATE_NOOP("Menus", "&Run Again"), "F5", ""),
        ("cancel", QT_TRANSLATE_NOOP("Menus", "&Cancel"), "Esc", ""),
        ("reset", QT_TRANSLATE_NOOP("Menus", "&Paper Defaults"), None, ""),
        ("analyse_all", QT_TRANSLATE_NOOP("Menus", "Analyse &All B-scans"), None,
         QT_TRANSLATE_NOOP("Menus", "Analyse every B-scan of the volume (for the volume evidence map); Esc cancels")),
        None,
        ("cpu_only", QT_TRANSLATE_NOOP("Menus", "Run on the CPU &Only"), None,
         QT_TRANSLATE_NOOP("Menus", "Ignore a GPU even when onnxruntime has one (reloads the model)")),
        (QT_TRANSLATE_NOOP("Menus", "&Engine"), [
            ("engine_auto", QT_TRANSLATE_NOOP("Menus", "&Auto"), None,
             QT_TRANSLATE_NOOP("Menus", "Incremental inference where a short measurement finds "
                               "it faster, else full inference (the maps are the same); the "
                               "next run")),
            ("engine_full", QT_TRANSLATE_NOOP("Menus", "&Full Inference"), None,
             QT_TRANSLATE_NOOP("Menus", "Run the model on every masked image (the next run)")),
            ("engine_incremental", QT_TRANSLATE_NOOP("Menus", "&Incremental"), None,
             QT_TRANSLATE_NOOP("Menus", "Recompute only what a masked cell changes (the same "
                               "maps to float precision; the next run)")),
        ]),
    ],
    QT_TRANSLATE_NOOP("Menus", "&View"): [
        ("zoom_in", QT_TRANSLATE_NOOP("Menus", "Zoom &In"), (K.ZoomIn, "Ctrl+="), ""),
        ("zoom_out", QT_TRANSLATE_NOOP("Menus", "Zoom &Out"), K.ZoomOut, ""),
        ("fit", QT_TRANSLATE_NOOP("Menus", "&Fit to Window"), "Ctrl+0", ""),
        None,
        ("square_bigger", QT_TRANSLATE_NOOP("Menus", "&Larger Square"), "]", ""),
        ("square_smaller", QT_TRANSLATE_NOOP("Menus", "&Smaller Square"), "[", ""),
        None,
        ("next_bscan", QT_TRANSLATE_NOOP("Menus", "Next &B-scan"), "PgDown", ""),
        ("prev_bscan", QT_TRANSLATE_NOOP("Menus", "Previous B-sc&an"), "PgUp", ""),
        ("show_identifiers", QT_TRANSLATE_NOOP("Menus", "Show Patient &Identifiers"), None,
         QT_TRANSLATE_NOOP("Menus", "Show the name, ID and birth date a DICOM or vendor file holds (never exported; "
         "off again for the next scan)")),
        None,
        ("full_screen", QT_TRANSLATE_NOOP("Menus", "&Full Screen"), "F11", ""),
        ("teaching", QT_TRANSLATE_NOOP("Menus", "&Teaching Mode"), "Ctrl+T", QT_TRANSLATE_NOOP("Menus", "Full screen for a projector, as a quiz: "
         "R shows the answer, Right/Left step through the cases, P draws")),
        ("teach_next", QT_TRANSLATE_NOOP("Menus", "&Next Case (Teaching)"), ("Right", "Space"), ""),
        ("teach_previous", QT_TRANSLATE_NOOP("Menus", "Pre&vious Case (Teaching)"), ("Left", "Backspace"), ""),
        ("reveal", QT_TRANSLATE_NOOP("Menus", "Show the &Answer"), ("R", "Return", "Enter"), ""),
        ("pen", QT_TRANSLATE_NOOP("Menus", "&Pen"), "P", QT_TRANSLATE_NOOP("Menus", "Draw on the panels (the marks go into the exported figure)")),
        ("clear_marks", QT_TRANSLATE_NOOP("Menus", "&Clear Pen Marks"), ("C", "Delete"), ""),
        ("patient_view", QT_TRANSLATE_NOOP("Menus", "Pa&tient View"), "Ctrl+Shift+P",
         QT_TRANSLATE_NOOP("Menus", "One case explained in plain words, to show or print for a patient")),
        ("dark", QT_TRANSLATE_NOOP("Menus", "&Dark Theme"), None, QT_TRANSLATE_NOOP("Menus", "Dark window for reading rooms (kept for the next "
         "session)")),
        "dock", "language",
    ],
    QT_TRANSLATE_NOOP("Menus", "&Cases"): [
        ("next_case", QT_TRANSLATE_NOOP("Menus", "&Next Case"), "Ctrl+]", QT_TRANSLATE_NOOP("Menus", "The next case the filter shows")),
        ("prev_case", QT_TRANSLATE_NOOP("Menus", "&Previous Case"), "Ctrl+[", ""),
        None,
        ("cancel_queue", QT_TRANSLATE_NOOP("Menus", "&Cancel Queue"), None, QT_TRANSLATE_NOOP("Menus", "Stop analysing the next cases ahead")),
        ("show_cases", QT_TRANSLATE_NOOP("Menus", "Show the Case &Browser"), None, ""),
    ],
    QT_TRANSLATE_NOOP("Menus", "&Help"): [("about", QT_TRANSLATE_NOOP("Menus", "&About DiDA View"), None, "")],
}
# their slots get the new state
CHECKABLE = ("cpu_only", "dark", "teaching", "pen", "show_identifiers", "engine_auto",
             "engine_full", "engine_incremental")
# action name -> the value it picks, one of a group (only one checked)
ENGINE_ACTIONS = {"engine_auto": "auto", "engine_full": "full",
                  "engine_incremental": "incremental"}
LANGUAGE_NAMES = (("", QT_TRANSLATE_NOOP("Menus", "System Default")), ("en", "English"),
                  ("ja", "日本語"))
IMAGES = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
SCANS = " ".join(f"*{s}" for s in SCAN_SUFFIXES)
# kind -> (dialog title, file filter: {0} the image patterns, {1} every scan's), translated
# when shown. File > Open Image takes every scan the core reads (images, DICOM, multi-page
# TIFF, vendor files)
OPEN = {"image": (QT_TRANSLATE_NOOP("Menus", "Open image or scan"),
                  QT_TRANSLATE_NOOP("Menus", "Scans ({1});;Images ({0});;All files (*)")),
        "model": (QT_TRANSLATE_NOOP("Menus", "Open ONNX model"),
                  QT_TRANSLATE_NOOP("Menus", "ONNX models (*.onnx);;All files (*)")),
        "cases": (QT_TRANSLATE_NOOP("Menus", "Open cases: a case list, or any image of a folder"),
                  QT_TRANSLATE_NOOP("Menus", "Case lists and images (*.csv *.json {0});;"
                                    "All files (*)"))}


def make_dock(win: QMainWindow, controls: QWidget) -> QDockWidget:
    """The controls, in a scrollable dock (at the bottom; the user may move it)."""
    dock = QDockWidget(translate("Menus", "Controls"), win)
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
    dock.compact = CompactControls(win, dock, controls)  # small windows: folded into tabs
    return dock


def _action(win: QMainWindow, text: str, slot: Callable, shortcut, tip: str,
            checkable: bool) -> QAction:
    a = QAction(translate("Menus", text), win)
    if isinstance(shortcut, tuple):  # key sequences are made here, once Qt runs
        a.setShortcuts([QKeySequence(k) for k in shortcut])
    elif shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if tip:
        a.setStatusTip(translate("Menus", tip))
    if checkable:
        a.setCheckable(True)
        a.toggled.connect(slot)
    else:
        a.triggered.connect(lambda _checked=False: slot())
    win.addAction(a)  # shortcuts work even when the menu bar is hidden (full screen)
    return a


def build(win: QMainWindow, slots: dict[str, Callable], dock: QDockWidget) -> SimpleNamespace:
    """Create the menu bar. ``slots`` maps every action name of :data:`MENUS` to what it
    does. Returns the actions by name, the ``recent`` and ``samples`` sub-menus, and
    ``menus``: each menu by its key in :data:`MENUS`."""
    a = SimpleNamespace(menus={})
    bar = win.menuBar()
    for title, entries in MENUS.items():
        menu = bar.addMenu(translate("Menus", title))
        a.menus[title] = menu  # by the title's key in MENUS (others add to them)
        _fill(win, menu, entries, slots, dock, a)
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
            a.recent = menu.addMenu(translate("Menus", "Open &Recent"))
        elif entry == "samples":
            a.samples = menu.addMenu(translate("Menus", "Open &Sample"))
        elif entry == "dock":
            menu.addAction(dock.toggleViewAction())
        elif entry == "language":
            a.language = language_menu(menu, slots["language"])
        elif len(entry) == 2:
            _fill(win, menu.addMenu(translate("Menus", entry[0])), entry[1], slots, dock, a)
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


def language_menu(parent: QMenu, choose: Callable[[str], object]) -> QMenu:
    """View > Language: the system's, English or 日本語 (each name in its own language);
    ``choose`` gets ``""``, ``"en"`` or ``"ja"``. The actions' data hold those codes."""
    menu = parent.addMenu(translate("Menus", "&Language"))
    group = QActionGroup(menu)
    for code, text in LANGUAGE_NAMES:
        action = menu.addAction(translate("Menus", text) if not code else text)
        action.setData(code)
        action.setCheckable(True)
        group.addAction(action)
        action.triggered.connect(lambda _checked=False, code=code: choose(code))
    return menu


def fill_files(menu: QMenu, images: list[str], models: list[str],
               open_image: Callable[[str], object], open_model: Callable[[str], object],
               name: Callable[[str], str] | None = None) -> None:
    """Rebuild File > Open Recent (or Open Sample, with no models) from lists of paths;
    ``name(path)``: how an image is named there (default: its path; a DICOM file's
    anonymous case id, never its name)."""
    menu.clear()
    for p in images:
        shown = name(p) if name is not None else Path(p).name
        menu.addAction(shown, lambda p=p: open_image(p)).setToolTip(
            str(p) if name is None else shown)
    if images and models:
        menu.addSeparator()
    for p in models:
        menu.addAction(translate("Menus", "Model: {0}").format(Path(p).name), lambda p=p: open_model(p)).setToolTip(p)
    menu.setEnabled(bool(images or models))


def ask_open(parent: QWidget, store: QSettings, kind: str) -> str:
    """File > Open Image (``kind="image"``) or Open Model (``"model"``): a file dialog in
    the folder last used for that kind; the chosen path, or "" when cancelled."""
    title, filters = OPEN[kind]
    title, filters = translate("Menus", title), translate("Menus", filters).format(
        IMAGES, SCANS)
    folder = store.value(f"dirs/{kind}", "")
    path, _ = QFileDialog.getOpenFileName(parent, title,
                                          folder if isinstance(folder, str) else "", filters)
    return path

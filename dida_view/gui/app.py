"""``dida-view [IMAGE] [--model M.onnx] [--screenshot PATH] [--size WxH] [--square X,Y]
[--view V] [--theme light|dark] [--mode teaching|patient] [--reveal] [--lang en|ja]``:
the viewer."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    QPointF,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from dida_view import __version__, paths
from dida_view.catalogue import LANGUAGES
from dida_view.cli.common import Parser
from dida_view.gui.i18n import setup_language, translate
from dida_view.gui.patient import show_patient_view
from dida_view.gui.qsettings import make_settings
from dida_view.gui.theme import apply_theme
from dida_view.gui.viewer.window import MainWindow
from dida_view.session import models
from dida_view.session.cases import is_case_list
from dida_view.viewmodel.viewer import ALL_GRIDS, MIXED

DEFAULT_SIZE = (1600, 700)
SCREENSHOT_TIMEOUT_S = 1800


def parser() -> argparse.ArgumentParser:
    """The viewer's argument parser (``dida-view [IMAGE] [--model M] ...``)."""
    p = Parser(
        prog="dida-view",
        description="DiDA View: see why an image classifier decided what it did. With no "
        "arguments, opens a real OCT scan with the bundled real-data model.",
        epilog="Other commands: dida-view analyze ... (batch, no window), dida-view synth ...",
    )
    p.add_argument("image", nargs="?", metavar="IMAGE",
                   help="image to open, or a folder or CSV/JSON case list to browse")
    p.add_argument("--model", metavar="M.onnx",
                   help="ONNX image classifier (default: the bundled model the image's "
                   "sidecar names, else the real-data OCT model)")
    p.add_argument("--screenshot", metavar="PATH",
                   help="open the window, wait for the analysis, save a PNG of the window, exit")
    p.add_argument("--size", default=None, metavar="WxH",
                   help=f"window size (default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})")
    p.add_argument("--square", default=None, metavar="X,Y",
                   help="put the synchronized square at image pixel X,Y (pictures can show "
                   "it and the probe's readout)")
    p.add_argument("--view", default=None, metavar="VIEW",
                   help="what the panels show once analysed: mixed (default), all-grids "
                   "(the paper's Fig. 3) or a grid size")
    p.add_argument("--theme", choices=("light", "dark"), default=None,
                   help="light or dark window for this run (View > Dark Theme keeps one)")
    p.add_argument("--mode", choices=("viewer", "teaching", "patient"), default="viewer",
                   help="teaching: the projector quiz (View > Teaching Mode); patient: the "
                   "patient view's window (the screenshot is of that window)")
    p.add_argument("--reveal", action="store_true",
                   help="teaching mode: show the model's answer (hidden by default)")
    p.add_argument("--lang", choices=LANGUAGES, default=None,
                   help="language of the window: en or ja (default: View > Language, else "
                   "the system's)")
    p.add_argument("-V", "--version", action="version", version=f"dida-view {__version__}")
    return p


def parse_size(text: str) -> tuple[int, int]:
    """``"1600x700"`` -> (1600, 700); ValueError with a readable message otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m or int(m.group(1)) < 200 or int(m.group(2)) < 150:
        raise ValueError(f"bad --size {text!r}: expected WIDTHxHEIGHT, at least 200x150")
    return int(m.group(1)), int(m.group(2))


def parse_point(text: str) -> tuple[float, float]:
    """``"120,88"`` -> (120.0, 88.0); ValueError with a readable message otherwise."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*,\s*(\d+(?:\.\d*)?)\s*", text)
    if not m:
        raise ValueError(f"bad --square {text!r}: expected X,Y in image pixels, like 120,88")
    return float(m.group(1)), float(m.group(2))


def configure_app(app: QApplication) -> None:
    """Application-wide look: the Fusion style (same on every platform) and names."""
    app.setApplicationName("DiDA View")
    app.setOrganizationName("DiDA View")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    icon = paths.icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))


def _no_display() -> bool:
    """True on Linux/BSD with no X11 or Wayland display and no Qt platform chosen."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _error(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the viewer; returns the exit status.

    Parameters
    ----------
    argv
        Arguments without the program name (default: ``sys.argv[1:]``).
    """
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        size = parse_size(args.size) if args.size else DEFAULT_SIZE
        args.square = parse_point(args.square) if args.square else None
    except ValueError as exc:
        _error(str(exc))
        return 2
    if args.screenshot and not Path(args.screenshot).resolve().parent.is_dir():
        _error(f"{args.screenshot}: the folder does not exist")
        return 2
    if QApplication.instance() is None and _no_display():
        if not args.screenshot:
            _error("no display (DISPLAY / WAYLAND_DISPLAY not set); use --screenshot PATH, "
                   "or QT_QPA_PLATFORM=offscreen")
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "dida-view"])
    configure_app(app)
    setup_language(args.lang, make_settings())
    previous = qInstallMessageHandler(_quiet_offscreen) if args.screenshot else None
    try:
        return _run(app, args, size)
    finally:
        if args.screenshot:
            qInstallMessageHandler(previous)


def _run(app: QApplication, args: argparse.Namespace, size: tuple[int, int]) -> int:
    win = MainWindow()
    app.aboutToQuit.connect(win.host.shutdown)
    errors: list[str] = []
    if args.screenshot:
        win.error_handler = lambda _title, message: errors.append(message)
    if args.theme is not None:
        _use_theme(win, args.theme == "dark")
    win.resize(*size)
    win.show()
    image = args.image if args.image is not None else models.default_sample()
    if args.model is not None:  # the user's choice reads every case
        win.open_model(args.model)
    elif image is None:  # no case to choose one: the default model, ready for one
        default = paths.default_model_path()
        if default is not None:
            win.open_model(default, chosen=False)
    # otherwise each case is read by its own model: its sidecar's, else the real-data one
    if paths.default_model_path() is None and args.model is None:
        win.status.message(translate("App", "No bundled model installed: open a model "
                                     "(Ctrl+Shift+O)"))
    if image is not None and is_case_list(image):
        win.cases.open(image)  # a folder or a CSV/JSON case list
    elif image is not None:
        win.open_image(image)
    if args.square is not None:
        _place_square(win, args.square)
    if not args.screenshot:
        return int(app.exec())
    return _screenshot(app, win, Path(args.screenshot), errors, args.view,
                       (args.mode, args.reveal))


def _use_theme(win: MainWindow, dark: bool) -> None:
    """The theme for this run only: the saved choice is left as it is."""
    action = win.actions_.dark
    action.blockSignals(True)
    action.setChecked(dark)
    action.blockSignals(False)
    apply_theme(dark)


def _choose_view(win: MainWindow, view: str, errors: list[str]) -> None:
    """Show ``view`` (``mixed``, ``all-grids`` or a grid size) in the panels."""
    m = win.model
    grids = m.result.grid_sizes if m.result is not None else m.settings.grid_sizes
    choices: list[str | int] = [MIXED, *grids, ALL_GRIDS]
    data = int(view) if view.isdigit() else view
    if data not in choices:
        listed = ", ".join(str(c) for c in choices)
        errors.append(f"bad --view {view!r}: expected one of {listed}")
        return
    m.view = data


def _place_square(win: MainWindow, point: tuple[float, float]) -> None:
    """Put the square at image pixel ``point`` (clamped to the image)."""
    image = win.model.image
    if image is None:
        return
    h, w = image.shape[:2]
    x, y = min(point[0], w - 1), min(point[1], h - 1)
    win.cursor.set_now(QPointF(x + 0.5, y + 0.5))


def _quiet_offscreen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages on stderr, less the offscreen platform's harmless size-hint notice."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _enter_mode(win: MainWindow, mode: str, reveal: bool, size: tuple[int, int]):
    """Teaching or patient mode for a screenshot; returns the widget to take."""
    if mode == "teaching":
        win.teaching.set_active(True, full_screen=False)  # the window keeps --size
        win.model.revealed = reveal
    elif mode == "patient":
        view = show_patient_view(win)
        view.resize(*size)
        return view
    return win


def _screenshot(app: QApplication, win: MainWindow, path: Path, errors: list[str],
                view: str | None = None, mode: tuple[str, bool] = ("viewer", False)) -> int:
    """Wait until nothing is running, (choose the view,) save the window as PNG, close it."""
    loop = QEventLoop()
    win.settled.connect(loop.quit)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_S * 1000, loop.quit)
    if win.busy():
        loop.exec()
    if not win.cases.queue.idle():  # a case list: the look-ahead runs and thumbnails too
        win.cases.queue.drained.connect(loop.quit)
        loop.exec()
    if view is not None:
        _choose_view(win, view, errors)
    shot = _enter_mode(win, mode[0], mode[1], (win.width(), win.height()))
    try:
        if win.busy():
            errors.append(f"the analysis did not finish in {SCREENSHOT_TIMEOUT_S} s")
        for _ in range(3):  # let the last repaint and layout happen
            app.processEvents()
        if not errors:
            if not shot.grab().save(str(path), "PNG"):
                errors.append(f"{path}: cannot write the screenshot")
    finally:
        win.close()
        app.processEvents()
    for e in errors:
        _error(e)
    if errors:
        return 1
    print(f"saved {path}", file=sys.stderr)
    return 0

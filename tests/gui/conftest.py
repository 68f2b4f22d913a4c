"""GUI test fixtures: offscreen Qt, QSettings in a temp folder per test, Qt warnings fail
a test, and no worker thread may be left running at the end of a test."""

from __future__ import annotations

from pathlib import Path

import pytest
from guitools import LABELS, REGIONS, write_scan
from onnx_models import make_region_model
from PySide6.QtCore import QSettings, QtMsgType

IGNORED_QT_MESSAGES = ("propagateSizeHints",)


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path):
    """Every test gets its own empty QSettings (INI files under tmp_path)."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "qsettings"))
    yield


@pytest.fixture(autouse=True)
def qt_app_style(qapp):
    from dida_view.gui.app import configure_app

    configure_app(qapp)
    yield


@pytest.fixture(autouse=True)
def no_thread_left(qapp):
    yield
    from dida_view.gui.worker import live_threads

    running = [t for t in live_threads() if t.isRunning()]
    assert not running, f"{len(running)} worker thread(s) left running"


@pytest.fixture(autouse=True)
def qt_warnings_fail(qtlog):
    yield
    bad = [r.message for r in qtlog.records
           if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
           and not any(s in r.message for s in IGNORED_QT_MESSAGES)]
    assert not bad, f"Qt warnings: {bad}"


@pytest.fixture
def model_path(tmp_path) -> Path:
    return make_region_model(tmp_path / "region.onnx", REGIONS, size=(32, 32),
                             metadata={"labels": LABELS, "description": "test model"})


@pytest.fixture
def scan_path(tmp_path) -> Path:
    return write_scan(tmp_path / "scan.png", diagnosis="AMD")


@pytest.fixture
def make_window(qtbot):
    """Build a MainWindow whose errors are recorded in ``win.errors`` instead of dialogs."""
    from dida_view.gui.viewer.window import MainWindow
    from dida_view.method.analysis import Settings

    made = []

    def make(size=(1000, 520), grids=(2, 3), batch_size=4):
        win = MainWindow()
        win.errors = []
        win.error_handler = lambda title, msg: win.errors.append(msg)
        win.questions = []  # a question (unsaved readings on close) is answered "discard"
        win.ask_handler = lambda title, text: win.questions.append(text) or "discard"
        win.set_analysis_settings(Settings(grid_sizes=grids, batch_size=batch_size))
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()



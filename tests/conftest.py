import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path, monkeypatch):
    """Each test gets an empty result cache folder (never the user's)."""
    monkeypatch.setenv("DIDA_VIEW_CACHE_DIR", str(tmp_path / "result-cache"))


@pytest.fixture(autouse=True)
def _no_model_decisions(monkeypatch):
    """Each test starts with no per-model decisions of the incremental engine: the same
    generated network in two tests has one fingerprint, so one test's split check or
    measured choice would otherwise carry over to the next."""
    from collections import OrderedDict

    from dida_view.method import incremental

    monkeypatch.setattr(incremental, "_DECISIONS", OrderedDict())


@pytest.fixture(autouse=True, scope="session")
def _one_qt_application():
    """The run's QApplication, made before any test. The report's and the audit's painters
    (``report.pdf.ensure_app``) make a bare QGuiApplication when there is none, as the
    command line needs; in this one test process the viewer's tests would then find an
    application that cannot hold widgets."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["dida-view-tests"])
    yield app

"""The viewer on a real X server (issue 9, A11): Qt's xcb platform under Xvfb.

Every other GUI test runs on Qt's offscreen platform, which needs none of the xcb
libraries a Linux desktop needs; with one of them missing the viewer aborts at start
("xcb-cursor0 or libxcb-cursor0 is needed", even when that one is installed). Skipped
where ``xvfb-run`` is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("xvfb-run") is None,
    reason="needs xvfb-run (apt-get install xvfb)")

# In the child: the real platform must be xcb (not a silent fall-back to offscreen), then
# the viewer's own --screenshot path runs in that application.
CHILD = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(["dida-view"])
assert app.platformName() == "xcb", app.platformName()
from dida_view.gui import app as gui_app
sys.exit(gui_app.main(sys.argv[1:]))
"""


def test_viewer_starts_on_xcb_under_xvfb_and_takes_a_screenshot(tmp_path):
    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)],
                              metadata={"labels": ["upper", "lower"]})
    rng = np.random.default_rng(0)
    scan = tmp_path / "scan.png"
    Image.fromarray(rng.integers(20, 230, (96, 128), dtype=np.uint8)).save(scan)
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("DISPLAY", None)
    r = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, "-c", CHILD,
         str(scan), "--model", str(model), "--screenshot", str(shot), "--size", "900x480"],
        capture_output=True, text=True, timeout=180, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    with Image.open(shot) as im:
        assert im.size == (900, 480)
        lo, hi = im.convert("L").getextrema()
    assert hi - lo >= 50, "the screenshot looks empty"

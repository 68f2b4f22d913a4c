"""Snapshot of the main window at a fixed size, compared with a stored PNG.

Refresh the stored picture after an intended change of the look with
``DIDA_UPDATE_SNAPSHOTS=1 pytest tests/gui/test_snapshot.py`` and look at it before
committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from guitools import wait_done
from PIL import Image
from PySide6.QtCore import QPointF

from dida_view.gui.viewer.panel import qimage_to_array

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZE = (1000, 560)
MEAN_TOLERANCE = 2.0  # mean |difference| per channel, 0..255
PIXEL_TOLERANCE = 0.01  # share of pixels allowed to differ by more than 48


def compare(actual: np.ndarray, name: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("DIDA_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        Image.fromarray(actual).save(path)
        pytest.skip(f"snapshot {name} written: look at it before committing it")
    assert path.is_file(), f"no snapshot {path}: run with DIDA_UPDATE_SNAPSHOTS=1"
    expected = np.asarray(Image.open(path).convert("RGB"))
    assert actual.shape == expected.shape, f"size {actual.shape} != stored {expected.shape}"
    diff = np.abs(actual.astype(np.int16) - expected.astype(np.int16))
    far = float((diff.max(axis=2) > 48).mean())
    if diff.mean() > MEAN_TOLERANCE or far > PIXEL_TOLERANCE:
        out = Path(os.environ.get("PYTEST_SNAPSHOT_OUT", "/tmp")) / f"actual_{name}"
        Image.fromarray(actual).save(out)
        pytest.fail(f"{name} differs: mean {diff.mean():.2f}, {far:.1%} of pixels far off; "
                    f"this run's picture: {out}")


def test_main_window_snapshot(make_window, qtbot, model_path, scan_path):
    from dida_view.method.analysis import Settings

    win = make_window(size=SIZE, grids=(2, 3))
    # the stored picture has the paper's n x n grids (the default geometry draws 1 x 2 and
    # 2 x 3 square cells on this wide scan; tests/method/test_grid_geometry.py covers those)
    win.set_analysis_settings(Settings(grid_sizes=(2, 3), batch_size=4,
                                       grid_geometry="content"))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    win.cursor.set_now(QPointF(40, 30))
    qtbot.wait(10)
    shot = qimage_to_array(win.grab().toImage())
    assert shot.shape[:2] == (SIZE[1], SIZE[0])
    compare(shot, "main_window.png")

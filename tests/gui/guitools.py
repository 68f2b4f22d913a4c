"""Helpers for the GUI tests: a synthetic scan, a slow classifier, waiting for runs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from PIL import Image

LABELS = ["Normal", "AMD", "DME", "ERM"]
# class k's logit = mean brightness of region k (rows y0:y1, cols x0:x1) of the 32x32 input
REGIONS = [(0, 32, 0, 32), (0, 16, 0, 16), (16, 32, 16, 32), (0, 16, 16, 32)]


def scan_array(height: int = 96, width: int = 128, seed: int = 0) -> np.ndarray:
    """A small synthetic grey 'B-scan': bright bands and a dark spot, fixed noise."""
    rng = np.random.default_rng(seed)
    y = np.arange(height)[:, None]
    x = np.arange(width)[None, :]
    surface = height * 0.4 + 6 * np.sin(x / width * 2 * np.pi)
    img = 30 + 170 * np.exp(-0.5 * ((y - surface) / 3.0) ** 2)
    img = img + 110 * np.exp(-0.5 * ((y - surface - 14) / 4.0) ** 2)
    img[((x - width * 0.3) ** 2 / 100 + (y - height * 0.6) ** 2 / 30) < 1] = 240
    img = img + rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def write_scan(path: Path, diagnosis: str | None = None, **kw) -> Path:
    Image.fromarray(scan_array(**kw)).save(path)
    if diagnosis:
        path.with_suffix(".json").write_text(json.dumps({"diagnosis": diagnosis}))
    return path


class SlowClassifier:
    """Wraps a classifier and sleeps in every model run, so a run can be caught mid-way."""

    def __init__(self, inner, delay: float = 0.03) -> None:
        self._inner = inner
        self.delay = delay

    def raw(self, pixels: np.ndarray) -> np.ndarray:
        time.sleep(self.delay)
        return self._inner.raw(pixels)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def wait_model(qtbot, win, timeout=10000):
    qtbot.waitUntil(lambda: win.model.classifier is not None and not win.model_job, timeout=timeout)


def wait_done(qtbot, win, timeout=15000):
    qtbot.waitUntil(lambda: not win.busy() and win.model.result is not None
                    and win.model.result.complete, timeout=timeout)

"""Finding the bundled resources and models: in a checkout, an installed wheel, a frozen app.

- checkout: ``<repo>/resources`` and ``<repo>/models`` beside the ``dida_view`` package;
- wheel: copied into the package as ``dida_view/_data/resources`` and ``.../models``;
- frozen (PyInstaller): ``<sys._MEIPASS>/resources`` and ``.../models``.
"""

from __future__ import annotations

import sys
from pathlib import Path

DEMO_MODEL_NAME = "dida_demo_oct.onnx"
_PACKAGE = Path(__file__).resolve().parent


def _roots() -> list[Path]:
    roots = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen))
    roots.append(_PACKAGE / "_data")
    roots.append(_PACKAGE.parent)
    return roots


def data_dir(name: str) -> Path | None:
    """The first existing ``resources`` or ``models`` folder, or None."""
    for root in _roots():
        p = root / name
        if p.is_dir():
            return p
    return None


def resources_dir() -> Path | None:
    return data_dir("resources")


def models_dir() -> Path | None:
    return data_dir("models")


def demo_model_path() -> Path | None:
    """The bundled demo model, if present."""
    d = models_dir()
    if d is None:
        return None
    p = d / DEMO_MODEL_NAME
    return p if p.is_file() else None


def samples_dir() -> Path | None:
    d = resources_dir()
    if d is None:
        return None
    p = d / "samples"
    return p if p.is_dir() else None


def sample_images() -> list[Path]:
    """The bundled sample scans, sorted by name."""
    d = samples_dir()
    if d is None:
        return []
    return sorted(p for p in d.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))

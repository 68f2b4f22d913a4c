"""Finding the bundled resources and models: in a checkout, an installed wheel, a frozen app.

Where the data lives in each case (the first that exists wins):

- frozen (PyInstaller one-folder app): ``<sys._MEIPASS>/resources`` and ``.../models``;
- installed wheel: ``dida_view/_data/resources`` and ``dida_view/_data/models`` inside
  the package (copied there by ``setup.py`` when the wheel is built);
- checkout (or an editable install): ``<repo>/resources`` and ``<repo>/models`` beside
  the ``dida_view`` package, recognised by the ``pyproject.toml`` next to them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

DEMO_MODEL_NAME = "dida_demo_oct.onnx"  # the synthetic model
REAL_MODEL_NAME = "oct_kermany.onnx"  # the real-data model: the default
MODEL_CARD_NAME = "README.md"
SIDECAR_MAX_BYTES = 1 << 20  # an image's sidecar <stem>.json is a few hundred bytes
ICON_NAME = "dida_view"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_PACKAGE = Path(__file__).resolve().parent


def _roots() -> list[tuple[str, Path]]:
    """Candidate data roots, most specific first, each with what kind of install it is."""
    roots = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(("frozen", Path(frozen)))
    roots.append(("wheel", _PACKAGE / "_data"))
    checkout = _PACKAGE.parent
    # site-packages/ may hold an unrelated top-level "models" or "resources": only a
    # folder that looks like this project's checkout counts
    if (checkout / "pyproject.toml").is_file():
        roots.append(("checkout", checkout))
    return roots


def data_dir(name: str) -> Path | None:
    """The first existing ``resources`` or ``models`` folder, or None."""
    for _kind, root in _roots():
        p = root / name
        if p.is_dir():
            return p
    return None


def data_source() -> str:
    """Where the data comes from: ``"frozen"``, ``"wheel"``, ``"checkout"`` or ``"none"``."""
    for kind, root in _roots():
        if (root / "models").is_dir() or (root / "resources").is_dir():
            return kind
    return "none"


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


class BundledModel(NamedTuple):  # not a dataclass: setup.py loads this file by its path
    """A model shipped with DiDA View: its file, its name and the domain it was trained
    on in words, and whether that domain is real scans."""

    file: str
    name: str
    domain: str
    real: bool

    def path(self) -> Path | None:
        """The model file, if installed."""
        d = models_dir()
        p = d / self.file if d is not None else None
        return p if p is not None and p.is_file() else None


# the default first: the real-data model opens a real scan when no arguments are given
BUNDLED_MODELS = (
    BundledModel(REAL_MODEL_NAME, "real OCT model",
                 "real Spectralis OCT B-scans from Kermany 2018", True),
    BundledModel(DEMO_MODEL_NAME, "synthetic demo model",
                 "synthetic OCT B-scans from DiDA View's generator", False),
)


def bundled_model(path_or_name: str | Path | None) -> BundledModel | None:
    """The bundled model a path or file name stands for (by file name), or None."""
    if path_or_name is None:
        return None
    name = Path(path_or_name).name
    return next((m for m in BUNDLED_MODELS if m.file == name), None)


def default_model_path() -> Path | None:
    """The model ``dida-view`` opens with no ``--model``: the real-data model, else the
    synthetic one, else None."""
    for m in BUNDLED_MODELS:
        p = m.path()
        if p is not None:
            return p
    return None


def model_card_path() -> Path | None:
    """The bundled models' cards (``models/README.md``), if present."""
    d = models_dir()
    if d is None:
        return None
    p = d / MODEL_CARD_NAME
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
    return sorted(p for p in d.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def icon_path(suffix: str = ".png") -> Path | None:
    """The application icon (``.png``, ``.ico`` or ``.icns``), if present."""
    d = resources_dir()
    if d is None:
        return None
    p = d / "icons" / f"{ICON_NAME}{suffix}"
    return p if p.is_file() else None


# What a wheel or a frozen app carries from a checkout. setup.py and build.spec both load
# this file by its path (it needs only the standard library) so they ship the same files.
SHIPPED_DIRS = ("models", "resources")
# not the training scripts; ".json": sidecars <stem>.dida.json, metrics and the domain
# check's reference statistics <stem>.domain.json (dida_view.model.domainref)
MODEL_SUFFIXES = (".onnx", ".data", ".json", ".txt", ".md")


def shipped_data_files(root: str | Path) -> list[tuple[Path, str]]:
    """(file, path relative to ``root``) for the data to ship from the checkout ``root``.

    ``models/``: the models, their sidecars, domain references and the model card
    (``.onnx``, ``.data``, ``.json``, ``.txt``, ``.md``); ``resources/``: everything but
    Python scripts. Hidden files and ``__pycache__`` are left out everywhere.
    """
    root = Path(root)
    out = []
    for top in SHIPPED_DIRS:
        base = root / top
        if not base.is_dir():
            continue
        for p in sorted(base.rglob("*")):
            rel = p.relative_to(root)
            if not p.is_file() or any(part.startswith(".") or part == "__pycache__"
                                      for part in rel.parts):
                continue
            suffix = p.suffix.lower()
            if top == "models" and suffix not in MODEL_SUFFIXES:
                continue
            if suffix in (".py", ".pyc"):
                continue
            out.append((p, rel.as_posix()))
    return out

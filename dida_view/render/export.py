"""Writing results: the raw arrays (.npz), per-class panels, the composite figure."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image

from dida_view.method.dida import DidaResult

_UNSAFE = re.compile(r"[^\w.-]+")  # \w is Unicode: letters of any script stay
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}  # Windows device names


def slug(text: str) -> str:
    """A file-name-safe form of a class label: ``Wet AMD`` -> ``Wet_AMD``.

    Letters and digits of every script are kept (``網膜浮腫`` stays ``網膜浮腫``); anything
    else (spaces, ``/``, ``:``, quotes, control characters) becomes ``_``; at most 80
    characters; never empty, hidden or a Windows device name. The label itself stays whole
    in the JSON and on the figures.
    """
    s = _UNSAFE.sub("_", unicodedata.normalize("NFC", text).strip()).strip("._")[:80]
    s = s.strip("._")
    if not s:
        return "class"
    return f"{s}_" if s.lower().split(".")[0] in _RESERVED else s


def class_slugs(labels: list[str]) -> list[str]:
    """:func:`slug` of each label, made distinct (``-2``, ``-3``, ... where two collide,
    ignoring case, as on case-insensitive file systems)."""
    seen: set[str] = set()
    out = []
    for label in labels:
        base = candidate = slug(label)
        k = 1
        while candidate.lower() in seen:
            k += 1
            candidate = f"{base}-{k}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


class OutputNames:
    """File stems handed out in one run: never the same twice, so nothing is overwritten.

    Two inputs with the same stem (``a.png`` and ``a.tif``, or ``x/a.png`` and
    ``y/a.png``) get ``a`` and ``a-2``; the comparison ignores case. Each JSON record lists
    its outputs, so every file can be traced to its input.
    """

    def __init__(self) -> None:
        self._used: set[tuple[str, str]] = set()

    def claim(self, folder: str | Path, stem: str) -> str:
        """A stem not yet handed out for ``folder`` in this run, ``stem`` if possible."""
        key = str(Path(folder).resolve())
        base = candidate = slug(stem) if stem != slug(stem) else stem
        k = 1
        while (key, candidate.lower()) in self._used:
            k += 1
            candidate = f"{base}-{k}"
        self._used.add((key, candidate.lower()))
        return candidate


def save_png(img: np.ndarray, path: str | Path) -> Path:
    p = Path(path)
    Image.fromarray(img).save(p)
    return p


def npz_arrays(result: DidaResult, model: str | None = None) -> dict[str, np.ndarray]:
    """The arrays of the ``.npz`` export (documented in README, "Outputs")."""
    arrays: dict[str, np.ndarray] = {
        "scores": np.asarray(result.scores, dtype=np.float64),
        "labels": np.asarray(result.labels, dtype=str),
        "grids": np.asarray(result.grid_sizes, dtype=np.int64),
        "weights": np.asarray(result.weights, dtype=np.float64),
        "score_space": np.asarray(result.score_space),
        "mask_fill": np.asarray(result.mask_fill),
        "content_box": np.asarray([result.box.y0, result.box.y1, result.box.x0, result.box.x1]),
        "grid_box": np.asarray([result.grid_box.y0, result.grid_box.y1, result.grid_box.x0,
                                result.grid_box.x1]),
        "grid_geometry": np.asarray(result.grid_geometry),
        "input_size": np.asarray(result.input_size),
        "original_size": np.asarray(result.meta.get("original_size", result.input_size)),
        "preprocessing": np.asarray(json.dumps(result.meta.get("preprocessing", {}))),
        "evaluations": np.asarray(result.evaluations),
        "probabilities": np.asarray(result.probabilities if result.probabilities is not None
                                    else np.full(len(result.labels), np.nan), np.float64),
        "saturated": np.asarray(result.saturated, dtype=np.int64),
    }
    if model:
        arrays["model"] = np.asarray(str(model))
    for n in result.grid_sizes:
        if n in result.d:
            arrays[f"d_{n}"] = result.d[n]
    return arrays


def save_npz(result: DidaResult, path: str | Path, model: str | None = None) -> Path:
    p = Path(path)
    np.savez_compressed(p, **npz_arrays(result, model))
    return p

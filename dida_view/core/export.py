"""Writing results: the raw arrays (.npz), per-class panels, the composite figure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from PIL import Image

from dida_view.core.dida import DidaResult


def slug(text: str) -> str:
    """A file-name-safe form of a class label: ``Wet AMD`` -> ``Wet_AMD``."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", text.strip()).strip("_")
    return s or "class"


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

"""The audit's stored results: ``DIR/results/<model>-<settings>/<case>.npz``, one per unit.

Each holds the arrays ``analyze`` writes as ``<stem>_dida.npz`` (README, "Command line")
and ``input``, the scan as the model saw it (grey, uint8, the model's input size), so that
the summary can draw the cohort's mean Mixed Images, and the HTML the figures of the cases
it shows, without running the model again. The folder is named by the model's
and the settings' fingerprints, so results of other settings never mix.
:func:`result_from_arrays` reads them back as a :class:`~dida_view.method.dida.DidaResult`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dida_view.method.dida import DidaResult
from dida_view.method.shortcuts import input_mixed_d
from dida_view.model.preprocess import Box
from dida_view.render.export import save_arrays

FOLDER = "results"


def folder_of(out_dir: str | Path, model_fp: str, settings_fp: str) -> Path:
    """The folder of one model's and settings' results."""
    return Path(out_dir) / FOLDER / f"{model_fp[:8]}-{settings_fp[:8]}"


def result_path(folder: Path, unit_id: str) -> Path:
    return folder / f"{unit_id}.npz"


def write_result(folder: Path, unit_id: str, arrays: dict) -> Path:
    """Write one unit's arrays, atomically; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    return save_arrays({k: np.asarray(v) for k, v in arrays.items()},
                       result_path(folder, unit_id))


def result_from_arrays(arrays) -> DidaResult:
    """The :class:`DidaResult` of an ``analyze``-style ``.npz`` (an ``np.load`` or a dict).

    Raises
    ------
    KeyError, ValueError
        An array is missing or malformed.
    """
    grids = tuple(int(n) for n in np.asarray(arrays["grids"]).reshape(-1))
    box = Box(*(int(v) for v in np.asarray(arrays["content_box"])))
    grid_box = Box(*(int(v) for v in np.asarray(arrays["grid_box"])))
    pre = json.loads(str(np.asarray(arrays["preprocessing"])))
    return DidaResult(
        scores=np.asarray(arrays["scores"], np.float64),
        grid_sizes=grids,
        d={n: np.asarray(arrays[f"d_{n}"], np.float32) for n in grids},
        evaluations=int(np.asarray(arrays["evaluations"])),
        seconds=0.0,
        mask_fill=str(np.asarray(arrays["mask_fill"])),
        box=box,
        input_size=tuple(int(v) for v in np.asarray(arrays["input_size"])),
        labels=[str(x) for x in np.asarray(arrays["labels"]).reshape(-1)],
        score_space=str(np.asarray(arrays["score_space"])),
        weights=np.asarray(arrays["weights"], np.float64),
        probabilities=np.asarray(arrays["probabilities"], np.float64),
        saturated=tuple(int(k) for k in np.asarray(arrays["saturated"]).reshape(-1)),
        meta={"original_size": tuple(int(v) for v in np.asarray(arrays["original_size"])),
              "preprocessing": pre},
        grid_box=grid_box,
        grid_geometry=str(np.asarray(arrays["grid_geometry"])),
    )


def read_result(folder: Path, unit_id: str) -> tuple[DidaResult, np.ndarray | None] | None:
    """A unit's stored result and its model input picture (None when not stored); None
    when the file is missing or cannot be read."""
    try:
        with np.load(result_path(folder, unit_id), allow_pickle=False) as z:
            picture = np.asarray(z["input"]) if "input" in z.files else None
            return result_from_arrays(z), picture
    except (OSError, KeyError, ValueError, EOFError):
        return None
    except Exception:  # noqa: BLE001 - a damaged zip raises its own kinds
        return None


class MeanMaps:
    """The cohort's mean Mixed Image per class: the mean over the units whose top class is
    ``k`` of class ``k``'s blended ``d`` over the model input, red and blue apart; and the
    mean of those units' model input pictures, to draw it on."""

    def __init__(self) -> None:
        self.sums: dict[str, list[np.ndarray]] = {}
        self.counts: dict[str, int] = {}
        self.pictures: dict[str, int] = {}
        self.size: tuple[int, int] | None = None

    def add(self, result: DidaResult, picture: np.ndarray | None = None) -> None:
        """Count one unit (a unit of another input size than the first is left out)."""
        if self.size is None:
            self.size = tuple(result.input_size)
        if tuple(result.input_size) != self.size:
            return
        k = result.top(1)[0]
        label = result.labels[k]
        pos, neg = input_mixed_d(result, k)
        sums = self.sums.setdefault(label, [np.zeros_like(pos), np.zeros_like(neg),
                                            np.zeros_like(pos)])
        sums[0] += pos
        sums[1] += neg
        if picture is not None and picture.shape == pos.shape:
            sums[2] += picture
            self.pictures[label] = self.pictures.get(label, 0) + 1
        self.counts[label] = self.counts.get(label, 0) + 1

    def means(self, labels: Iterable[str]) -> dict[str, tuple]:
        """Label -> (mean red, mean blue, units, mean picture or None), for the labels that
        were anyone's top class."""
        out = {}
        for lab in labels:
            if lab not in self.counts:
                continue
            n, red, blue, pic = self.counts[lab], *self.sums[lab]
            seen = self.pictures.get(lab, 0)
            out[lab] = (red / n, blue / n, n, pic / seen if seen else None)
        return out

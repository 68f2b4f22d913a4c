"""Writing results: the raw arrays (.npz), per-class panels, the composite figure."""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import unicodedata
import uuid
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
    """File stems handed out for one run's outputs: never the same twice, and never one
    that another run is writing at the same moment.

    Two inputs with the same stem (``a.png`` and ``a.tif``, or ``x/a.png`` and
    ``y/a.png``) get ``a`` and ``a-2``; the comparison ignores case. A stem is also
    reserved on disk while its files are written (a hidden ``.<stem>.dida-lock`` made with
    ``O_EXCL``) until the run ends (:meth:`release`), so two runs writing into one folder
    at the same time never share a stem: the second gets ``a-2``, and each run's records
    point to its own files (a run claims all its stems before it writes any). A later run
    writes ``a`` again, as a rerun should. A reservation left by a run that was killed
    (its process is gone) is taken over. Each JSON record lists its outputs, so every
    file is traced to its input.
    """

    def __init__(self) -> None:
        self._used: set[tuple[str, str]] = set()
        self._locks: dict[tuple[str, str], Path] = {}

    def claim(self, folder: str | Path, stem: str) -> str:
        """A stem for ``folder``, ``stem`` if possible, reserved until :meth:`release`."""
        folder = Path(folder)
        key = str(folder.resolve())
        base = candidate = slug(stem) if stem != slug(stem) else stem
        k = 1
        while (key, candidate.lower()) in self._used or not self._reserve(folder, candidate):
            k += 1
            candidate = f"{base}-{k}"
        self._used.add((key, candidate.lower()))
        return candidate

    def _reserve(self, folder: Path, stem: str) -> bool:
        lock = folder / f".{stem.lower()}.dida-lock"
        for _ in range(2):
            try:
                fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if not _stale(lock):
                    return False
                lock.unlink(missing_ok=True)  # its run is gone: take it over
                continue
            except OSError:
                return True  # a folder where no lock can be made: in-run uniqueness only
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self._locks[(str(folder.resolve()), stem.lower())] = lock
            return True
        return False

    def release(self, folder: str | Path | None = None, stem: str | None = None) -> None:
        """Release the reservation of ``stem`` (default: every one this run holds)."""
        for key in list(self._locks):
            if folder is None or key == (str(Path(folder).resolve()), str(stem).lower()):
                self._locks.pop(key).unlink(missing_ok=True)


def _stale(lock: Path) -> bool:
    """Whether the run that made ``lock`` is gone (no such process on this machine). A
    lock still empty is being made right now, unless it is a minute old."""
    try:
        text = lock.read_text().strip()
        age = time.time() - lock.stat().st_mtime
    except OSError:
        return False
    if not text:
        return age > 60
    try:
        pid = int(text)
    except ValueError:
        return True
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


@contextlib.contextmanager
def atomic_file(path: str | Path):
    """Within: a temporary path beside ``path``; on success it replaces ``path`` at once
    (``os.replace``), so a reader never sees half a file and two writers never mix theirs;
    on failure it is removed and ``path`` is left as it was."""
    p = Path(path)
    tmp = p.with_name(f".{p.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp{p.suffix}")
    try:
        yield tmp
        os.replace(tmp, p)
    finally:
        tmp.unlink(missing_ok=True)


# zlib level 3: on a real scan's figure 2.6 x faster than Pillow's default 6 (163 against
# 433 ms) for a file 2 % larger; level 1 is faster still but 17 % larger. Encoding at 6 took
# 12 of the 28 s of an 8-grid `analyze` of 12 real scans.
PNG_LEVEL = 3


def save_png(img: np.ndarray, path: str | Path) -> Path:
    """Write a uint8 picture as PNG, atomically."""
    p = Path(path)
    with atomic_file(p) as tmp:
        Image.fromarray(img).save(tmp, format="PNG", compress_level=PNG_LEVEL)
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
    """Write the result's arrays (:func:`npz_arrays`) as a compressed ``.npz``, atomically."""
    return save_arrays(npz_arrays(result, model), path)


def save_arrays(arrays: dict[str, np.ndarray], path: str | Path) -> Path:
    """Write arrays as a compressed ``.npz``, atomically (no pickles inside)."""
    p = Path(path)
    with atomic_file(p) as tmp, open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)
    return p

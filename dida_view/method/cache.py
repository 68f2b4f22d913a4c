"""A result cache, so that revisiting a case is instant.

Keyed by the image's pixels, the model (file hash and the configuration the adapter read)
and the settings that change ``d`` (grid sizes, mask fill, score space). The blend weights
are not in the key: they only change the rendering. Results live in memory (the last
``memory_items``) and, when a folder is given, on disk as ``.npz`` files, at most
``max_bytes`` in all; the least recently used go first.

Why not a library such as ``diskcache``: its values are pickles by default, and unpickling
files from a shared folder runs whatever they contain, whereas an ``.npz`` entry read with
``allow_pickle=False`` is only arrays and a JSON header; the entries are already numpy
arrays, compressed by ``savez_compressed``; and the bundle stays one dependency smaller.
What a library would add is handled here in a few lines: an unreadable entry (truncated
file, bad header, missing array, old version) is deleted and recomputed, and every write
goes through its own temporary file (``mkstemp`` in the same folder) and ``os.replace``,
so two processes saving the same result never share a temporary name.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

from dida_view.catalogue import Note
from dida_view.io.jsonfile import parse_json
from dida_view.method.dida import DidaResult
from dida_view.method.grids import GRID_GEOMETRIES, grid_shape
from dida_view.model.domain import DomainResult
from dida_view.model.preprocess import Box

CACHE_VERSION = 4
_STALE_TMP_SECONDS = 3600  # a temporary file this old was left by a crashed writer


def default_cache_dir() -> Path:
    """The user's cache folder for results (``DIDA_VIEW_CACHE_DIR`` overrides it)."""
    env = os.environ.get("DIDA_VIEW_CACHE_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "dida-view" / "results"


def result_key(image: np.ndarray, model_fingerprint: str, settings_key: dict) -> str:
    h = hashlib.sha256()
    h.update(f"v{CACHE_VERSION}|{image.shape}|{image.dtype}|".encode())
    h.update(np.ascontiguousarray(image).tobytes())
    h.update(model_fingerprint.encode())
    h.update(json.dumps(settings_key, sort_keys=True).encode())
    return h.hexdigest()[:40]


class ResultCache:
    """In-memory LRU of results, backed by a bounded folder of ``.npz`` files."""

    def __init__(self, folder: str | Path | None = None, *, memory_items: int = 32,
                 max_bytes: int = 256 * 1024 * 1024) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.memory_items = memory_items
        self.max_bytes = max_bytes
        self._memory: OrderedDict[str, DidaResult] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> DidaResult | None:
        res = self._memory.get(key)
        if res is not None:
            self._memory.move_to_end(key)
            self.hits += 1
            return res
        res = self._load(key)
        if res is None:
            self.misses += 1
            return None
        self._remember(key, res)
        self.hits += 1
        return res

    def put(self, key: str, result: DidaResult) -> None:
        if not result.complete:
            return
        self._remember(key, result)
        self._save(key, result)

    def _remember(self, key: str, result: DidaResult) -> None:
        self._memory[key] = result
        self._memory.move_to_end(key)
        while len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)

    # -- disk -----------------------------------------------------------------------------
    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{key}.npz"

    def _save(self, key: str, r: DidaResult) -> None:
        p = self._path(key)
        if p is None:
            return
        header = {
            "version": CACHE_VERSION,
            "grid_sizes": list(r.grid_sizes), "evaluations": r.evaluations,
            "seconds": r.seconds, "mask_fill": r.mask_fill,
            "box": [r.box.y0, r.box.y1, r.box.x0, r.box.x1],
            "input_size": list(r.input_size), "labels": list(r.labels),
            "score_space": r.score_space,
            "notes": [n.to_json() if isinstance(n, Note) else str(n) for n in r.notes],
            "saturated": list(r.saturated),
            "domain": r.domain.to_dict() if r.domain is not None else None,
            "meta": dict(r.meta), "grid_geometry": r.grid_geometry,
            "grid_box": [r.grid_box.y0, r.grid_box.y1, r.grid_box.x0, r.grid_box.x1],
        }
        arrays = {f"d_{n}": r.d[n] for n in r.grid_sizes}
        probs = r.probabilities if r.probabilities is not None else r.scores
        tmp = None
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=p.parent)
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, scores=r.scores, probabilities=probs, header=np.asarray(
                    json.dumps(header, default=_jsonable)), **arrays)
            os.replace(tmp, p)
            tmp = None
            self._evict()
        except OSError:
            pass  # a cache that cannot be written is only a slower cache
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def _load(self, key: str) -> DidaResult | None:
        p = self._path(key)
        if p is None or not p.is_file():
            return None
        try:
            res = _read_entry(p)
        except Exception:  # any unreadable entry: truncated zip, bad JSON, missing array
            res = None
        if res is None:
            p.unlink(missing_ok=True)  # recomputed, and saved afresh, by the caller
            return None
        try:
            os.utime(p)  # recently used
        except OSError:
            pass
        return res

    def _evict(self) -> None:
        if self.folder is None:
            return
        now = time.time()
        entries = []
        for f in self.folder.iterdir():
            try:
                st = f.stat()
            except OSError:
                continue  # removed meanwhile by another process
            if f.suffix == ".tmp" and now - st.st_mtime > _STALE_TMP_SECONDS:
                f.unlink(missing_ok=True)
            elif f.suffix == ".npz":
                entries.append((st.st_mtime, st.st_size, f))
        entries.sort()
        total = sum(size for _, size, _ in entries)
        for _, size, f in entries:
            if total <= self.max_bytes:
                break
            total -= size
            f.unlink(missing_ok=True)


def _read_entry(p: Path) -> DidaResult | None:
    """One cache file as a result; None when it is of another version or inconsistent.

    Raises whatever a damaged file raises (``BadZipFile``, ``ValueError``, ``KeyError``,
    ``EOFError``...): the caller treats every failure alike.
    """
    with np.load(p, allow_pickle=False) as z:
        header = parse_json(str(z["header"]), str(p))
        if not isinstance(header, dict) or header.get("version") != CACHE_VERSION:
            return None
        sizes = tuple(int(n) for n in header["grid_sizes"])
        d = {n: z[f"d_{n}"] for n in sizes}
        scores = z["scores"]
        probs = z["probabilities"]
    labels = [str(x) for x in header["labels"]]
    c = len(labels)
    box = Box(*header["box"])
    grid_box = Box(*header.get("grid_box", header["box"]))
    geometry = str(header.get("grid_geometry", "content"))
    if geometry not in GRID_GEOMETRIES or scores.shape != (c,) or probs.shape != (c,) or any(
            d[n].shape != (c, *grid_shape(grid_box, n, geometry)) for n in sizes):
        return None
    meta = dict(header["meta"])
    if "original_size" in meta:
        meta["original_size"] = tuple(meta["original_size"])
    return DidaResult(
        scores=scores, grid_sizes=sizes, d=d,
        evaluations=int(header["evaluations"]), seconds=float(header["seconds"]),
        mask_fill=str(header["mask_fill"]), box=box, grid_box=grid_box, grid_geometry=geometry,
        input_size=tuple(header["input_size"]), labels=labels,
        score_space=str(header["score_space"]), probabilities=probs,
        notes=tuple(Note.from_json(n) for n in header.get("notes", [])),
        saturated=tuple(header["saturated"]), meta=meta,
        domain=DomainResult.from_dict(header.get("domain")))


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    raise TypeError(type(v).__name__)

"""A result cache, so that revisiting a case is instant.

Keyed by the image's pixels, the model (file hash and the configuration the adapter read)
and the settings that change ``d`` (grid sizes, mask fill, score space). The blend weights
are not in the key: they only change the rendering. Results live in memory (the last
``memory_items``) and, when a folder is given, on disk as ``.npz`` files, at most
``max_bytes`` in all; the least recently used go first.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

import numpy as np

from dida_view.core.dida import DidaResult
from dida_view.core.preprocess import Box

CACHE_VERSION = 1


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


def file_digest(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            meta = {k: v for k, v in r.meta.items() if k not in ("probabilities",)}
            arrays = {f"d_{n}": r.d[n] for n in r.grid_sizes}
            header = {
                "grid_sizes": list(r.grid_sizes), "evaluations": r.evaluations,
                "seconds": r.seconds, "mask_fill": r.mask_fill,
                "box": [r.box.y0, r.box.y1, r.box.x0, r.box.x1],
                "input_size": list(r.input_size), "labels": r.labels,
                "score_space": r.score_space, "meta": meta,
            }
            tmp = p.with_suffix(".tmp.npz")
            np.savez_compressed(tmp, scores=r.scores, header=np.asarray(json.dumps(
                header, default=_jsonable)), probabilities=np.asarray(
                r.meta.get("probabilities", r.scores)), **arrays)
            os.replace(tmp, p)
            self._evict()
        except OSError:
            pass  # a cache that cannot be written is only a slower cache

    def _load(self, key: str) -> DidaResult | None:
        p = self._path(key)
        if p is None or not p.is_file():
            return None
        try:
            with np.load(p) as z:
                header = json.loads(str(z["header"]))
                d = {int(n): z[f"d_{n}"] for n in header["grid_sizes"]}
                scores = z["scores"]
                probs = z["probabilities"]
            os.utime(p)  # recently used
        except (OSError, ValueError, KeyError):
            return None
        meta = header["meta"]
        meta["probabilities"] = probs
        if "original_size" in meta:
            meta["original_size"] = tuple(meta["original_size"])
        return DidaResult(
            scores=scores, grid_sizes=tuple(header["grid_sizes"]), d=d,
            evaluations=int(header["evaluations"]), seconds=float(header["seconds"]),
            mask_fill=header["mask_fill"], box=Box(*header["box"]),
            input_size=tuple(header["input_size"]), labels=list(header["labels"]),
            score_space=header["score_space"], meta=meta)

    def _evict(self) -> None:
        if self.folder is None:
            return
        files = sorted(self.folder.glob("*.npz"), key=lambda f: f.stat().st_mtime)
        total = sum(f.stat().st_size for f in files)
        while files and total > self.max_bytes:
            f = files.pop(0)
            total -= f.stat().st_size
            f.unlink(missing_ok=True)


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    raise TypeError(type(v).__name__)


def fresh_copy(result: DidaResult, weights: np.ndarray) -> DidaResult:
    """A cached result handed out with the caller's blend weights (the cache keeps its own)."""
    return replace(result, weights=np.asarray(weights, dtype=np.float64), meta={
        **result.meta, "cached": True})

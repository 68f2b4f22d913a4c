"""The clinician's reading of a case: a diagnosis and a note, kept in the image's sidecar.

The sidecar is ``<stem>.json`` beside the image (:func:`~dida_view.io.images.sidecar_path`).
The reading is stored under one key, with no reader's name::

    {"reading": {"diagnosis": "Wet AMD", "note": "...", "updated": "2026-11-26T13:05:00Z"}}

A sidecar without ``reading`` falls back to its top-level ``diagnosis`` (the samples' and
the generator's key); its top-level ``note`` is the generator's, not a clinician's, and is
not read. Saving rewrites the sidecar atomically (a temporary file in the same folder, then
``os.replace``) and keeps every other key as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dida_view.io.images import sidecar_path

KEY = "reading"


@dataclass(frozen=True)
class Reading:
    """What the clinician read: a diagnosis (a model label or free text) and a note.

    ``updated`` is an ISO 8601 UTC time stamp, set by :func:`save_reading`; empty when
    the reading came from the old ``diagnosis`` key or there is none.
    """

    diagnosis: str = ""
    note: str = ""
    updated: str = ""

    @property
    def empty(self) -> bool:
        """Nothing read yet (no diagnosis and no note)."""
        return not (self.diagnosis.strip() or self.note.strip())


def _read_sidecar(path: Path) -> dict | None:
    """The sidecar's JSON object, ``None`` when missing, unreadable or not an object."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _text(value) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and value != "" else ""


def load_reading(image_path: str | Path) -> Reading:
    """The reading of ``image_path`` from its sidecar (an empty one when there is none).

    A broken sidecar reads as no reading: the reading is a label, not a reason to refuse
    the image.
    """
    data = _read_sidecar(sidecar_path(image_path))
    if data is None:
        return Reading()
    block = data.get(KEY)
    if isinstance(block, dict):
        return Reading(diagnosis=_text(block.get("diagnosis")), note=_text(block.get("note")),
                       updated=_text(block.get("updated")))
    return Reading(diagnosis=_text(data.get("diagnosis")))


def save_reading(image_path: str | Path, reading: Reading) -> Reading:
    """Write ``reading`` into the sidecar of ``image_path``; returns it with ``updated`` set.

    Other keys of the sidecar are kept. The write is atomic: a crash leaves either the old
    sidecar or the new one, never half of one. A sidecar that is not a JSON object is
    replaced (it held nothing we could keep).

    Raises
    ------
    OSError
        The folder cannot be written.
    """
    path = sidecar_path(image_path)
    data = _read_sidecar(path) or {}
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    saved = Reading(diagnosis=reading.diagnosis.strip(), note=reading.note, updated=stamp)
    data[KEY] = {"diagnosis": saved.diagnosis, "note": saved.note, "updated": saved.updated}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return saved


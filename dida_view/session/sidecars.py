"""The sidecar store: the user's JSON files beside their scans and models, read leniently and
written without ever losing what was there.

Two kinds of sidecar, one store:

- a scan's sidecar, ``<file name>.json`` beside it (``a.png`` -> ``a.png.json``), keyed on
  the whole file name so that ``a.png`` and ``a.tif`` never share one; the older
  ``<stem>.json`` (``a.json``) is still read when there is no new one (the bundled samples
  and files of earlier versions use it), and its keys are carried into the new file on the
  first save;
- a model's sidecar, ``<stem>.dida.json`` beside the ``.onnx`` (labels, preprocessing;
  :func:`dida_view.model.onnx.sidecar_path`), which the model reads when it is opened.

Reading: any encoding JSON allows (a byte-order mark is fine), bounded nesting
(:mod:`dida_view.io.jsonfile`); a file that cannot be read is reported, never fatal.

Writing (:func:`update`): the keys given replace those keys only, every other key is kept;
the write is atomic (a new file in the same folder, then ``os.replace``) and keeps the old
file's permission bits. A file that exists but cannot be parsed (a trailing comma, a stray
byte) is never overwritten blindly: it is first copied to ``<name>.bak`` (``.bak-2`` ...),
and the outcome says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.io.jsonfile import read_json

UNREADABLE_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "{name} could not be read ({why}); it was kept as {backup}")


@dataclass(frozen=True)
class Sidecar:
    """What a sidecar holds: ``data`` (``{}`` when there is none), the file it came from
    (None: none), and ``problem`` when a file is there but could not be read."""

    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Saved:
    """The outcome of :func:`update`: the file written, and the backup of an unreadable
    file it replaced (None: nothing was unreadable) with a sentence saying so."""

    path: Path
    backup: Path | None = None
    note: str | None = None


def scan_sidecar(scan: str | Path) -> Path:
    """Where a scan's sidecar is written: ``<file name>.json`` beside it."""
    p = Path(scan)
    return p.with_name(p.name + ".json")


def legacy_sidecar(scan: str | Path) -> Path:
    """The older name, ``<stem>.json``, read when there is no :func:`scan_sidecar`."""
    return Path(scan).with_suffix(".json")


def read(path: str | Path) -> Sidecar:
    """The JSON object in ``path``; an empty :class:`Sidecar` when there is no file, one
    with ``problem`` set when it cannot be read or is not a JSON object."""
    p = Path(path)
    if not p.is_file():
        return Sidecar()
    try:
        data = read_json(p, p.name)
    except OSError as exc:
        return Sidecar(path=p, problem=f"{p.name}: {exc.strerror or exc}")
    except ValueError as exc:
        return Sidecar(path=p, problem=str(exc))
    if not isinstance(data, dict):
        return Sidecar(path=p, problem=f"{p.name}: not a JSON object")
    return Sidecar(data=data, path=p)


def read_scan_sidecar(scan: str | Path) -> Sidecar:
    """A scan's sidecar: ``<file name>.json``, else the older ``<stem>.json``."""
    new = read(scan_sidecar(scan))
    if new.path is not None:
        return new
    old = legacy_sidecar(scan)
    return read(old) if old != Path(scan) else Sidecar()


def update_scan_sidecar(scan: str | Path, values: dict[str, Any]) -> Saved:
    """Write ``values`` into the scan's sidecar (``<file name>.json``), keeping every other
    key, those of an older ``<stem>.json`` included (that file is left as it was)."""
    target = scan_sidecar(scan)
    base = None
    if not target.exists():
        old = read(legacy_sidecar(scan))
        base = dict(old.data) if old.problem is None else None
    return update(target, values, base=base)


def update(path: str | Path, values: dict[str, Any], *, base: dict | None = None) -> Saved:
    """Set ``values`` in the JSON object file ``path`` and write it atomically.

    ``base``: the keys to start from when ``path`` does not exist yet (default none).
    An existing file that cannot be parsed, or is not a JSON object, is copied to a
    ``.bak`` first; the outcome's ``note`` says so.

    Raises
    ------
    OSError
        The folder cannot be written (nothing has changed then).
    """
    p = Path(path)
    now = read(p)
    backup = note = None
    data = dict(now.data) if now.path is not None else dict(base or {})
    if now.problem is not None:
        backup = _backup(p)
        note = UNREADABLE_NOTE.note(name=p.name, why=now.problem.removeprefix(
            f"{p.name}: "), backup=backup.name)
        data = {}
    data.update(values)
    write_atomic(p, data)
    return Saved(path=p, backup=backup, note=note)


def _backup(p: Path) -> Path:
    target = p.with_name(p.name + ".bak")
    k = 1
    while target.exists():
        k += 1
        target = p.with_name(f"{p.name}.bak-{k}")
    shutil.copy2(p, target)
    return target


def write_atomic(path: str | Path, data: Any) -> Path:
    """Write ``data`` as JSON (UTF-8, indented) to ``path``: a new file in the same folder,
    flushed to disk, then renamed over ``path``, so a crash leaves the old file or the new
    one, never half of one. An existing file's permission bits are kept; a new file gets
    the user's usual ones (``0666`` less the umask)."""
    p = Path(path)
    try:
        mode = p.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    tmp = p.with_name(f".{p.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return p

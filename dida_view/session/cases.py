"""Cases, and the one reader of what names them: files, folders and case lists.

A case is a scan file: an image, a DICOM file, a multi-page TIFF or a vendor volume
(whatever :func:`~dida_view.io.reader.load_scan` opens). :func:`read_cases` turns the
paths a user gives (the command line's PATHs, the viewer's Open Cases, a dropped folder)
into cases:

- a scan file is one case;
- a folder gives its scans, sorted by name, not recursive (sidecars and other files are
  left out; the files that are not scans are named in a note);
- a ``.csv`` has a ``path`` column and, optionally, ``diagnosis``;
- a ``.json`` is a list of paths, or of objects with ``path`` (and optionally
  ``diagnosis``), or an object whose ``cases`` is such a list.

Relative paths in a list resolve against the list's folder. A list's ``diagnosis`` stands
in for the sidecar's reading when the sidecar has none. One policy for bad rows
everywhere: the row is skipped with one line in ``problems``, the rest loads.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.io.dicom import is_dicom
from dida_view.io.images import SCAN_SUFFIXES
from dida_view.io.jsonfile import read_json
from dida_view.model.config import SIDECAR_SUFFIX

LIST_SUFFIXES = (".csv", ".json")
NOT_SCANS_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "{folder}: {n} files that are not scans were left out ({names})")
NOT_A_SCAN_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "{folder}: 1 file that is not a scan was left out ({names})")


@dataclass(frozen=True)
class Case:
    """One scan to read, with the diagnosis its case list gave (``""``: none)."""

    path: Path
    diagnosis: str = ""

    @property
    def name(self) -> str:
        """The file name (for the user's own eyes: exports use the case id)."""
        return self.path.name


@dataclass(frozen=True)
class CaseSet:
    """The cases named by some paths, in order; ``problems``: one line per path or row
    that gave no case (the rest loaded); ``notes``: what was left out on purpose."""

    cases: tuple[Case, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def is_case_list(path: str | Path) -> bool:
    """Whether ``path`` names a folder or a CSV/JSON case list (rather than a scan)."""
    p = Path(path)
    return p.is_dir() or (p.suffix.lower() in LIST_SUFFIXES and not p.name.lower().endswith(
        SIDECAR_SUFFIX))


def is_scan_file(p: Path) -> bool:
    """A file a folder's case list takes: a scan by its suffix, or a DICOM file by its
    content (PACS exports often have no suffix)."""
    suffix = p.suffix.lower()
    if suffix in SCAN_SUFFIXES:
        return True
    return suffix not in (".json", ".csv", ".txt", ".md", ".bak", ".onnx") and is_dicom(p)


def folder_scans(folder: Path) -> tuple[list[Path], list[Path]]:
    """(scans, other files) of ``folder``, sorted by name; hidden files and sidecars
    are neither."""
    scans, others = [], []
    for f in sorted(folder.iterdir(), key=lambda q: q.name.lower()):
        if not f.is_file() or f.name.startswith("."):
            continue
        if is_scan_file(f):
            scans.append(f)
        elif f.suffix.lower() not in (".json", ".bak") and not f.name.endswith(".tmp"):
            others.append(f)
    return scans, others


Row = tuple[str, "tuple[str, str] | str"]  # (where, (path, diagnosis) or a problem)


def csv_rows(p: Path) -> list[Row]:
    """The rows of a CSV case list: (where, (path, diagnosis)) or (where, problem).

    Raises
    ------
    ValueError
        The file itself is not a readable CSV with a ``path`` column.
    """
    try:
        with p.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            fields = [(n or "").strip().lower() for n in reader.fieldnames or []]
            if "path" not in fields:
                raise ValueError(f"{p}: no 'path' column (columns: {', '.join(fields)})")
            out: list[Row] = []
            for line, row in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "") for k, v in row.items()
                       if isinstance(v, str)}
                path = row.get("path", "").strip()
                out.append((f"line {line}", (path, row.get("diagnosis", "").strip()) if path
                            else "empty path"))
            return out
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not a UTF-8 text file") from None
    except csv.Error as exc:
        raise ValueError(f"{p}: bad CSV ({exc})") from None


def json_rows(p: Path) -> list[Row]:
    """The rows of a JSON case list, as :func:`csv_rows` gives them.

    Raises
    ------
    ValueError
        The file is not JSON, or not a list of cases.
    """
    data = read_json(p)
    if isinstance(data, dict) and isinstance(data.get("cases"), list):
        data = data["cases"]
    if not isinstance(data, list):
        raise ValueError(f"{p}: expected a JSON list of paths or of objects with 'path'")
    out: list[Row] = []
    for i, item in enumerate(data, start=1):
        where = f"item {i}"
        if isinstance(item, str) and item.strip():
            out.append((where, (item.strip(), "")))
        elif isinstance(item, dict) and isinstance(item.get("path"), str) \
                and item["path"].strip():
            diagnosis = item.get("diagnosis")
            out.append((where, (item["path"].strip(),
                                diagnosis.strip() if isinstance(diagnosis, str) else "")))
        else:
            out.append((where, "expected a path or an object with 'path'"))
    return out


def _list_cases(p: Path) -> tuple[list[Case], list[str]]:
    try:
        rows = csv_rows(p) if p.suffix.lower() == ".csv" else json_rows(p)
    except OSError as exc:
        return [], [f"{p}: cannot read the case list ({exc.strerror or exc})"]
    except ValueError as exc:
        return [], [str(exc)]
    cases, problems = [], []
    for where, item in rows:
        if isinstance(item, str):
            problems.append(f"{p.name}, {where}: {item}")
            continue
        raw, diagnosis = item
        f = Path(raw).expanduser()
        f = f if f.is_absolute() else p.parent / f
        if f.is_dir():
            problems.append(f"{p.name}, {where}: {raw}: a folder, not a scan")
        elif not f.is_file():
            problems.append(f"{p.name}, {where}: {raw}: no such file")
        else:
            cases.append(Case(f, diagnosis=diagnosis))
    return cases, problems


def read_cases(paths: Iterable[str | Path]) -> CaseSet:
    """The cases named by ``paths``, in order (see the module).

    A file that is neither a folder nor a case list is taken as a scan, whatever its
    suffix: opening it says what is wrong with it. Never raises for the user's input.
    """
    cases: list[Case] = []
    problems: list[str] = []
    notes: list[str] = []
    for name in paths:
        p = Path(name).expanduser()
        if p.is_dir():
            scans, others = folder_scans(p)
            if not scans:
                problems.append(f"{p}: no scans in this folder")
            if others:
                shown = ", ".join(o.name for o in others[:5]) + (
                    ", …" if len(others) > 5 else "")
                note = NOT_A_SCAN_NOTE if len(others) == 1 else NOT_SCANS_NOTE
                notes.append(note.note(folder=p, n=len(others), names=shown))
            cases.extend(Case(q) for q in scans)
        elif is_case_list(p):
            if not p.is_file():
                problems.append(f"{p}: no such file")
                continue
            found, bad = _list_cases(p)
            if not found and not bad:
                problems.append(f"{p}: the case list is empty")
            cases.extend(found)
            problems.extend(bad)
        else:
            cases.append(Case(p))
    return CaseSet(tuple(cases), tuple(problems), tuple(notes))

"""Case lists: the images named by a command line's PATHs (images, folders, CSV or JSON lists).

- an image file is one case;
- a folder gives its images (sorted by name, not recursive);
- a ``.csv`` has a ``path`` column and, optionally, ``diagnosis``;
- a ``.json`` is a list of paths, or of objects with ``path`` (and optionally ``diagnosis``).

Relative paths in a list resolve against the list's folder. A list's ``diagnosis`` stands
in for the sidecar's reading when the sidecar has none. The viewer's case browser
(:mod:`dida_view.session.caselist`) reads lists with the same :func:`csv_rows` and
:func:`json_rows`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from dida_view.errors import DidaError
from dida_view.io.images import IMAGE_SUFFIXES


@dataclass(frozen=True)
class Case:
    """One image to analyse, with the diagnosis its case list gave (``""``: none)."""

    path: Path
    diagnosis: str = ""


Row = tuple[str, "tuple[str, str] | str"]  # (where, (path, diagnosis) or a problem)


def csv_rows(p: Path) -> list[Row]:
    """The rows of a CSV case list: (where, (path, diagnosis)) or (where, problem).

    Raises ValueError when the file itself is not a readable CSV with a 'path' column.
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
                where = f"line {line}"
                out.append((where, (path, row.get("diagnosis", "").strip()) if path
                            else "empty path"))
            return out
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not a UTF-8 text file") from None
    except csv.Error as exc:
        raise ValueError(f"{p}: bad CSV ({exc})") from None


def json_rows(p: Path) -> list[Row]:
    """The rows of a JSON case list, as :func:`csv_rows` gives them."""
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{p}: not a JSON file ({str(exc).splitlines()[0]})") from None
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
                                str(diagnosis).strip() if diagnosis else "")))
        else:
            out.append((where, "expected a path or an object with 'path'"))
    return out


def _from_list(p: Path) -> list[Case]:
    """The cases of a CSV or JSON list; a row without a path is an error naming it."""
    try:
        rows = csv_rows(p) if p.suffix.lower() == ".csv" else json_rows(p)
    except (OSError, ValueError) as exc:
        raise DidaError(f"{p}: cannot read case list ({exc})") from None
    cases = []
    for where, item in rows:
        if isinstance(item, str):
            raise DidaError(f"{p}, {where}: {item}")
        path, diagnosis = item
        f = Path(path).expanduser()
        cases.append(Case(f if f.is_absolute() else p.parent / f, diagnosis))
    return cases


def expand(paths: list[str | Path]) -> list[Case]:
    """The cases named by ``paths``, in order. Anything that is not a folder or a case
    list is taken as an image (a missing or bad one fails later, with its own message).

    Raises
    ------
    DidaError
        A case list that cannot be read, or a folder with no images.
    """
    cases: list[Case] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            found = sorted(q for q in p.iterdir()
                           if q.is_file() and q.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                raise DidaError(f"{p}: no images in this folder")
            cases.extend(Case(q) for q in found)
        elif p.suffix.lower() in (".csv", ".json"):
            cases.extend(_from_list(p))
        else:
            cases.append(Case(p))
    return cases

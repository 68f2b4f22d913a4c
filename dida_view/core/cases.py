"""Case lists: the images named by a command line's PATHs (images, folders, CSV or JSON lists).

- an image file is one case;
- a folder gives its images (sorted by name, not recursive);
- a ``.csv`` has a ``path`` column and, optionally, ``diagnosis``;
- a ``.json`` is a list of paths, or of objects with ``path`` (and optionally ``diagnosis``).

Relative paths in a list resolve against the list's folder. A list's ``diagnosis`` stands in
for the sidecar's reading when the sidecar has none.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from dida_view.core.errors import DidaError
from dida_view.core.imageio import IMAGE_SUFFIXES


@dataclass(frozen=True)
class Case:
    """One image to analyse, with the diagnosis its case list gave (``""``: none)."""

    path: Path
    diagnosis: str = ""


def _from_csv(p: Path) -> list[Case]:
    try:
        with p.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DidaError(f"{p}: cannot read case list ({exc})") from None
    if not rows or "path" not in rows[0]:
        raise DidaError(f"{p}: a case list CSV needs a 'path' column")
    return [Case(p.parent / r["path"].strip(), (r.get("diagnosis") or "").strip())
            for r in rows if (r.get("path") or "").strip()]


def _from_json(p: Path) -> list[Case]:
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DidaError(f"{p}: cannot read case list ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("cases"), list):
        data = data["cases"]
    if not isinstance(data, list):
        raise DidaError(f"{p}: a case list JSON must be a list of paths or objects with 'path'")
    out = []
    for item in data:
        if isinstance(item, str):
            out.append(Case(p.parent / item))
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            out.append(Case(p.parent / item["path"], str(item.get("diagnosis") or "").strip()))
        else:
            raise DidaError(f"{p}: bad case entry {item!r} (need a path or {{'path': ...}})")
    return out


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
        elif p.suffix.lower() == ".csv":
            cases.extend(_from_csv(p))
        elif p.suffix.lower() == ".json":
            cases.extend(_from_json(p))
        else:
            cases.append(Case(p))
    return cases

"""The clinician's reading of a case: a diagnosis and a note, kept in the scan's sidecar.

The reading is stored under one key of the sidecar (:mod:`~dida_view.session.sidecars`),
with no reader's name::

    {"reading": {"diagnosis": "Wet AMD", "note": "...", "updated": "2026-11-26T13:05:00Z"}}

A sidecar without ``reading`` falls back to its top-level ``diagnosis`` (the samples' and
the generator's key); its top-level ``note`` is the generator's, not a clinician's, and is
not read. Only text counts as a diagnosis or a note: ``true``, ``null``, ``NaN`` or a
number in the file is not taken for one (:func:`load_reading` says so in ``problem``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dida_view import paths
from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.session import sidecars
from dida_view.session.cases import Case

KEY = "reading"
NOT_TEXT = QT_TRANSLATE_NOOP("Notes", "{name}: the {key} is not text ({value}); it was not "
                             "read")


@dataclass(frozen=True)
class Reading:
    """What the clinician read: a diagnosis (a model label or free text) and a note.

    ``updated`` is an ISO 8601 UTC time stamp, set when the reading is saved; empty when
    the reading came from the old ``diagnosis`` key or there is none.
    """

    diagnosis: str = ""
    note: str = ""
    updated: str = ""

    @property
    def empty(self) -> bool:
        """Nothing read yet (no diagnosis and no note)."""
        return not (self.diagnosis.strip() or self.note.strip())

    def same_text(self, other: Reading) -> bool:
        """The same diagnosis and note (whatever their time stamps)."""
        return (self.diagnosis.strip(), self.note) == (other.diagnosis.strip(), other.note)


@dataclass(frozen=True)
class Loaded:
    """A reading as loaded, and what was wrong with the sidecar (None: nothing)."""

    reading: Reading
    problem: str | None = None


def _text(block: dict, key: str, name: str, problems: list[str]) -> str:
    value = block.get(key)
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value.strip() if key == "diagnosis" else value
    problems.append(NOT_TEXT.note(name=name, key=key, value=str(value)[:40]))
    return ""


def load_reading_checked(scan: str | Path) -> Loaded:
    """The reading of ``scan`` from its sidecar, with the sidecar's problem if any.

    A broken sidecar reads as no reading: the reading is a label, not a reason to refuse
    the scan.
    """
    side = sidecars.read_scan_sidecar(scan)
    if side.problem is not None:
        return Loaded(Reading(), side.problem)
    name = side.path.name if side.path is not None else ""
    problems: list[str] = []
    block = side.data.get(KEY)
    if isinstance(block, dict):
        reading = Reading(diagnosis=_text(block, "diagnosis", name, problems),
                          note=_text(block, "note", name, problems),
                          updated=_text(block, "updated", name, problems))
    else:
        reading = Reading(diagnosis=_text(side.data, "diagnosis", name, problems))
    return Loaded(reading, "; ".join(problems) or None)


def load_reading(scan: str | Path) -> Reading:
    """The reading of ``scan`` (an empty one when there is none or it cannot be read)."""
    return load_reading_checked(scan).reading


def now_stamp() -> str:
    """The current UTC time as ``2026-11-26T13:05:00Z``."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z")


def save_reading(scan: str | Path, reading: Reading) -> tuple[Reading, sidecars.Saved]:
    """Write ``reading`` into the sidecar of ``scan``; returns it with ``updated`` set, and
    the store's outcome (its ``note`` says when an unreadable sidecar was backed up).

    Raises
    ------
    OSError
        The folder cannot be written.
    """
    saved = Reading(diagnosis=reading.diagnosis.strip(), note=reading.note,
                    updated=now_stamp())
    outcome = sidecars.update_scan_sidecar(scan, {KEY: {
        "diagnosis": saved.diagnosis, "note": saved.note, "updated": saved.updated}})
    return saved, outcome


class Readings:
    """The clinician's readings as the program holds them: the edits made in this run of
    the program over what the sidecars say, each saved through the sidecar store.

    One object outlives the sets a viewer opens one after another, so a reading typed in
    one set and not saved yet (a read-only folder) is still there, and still unsaved, when
    the user comes back to it, and is asked about before the program closes.
    """

    def __init__(self) -> None:
        self._edits: dict[Path, Reading] = {}
        self._unsaved: dict[Path, Reading] = {}
        samples = paths.samples_dir()
        self.protected_folder = samples.resolve() if samples is not None else None

    def reading(self, case: Case) -> Reading:
        """The case's reading: this run's edit, else the sidecar's, else the case list's
        diagnosis."""
        edit = self._edits.get(case.path)
        if edit is not None:
            return edit
        loaded = load_reading_checked(case.path).reading
        if loaded.empty and case.diagnosis:
            return Reading(diagnosis=case.diagnosis)
        return loaded

    def edit(self, path: Path, reading: Reading) -> None:
        """The clinician changed the reading of ``path`` (kept here until :meth:`save`)."""
        self._edits[Path(path)] = reading
        self._unsaved[Path(path)] = reading

    def protected(self, path: Path) -> bool:
        """A bundled sample: its reading is shown, never written."""
        return self.protected_folder is not None and \
            Path(path).resolve().parent == self.protected_folder

    def save(self, path: Path) -> tuple[Reading, sidecars.Saved] | None:
        """Write the edited reading of ``path`` to its sidecar; None when there was nothing
        to save (or it is a bundled sample).

        Raises
        ------
        OSError
            The save failed; the reading stays here, unsaved.
        """
        path = Path(path)
        reading = self._unsaved.get(path)
        if reading is None or self.protected(path):
            self._unsaved.pop(path, None)
            return None
        saved, outcome = save_reading(path, reading)
        self._edits[path] = saved
        if self._unsaved.get(path) is reading:  # not edited again meanwhile
            self._unsaved.pop(path, None)
        return saved, outcome

    def is_unsaved(self, path: Path) -> bool:
        return Path(path) in self._unsaved

    def unsaved(self) -> list[Path]:
        """The files whose edited reading is not saved yet."""
        return list(self._unsaved)

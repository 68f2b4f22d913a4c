"""The audit's ledger, ``DIR/cases.jsonl``: one JSON line per case or B-scan, appended as
results arrive, so that a run can be stopped and started again.

- Each line is written whole, by one ``write`` of the complete line to a file opened for
  appending: a killed run loses at most the cases in flight, never half a line.
- A line left unfinished anyway (the machine lost power mid-write) is cut off when the
  ledger is opened again for writing, and said in a note; a line that is not a JSON object
  is passed over when reading, and counted.
- A rerun skips every unit that has an ``ok`` line with the same model and settings
  fingerprints (:meth:`Ledger.done`); a unit that failed is tried again. Lines of other
  fingerprints (an earlier run with other grids) stay in the file and are not counted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

OK, FAILED = "ok", "failed"
CUT_NOTE = "{file}: its last line was unfinished (a run was stopped while writing it); cut off"
BAD_LINES_NOTE = "{file}: {n} lines that are not JSON records were passed over"


@dataclass(frozen=True)
class Loaded:
    """The ledger's records in file order, and how many lines were passed over."""

    records: tuple[dict, ...]
    bad_lines: int = 0
    unfinished: bool = False


class Ledger:
    """``cases.jsonl`` in the output folder (see the module)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def load(self) -> Loaded:
        """Every complete record of the file (none when it does not exist yet).

        Raises
        ------
        OSError
            The file exists but cannot be read.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Loaded(())
        unfinished = bool(data) and not data.endswith(b"\n")
        lines = data.split(b"\n")
        if unfinished:
            lines = lines[:-1]
        records, bad = [], 0
        for raw in lines:
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                bad += 1
                continue
            if isinstance(rec, dict) and isinstance(rec.get("case"), str):
                records.append(rec)
            else:
                bad += 1
        return Loaded(tuple(records), bad, unfinished)

    @staticmethod
    def latest(records, model_fp: str, settings_fp: str) -> dict[str, dict]:
        """Case id -> its last record with these fingerprints (an ``ok`` one wins over a
        later failure: a failed retry does not undo a result)."""
        out: dict[str, dict] = {}
        for rec in records:
            if rec.get("model_fingerprint") != model_fp or \
                    rec.get("settings_fingerprint") != settings_fp:
                continue
            old = out.get(rec["case"])
            if old is None or rec.get("status") == OK or old.get("status") != OK:
                out[rec["case"]] = rec
        return out

    @staticmethod
    def done(records, model_fp: str, settings_fp: str) -> dict[str, dict]:
        """Case id -> its ``ok`` record with these fingerprints: what a rerun skips."""
        return {cid: rec for cid, rec in Ledger.latest(records, model_fp, settings_fp).items()
                if rec.get("status") == OK}

    def open(self) -> str | None:
        """Open the file for appending (made when missing), cutting off an unfinished last
        line first; returns the note saying so, or None.

        Raises
        ------
        OSError
            The file cannot be written.
        """
        note = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        size = os.fstat(fd).st_size
        if size:
            os.lseek(fd, max(0, size - 65536), os.SEEK_SET)
            tail = os.read(fd, 65536)
            if not tail.endswith(b"\n"):
                cut = tail.rfind(b"\n")
                keep = size - len(tail) + cut + 1 if cut >= 0 else 0
                if cut < 0 and size > len(tail):  # one line longer than 64 KiB: read it all
                    os.lseek(fd, 0, os.SEEK_SET)
                    whole = os.read(fd, size)
                    keep = whole.rfind(b"\n") + 1
                os.ftruncate(fd, keep)
                note = CUT_NOTE.format(file=self.path.name)
        self._fd = fd
        return note

    def append(self, record: dict) -> None:
        """Write one record as one line, in one ``write``.

        Raises
        ------
        OSError
            The line could not be written whole (the file is then cut back to its last
            complete line).
        """
        if self._fd is None:
            self.open()
        line = (json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n").encode()
        start = os.fstat(self._fd).st_size
        try:
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(28, "the line was written in part (disk full?)")
        except OSError:
            os.ftruncate(self._fd, start)
            raise

    def close(self) -> None:
        """Flush the file to disk and close it."""
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None

"""The reading session: one set of cases and how they are read, for every view.

The command line's batch (``analyze``), the report, the audit, the case browser, teaching
and the patient page all read cases through a :class:`ReadingSession`. It decides, once
for the set:

- which model reads each case (:func:`~dida_view.session.models.model_for_case`), and the
  domain note when a bundled model reads a case of another bundled model's domain;
- one score space for every map of the set (:class:`SetSpace`; shown scores are always
  probabilities whatever it is);
- what each case is called (:mod:`~dida_view.session.names`: anonymous ids for DICOM and
  vendor files);
- the clinician's reading of each case: the session's own edits first, then the sidecar,
  then the case list's diagnosis; saved through the sidecar store, kept in memory when a
  save fails so that nothing typed is lost;
- whether the model and the reading agree (:func:`~dida_view.session.labels.agreement`).

No Qt, no drawing. Models are opened by the ``open_model`` function given (the viewer opens
them on its worker thread), once per file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dida_view.errors import DidaError
from dida_view.io.reader import load_scan
from dida_view.io.scan import Scan, parse_slices
from dida_view.method.analysis import Settings
from dida_view.session import labels, models, names
from dida_view.session.cases import Case
from dida_view.session.reading import Reading, Readings
from dida_view.session.sidecars import Saved
from dida_view.session.spaces import SetSpace


@dataclass(frozen=True)
class Unit:
    """One B-scan of a case: what one analysis reads. ``index`` is 0-based; ``count`` the
    B-scans of its scan (1 for an image)."""

    case: Case
    index: int = 0
    count: int = 1


class ReadingSession:
    """A set of cases and every decision about how they are read (see the module).

    Parameters
    ----------
    cases
        The cases, in order.
    chosen_model
        The model the user chose (None: each case's own bundled model, else the default).
    settings
        The analysis settings; their ``score_space`` is what the user asked for.
    keep_names
        Name DICOM and vendor files by their file names (``--keep-names``).
    open_model
        ``open_model(path) -> classifier`` (raises :class:`DidaError`); called once per
        model file.
    readings
        The clinician's readings (default: a new :class:`Readings`).
    """

    def __init__(self, cases: Sequence[Case], *, chosen_model: str | Path | None = None,
                 settings: Settings | None = None, keep_names: bool = False,
                 open_model: Callable[[Path], object] | None = None,
                 readings: Readings | None = None) -> None:
        self.cases = tuple(cases)
        self.chosen_model = None if chosen_model is None else Path(chosen_model)
        self.settings = settings or Settings()
        self.keep_names = keep_names
        self._open_model = open_model
        self._classifiers: dict[Path, object] = {}
        self._model_lock = threading.Lock()
        self.readings = readings or Readings()
        self.units: tuple[Unit, ...] = tuple(Unit(c) for c in self.cases)
        self._new_space()

    def _new_space(self) -> None:
        self.space = SetSpace(self.settings.score_space, self.classifiers, self._space_units,
                              lambda: len(self.units))

    def choose_model(self, path: str | Path | None) -> None:
        """The user chose a model for every case (None: each case's own again); the set's
        space is resolved anew."""
        self.chosen_model = None if path is None else Path(path)
        self._new_space()

    def use_settings(self, settings: Settings) -> None:
        """New analysis settings; the set's space is resolved anew when what ``d``
        depends on changed."""
        old, self.settings = self.settings, settings
        if old.work() != settings.work():
            self._new_space()

    # -- which model ---------------------------------------------------------------------
    def model_path(self, case: Case) -> Path | None:
        """The model file that reads ``case``."""
        return models.model_for_case(case.path, self.chosen_model)

    def model_paths(self) -> list[Path]:
        """Every model file of the set, in the order the cases need them."""
        out: list[Path] = []
        for case in self.cases:
            p = self.model_path(case)
            if p is not None and p not in out:
                out.append(p)
        return out

    def classifier(self, case: Case):
        """The model that reads ``case``, opened once (raises :class:`DidaError`)."""
        path = self.model_path(case)
        if path is None:
            raise DidaError("no model: give --model M.onnx (no bundled model is installed)")
        return self.open(path)

    def open(self, path: Path):
        """Model file ``path``, opened once for the session."""
        with self._model_lock:
            clf = self._classifiers.get(path)
            if clf is None:
                if self._open_model is None:
                    raise DidaError(f"{path}: no way to open models in this session")
                clf = self._classifiers[path] = self._open_model(path)
            return clf

    def classifiers(self) -> list:
        """Every model of the set that opens (one that does not is reported per case)."""
        out = []
        for p in self.model_paths():
            try:
                out.append(self.open(p))
            except DidaError:
                continue
        return out

    def domain_note(self, case: Case) -> models.DomainNote | None:
        """The note when a bundled model reads a case of another (or unknown) domain."""
        return models.domain_note(self.model_path(case), case.path)

    # -- units and the set's space ---------------------------------------------------------
    def expand_slices(self, spec: str | None, scans: dict[Path, Scan] | None = None
                      ) -> tuple[list[Unit], list[str]]:
        """One unit per B-scan ``spec`` chooses (``None``: the centre one) of every case;
        sets :attr:`units`. ``scans``: the cases' scans already open (only those cases are
        expanded). Returns the units and one problem line per case that cannot be opened or
        has no such B-scan (those cases have no unit)."""
        units, problems = [], []
        for case in self.cases:
            if scans is not None and case.path not in scans:
                continue  # its scan could not be opened: reported already
            try:
                scan = scans[case.path] if scans is not None else self.scan(case)
                if not scan.is_volume:
                    indices = [0]
                else:
                    indices = parse_slices(spec or "center", len(scan))
            except DidaError as exc:  # its message names the file (stderr, not an export)
                problems.append(str(exc) if str(case.path) in str(exc) else
                                f"{case.path}: {exc}")
                continue
            units += [Unit(case, i, len(scan)) for i in indices]
        self.units = tuple(units)
        return units, problems

    def scan(self, case: Case) -> Scan:
        """The case's scan (its pixels are read when asked for)."""
        return load_scan(case.path)

    def _space_units(self):
        for unit in self.units:
            try:
                clf = self.classifier(unit.case)
                scan = self.scan(unit.case)
                image = scan.image(unit.index if unit.count > 1 else None)
            except (DidaError, OSError, MemoryError):
                continue
            yield self.unit_id(scan, unit), clf, np.asarray(image)

    def settings_for_set(self) -> Settings:
        """The analysis settings with the set's one score space (resolved now if needed)."""
        return self.space.settings(self.settings)

    # -- names --------------------------------------------------------------------------
    def case_id(self, scan: Scan) -> str:
        """The case's id in exports, JSON and file names."""
        return names.case_id(scan, self.keep_names)

    def unit_id(self, scan: Scan, unit: Unit) -> str:
        """The B-scan's id: the case id, with ``_s007`` for B-scan 7 of a volume."""
        return names.bscan_id(self.case_id(scan), unit.index, len(scan))

    def display_name(self, scan: Scan) -> str:
        """How the case is named on screen: its file name, or its anonymous id."""
        return names.display_name(scan, self.keep_names)

    def public_path(self, scan: Scan) -> str:
        """How the case is named on stdout and in JSON: the path as given for a plain
        image, the anonymous case id for a DICOM or vendor file."""
        return str(scan.path) if names.shows_file_name(scan, self.keep_names) else \
            self.case_id(scan)

    # -- readings -------------------------------------------------------------------------
    def reading(self, case: Case) -> Reading:
        """The case's reading (:meth:`Readings.reading`)."""
        return self.readings.reading(case)

    def edit_reading(self, case: Case, reading: Reading) -> None:
        """The clinician changed the reading (:meth:`Readings.edit`)."""
        self.readings.edit(case.path, reading)

    def save_reading(self, case: Case) -> tuple[Reading, Saved] | None:
        """Save the case's edited reading (:meth:`Readings.save`)."""
        return self.readings.save(case.path)

    def unsaved(self) -> list[Case]:
        """The cases whose edited reading is not saved yet (or failed to save)."""
        return [c for c in self.cases if self.readings.is_unsaved(c.path)] + [
            Case(p) for p in self.readings.unsaved() if all(c.path != p for c in self.cases)]

    def agreement(self, case: Case, top_label: str | None) -> str:
        """Whether the model's top class and the case's reading agree (one rule)."""
        return labels.agreement(top_label, self.reading(case).diagnosis)

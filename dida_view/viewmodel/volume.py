"""The scan on screen and its B-scans, as one Qt-free object: :class:`VolumeModel`.

The :class:`~dida_view.viewmodel.viewer.ViewerModel` shows one picture (``model.image``);
this holds the scan it came from (:func:`~dida_view.io.reader.load_scan`): which B-scan
is shown, what each analysed B-scan contributes to the volume evidence map (its small
depth-summed profile and its scores, not the whole result), and whether the user asked
to see the patient identifiers (off for every new scan; never saved).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from dida_view.io.scan import Scan
from dida_view.method.dida import DidaResult
from dida_view.render import enface
from dida_view.session import names
from dida_view.viewmodel.events import Event


class VolumeModel:
    """The scan, the current B-scan and the per-B-scan results; changes emit events.

    Events (plain callbacks, :class:`~dida_view.viewmodel.events.Event`): ``scan`` (a new
    scan or none), ``index`` (another B-scan), ``results`` (a B-scan's result came in or
    the results were dropped), ``identifiers`` (shown or hidden).
    """

    def __init__(self) -> None:
        self.scan_event, self.index_event = Event("scan"), Event("index")
        self.results_event, self.identifiers_event = Event("results"), Event("identifiers")
        self.scan: Scan | None = None
        self.index = 0
        self.results: dict[int, DidaResult] = {}  # shown again at once on a revisit
        self.profiles: dict[int, np.ndarray] = {}
        self.scores: dict[int, np.ndarray] = {}
        self.labels: tuple[str, ...] = ()
        self.space = "score"
        self.show_identifiers = False
        self.keep_names = False  # name DICOM and vendor files by their file names
        self._emap: Any = None

    # -- the scan -----------------------------------------------------------------------
    def set_scan(self, scan: Scan | None, index: int | None = None) -> None:
        """A new scan (its centre B-scan unless ``index``); results and the identifiers'
        display are dropped."""
        self.scan = scan
        self.index = 0 if scan is None else (scan.centre if index is None else int(index))
        self.show_identifiers = False
        self._drop()
        self.scan_event.emit(scan)
        self.identifiers_event.emit(False)

    def count(self) -> int:
        """Number of B-scans (0 without a scan)."""
        return 0 if self.scan is None else len(self.scan)

    def is_volume(self) -> bool:
        """A scan of more than one B-scan is open."""
        return self.count() > 1

    def go_to(self, index: int) -> bool:
        """Show B-scan ``index`` (clamped); True when it changed."""
        if self.scan is None:
            return False
        index = min(max(int(index), 0), len(self.scan) - 1)
        if index == self.index:
            return False
        self.index = index
        self.index_event.emit(index)
        return True

    def image(self) -> np.ndarray:
        """The current B-scan's pixels."""
        assert self.scan is not None
        return self.scan.image(self.index)

    def case_id(self) -> str:
        """The scan's anonymous case id, as every export names it
        (:func:`dida_view.session.names.case_id`); ``"dida"`` without a scan."""
        return names.case_id(self.scan, self.keep_names) if self.scan is not None else "dida"

    def stem(self) -> str:
        """The file stem of the B-scan on screen, as the CLI names it: the case id, with
        ``_s007`` for B-scan 7 of a volume."""
        return names.bscan_id(self.case_id(), self.index, self.count())

    def anonymous_name(self) -> bool:
        """Whether the file's own name may be shown on screen (not for DICOM or vendor
        files, whose names often carry a patient's name or UID)."""
        return names.shows_file_name(self.scan, self.keep_names)

    def display_name(self) -> str:
        """The scan as the window names it: its file name, or its anonymous case id."""
        return "" if self.scan is None else names.display_name(self.scan, self.keep_names)

    def set_show_identifiers(self, on: bool) -> None:
        """View > Show Patient Identifiers."""
        if bool(on) != self.show_identifiers:
            self.show_identifiers = bool(on)
            self.identifiers_event.emit(self.show_identifiers)

    def identifier_text(self) -> str:
        """The patient identifiers as one line, only when the user asked for them."""
        if not self.show_identifiers or self.scan is None:
            return ""
        return "   ".join(f"{k}: {v}" for k, v in self.scan.identifiers().items())

    # -- per-B-scan results ---------------------------------------------------------------
    def _drop(self) -> None:
        self.results, self.profiles, self.scores = {}, {}, {}
        self.labels, self._emap = (), None

    def clear_results(self) -> None:
        """Forget every B-scan's result (a new model or new settings)."""
        if self.profiles:
            self._drop()
            self.results_event.emit(None)

    def reweight(self, weights: np.ndarray) -> None:
        """New blend weights: the profiles are made again from the kept results (no run)."""
        if not self.results or self.scan is None:
            return
        for i, res in self.results.items():
            if len(weights) == len(res.grid_sizes):
                res = replace(res, weights=weights)
            self.profiles[i] = enface.bscan_profile(res, self.scan.image(i).shape[:2])
        self._emap = None
        self.results_event.emit(None)

    def add_result(self, index: int, result: DidaResult) -> None:
        """B-scan ``index`` is analysed: keep its profile and probabilities for the map.

        A result of other labels or another score space than those kept drops them: the
        map never mixes two models or two units."""
        if self.scan is None or not result.complete or not 0 <= index < len(self.scan):
            return
        if self.labels and (tuple(result.labels) != self.labels or
                            result.score_space != self.space):
            self._drop()
        self.labels, self.space = tuple(result.labels), result.score_space
        self.results[index] = result
        self.profiles[index] = enface.bscan_profile(result, self.scan.image(index).shape[:2])
        probs = result.probabilities if result.probabilities is not None else result.scores
        self.scores[index] = np.asarray(probs, dtype=np.float64)
        self._emap = None
        self.results_event.emit(index)

    def domain_counts(self) -> tuple[int, int]:
        """(B-scans analysed with a domain check, those the check found atypical)."""
        checked = [r.domain for r in self.results.values() if r.domain is not None]
        return len(checked), sum(1 for d in checked if not d.typical)

    def missing(self) -> list[int]:
        """The B-scans not analysed yet, from the current one outwards."""
        n, c = self.count(), self.index
        order = sorted(range(n), key=lambda i: (abs(i - c), i))
        return [i for i in order if i not in self.profiles]

    def all_done(self) -> bool:
        """Every B-scan of a volume is analysed."""
        return self.is_volume() and not self.missing()

    def evidence_map(self):
        """The volume evidence map (:func:`~dida_view.render.enface.evidence_map`), once
        every B-scan is analysed; else None."""
        if not self.all_done():
            return None
        if self._emap is None:
            order = sorted(self.profiles)
            self._emap = enface.evidence_map(
                [self.profiles[i] for i in order], np.stack([self.scores[i] for i in order]),
                self.labels, order, score_space=[self.results[i].score_space for i in order])
        return self._emap

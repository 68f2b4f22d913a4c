"""The audit's driver: the only writer of the output folder.

:class:`AuditRun` takes the set's units (from the reading session, one model and one score
space for the set, resolved before any case is farmed out), leaves out those the ledger
already has with the same fingerprints (:meth:`AuditRun.plan`), hands the rest to an
executor and, as each outcome streams back, writes its result file and then its ledger line
(:meth:`AuditRun.execute`); the reading and the agreement come from the session. Last,
:meth:`AuditRun.finish` writes ``summary.json`` and ``audit.html`` from the ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dida_view.audit import results as stored
from dida_view.audit.ledger import FAILED, OK, Ledger
from dida_view.audit.summary import highest_shortcuts, strongest_disagreements, summarise
from dida_view.audit.worker import Task, model_fingerprint, settings_fingerprint
from dida_view.errors import DidaError
from dida_view.session.reading import now_stamp

COPIES_NOTE = ("{n} scans are copies of others (the same anonymous case id); each case is "
               "audited once")
SKIPPED_NOTE = "{n} of {total} cases already in {file} with this model and these settings: skipped"
LEDGER, SUMMARY, HTML = "cases.jsonl", "summary.json", "audit.html"


@dataclass
class Plan:
    """The set's units by id, in order, and which of them this run analyses."""

    units: dict[str, object] = field(default_factory=dict)  # unit id -> Unit
    scans: dict = field(default_factory=dict)  # unit id -> Scan
    todo: list[str] = field(default_factory=list)
    skipped: int = 0
    copies: int = 0


class AuditRun:
    """One audit of a set into ``out_dir`` (see the module). ``note(text)`` and
    ``error(text)`` say things to the user (the command line prints them)."""

    def __init__(self, session, out_dir: str | Path, *, model_path: Path, classifier, settings,
                 note: Callable[[str], None] = print, error: Callable[[str], None] = print,
                 lang: str = "en") -> None:
        self.session, self.out_dir, self.lang = session, Path(out_dir), lang
        self.model_path, self.classifier, self.settings = Path(model_path), classifier, settings
        self.note, self.error = note, error
        self.model_fp = model_fingerprint(classifier)
        self.settings_fp = settings_fingerprint(classifier, settings)
        self.ledger = Ledger(self.out_dir / LEDGER)
        self.results = stored.folder_of(self.out_dir, self.model_fp, self.settings_fp)
        self.computed = self.failed = 0

    # -- which units ---------------------------------------------------------------------
    def plan(self, units, scans) -> Plan:
        """The set's units by id (copies of one scan once; with ``keep_names``, two scans of
        one file name apart as ``name-2``) and those the ledger does not have yet."""
        plan = Plan()
        for unit in units:
            scan = scans[unit.case.path]
            uid = self.session.unit_id(scan, unit)
            if uid in plan.units:
                if not self.session.keep_names:
                    plan.copies += 1
                    continue
                n = 2
                while f"{uid}-{n}" in plan.units:
                    n += 1
                uid = f"{uid}-{n}"
            plan.units[uid], plan.scans[uid] = unit, scan
        if plan.copies:
            self.note(COPIES_NOTE.format(n=plan.copies))
        loaded = self.ledger.load()
        if loaded.bad_lines:
            self.note(f"{LEDGER}: {loaded.bad_lines} lines that are not records were passed "
                      "over")
        done = Ledger.done(loaded.records, self.model_fp, self.settings_fp)
        for uid in plan.units:
            if uid in done and stored.result_path(self.results, uid).is_file():
                plan.skipped += 1
            else:
                plan.todo.append(uid)
        if plan.skipped:
            self.note(SKIPPED_NOTE.format(n=plan.skipped, total=len(plan.units), file=LEDGER))
        return plan

    def task(self, plan: Plan, uid: str) -> Task:
        unit = plan.units[uid]
        # absolute: a Ray worker's working folder is not the driver's
        return Task(uid, str(Path(unit.case.path).absolute()), unit.index, unit.count,
                    self.settings)

    # -- running -------------------------------------------------------------------------
    def execute(self, plan: Plan, executor, progress: Callable[[int, int], None] | None = None
                ) -> None:
        """Run the plan's units on ``executor``, writing each outcome as it arrives.

        Raises
        ------
        DidaError
            A worker cannot work (another model file at the path on a node, Ray failing).
        OSError
            The output folder cannot be written.
        """
        cut = self.ledger.open()
        if cut:
            self.note(cut)
        total = len(plan.todo)
        try:
            if progress is not None:
                progress(0, total)
            for i, outcome in enumerate(executor.run(self.task(plan, u) for u in plan.todo), 1):
                if outcome.fatal:
                    raise DidaError(outcome.fatal)
                self.write(plan, outcome, executor.name)
                if progress is not None:
                    progress(i, total)
        finally:
            self.ledger.close()

    def write(self, plan: Plan, outcome, executor_name: str) -> dict:
        """Write one outcome: its result file first, then its ledger line."""
        unit, scan = plan.units[outcome.unit_id], plan.scans[outcome.unit_id]
        rel = None
        if outcome.error is None:
            path = stored.write_result(self.results, outcome.unit_id, outcome.arrays)
            rel = path.relative_to(self.out_dir).as_posix()
            self.computed += 1
        else:
            self.failed += 1
            name = self.session.public_path(scan)  # the user's own screen: analyze's words
            item = f"{name} [B-scan {unit.index + 1}/{len(scan)}]" if scan.is_volume else name
            self.error(f"{item}: {outcome.error}")
        record = self.record(plan, outcome, rel, executor_name)
        self.ledger.append(record)
        return record

    def record(self, plan: Plan, outcome, rel: str | None, executor_name: str) -> dict:
        """The unit's ledger line (README, "Cohort audit")."""
        unit = plan.units[outcome.unit_id]
        reading = self.session.reading(unit.case).diagnosis or None
        analysed = dict(outcome.record)
        rec = {"case": outcome.unit_id,
               "slice": unit.index + 1 if unit.count > 1 else None, "slices": unit.count,
               "status": OK if outcome.error is None else FAILED}
        if outcome.error is None:
            rec.update({k: analysed.pop(k) for k in ("top", "top_probability", "runner_up",
                                                     "close_call", "probabilities")})
            rec["reading"] = reading
            rec["agreement"] = self.session.agreement(unit.case, rec["top"])
        else:
            rec.update(error=outcome.error, reading=reading, agreement=None)
        note = self.session.domain_note(unit.case)
        rec.update(analysed)
        rec.update({"domain_note": note.text if note is not None else None,
                    "model": self.model_path.name, "model_fingerprint": self.model_fp,
                    "settings_fingerprint": self.settings_fp, "executor": executor_name,
                    "result": rel, "written": now_stamp()})
        return rec

    # -- the summary -----------------------------------------------------------------------
    def current(self, plan: Plan) -> tuple[list[dict], int]:
        """The set's ``ok`` records, in the set's order, with the reading and agreement as
        the session gives them now; and how many of its units failed."""
        latest = Ledger.latest(self.ledger.load().records, self.model_fp, self.settings_fp)
        records, failed = [], 0
        for uid, unit in plan.units.items():
            rec = latest.get(uid)
            if rec is None:
                continue
            if rec.get("status") != OK:
                failed += 1
                continue
            rec = dict(rec)
            rec["reading"] = self.session.reading(unit.case).diagnosis or None
            rec["agreement"] = self.session.agreement(unit.case, rec.get("top"))
            records.append(rec)
        return records, failed

    def finish(self, plan: Plan, *, unreadable: int, executor: str, seconds: float,
               html: bool = True) -> dict:
        """Write ``summary.json`` (and ``audit.html``) from the ledger; returns the summary.

        Raises
        ------
        OSError
            A file cannot be written.
        """
        from dida_view.render.export import atomic_file

        records, failed = self.current(plan)
        labels = list(self.classifier.labels)
        space = self.session.space.known
        extra = {
            "unreadable": unreadable,
            "model": {"file": self.model_path.name, "fingerprint": self.model_fp,
                      "labels": labels},
            "settings": {"fingerprint": self.settings_fp,
                         "grids": list(self.settings.grid_sizes),
                         "mask": self.settings.mask_fill,
                         "grid_geometry": self.settings.grid_geometry,
                         "score_space": self.settings.score_space,
                         "score_space_note": space.note if space is not None else None},
            "executor": executor,
            "seconds": round(seconds, 1),
            "written": now_stamp(),
        }
        summary = summarise(records, labels, units=len(plan.units) + unreadable,
                            failed=failed + unreadable, skipped=plan.skipped,
                            computed=self.computed, extra=extra)
        with atomic_file(self.out_dir / SUMMARY) as tmp:
            tmp.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        if html:
            self.write_html(plan, records, summary)
        return summary

    def write_html(self, plan: Plan, records: list[dict], summary: dict) -> None:
        """``audit.html``: the charts (Qt's painter), the mean Mixed Images and the listed
        cases' figures (from the stored results and the scans, read again)."""
        from dida_view.audit import page as audit_html
        from dida_view.render.export import atomic_file
        from dida_view.report import charts
        from dida_view.report.html import ModelCard

        means = stored.MeanMaps()
        for rec in records:
            found = stored.read_result(self.results, rec["case"])
            if found is not None:
                means.add(*found)
        listed = strongest_disagreements(records) + highest_shortcuts(records)
        figures = {}
        for rec in listed:
            if rec["case"] not in figures:
                figures[rec["case"]] = self.figure(plan, rec)
        pictures, note = audit_html.mean_pictures(means.means(self.classifier.labels),
                                                  self.settings.score_space, self.lang)
        pictures = audit_html.Pictures(
            confusion=charts.confusion_png(summary["confusion"], self.lang),
            histograms=charts.histograms_png(summary["evidence"], self.lang),
            means=pictures, means_note=note, figures=figures)
        card = ModelCard.from_classifier(self.classifier, self.model_path)
        with atomic_file(self.out_dir / HTML) as tmp, open(tmp, "w", encoding="utf-8") as f:
            audit_html.write_audit_html(f, summary, records, pictures, card, self.lang)

    def figure(self, plan: Plan, rec: dict) -> bytes | None:
        """The figure of a listed case (JPEG), or None when its scan or result cannot be
        read any more."""
        from dida_view.audit import page as audit_html
        from dida_view.render.figure import model_line
        from dida_view.session.models import trained_on

        unit, scan = plan.units.get(rec["case"]), plan.scans.get(rec["case"])
        found = stored.read_result(self.results, rec["case"])
        if unit is None or found is None:
            return None
        result = found[0]
        try:
            image = scan.slices[unit.index]
        except (DidaError, OSError, MemoryError):
            return None
        line = model_line(self.model_path, trained_on(
            self.model_path, getattr(self.classifier, "metadata", None)))
        return audit_html.case_figure(image, result, rec.get("reading"), line, self.lang)

"""``dida-view analyze``, one case at a time: the analysis of each chosen B-scan, its files,
its line on stdout (or JSON record), and a volume's evidence map.

:class:`AnalyzeRun` holds what the whole batch shares: the arguments, the reading session
(models, the set's score space, names, readings), the output folder and its names, the
result cache and the batch-size tuners, and the B-scans each case's domain check (the
result's, issue 18) found atypical.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP, render
from dida_view.catalogue.terms import term
from dida_view.cli.common import ProgressBar
from dida_view.cli.messages import WARNING_ITEM, error, load_with_c_messages_as_notes, note
from dida_view.errors import DidaError, SettingsError
from dida_view.io.limits import reduce_for_display
from dida_view.method import analysis
from dida_view.method.batching import BatchTuner
from dida_view.method.cache import ResultCache, default_cache_dir
from dida_view.model.domain import VOLUME_NOTE
from dida_view.render import enface, export, figure
from dida_view.render.maps import View
from dida_view.render.scoretext import FLAGS, result_flags, shown_score, word
from dida_view.session.labels import agreement
from dida_view.session.models import model_line

CENTRE_ONLY = QT_TRANSLATE_NOOP(
    "Analyze", "a volume of {n} B-scans; analysing the centre one, {centre} (--slices "
    "all|center|3,7,9 for others)")


class AnalyzeRun:
    """The batch's shared state (see the module)."""

    def __init__(self, args, session, out_dir: Path) -> None:
        self.args, self.session, self.out_dir = args, session, out_dir
        self.view = View(gain=args.gain, opacity=args.opacity)
        self.cache = None if args.no_cache else ResultCache(default_cache_dir())
        self.names = export.OutputNames()
        self.tuners: dict[str, BatchTuner] = {}  # per model: one batch size found serves all
        self.engine_notes: set[str | None] = set()
        self.settings = None
        self.space = None
        self.stems: dict[tuple, str] = {}
        self.atypical: dict[object, list[int]] = {}  # per case: [B-scans checked, atypical]

    def reserve(self, units, scans) -> None:
        """Claim the file stems of every output of the run before any is written, and
        keep them until the run ends: a run writing into the same folder meanwhile gets
        other names, so every record points to files of its own run."""
        whole = bool(self.args.slices) and self.args.slices.strip().lower() == "all"
        for unit in units:
            scan = scans[unit.case.path]
            self.stems[(unit.case.path, unit.index)] = self.names.claim(
                self.out_dir, self.session.unit_id(scan, unit))
            key = (scan.path, "evidence")
            if whole and scan.is_volume and key not in self.stems:
                self.stems[key] = self.names.claim(
                    self.out_dir, f"{self.session.case_id(scan)}_evidence")

    def announce_space(self) -> None:
        """Resolve the set's one score space (``auto``: one unmasked inference per B-scan,
        until one saturates) and say so when it had to switch."""
        self.space = self.session.space.resolve()
        self.settings = self.session.settings_for_set()
        if self.space.note and self.space.units > 1 and not self.args.json:
            note(self.space.note)  # one scan: with its result

    def tuner(self, classifier) -> BatchTuner:
        return self.tuners.setdefault(getattr(classifier, "fingerprint", "") or
                                      str(id(classifier)), BatchTuner())

    def count_domain(self, case, result) -> None:
        """Count a B-scan's domain check (the result's) for its case."""
        if result.domain is not None:
            seen = self.atypical.setdefault(case.path, [0, 0])
            seen[0] += 1
            seen[1] += 0 if result.domain.typical else 1


def shown_classes(names: list[str], classifier, model_path) -> list[int]:
    """The indices of ``--class`` names (raises :class:`DidaError` naming a missing one)."""
    missing = [c for c in names if c not in classifier.labels]
    if missing:
        raise DidaError(f"{model_path}: no class named {missing[0]!r} "
                        f"(classes: {', '.join(classifier.labels)})")
    return [list(classifier.labels).index(c) for c in names]


def analyze_case(run: AnalyzeRun, scan, units) -> bool:
    """Analyse the chosen B-scans of one case; False when any failed (each failure has
    been reported as one ``error:`` line)."""
    session, args = run.session, run.args
    case = units[0].case
    name = session.public_path(scan)
    WARNING_ITEM[0] = name
    if not args.json:
        for text in scan.notes:
            note(text, name)
        if scan.is_volume and not args.slices:
            note(CENTRE_ONLY.note(n=len(scan), centre=scan.centre + 1), name)
        mismatch = session.domain_note(case)
        if mismatch is not None:
            note(mismatch.text, name)
    whole = scan.is_volume and bool(args.slices) and args.slices.strip().lower() == "all"
    ok, done = True, []
    for unit in units:
        if scan.is_volume:
            WARNING_ITEM[0] = f"{name} [B-scan {unit.index + 1}]"
        result = analyze_unit(run, scan, unit)
        ok = ok and result is not None
        if result is not None:
            done.append(result)
    WARNING_ITEM[0] = name
    if whole and ok and not write_evidence_map(run, scan, case, done):
        ok = False
    WARNING_ITEM[0] = ""
    return ok


def analyze_unit(run: AnalyzeRun, scan, unit):
    """Analyse one B-scan and write its outputs: the result, or None on a failure, which
    has been reported as one ``error:`` line."""
    session, args = run.session, run.args
    case = unit.case
    name = session.public_path(scan)
    item = f"{name} [B-scan {unit.index + 1}/{len(scan)}]" if scan.is_volume else name
    bar = ProgressBar(item)
    try:
        classifier = session.classifier(case)
        shown = shown_classes(args.classes, classifier, session.model_path(case)) \
            if args.classes else None
        image = load_with_c_messages_as_notes(lambda _n: scan.slices[unit.index],
                                              str(case.path))
        t0 = time.perf_counter()
        result = analysis.analyze(classifier, image, run.settings, progress=bar, cache=run.cache,
                         tuner=run.tuner(classifier))
        took = time.perf_counter() - t0
        bar.close()
        run.count_domain(case, result)
        image = reduce_for_display(image)  # the figures' size; a huge original is let go
        classes = shown or result.top(min(args.top, len(result.labels)))
        reading = session.reading(case)
        diagnosis = args.diagnosis or reading.diagnosis or None
        stem = run.stems[(case.path, unit.index)]
        outputs = write_outputs(run, image, result, classes, diagnosis, stem,
                                session.model_path(case))
    except SettingsError as exc:  # e.g. a grid finer than this image's content
        bar.close()
        error(f"{item}: {exc}")
        return None
    except DidaError as exc:  # image errors name their file; model errors the model
        bar.close()
        named = str(exc).startswith((str(name), str(scan.path))) and not scan.is_volume
        error(str(exc) if named else f"{item}: {exc}")
        return None
    except MemoryError:
        bar.close()
        error(f"{item}: not enough memory to analyse it")
        return None
    except OSError as exc:
        bar.close()
        error(f"{exc.filename or args.out}: cannot write ({exc.strerror})")
        return None
    report(run, scan, unit, result, classes, diagnosis, took, outputs)
    return result


def model_words(model_path, classifier) -> str:
    """The line every picture ends with: which model, trained on what, not for diagnosis
    (a catalogue message, rendered in the run's language)."""
    return model_line(model_path, getattr(classifier, "metadata", None))


def write_outputs(run: AnalyzeRun, image, result, classes, diagnosis, stem: str,
                  model_path) -> list[Path]:
    """The figure, one panel per class and the npz, as ``<stem>_...`` in the output folder;
    every picture names the model and says it is not for diagnosis."""
    out_dir = run.out_dir
    line = model_words(model_path, run.session.open(model_path))
    lang = run.args.lang
    panels, scale = figure.figure_panels(image, result, classes, diagnosis=diagnosis,
                                         view=run.view, lang=lang)
    fig = figure.assemble_figure(panels, result, scale, gain=run.view.gain, model=line,
                                 lang=lang)
    outputs = [export.save_png(fig, out_dir / f"{stem}_dida.png")]
    slugs = export.class_slugs([result.labels[k] for k in classes])
    for slug, panel in zip(slugs, panels[1:], strict=True):
        outputs.append(export.save_png(figure.with_model_line(panel, line, lang),
                                       out_dir / f"{stem}_{slug}.png"))
    outputs.append(export.save_npz(result, out_dir / f"{stem}_dida.npz", str(model_path)))
    return outputs


def report(run: AnalyzeRun, scan, unit, result, classes, diagnosis, took, outputs) -> None:
    """One line per result: the JSON record (``--json``) or a summary on stdout. A scan
    the domain check finds atypical gets a note in both modes (it is a warning)."""
    args, session = run.args, run.session
    name = session.public_path(scan)
    domain = result.domain
    if domain is not None and not domain.typical:
        note(domain.note, f"{name} [B-scan {unit.index + 1}]" if scan.is_volume else name)
    own = run.space.note if run.space is not None and run.space.units <= 1 else None
    for text in (own, *result.notes):
        if text and not args.json:
            note(text, name)
    engine_note = result.meta.get("engine_note")  # why full inference ran: said once a run
    if engine_note and engine_note not in run.engine_notes and not args.json:
        note(engine_note)
    run.engine_notes.add(engine_note)
    if args.json:
        record = json_record(run, scan, unit, result, classes, diagnosis, took, outputs)
        print(json.dumps(record), flush=True)
        return
    top = ", ".join(f"{term(result.labels[k], args.lang)} {shown_score(result, k)}"
                    for k in result.top(min(args.top, len(result.labels))))
    flags = result_flags(result)
    if flags.close:
        top += f" ({render(word(FLAGS, flags.flag(flags.leader)), args.lang)})"
    if result.from_cache:
        how = (f"from cache in {took:.2f} s; computed earlier with "
               f"{result.evaluations} evaluations in {result.seconds:.1f} s")
    else:
        how = f"{result.evaluations} evaluations, {result.seconds:.1f} s"
    where = f" B-scan {unit.index + 1}/{len(scan)}" if scan.is_volume else ""
    print(f"{name}{where}: {top} ({how}) -> {outputs[0]}")


def json_record(run: AnalyzeRun, scan, unit, result, classes, diagnosis, took,
                outputs) -> dict:
    """One B-scan's line of ``--json`` (README, "Command line"): ``scores`` in the set's
    ``score_space`` (the maps' unit), ``probabilities`` always, and ``top`` in
    probabilities; ``seconds`` and ``evaluations`` are what this call took, and a result
    from the cache gives its original run under ``cached_run``. ``image`` is the file as
    given for a plain image and the anonymous case id for a DICOM or vendor file."""
    session, args = run.session, run.args
    case = unit.case
    labels = result.labels
    probs = np.asarray(result.probabilities if result.probabilities is not None
                       else [np.nan] * len(labels), dtype=np.float64)
    set_note = run.space.note if run.space is not None else None
    top_label = labels[result.top(1)[0]] if labels else None
    mismatch = session.domain_note(case)
    flags = result_flags(result)
    return {
        "image": session.public_path(scan),
        "case": session.case_id(scan),
        "slice": unit.index + 1 if scan.is_volume else None,
        "slices": len(scan),
        "model": str(session.model_path(case)),
        "labels": labels,
        "score_space": result.score_space,
        "score_space_requested": session.settings.score_space,
        "scores": {lab: float(s) for lab, s in zip(labels, result.scores, strict=True)},
        "probabilities": {lab: float(p) for lab, p in zip(labels, probs, strict=True)},
        "top": [{"label": labels[k], "probability": float(probs[k])}
                for k in result.top(min(args.top, len(labels)))],
        "close_call": bool(flags.close),
        "shown": [labels[k] for k in classes],
        "saturated": [labels[k] for k in result.saturated],
        "diagnosis": diagnosis,
        "agreement": agreement(top_label, diagnosis),
        "grids": list(result.grid_sizes),
        "grid_geometry": result.grid_geometry,
        "grid_cells": [list(result.cell_shape(n)) for n in result.grid_sizes],
        "grid_box": [result.grid_box.y0, result.grid_box.y1, result.grid_box.x0,
                     result.grid_box.x1],
        "weights": [float(w) for w in result.weights],
        "note": "; ".join(n for n in (set_note, result.note) if n) or None,
        "notes": [*scan.notes, *(n for n in (set_note, result.note) if n),
                  *([result.domain.note] if result.domain and result.domain.note else [])],
        "domain_note": mismatch.text if mismatch is not None else None,
        "domain_check": result.domain.to_json() if result.domain is not None else None,
        "mask": result.mask_fill,
        "from_cache": result.from_cache,
        "seconds": round(took, 3),
        "evaluations": 0 if result.from_cache else result.evaluations,
        "cached_run": {"seconds": round(result.seconds, 3), "evaluations": result.evaluations,
                       "engine": result.meta.get("engine")} if result.from_cache else None,
        "engine": None if result.from_cache else result.meta.get("engine"),
        "engine_note": None if result.from_cache else result.meta.get("engine_note"),
        "batch_size": result.meta.get("batch_size"),
        "device": session.classifier(case).info.providers[0],
        "outputs": [str(p) for p in outputs],
    }


def write_evidence_map(run: AnalyzeRun, scan, case, results) -> bool:
    """``<case>_evidence.png`` and ``.npz``: the volume evidence map (all B-scans done)."""
    session = run.session
    name = session.public_path(scan)
    try:
        profiles = [enface.bscan_profile(r) for r in results]
        probs = np.stack([r.probabilities for r in results])
        emap = enface.evidence_map(profiles, probs, results[0].labels,
                                   score_space=[r.score_space for r in results])
        model = session.model_path(case)
        picture = enface.evidence_figure(emap, scan.localizer, gain=run.view.gain,
                                         model=model_words(model, session.open(model)),
                                         lang=run.args.lang)
        stem = run.stems[(scan.path, "evidence")]
        png = export.save_png(picture, run.out_dir / f"{stem}.png")
        npz = export.save_arrays(enface.npz_arrays(emap, scan.localizer),
                                 run.out_dir / f"{stem}.npz")
    except DidaError as exc:
        error(f"{name}: evidence map: {exc}")
        return False
    except OSError as exc:
        error(f"{exc.filename or run.args.out}: cannot write ({exc.strerror})")
        return False
    where = "over the localizer" if scan.localizer is not None else "B-scans stacked"
    checked, atypical = run.atypical.get(case.path, (0, 0))
    if atypical:
        note(VOLUME_NOTE.note(atypical=atypical, total=checked), name)
    if run.args.json:
        print(json.dumps({"image": name, "case": session.case_id(scan), "evidence_map": {
            "label": emap.label, "slices": len(profiles), "drawn": where,
            "score_space": emap.score_space, "outputs": [str(png), str(npz)],
            "atypical_bscans": atypical if checked else None}}), flush=True)
    else:
        print(f"{name}: evidence map of {emap.label!r} over {len(profiles)} B-scans "
              f"({where}) -> {png}")
    return True

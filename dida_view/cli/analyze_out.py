"""``dida-view analyze``, one result at a time: the analysis of one B-scan, its files,
its line on stdout (or JSON record), and a volume's evidence map.

``run`` is the run's settings and shared state, made once by
:func:`dida_view.cli.run_analyze`: ``args``, ``classifier``, ``settings``, ``cache``,
``tuner``, ``view``, ``shown``, ``out_dir``, ``model_path``, ``batch_note``, ``names``
(the :class:`~dida_view.render.export.OutputNames` of the run) and ``engine_notes`` (the
reasons for full inference already said). The domain check (issue 18) is made on first
use and kept on it as ``domain``, with ``atypical``: per image, [B-scans checked, unlike
the reference].
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from dida_view.cli.common import ProgressBar
from dida_view.cli.messages import error, load_with_c_messages_as_notes


def domain_of(run):
    """The run's domain check (made on first use; None when the model has no reference,
    or when it cannot be made: said once as a note)."""
    from dida_view.errors import DidaError
    from dida_view.model.domain import domain_check

    if not hasattr(run, "domain"):
        run.atypical = {}
        try:
            run.domain = domain_check(run.classifier)
        except DidaError as exc:
            print(f"note: no domain check: {exc}", file=sys.stderr)
            run.domain = None
    return run.domain


def check_domain(run, name: str, image):
    """The domain check of one B-scan of image ``name`` (counted per image for a
    volume's evidence map), or None without a reference."""
    check = domain_of(run)
    if check is None:
        return None
    found = check.check(image)
    seen = run.atypical.setdefault(str(name), [0, 0])
    seen[0] += 1
    seen[1] += 0 if found.typical else 1
    return found


def write_evidence_map(run, scan, name, profiles, scores, labels, space) -> bool:
    """``<case>_evidence.png`` and ``.npz``: the volume evidence map (all B-scans done)."""
    import numpy as np

    from dida_view.errors import DidaError
    from dida_view.model.domain import VOLUME_NOTE
    from dida_view.render import enface, export

    try:
        emap = enface.evidence_map(profiles, np.asarray(scores), labels, score_space=space)
        picture = enface.draw_evidence_map(emap, scan.localizer, gain=run.view.gain)
        stem = run.names.claim(run.out_dir, f"{scan.case_id}_evidence")
        png = export.save_png(picture, run.out_dir / f"{stem}.png")
        npz = run.out_dir / f"{stem}.npz"
        np.savez_compressed(npz, **enface.npz_arrays(emap, scan.localizer))
    except DidaError as exc:
        error(f"{name}: evidence map: {exc}")
        return False
    except OSError as exc:
        error(f"{exc.filename or run.args.out}: cannot write ({exc.strerror})")
        return False
    where = "over the localizer" if scan.localizer is not None else "B-scans stacked"
    checked, atypical = getattr(run, "atypical", {}).get(str(name), (0, 0))
    if atypical:
        print(f"note: {name}: {VOLUME_NOTE.format(atypical=atypical, total=checked)}",
              file=sys.stderr)
    if run.args.json:
        print(json.dumps({"image": str(name), "case": scan.case_id, "evidence_map": {
            "label": emap.label, "slices": len(profiles), "drawn": where,
            "outputs": [str(png), str(npz)],
            "atypical_bscans": atypical if checked else None}}), flush=True)
    else:
        print(f"{name}: evidence map of {emap.label!r} over {len(profiles)} B-scans "
              f"({where}) -> {png}")
    return True


def analyze_slice(run, scan, index: int, name: str):
    """Analyse B-scan ``index`` of ``scan`` and write its outputs: the result, or None on
    a failure, which has been reported as one ``error:`` line."""
    from dida_view.errors import DidaError, SettingsError
    from dida_view.io.limits import reduce_for_display
    from dida_view.method import analysis
    from dida_view.session.reading import load_reading

    args = run.args
    item = f"{name} [B-scan {index + 1}/{len(scan)}]" if scan.is_volume else str(name)
    bar = ProgressBar(Path(name).name)
    try:
        image = load_with_c_messages_as_notes(lambda _n: scan.slices[index], name)
        t0 = time.perf_counter()
        result = analysis.analyze(run.classifier, image, run.settings, progress=bar,
                                  cache=run.cache, tuner=run.tuner)
        took = time.perf_counter() - t0
        domain = check_domain(run, name, image)
        bar.close()
        image = reduce_for_display(image)  # the figures' size; a huge original is let go
        classes = run.shown or result.top(min(args.top, len(result.labels)))
        diagnosis = args.diagnosis or load_reading(scan.path).diagnosis or None
        stem = scan.case_id + (f"_s{index + 1:03d}" if scan.is_volume else "")
        outputs = write_outputs(run, image, result, classes, diagnosis,
                                 run.names.claim(run.out_dir, stem))
    except SettingsError as exc:  # e.g. a grid finer than this image's content
        bar.close()
        error(f"{item}: {exc}")
        return None
    except DidaError as exc:  # image and model errors already name their file
        bar.close()
        error(str(exc) if not scan.is_volume else f"{item}: {exc}")
        return None
    except MemoryError:
        bar.close()
        error(f"{item}: not enough memory to analyse it")
        return None
    except OSError as exc:
        bar.close()
        error(f"{exc.filename or args.out}: cannot write ({exc.strerror})")
        return None
    report(run, scan, index, name, result, classes, diagnosis, took, outputs, domain)
    return result


def write_outputs(run, image, result, classes, diagnosis, stem: str) -> list[Path]:
    """The figure, one panel per class and the npz, as ``<stem>_...`` in the output folder."""
    from dida_view.render import export, figure

    out_dir = run.out_dir
    panels, scale = figure.figure_panels(image, result, classes, diagnosis=diagnosis,
                                         view=run.view)
    fig = figure.assemble_figure(panels, result, scale, gain=run.view.gain)
    outputs = [export.save_png(fig, out_dir / f"{stem}_dida.png")]
    slugs = export.class_slugs([result.labels[k] for k in classes])
    for slug, panel in zip(slugs, panels[1:], strict=True):
        outputs.append(export.save_png(panel, out_dir / f"{stem}_{slug}.png"))
    outputs.append(export.save_npz(result, out_dir / f"{stem}_dida.npz", str(run.model_path)))
    return outputs


def report(run, scan, index, name, result, classes, diagnosis, took, outputs,
           domain=None) -> None:
    """One line per result: the JSON record (``--json``) or a summary on stdout.
    ``domain``: the domain check's answer (``domain_check`` in the JSON), or None."""
    from dida_view.render import figure
    from dida_view.session.domains import domain_note

    args = run.args
    if result.note and not args.json:
        print(f"note: {name}: {result.note}", file=sys.stderr)
    mismatch = domain_note(run.model_path, name)
    if mismatch is not None and not args.json:
        print(f"note: {name}: {mismatch.text}", file=sys.stderr)
    engine_note = result.meta.get("engine_note")  # why full inference ran: said once a run
    if engine_note and engine_note not in run.engine_notes and not args.json:
        print(f"note: {engine_note}", file=sys.stderr)
    run.engine_notes.add(engine_note)
    item = f"{name} [B-scan {index + 1}]" if scan.is_volume else str(name)
    if domain is not None and not domain.typical:  # said in both modes: it is a warning
        print(f"note: {item}: {domain.note}", file=sys.stderr)
    if args.json:
        record = json_record(result, name=name, model=run.model_path, top=args.top,
                              classes=classes, diagnosis=diagnosis, took=took,
                              requested=args.score, batch_note=run.batch_note,
                              device=run.classifier.info.providers[0], outputs=outputs,
                              input_notes=scan.notes)
        record["domain_note"] = mismatch.text if mismatch is not None else None
        record["domain_check"] = domain.to_json() if domain is not None else None
        if domain is not None and not domain.typical:
            record["notes"].append(domain.note)
        record["case"] = scan.case_id
        record["slice"] = index + 1 if scan.is_volume else None
        record["slices"] = len(scan)
        print(json.dumps(record), flush=True)
        return
    top = ", ".join(
        f"{result.labels[k]} {figure.format_score(result.scores[k], result.score_space)}"
        for k in result.top(min(args.top, len(result.labels))))
    if result.from_cache:
        how = (f"from cache in {took:.2f} s; computed earlier with "
               f"{result.evaluations} evaluations in {result.seconds:.1f} s")
    else:
        how = f"{result.evaluations} evaluations, {result.seconds:.1f} s"
    where = f" B-scan {index + 1}/{len(scan)}" if scan.is_volume else ""
    print(f"{name}{where}: {top} ({how}) -> {outputs[0]}")


def json_record(result, *, name, model, top, classes, diagnosis, took, requested,
                 batch_note, device, outputs, input_notes=()) -> dict:
    """One image's line of ``--json``: ``scores`` in ``score_space`` (one space for the
    whole batch), ``probabilities`` always; ``seconds`` and ``evaluations`` are what this
    call took, and a result from the cache gives its original run under ``cached_run``;
    ``engine`` (``full`` or ``incremental``; ``engine_note``: why not incremental) too.
    ``notes``: every note on this image, those on reading it first (windowing, alpha),
    then the batch's and the analysis's (``note`` keeps the last two, as before)."""
    labels = result.labels
    probs = result.probabilities if result.probabilities is not None else [None] * len(labels)
    return {
        "image": str(name),
        "model": str(model),
        "labels": labels,
        "score_space": result.score_space,
        "score_space_requested": requested,
        "scores": {lab: float(s) for lab, s in zip(labels, result.scores, strict=True)},
        "probabilities": {lab: None if p is None else float(p)
                          for lab, p in zip(labels, probs, strict=True)},
        "top": [{"label": labels[k], "score": float(result.scores[k])}
                for k in result.top(min(top, len(labels)))],
        "shown": [labels[k] for k in classes],
        "saturated": [labels[k] for k in result.saturated],
        "diagnosis": diagnosis,
        "grids": list(result.grid_sizes),
        "grid_geometry": result.grid_geometry,
        "grid_cells": [list(result.cell_shape(n)) for n in result.grid_sizes],
        "grid_box": [result.grid_box.y0, result.grid_box.y1, result.grid_box.x0,
                     result.grid_box.x1],
        "weights": [float(w) for w in result.weights],
        "note": "; ".join(n for n in (batch_note, result.note) if n) or None,
        "notes": [*input_notes, *(n for n in (batch_note, result.note) if n)],
        "mask": result.mask_fill,
        "from_cache": result.from_cache,
        "seconds": round(took, 3),
        "evaluations": 0 if result.from_cache else result.evaluations,
        "cached_run": {"seconds": round(result.seconds, 3), "evaluations": result.evaluations,
                       "engine": result.meta.get("engine")} if result.from_cache else None,
        "engine": None if result.from_cache else result.meta.get("engine"),
        "engine_note": None if result.from_cache else result.meta.get("engine_note"),
        "batch_size": result.meta.get("batch_size"),
        "device": device,
        "outputs": [str(p) for p in outputs],
    }

"""``DIR/summary.json``: what the audit found over the cohort, from its records.

The records are the set's ``ok`` lines of the ledger, one per unit, with the reading and
agreement as the reading session gives them now (a reading edited since a line was written
counts as it is now). Agreement is the session's one rule
(:func:`~dida_view.session.labels.agreement`); the confusion matrix puts each read unit in
the row of the model class its reading names (:func:`reading_class`; ``other`` when it
names none) and the column of the model's top class, so its diagonal is the agreeing
units. Accuracy is agree / (agree + disagree): unread units are not counted either way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.session.labels import AGREE, DISAGREE, NOT_READ, same_finding

OTHER = "other"  # the confusion row of readings that name no class of the model
SHARES = ("padding", "bands", "border", "shortcut")
BINS = 10  # histogram bins over 0..1
QUARTER = 0.25  # a share at or above this is counted (a quarter of the evidence)
LISTED = 20  # the strongest disagreements and highest shortcut shares listed
SHORTCUT_FLOOR = 0.05  # a shortcut share listed among the highest is at least this
DISCLAIMER = QT_TRANSLATE_NOOP("Audit", "Not a medical device. Not for diagnosis.")


def reading_class(diagnosis: str | None, labels: Sequence[str]) -> int | None:
    """The model class a reading names (the agreement rule's synonyms), or None."""
    if not diagnosis or not diagnosis.strip():
        return None
    return next((k for k, lab in enumerate(labels) if same_finding(lab, diagnosis)), None)


def confusion(records: Sequence[dict], labels: Sequence[str]) -> dict:
    """The confusion matrix of the read units: rows the readings (the model's classes,
    then ``other``), columns the model's top class."""
    index = {lab: i for i, lab in enumerate(labels)}
    m = np.zeros((len(labels) + 1, len(labels)), np.int64)
    for r in records:
        if r.get("agreement") == NOT_READ or r.get("top") not in index:
            continue
        row = reading_class(r.get("reading"), labels)
        m[len(labels) if row is None else row, index[r["top"]]] += 1
    return {"rows": [*labels, OTHER], "columns": list(labels), "matrix": m.tolist()}


def share_stats(values: Sequence[float]) -> dict:
    """Count, mean, median, 90th percentile, largest, how many reach :data:`QUARTER`, and
    a histogram of :data:`BINS` bins over 0..1, of the shares measured (None left out)."""
    v = np.asarray([x for x in values if x is not None], np.float64)
    if not v.size:
        return {"measured": 0, "mean": None, "median": None, "p90": None, "max": None,
                "at_least_quarter": 0, "histogram": [0] * BINS}
    hist, _ = np.histogram(np.clip(v, 0.0, 1.0), bins=BINS, range=(0.0, 1.0))
    return {"measured": int(v.size), "mean": round(float(v.mean()), 4),
            "median": round(float(np.median(v)), 4),
            "p90": round(float(np.percentile(v, 90)), 4), "max": round(float(v.max()), 4),
            "at_least_quarter": int((v >= QUARTER).sum()), "histogram": hist.tolist()}


def strongest_disagreements(records: Sequence[dict], n: int = LISTED) -> list[dict]:
    """The ``n`` disagreements the model was surest of (highest top probability; then the
    lowest probability of the class the reading names)."""
    out = [r for r in records if r.get("agreement") == DISAGREE]

    def read_p(r: dict) -> float:
        labels = list(r.get("probabilities", {}))
        k = reading_class(r.get("reading"), labels)
        return r["probabilities"][labels[k]] if k is not None else 0.0

    out.sort(key=lambda r: (-r.get("top_probability", 0.0), read_p(r), r["case"]))
    return out[:n]


def highest_shortcuts(records: Sequence[dict], n: int = LISTED) -> list[dict]:
    """The ``n`` units with the highest shortcut share (padding and bands), of those with
    at least :data:`SHORTCUT_FLOOR`."""
    out = [r for r in records if ((r.get("evidence") or {}).get("shortcut") or 0.0)
           >= SHORTCUT_FLOOR]
    out.sort(key=lambda r: (-r["evidence"]["shortcut"], r["case"]))
    return out[:n]


def summarise(records: Sequence[dict], labels: Sequence[str], *, units: int, failed: int,
              skipped: int, computed: int, extra: dict | None = None) -> dict:
    """The summary of the set's ``ok`` records (see the module).

    Parameters
    ----------
    records
        One ``ok`` record per unit, with ``reading`` and ``agreement`` as they are now.
    labels
        The model's classes.
    units
        The units of the set (cases and B-scans), failed ones included.
    failed, skipped, computed
        Units (and files) that failed; units found in the ledger and not run again; units
        analysed by this run.
    extra
        More keys (model, settings, timing), put in as they are.
    """
    counts = {key: sum(1 for r in records if r.get("agreement") == key)
              for key in (AGREE, DISAGREE, NOT_READ)}
    read = counts[AGREE] + counts[DISAGREE]
    checked = [r["domain_check"] for r in records if isinstance(r.get("domain_check"), dict)]
    per_class = {}
    for lab in labels:
        mine = [r for r in records if r.get("top") == lab]
        per_class[lab] = {
            "top": len(mine),
            "agree": sum(1 for r in mine if r.get("agreement") == AGREE),
            "disagree": sum(1 for r in mine if r.get("agreement") == DISAGREE),
            **{f"mean_{s}": share_stats([(r.get("evidence") or {}).get(s)
                                         for r in mine])["mean"] for s in SHARES}}
    seconds = [r["seconds"] for r in records if isinstance(r.get("seconds"), (int, float))]
    out = {
        "cases": units,
        "analysed": len(records),
        "failed": failed,
        "skipped": skipped,
        "computed": computed,
        "agree": counts[AGREE],
        "disagree": counts[DISAGREE],
        "unread": counts[NOT_READ],
        "accuracy": round(counts[AGREE] / read, 4) if read else None,
        "confusion": confusion(records, labels),
        "close_calls": sum(1 for r in records if r.get("close_call")),
        "atypical": sum(1 for c in checked if c.get("typical") is False) if checked else None,
        "domain_checked": len(checked),
        "evidence": {s: share_stats([(r.get("evidence") or {}).get(s) for r in records])
                     for s in SHARES},
        "per_class": per_class,
        "strongest_disagreements": [r["case"] for r in strongest_disagreements(records)],
        "highest_shortcuts": [r["case"] for r in highest_shortcuts(records)],
        "seconds_per_unit": round(float(np.mean(seconds)), 3) if seconds else None,
        "disclaimer": DISCLAIMER,
    }
    out.update(extra or {})
    return out

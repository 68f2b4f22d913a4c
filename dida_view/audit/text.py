"""The words of ``audit.html``, as templates of the one message catalogue (context
``Audit``): ``pyside6-lupdate`` collects them into ``dida_view_ja.ts`` with the rest, and
the page renders them in the run's ``--lang`` (:func:`dida_view.catalogue.say`). The
charts' words are with the charts (:mod:`dida_view.report.charts`); the disclaimer is the
summary's (:data:`dida_view.audit.summary.DISCLAIMER`)."""

from __future__ import annotations

from dida_view.catalogue import QT_TRANSLATE_NOOP

TITLE = QT_TRANSLATE_NOOP("Audit", "DiDA View cohort audit")
INTRO = QT_TRANSLATE_NOOP(
    "Audit", "{units} cases or B-scans, read by {model} (grids {grids}, {mask} mask, maps in "
    "{space}); made on {date}.")
INTRO_ONE = QT_TRANSLATE_NOOP(
    "Audit", "1 case or B-scan, read by {model} (grids {grids}, {mask} mask, maps in "
    "{space}); made on {date}.")
MEANS_NOTE = QT_TRANSLATE_NOOP(
    "Audit", "The mean, over the scans the model called this class, of that class's Mixed "
    "Image on the model's input (the scan letterboxed as the model sees it), and the same "
    "laid over the mean of those scans: red where masking lowered the class's score on "
    "average, blue where it raised it. Each class on its own colour scale, given under it: "
    "compare where, not how bright.")
MEANS_CAPTION = QT_TRANSLATE_NOOP("Audit", "{count} scans; full colour {value} {unit}")
MEANS_CAPTION_ONE = QT_TRANSLATE_NOOP("Audit", "1 scan; full colour {value} {unit}")
SHARES_NOTE = QT_TRANSLATE_NOOP(
    "Audit", "The share of the top class's positive evidence (the red of its Mixed Image, "
    "on the pixels a mask changes) that lies in each region. Near-constant bands: runs of "
    "at least 5 % of the scan's width (height) whose grey values stay within 4 levels, "
    "found on the original (export bands, registration wedges, text bars). Border: the "
    "outer 10 % of the scan on each side (36 % of its area: evenly spread evidence would "
    "put 36 % there). Padding: never masked by DiDA, so never measured; reliance on where "
    "the scan ends shows in the border.")
CONFUSION_NOTE = QT_TRANSLATE_NOOP(
    "Audit", "Rows: the clinician's reading (the model class it names; 'other' when it "
    "names none). Columns: the model's top class. The diagonal is agreement.")
ATYPICAL_NOTE = QT_TRANSLATE_NOOP(
    "Audit", "The domain check compares each scan's features inside the model with those "
    "of its reference scans ({reference}). A scan further from them than most of the "
    "held-out reference scans is outside the model's experience: its answer and its "
    "evidence may not mean much.")
NO_FIGURE = QT_TRANSLATE_NOOP(
    "Audit", "figure not available: the scan or its stored result could not be read again")
NONE = QT_TRANSLATE_NOOP("Audit", "None.")
MORE = QT_TRANSLATE_NOOP("Audit", "and {count} more in cases.jsonl.")

HEADINGS = {
    "summary": QT_TRANSLATE_NOOP("Audit", "Summary"),
    "agreement": QT_TRANSLATE_NOOP("Audit", "Agreement with the clinicians' readings"),
    "means": QT_TRANSLATE_NOOP("Audit", "Where the model looks: the mean Mixed Image per class"),
    "shares": QT_TRANSLATE_NOOP("Audit", "Does it lean on what is not anatomy?"),
    "by_class": QT_TRANSLATE_NOOP("Audit", "By the model's top class"),
    "atypical": QT_TRANSLATE_NOOP("Audit", "Scans outside the model's experience"),
    "disagreements": QT_TRANSLATE_NOOP(
        "Audit", "The {count} strongest disagreements (the model surest of an answer the "
        "reading does not share)"),
    "shortcuts": QT_TRANSLATE_NOOP(
        "Audit", "The {count} highest shortcut shares (evidence in padding and bands; "
        "{floor} % at least)"),
    "model": QT_TRANSLATE_NOOP("Audit", "Model"),
}

SUMMARY_ROWS = {
    "cases": QT_TRANSLATE_NOOP("Audit", "Cases or B-scans in the set"),
    "analysed": QT_TRANSLATE_NOOP("Audit", "Analysed"),
    "failed": QT_TRANSLATE_NOOP("Audit", "Failed"),
    "skipped": QT_TRANSLATE_NOOP("Audit", "Skipped (already in cases.jsonl)"),
    "agree": QT_TRANSLATE_NOOP("Audit", "Agree with the reading"),
    "disagree": QT_TRANSLATE_NOOP("Audit", "Disagree"),
    "unread": QT_TRANSLATE_NOOP("Audit", "Not read (no diagnosis)"),
    "accuracy": QT_TRANSLATE_NOOP("Audit", "Accuracy (agree / read)"),
    "close_calls": QT_TRANSLATE_NOOP("Audit", "Close calls"),
    "atypical": QT_TRANSLATE_NOOP("Audit", "Atypical scans (domain check)"),
}
NOT_CHECKED = QT_TRANSLATE_NOOP("Audit", "not checked: the model has no reference scans")
CHECKED = QT_TRANSLATE_NOOP("Audit", "{atypical} of {checked} checked")

PER_CLASS_HEAD = (
    QT_TRANSLATE_NOOP("Audit", "Model's top class"), QT_TRANSLATE_NOOP("Audit", "scans"),
    QT_TRANSLATE_NOOP("Audit", "agree"), QT_TRANSLATE_NOOP("Audit", "disagree"),
    QT_TRANSLATE_NOOP("Audit", "mean bands share"),
    QT_TRANSLATE_NOOP("Audit", "mean border share"))
ATYPICAL_HEAD = (
    QT_TRANSLATE_NOOP("Audit", "Case"), QT_TRANSLATE_NOOP("Audit", "B-scan"),
    QT_TRANSLATE_NOOP("Audit", "model's top class"), QT_TRANSLATE_NOOP("Audit", "reading"),
    QT_TRANSLATE_NOOP("Audit", "score"),
    QT_TRANSLATE_NOOP("Audit", "reference scans scoring lower"))

AGREEMENT = {"agree": QT_TRANSLATE_NOOP("Audit", "agree"),
             "disagree": QT_TRANSLATE_NOOP("Audit", "disagree"),
             "not_read": QT_TRANSLATE_NOOP("Audit", "not read")}
WHERE = QT_TRANSLATE_NOOP("Audit", " (B-scan {index} of {count})")
CLOSE = QT_TRANSLATE_NOOP("Audit", ": a close call")
CASE_LINE = QT_TRANSLATE_NOOP(
    "Audit", "model {top} {probability}{reading_class}{close}; reading {reading} "
    "({agreement}). Evidence in bands {bands} (bands cover {area} of the scan), in the "
    "border {border}.")
ALT = {"confusion": QT_TRANSLATE_NOOP("Audit", "confusion matrix"),
       "histograms": QT_TRANSLATE_NOOP("Audit", "histograms of evidence shares"),
       "mean": QT_TRANSLATE_NOOP("Audit", "mean Mixed Image of {label}"),
       "figure": QT_TRANSLATE_NOOP("Audit", "figure of {case}")}

"""Every fixed text of the report, as templates of the message catalogue.

The report's words are written once here, in English, each marked
``QT_TRANSLATE_NOOP("Report", ...)`` so that ``pyside6-lupdate`` puts them in the one
catalogue (:mod:`dida_view.catalogue`), where their Japanese is; :func:`text` renders one
in a language. The bundled models' cards (their metadata's own words) are marked in the
context ``ModelCards``: :func:`card_text` gives a card's field in a language when it is the
bundled model's own text (a user's model keeps its words). Pure Python: no Qt.
"""

from __future__ import annotations

from dida_view.catalogue import QT_TRANSLATE_NOOP, Template, lookup, render

LANGS = ("en", "ja")

TEXTS: dict[str, Template] = {
    "title": QT_TRANSLATE_NOOP(
        "Report", "DiDA View report"),
    "cover_intro": QT_TRANSLATE_NOOP(
        "Report", "{n} cases. Model: {model}. Made on {date}."),
    "cover_intro_one": QT_TRANSLATE_NOOP(
        "Report", "{n} case. Model: {model}. Made on {date}."),
    "case": QT_TRANSLATE_NOOP(
        "Report", "Case"),
    "case_id": QT_TRANSLATE_NOOP(
        "Report", "Anonymous case id"),
    "date": QT_TRANSLATE_NOOP(
        "Report", "Date"),
    "model_top": QT_TRANSLATE_NOOP(
        "Report", "Model's top class"),
    "score": QT_TRANSLATE_NOOP(
        "Report", "Score"),
    "clinician": QT_TRANSLATE_NOOP(
        "Report", "Clinician's diagnosis"),
    "agreement": QT_TRANSLATE_NOOP(
        "Report", "Agreement"),
    "agree": QT_TRANSLATE_NOOP(
        "Report", "agree"),
    "disagree": QT_TRANSLATE_NOOP(
        "Report", "disagree"),
    "not_read": QT_TRANSLATE_NOOP(
        "Report", "not read"),
    "failed": QT_TRANSLATE_NOOP(
        "Report", "failed"),
    "original": QT_TRANSLATE_NOOP(
        "Report", "Original"),
    "evidence_for": QT_TRANSLATE_NOOP(
        "Report", "Evidence for {label} (score {score})"),
    "legend_title": QT_TRANSLATE_NOOP(
        "Report", "How to read the colours"),
    "legend": QT_TRANSLATE_NOOP(
        "Report", "Red areas made the model more sure of the class named under the picture; blue "
        "areas made it less sure; dark or uncoloured areas made no difference. The "
        "brighter the colour, the stronger the effect. All three pictures use the same "
        "colour scale, so their brightness can be compared."),
    "legend_against": QT_TRANSLATE_NOOP(
        "Report", "against"),
    "legend_for": QT_TRANSLATE_NOOP(
        "Report", "for the class"),
    "reading_title": QT_TRANSLATE_NOOP(
        "Report", "Clinician's reading"),
    "note": QT_TRANSLATE_NOOP(
        "Report", "Note"),
    "no_reading": QT_TRANSLATE_NOOP(
        "Report", "No reading recorded."),
    "agree_line": QT_TRANSLATE_NOOP(
        "Report", "Model and clinician agree."),
    "disagree_line": QT_TRANSLATE_NOOP(
        "Report", "Model and clinician disagree."),
    "unread_line": QT_TRANSLATE_NOOP(
        "Report", "Not compared: no clinician's diagnosis."),
    "model_title": QT_TRANSLATE_NOOP(
        "Report", "Model"),
    "trained_on": QT_TRANSLATE_NOOP(
        "Report", "Trained on {what}."),
    "method": QT_TRANSLATE_NOOP(
        "Report", "Maps: DiDA multi-grid signed occlusion (grids {grids}; mask {mask}; map unit: "
        "{space}). Scores are the model's probabilities."),
    "atypical_key": QT_TRANSLATE_NOOP(
        "Report", "unlike the scans the model was trained on: its explanation may not mean "
        "much (its page says why)"),
    "program_note": QT_TRANSLATE_NOOP(
        "Report", "Note from the program"),
    "close_call": QT_TRANSLATE_NOOP(
        "Report", "Close call: {a} leads {b} by only {margin} in probability (less than 0.05)."),
    "tie": QT_TRANSLATE_NOOP(
        "Report", "Tie: {a} and {b} have the same probability at the shown precision."),
    "disclaimer": QT_TRANSLATE_NOOP(
        "Report", "Not a medical device. Not for diagnosis. For research and teaching only."),
    "error": QT_TRANSLATE_NOOP(
        "Report", "This case could not be analysed: {why}"),
    "page": QT_TRANSLATE_NOOP(
        "Report", "Page {i} of {n}"),
    "space_probability": QT_TRANSLATE_NOOP(
        "Report", "probability"),
    "space_logit": QT_TRANSLATE_NOOP(
        "Report", "logit"),
    "space_log_odds": QT_TRANSLATE_NOOP(
        "Report", "log-odds"),
    "mask_black": QT_TRANSLATE_NOOP(
        "Report", "black"),
    "mask_mean": QT_TRANSLATE_NOOP(
        "Report", "mean"),
    "mask_blur": QT_TRANSLATE_NOOP(
        "Report", "blur"),
    "mask_noise": QT_TRANSLATE_NOOP(
        "Report", "noise"),
}

# the bundled models' cards: (model file, field) -> their metadata's own English words
MODEL_CARDS: dict[tuple[str, str], Template] = {
    ("oct_kermany.onnx", "description"): QT_TRANSLATE_NOOP(
        "ModelCards", "DiDA View real-data OCT model: a compact CNN trained on real "
        "Spectralis B-scans (Kermany 2018), 4 classes. Not for clinical use."),
    ("oct_kermany.onnx", "domain"): QT_TRANSLATE_NOOP(
        "ModelCards", "real Spectralis OCT B-scans (Heidelberg), Kermany 2018"),
    ("oct_kermany.onnx", "trained_on"): QT_TRANSLATE_NOOP(
        "ModelCards", "471 B-scans of 316 patients of Kermany 2018 (CNV, DME, DRUSEN, NORMAL), "
        "synthetic pretraining (dida_view.synthetic) then fine-tuning; 131 scans of 79 "
        "other patients held out for validation"),
    ("dida_demo_oct.onnx", "description"): QT_TRANSLATE_NOOP(
        "ModelCards", "DiDA View demo: a compact CNN trained on synthetic OCT B-scans "
        "(generator 1.0). Not for clinical use."),
    ("dida_demo_oct.onnx", "trained_on"): QT_TRANSLATE_NOOP(
        "ModelCards", "synthetic OCT B-scans (generator 1.0)"),
}


def card_text(model_file: str, field: str, english: str, lang: str) -> str:
    """A bundled model's card ``field`` in ``lang``: the catalogue's translation when
    ``english`` is the bundled model's own text, else ``english`` as it is."""
    own = MODEL_CARDS.get((model_file, field))
    return lookup("ModelCards", english, lang) if own is not None and english == own else english


def text(key: str, lang: str = "en", default: str | None = None, **fields) -> str:
    """The report's text ``key`` in ``lang``, its ``fields`` filled in; ``default`` for a
    key the table lacks (e.g. a mask fill of someone else's). A count ``n`` of 1 takes the
    key's ``_one`` form where there is one (``1 case``)."""
    if key not in TEXTS and default is not None:
        return default
    template = TEXTS.get(f"{key}_one", TEXTS[key]) if fields.get("n") == 1 else TEXTS[key]
    return render(template.note(**fields), lang) if fields else render(template, lang)


def all_texts(lang: str) -> list[str]:
    """Every fixed text in ``lang`` (the font subset must hold all their characters)."""
    return [text(k, lang) if "{" not in TEXTS[k] else render(TEXTS[k], lang) for k in TEXTS] \
        + [lookup("ModelCards", en, lang) for en in MODEL_CARDS.values()]

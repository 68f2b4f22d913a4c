"""How a class label reads in each language: ``CNV`` in English, ``脈絡膜新生血管（CNV）`` in
Japanese, from the catalogue's "Terms" context. Every view that names a class (viewer,
figures, report, teaching, audit) asks :func:`term`."""

from __future__ import annotations

import re

from dida_view.catalogue import QT_TRANSLATE_NOOP, lookup

# the findings' names as a clinician reads them, in the message catalogue (context
# "Terms": CNV 脈絡膜新生血管, DME 糖尿病黄斑浮腫, drusen ドルーゼン, normal 正常; the demo model's
# labels the usual ophthalmology terms), by the label in lower case
TERMS = {t.lower(): t for t in (
    QT_TRANSLATE_NOOP("Terms", "CNV"), QT_TRANSLATE_NOOP("Terms", "DME"),
    QT_TRANSLATE_NOOP("Terms", "DRUSEN"), QT_TRANSLATE_NOOP("Terms", "NORMAL"),
    QT_TRANSLATE_NOOP("Terms", "Early AMD"), QT_TRANSLATE_NOOP("Terms", "Wet AMD"),
    QT_TRANSLATE_NOOP("Terms", "Dry AMD"), QT_TRANSLATE_NOOP("Terms", "CME"),
    QT_TRANSLATE_NOOP("Terms", "ME"), QT_TRANSLATE_NOOP("Terms", "SRD"),
    QT_TRANSLATE_NOOP("Terms", "ERM"), QT_TRANSLATE_NOOP("Terms", "MH"),
    QT_TRANSLATE_NOOP("Terms", "RA"))}

_SEPARATORS = re.compile(r"[\s_\-‐－]+")


def norm(text: str) -> str:
    """``"Wet_AMD "`` -> ``"wet amd"``: lower case, separators as single spaces."""
    return _SEPARATORS.sub(" ", str(text)).strip().lower()


def japanese(label: str) -> str | None:
    """The Japanese term of a label (None when the catalogue has none)."""
    t = TERMS.get(norm(label))
    ja = lookup(t.context, t, "ja") if t is not None else None
    return ja if ja and ja != t else None


def term(label: str, lang: str = "en") -> str:
    """A class label as a person reads it: ``CNV`` in English, ``脈絡膜新生血管（CNV）`` in
    Japanese (the label itself when there is no term for it)."""
    if lang != "ja":
        return label
    ja = japanese(label)
    return f"{ja}（{label}）" if ja else label

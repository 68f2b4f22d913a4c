"""Class labels and the clinician's words for them: the one agreement rule.

A model's labels are short (``CNV``, ``Wet AMD``); a clinician types what they would write
in a chart, in English or Japanese (``choroidal neovascularisation``, ``脈絡膜新生血管``).
:func:`agreement` decides, everywhere (case browser, report, teaching, audit), whether the
model's top class and the clinician's diagnosis name the same finding: case, spaces,
underscores, hyphens and brackets are ignored, and each group of :data:`SYNONYMS` counts
as one finding. How a label reads in each language is the catalogue's
(:func:`dida_view.catalogue.terms.term`).
"""

from __future__ import annotations

import re

from dida_view.catalogue.terms import japanese, norm

AGREE, DISAGREE, NOT_READ = "agree", "disagree", "not_read"

# each group names one finding (with each member's Japanese term, from the catalogue): a
# label and a diagnosis in the same group agree
SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(g) for g in (
    {"cnv", "wet amd", "choroidal neovascularisation", "choroidal neovascularization",
     "neovascular amd", "namd", "exudative amd"},
    {"dme", "diabetic macular edema", "diabetic macular oedema"},
    {"drusen", "early amd"},
    {"normal", "healthy", "no finding"},
    {"dry amd", "geographic atrophy", "ga"},
    {"cme", "cystoid macular edema", "cystoid macular oedema"},
    {"me", "macular edema", "macular oedema"},
    {"srd", "serous retinal detachment", "central serous chorioretinopathy", "csc"},
    {"erm", "epiretinal membrane"},
    {"mh", "macular hole"},
    {"ra", "retinal atrophy"},
))


_BRACKETED = re.compile(r"^(.*?)[（(]([^()（）]*)[)）]\s*$")


def _names(text: str) -> set[str]:
    """The forms of ``text`` to compare: itself, and for ``term（label）`` both parts."""
    t = norm(text)
    m = _BRACKETED.match(t)
    return {t} | ({norm(m.group(1)), norm(m.group(2))} - {""} if m else set())


def _group(name: str) -> frozenset[str]:
    group = next((g for g in SYNONYMS if name in g), frozenset({name}))
    return group | {norm(ja) for ja in map(japanese, group) if ja}


def same_finding(label: str, diagnosis: str) -> bool:
    """Whether a model label and a clinician's diagnosis name the same finding."""
    ours = {n for name in _names(label) for n in _group(name)}
    return bool(ours & _names(diagnosis))


def agreement(top_label: str | None, diagnosis: str | None) -> str:
    """:data:`AGREE`, :data:`DISAGREE` or :data:`NOT_READ`: the model's top class against
    the clinician's diagnosis. Not read while there is no diagnosis; a diagnosis with no
    top class yet (the analysis failed) disagrees."""
    if not diagnosis or not str(diagnosis).strip():
        return NOT_READ
    if not top_label:
        return DISAGREE
    return AGREE if same_finding(top_label, diagnosis) else DISAGREE



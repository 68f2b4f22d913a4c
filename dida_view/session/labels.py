"""Class labels and the clinician's words for them: the one agreement rule.

A model's labels are short (``CNV``, ``Wet AMD``); a clinician types what they would write
in a chart, in English or Japanese (``choroidal neovascularisation``, ``脈絡膜新生血管``).
:func:`agreement` decides, everywhere (case browser, report, teaching, audit), whether the
model's top class and the clinician's diagnosis name the same finding: case, spaces,
underscores, hyphens and brackets are ignored, and each group of :data:`SYNONYMS` counts
as one finding. :func:`term` is how a label is written in each language (the report's and
the viewer's Japanese medical terms).
"""

from __future__ import annotations

import re

AGREE, DISAGREE, NOT_READ = "agree", "disagree", "not_read"

# Japanese medical terms for the bundled models' labels (CNV 脈絡膜新生血管, DME 糖尿病黄斑浮腫,
# drusen ドルーゼン, normal 正常; the demo model's labels the usual ophthalmology terms)
TERMS_JA: dict[str, str] = {
    "cnv": "脈絡膜新生血管",
    "dme": "糖尿病黄斑浮腫",
    "drusen": "ドルーゼン",
    "normal": "正常",
    "early amd": "早期加齢黄斑変性",
    "wet amd": "滲出型加齢黄斑変性",
    "dry amd": "萎縮型加齢黄斑変性",
    "cme": "嚢胞様黄斑浮腫",
    "me": "黄斑浮腫",
    "srd": "漿液性網膜剥離",
    "erm": "黄斑上膜",
    "mh": "黄斑円孔",
    "ra": "網膜萎縮",
}

# each group names one finding; a label and a diagnosis in the same group agree
SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(g) for g in (
    {"cnv", "wet amd", "choroidal neovascularisation", "choroidal neovascularization",
     "neovascular amd", "namd", "exudative amd", "脈絡膜新生血管", "滲出型加齢黄斑変性"},
    {"dme", "diabetic macular edema", "diabetic macular oedema", "糖尿病黄斑浮腫"},
    {"drusen", "early amd", "ドルーゼン", "早期加齢黄斑変性"},
    {"normal", "healthy", "no finding", "正常"},
    {"dry amd", "geographic atrophy", "ga", "萎縮型加齢黄斑変性"},
    {"cme", "cystoid macular edema", "cystoid macular oedema", "嚢胞様黄斑浮腫"},
    {"me", "macular edema", "macular oedema", "黄斑浮腫"},
    {"srd", "serous retinal detachment", "central serous chorioretinopathy", "csc",
     "漿液性網膜剥離"},
    {"erm", "epiretinal membrane", "黄斑上膜"},
    {"mh", "macular hole", "黄斑円孔"},
    {"ra", "retinal atrophy", "網膜萎縮"},
))

_SEPARATORS = re.compile(r"[\s_\-‐－]+")
_BRACKETED = re.compile(r"^(.*?)[（(]([^()（）]*)[)）]\s*$")


def norm(text: str) -> str:
    """``"Wet_AMD "`` -> ``"wet amd"``: lower case, separators as single spaces."""
    return _SEPARATORS.sub(" ", str(text)).strip().lower()


def _names(text: str) -> set[str]:
    """The forms of ``text`` to compare: itself, and for ``term（label）`` both parts."""
    t = norm(text)
    m = _BRACKETED.match(t)
    return {t} | ({norm(m.group(1)), norm(m.group(2))} - {""} if m else set())


def _group(name: str) -> frozenset[str]:
    return next((g for g in SYNONYMS if name in g), frozenset({name}))


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


def term(label: str, lang: str = "en") -> str:
    """A class label as a person reads it: ``CNV`` in English, ``脈絡膜新生血管（CNV）`` in
    Japanese (the label itself when there is no term for it)."""
    if lang != "ja":
        return label
    ja = TERMS_JA.get(norm(label))
    return f"{ja}（{label}）" if ja else label

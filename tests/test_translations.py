"""The message catalogue's Japanese: complete, placeholders kept, up to date with the
sources, its compiled .qm up to date with the .ts, every character in the bundled font; and
the one catalogue: no user-facing English table or pattern beside it."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "dida_view" / "catalogue"
TS = CATALOGUE / "dida_view_ja.ts"
QM = CATALOGUE / "dida_view_ja.qm"
PLACEHOLDER = re.compile(r"\{\w*\}|%[0-9nvmp]|<[^>]+>|&nbsp;")


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) of every message of ``ts``."""
    root = ET.parse(ts).getroot()
    return [(c.findtext("name"), m.findtext("source"), m.find("translation"))
            for c in root.iter("context") for m in c.iter("message")]


def tool(name: str) -> str:
    """The path of ``pyside6-<name>`` (a dev tool from PySide6), or skip."""
    path = shutil.which(f"pyside6-{name}")
    if path is None:
        pytest.skip(f"pyside6-{name} is not installed")
    return path


def sources() -> list[str]:
    return sorted(str(p) for p in (ROOT / "dida_view").rglob("*.py"))


def test_every_message_is_translated():
    msgs = messages(TS)
    assert len(msgs) > 250
    for ctx, src, tr in msgs:
        where = f"{ctx}: {src!r}"
        assert tr is not None and tr.get("type") is None, where  # not unfinished/obsolete
        text = tr.text or ""
        assert text.strip(), where
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(src)), where
        if re.search(r"&\w", src.replace("&nbsp;", "")):  # a menu accelerator
            assert re.search(r"\(&[A-Z]\)", text), where
        assert src.count("\n") == text.count("\n"), where


def test_medical_terms_agree_with_the_patient_view():
    from dida_view.catalogue.terms import TERMS, japanese

    TERMS = {key: japanese(key) for key in TERMS}  # noqa: N806
    text = {(c, s): t.text for c, s, t in messages(TS)}
    assert TERMS["cnv"] == "脈絡膜新生血管" and TERMS["dme"] == "糖尿病黄斑浮腫"
    assert TERMS["drusen"] == "ドルーゼン" and TERMS["normal"] == "正常"
    patient = {s: t for (c, s), t in text.items() if c == "PatientView"}
    for key, source in [("wet amd", "wet age-related macular degeneration"),
                        ("cme", "cystoid macular edema (pockets of fluid in the retina)"),
                        ("srd", "serous retinal detachment (fluid under the retina)"),
                        ("erm", "epiretinal membrane (a thin film on the retina)"),
                        ("ra", "retinal atrophy (thinning of the retina)"),
                        ("cnv", "new blood vessels under the retina (CNV)")]:
        assert TERMS[key] in patient[source], key


def test_ts_is_up_to_date_with_the_sources(tmp_path):
    """lupdate over the sources finds no string the committed .ts lacks (or has left)."""
    lupdate = tool("lupdate")
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    subprocess.run([lupdate, *sources(), "-source-language", "en", "-target-language", "ja",
                    "-no-obsolete", "-locations", "none", "-ts", str(fresh)],
                   check=True, capture_output=True, timeout=120)
    ours = {(c, s) for c, s, _t in messages(TS)}
    found = {(c, s) for c, s, _t in messages(fresh)}
    assert found - ours == set(), "new strings: run lupdate (README, Languages)"
    assert ours - found == set(), "strings gone from the sources: run lupdate -no-obsolete"
    assert all(t.get("type") is None for _c, _s, t in messages(fresh))


def test_committed_qm_is_compiled_from_the_ts(tmp_path):
    lrelease = tool("lrelease")
    out = tmp_path / "ja.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(out)], check=True, capture_output=True,
                   timeout=120)
    assert out.read_bytes() == QM.read_bytes(), "run pyside6-lrelease on the .ts"


def test_bundled_font_has_every_japanese_character(qapp):
    from PySide6.QtGui import QFont, QRawFont

    from dida_view.render.fonts import bundled_font_path

    path = bundled_font_path()
    if path is None:
        pytest.skip("no bundled font in this checkout")
    font = QRawFont(str(path), 12, QFont.HintingPreference.PreferNoHinting)
    assert font.isValid()
    chars = {ch for _c, _s, t in messages(TS) for ch in (t.text or "") if ord(ch) > 0x7F}
    missing = sorted(ch for ch in chars if not font.supportsCharacter(ord(ch)))
    assert missing == []


def core_templates():
    """Every catalogue template a module of the Qt-free core holds (module constants,
    and the values of module-level dicts and tuples)."""
    import importlib
    import pkgutil

    import dida_view
    from dida_view.catalogue import Template

    out = {}
    for info in pkgutil.walk_packages(dida_view.__path__, "dida_view."):
        if info.name.startswith(("dida_view.gui", "dida_view.__main__")) or \
                info.name == "dida_view.report.pdf":
            continue
        mod = importlib.import_module(info.name)
        for name, value in vars(mod).items():
            values = value.values() if isinstance(value, dict) else \
                value if isinstance(value, (tuple, list)) else (value,)
            for v in values:
                if isinstance(v, Template):
                    out[(v.context, str(v))] = f"{info.name}.{name}"
    return out


def test_every_core_message_is_in_the_catalogue_in_japanese():
    """The CLI, the report and the audit render core's messages from the one catalogue:
    each has its Japanese there (a template nobody translated would stay English)."""
    from dida_view.catalogue import lookup

    found = core_templates()
    assert len(found) > 80
    missing = [where for (ctx, text), where in found.items()
               if any(c.isalpha() for c in PLACEHOLDER.sub("", text))
               and lookup(ctx, text, "ja") == text
               and text.upper() != text]  # a label such as CNV may stay as it is
    assert missing == []


def test_no_pattern_translation_and_no_second_table():
    """The viewer does not translate English sentences back by pattern, and the report has
    no dictionary of its own: both ask the catalogue."""
    i18n = (ROOT / "dida_view" / "gui" / "i18n" / "__init__.py").read_text(encoding="utf-8")
    assert "import re" not in i18n and "re.compile" not in i18n
    text = (ROOT / "dida_view" / "report" / "text.py").read_text(encoding="utf-8")
    assert '"ja":' not in text and "STRINGS" not in text
    assert not list((ROOT / "dida_view" / "gui" / "i18n").glob("*.ts"))

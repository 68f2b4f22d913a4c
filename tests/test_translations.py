"""The Japanese translation: complete, placeholders kept, up to date with the sources, its
compiled .qm up to date with the .ts, and every character in the bundled font."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "dida_view" / "gui" / "i18n"
TS = I18N / "dida_view_ja.ts"
QM = I18N / "dida_view_ja.qm"
PLACEHOLDER = re.compile(r"\{\d*\}|%[0-9nvmp]|<[^>]+>|&nbsp;")


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


def test_medical_terms_agree_with_the_report():
    from dida_view.session.labels import TERMS_JA as TERMS

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
    assert found - ours == set(), "new strings: run lupdate (gui/i18n/__init__.py says how)"
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

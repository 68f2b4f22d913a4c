"""The Japanese UI: the language choice, Japanese menus, no English left on screen, class
names as Japanese medical terms (the model's labels kept in the result)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from guitools import LABELS, wait_done
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from dida_view import catalogue
from dida_view.gui import app, i18n
from dida_view.gui.viewer.menus import MENUS

TS = catalogue.ts_path("ja")


@pytest.fixture
def japanese(qapp):
    assert i18n.install_language("ja")
    yield
    i18n.install_language("en")


def english_sources() -> set[str]:
    """Every source string of the .ts that a user could see as a whole text."""
    root = ET.parse(TS).getroot()
    out = set()
    for m in root.iter("message"):
        src = m.findtext("source").replace("&", "")
        if len(src) >= 4 and "{" not in src and re.search(r"[a-z]{3}", src):
            out.add(src)
    return out


def visible_texts(win: QWidget) -> list[str]:
    """The texts a user sees: menu titles, labels, buttons, group boxes, docks, combos,
    placeholders, table headers."""
    texts = [a.text() for a in win.menuBar().actions()]
    for w in win.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QDockWidget):
            texts.append(w.windowTitle())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
    tree = win.controls.classes
    texts += [tree.headerItem().text(c) for c in range(tree.columnCount())]
    return [t for t in texts if t]


def test_menus_are_japanese(make_window, japanese):
    win = make_window()
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles == ["ファイル(&F)", "編集(&E)", "モデル(&M)", "解析(&A)", "表示(&V)",
                      "症例(&C)", "ヘルプ(&H)"]
    file_menu = win.menuBar().actions()[0].menu()
    assert file_menu.actions()[0].text() == "画像を開く(&I)…"
    assert win.actions_.teaching.text() == "教育モード(&T)"
    assert win.windowTitle().startswith("DiDA View")


def test_no_english_left_on_the_japanese_window(make_window, japanese, qtbot, model_path,
                                                 scan_path):
    win = make_window(size=(1600, 1000))  # large: the controls side by side, not in tabs
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    win.cases.show()
    texts = visible_texts(win)
    assert len(texts) > 30
    english = english_sources()
    menu_titles = {t.replace("&", "") for t in MENUS}
    left = [t for t in texts if t.replace("&", "") in english
            or any(re.search(rf"\b{m}\b", t) for m in menu_titles)]
    assert left == []
    # and no English word outside the .ts either (a string never marked for translation):
    # only the model's labels and names stay in Latin letters
    keep = {*LABELS, "DiDA View", "English"}
    words = [t for t in texts if re.fullmatch(r"[A-Za-z][A-Za-z &]{3,}", t)
             and t.replace("&", "") not in keep]
    assert words == []
    assert "不透明度" in texts and "スコア順の分類：クリックするとパネルに表示" in texts


def test_english_by_default(make_window):
    win = make_window()
    assert [a.text() for a in win.menuBar().actions()][0] == "&File"
    assert i18n.class_name("DME") == "DME"


def test_class_names_are_japanese_terms_and_labels_stay(make_window, japanese, qtbot,
                                                        model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    res = win.model.result
    assert res.labels == LABELS  # the model's labels: exports and JSON keep them
    captions = [p.caption for p in win.area.panels[1:]]
    k = res.top(1)[0]
    assert captions[0].startswith(i18n.class_name(LABELS[k]))
    assert i18n.class_name("DME") == "糖尿病黄斑浮腫（DME）"
    assert i18n.class_name("cnv") == "脈絡膜新生血管（cnv）"
    assert i18n.class_name("something else") == "something else"
    names = [win.controls.classes.topLevelItem(i).text(1)
             for i in range(win.controls.classes.topLevelItemCount())]
    assert "糖尿病黄斑浮腫（DME）" in names and "DME" not in names


def test_one_function_chooses_the_language(tmp_path, monkeypatch):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(i18n, "system_language", lambda: "ja")
    assert i18n.choose_language(None, store) == "ja"  # the system's
    store.setValue(i18n.SETTING, "en")
    assert i18n.choose_language(None, store) == "en"  # the Language menu's
    assert i18n.choose_language("ja", store) == "ja"  # --lang
    store.setValue(i18n.SETTING, "xx")
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    assert i18n.choose_language(None, store) == "en"


def test_language_menu_keeps_the_choice(make_window):
    win = make_window()
    actions = {a.data(): a for a in win.actions_.language.actions()}
    assert set(actions) == {"", "en", "ja"} and actions[""].isChecked()
    assert actions["ja"].text() == "日本語"
    actions["ja"].trigger()
    assert win.store.value(i18n.SETTING) == "ja" and actions["ja"].isChecked()
    assert "restart" not in win.status.text.text() and "started again" in win.status.text.text()


def test_lang_option():
    assert app.parser().parse_args(["--lang", "ja"]).lang == "ja"
    with pytest.raises(SystemExit):
        app.parser().parse_args(["--lang", "fr"])


def test_screenshot_in_japanese(model_path, scan_path, tmp_path, capsys):
    font = QGuiApplication.font()
    out = tmp_path / "ja.png"
    try:
        rc = app.main([str(scan_path), "--model", str(model_path), "--screenshot", str(out),
                       "--size", "900x480", "--lang", "ja"])
        assert rc == 0, capsys.readouterr().err
        assert i18n.current_language() == "ja"
        assert "DiDA Noto Sans JP" in QGuiApplication.font().families()  # the fallback
    finally:
        i18n.install_language("en")
        QGuiApplication.setFont(font)
    assert out.is_file()


def test_result_notes_are_translated(japanese):
    """Core's notes are structured (catalogue Notes): the viewer renders each from the
    catalogue in its language, fields included (a change of their wording must show here)."""
    import numpy as np

    from dida_view.method.analysis import CONSTANT_NOTE
    from dida_view.model.scores import pinned_note, resolve_space

    assert i18n.words(CONSTANT_NOTE).startswith("一様な画像です")
    _space, saturated = resolve_space(np.array([0.9999, 0.0001]), "auto", True)
    ja = i18n.words(saturated)
    assert ja.startswith("確率が飽和しています（最大 p = ")
    assert "スコアが動く対数オッズで表示" in ja
    pinned = pinned_note((1,), ["Normal", "DME"])
    assert i18n.words(pinned).startswith("DME はマップを作れません")
    assert i18n.words("a text of no catalogue") == "a text of no catalogue"
    i18n.install_language("en")
    assert i18n.words(saturated) == saturated and saturated.startswith("probability saturated")


CHILD = r"""
import sys
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication

app = QApplication(["t"])
if any("CJK" in f or "JP" in f for f in QFontDatabase.families()):
    print("skip: a CJK font is still visible"); sys.exit(0)

def draw(font):
    img = QImage(400, 60, QImage.Format.Format_Grayscale8)
    img.fill(255)
    p = QPainter(img)
    p.setFont(font)
    p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, "脈絡膜新生血管")
    p.end()
    return bytes(img.constBits())

before = draw(QGuiApplication.font())  # no Japanese font at all: boxes
from dida_view.gui import i18n
lang = i18n.setup_language("ja", QSettings(sys.argv[1], QSettings.Format.IniFormat))
after = draw(QGuiApplication.font())
print("lang", lang, "differs", before != after, "ink", sum(b < 128 for b in after))
"""


def test_japanese_shows_without_system_cjk_fonts(tmp_path):
    """With fontconfig seeing no Japanese font, the bundled font draws the text (the
    glyphs differ from the tofu boxes drawn before it is set up)."""
    import os
    import subprocess
    import sys

    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype</dir>'
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(Path(i18n.__file__).parents[3])}
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "s.ini")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    if out.stdout.startswith("skip"):
        pytest.skip(out.stdout.strip())
    assert "lang ja differs True" in out.stdout, out.stdout + out.stderr[-2000:]

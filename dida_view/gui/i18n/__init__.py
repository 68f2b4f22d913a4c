"""The viewer's languages: Qt's translation system, the language choice, the Japanese font.

Every string a user sees is written in English in the source and goes through
:func:`translate` (``QCoreApplication.translate`` with a context naming the module);
strings kept in tables are marked with :func:`QT_TRANSLATE_NOOP` and translated where they
are shown. ``pyside6-lupdate`` finds both spellings; the Japanese translation is
``dida_view_ja.ts`` here, compiled by ``pyside6-lrelease`` to the ``.qm`` beside it
(committed, so no build step needs the Qt tools)::

    pyside6-lupdate $(git ls-files 'dida_view/*.py') -ts dida_view/gui/i18n/dida_view_ja.ts
    pyside6-lrelease dida_view/gui/i18n/dida_view_ja.ts

:func:`choose_language` is the one place that picks the language: ``--lang``, else the
Language menu's setting, else the system's.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from dida_view.session.labels import term

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "ja")  # English is the source language: it needs no .qm
SETTING = "language"  # QSettings key: "" (the system's), "en" or "ja"
_installed: list[QTranslator] = []  # kept alive while installed


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (Qt's name: lupdate)
    """Mark ``text`` for extraction in ``context``; it is translated where it is shown."""
    return text


def translate(context: str, text: str) -> str:
    """``text`` in the current language (``QCoreApplication.translate``)."""
    return QCoreApplication.translate(context, text)


def plural(context: str, n: int, one: str, other: str, *more) -> str:
    """``one`` or ``other`` (each marked with :func:`QT_TRANSLATE_NOOP` where it is
    written, ``{0}`` the count, ``{1}``... ``more``) by English's rule, translated and
    formatted: ``1 class``, ``4 classes``. Japanese has one form; its translations of
    both are the same words."""
    return translate(context, one if n == 1 else other).format(n, *more)


def qm_path(lang: str) -> Path:
    """The compiled translation for ``lang`` (``dida_view_<lang>.qm`` in this package)."""
    return HERE / f"dida_view_{lang}.qm"


def system_language() -> str:
    """``"ja"`` when the system's UI language is Japanese, else ``"en"``."""
    langs = QLocale.system().uiLanguages() or [QLocale.system().name()]
    return "ja" if langs[0].lower().startswith("ja") else "en"


def choose_language(cli: str | None = None, settings: QSettings | None = None) -> str:
    """The UI language: ``cli`` (``--lang``) when given, else the Language menu's setting,
    else the system default. Always one of :data:`LANGUAGES`."""
    if cli in LANGUAGES:
        return cli
    saved = settings.value(SETTING, "") if settings is not None else ""
    if saved in LANGUAGES:
        return saved
    return system_language()


def install_language(lang: str) -> bool:
    """Install the translators for ``lang`` (ours and Qt's own, for standard dialogs),
    removing earlier ones. Returns False when ``lang``'s ``.qm`` cannot be loaded."""
    app = QCoreApplication.instance()
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if lang == "en":
        return True
    ours = QTranslator()
    if not ours.load(str(qm_path(lang))):
        return False
    qt = QTranslator()  # Qt's own (standard buttons, file dialogs), when the wheel has them
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{lang}", qt_dir) or qt.load(f"qt_{lang}", qt_dir):
        _installed.append(qt)
    _installed.append(ours)
    for t in _installed:
        app.installTranslator(t)
    return True


def current_language() -> str:
    """``"ja"`` while the Japanese translation is installed, else ``"en"``."""
    return "ja" if _installed else "en"


def class_name(label: str) -> str:
    """A class label as the UI shows it: the Japanese medical term with the model's label,
    ``脈絡膜新生血管（CNV）``, in Japanese (the same terms as the report); the label itself
    otherwise and in English. Exports and JSON keep the model's label."""
    return term(label, current_language())


def register_fonts() -> str | None:
    """Register the bundled Japanese font with Qt, so Japanese text shows on a machine
    without CJK fonts; returns its family, or None when the file is missing."""
    from PySide6.QtGui import QFontDatabase

    from dida_view.render.fonts import FAMILY, bundled_font_path

    if FAMILY in QFontDatabase.families():
        return FAMILY
    path = bundled_font_path()
    if path is None:
        return None
    fid = QFontDatabase.addApplicationFont(str(path))
    return FAMILY if fid >= 0 else None


def setup_language(cli: str | None, settings: QSettings) -> str:
    """Pick the language (:func:`choose_language`), install it, and for Japanese put the
    bundled font behind the application font, so each missing glyph comes from it.
    Returns the language now in use."""
    from PySide6.QtGui import QFont, QGuiApplication

    lang = choose_language(cli, settings)
    if not install_language(lang):
        lang = "en"
        install_language(lang)
    family = register_fonts()
    if lang == "ja" and family is not None:
        font = QGuiApplication.font()
        font.setFamilies([*QFont(font).families(), family])
        QGuiApplication.setFont(font)
    return lang


# the words of dida_view.render.scoretext, translated where the viewer shows them
FLAGS = {"tie": QT_TRANSLATE_NOOP("Scores", "tie"),
         "close call": QT_TRANSLATE_NOOP("Scores", "close call")}
UNITS = {"probability": QT_TRANSLATE_NOOP("Scores", "probability points"),
         "logit": QT_TRANSLATE_NOOP("Scores", "logit units"),
         "log-odds": QT_TRANSLATE_NOOP("Scores", "log-odds")}
SPACES = {"probability": QT_TRANSLATE_NOOP("Scores", "probability"),
          "logit": QT_TRANSLATE_NOOP("Scores", "logit"),
          "log-odds": QT_TRANSLATE_NOOP("Scores", "log-odds")}


def flag_words(flag: str) -> str:
    """``"close call"`` / ``"tie"`` (:meth:`ScoreFlags.flag`) in the current language."""
    return translate("Scores", FLAGS[flag]) if flag in FLAGS else flag


def space_words(space: str) -> str:
    """A score space's name (``probability``, ``logit``, ``log-odds``) as shown."""
    return translate("Scores", SPACES[space]) if space in SPACES else space


def class_title(result, k: int) -> str:
    """:func:`dida_view.render.figure.class_title` as the viewer shows it: the class's
    display name (:func:`class_name`), its probability, and a translated close-call flag."""
    from dida_view.render.scoretext import result_flags, shown_score

    text = f"{class_name(result.labels[k])}  {shown_score(result, k)}"
    flag = result_flags(result).flag(k)
    return f"{text} · {flag_words(flag)}" if flag else text


def full_colour_words(top: float, space: str) -> str:
    """:func:`dida_view.render.scoretext.full_colour_words` in the current language."""
    from dida_view.render.scoretext import plain_number

    unit = translate("Scores", UNITS[space]) if space in UNITS else space
    return translate("Scores", "full red = the class's score drops by {0} when that region "
                     "is hidden (full blue: rises by {0})").format(f"{plain_number(top)} {unit}")


MASKS = {"black": QT_TRANSLATE_NOOP("Scores", "black"), "mean": QT_TRANSLATE_NOOP("Scores", "mean"),
         "blur": QT_TRANSLATE_NOOP("Scores", "blur"), "noise": QT_TRANSLATE_NOOP("Scores", "noise")}


def mask_words(fill: str) -> str:
    """A mask fill's name (``black``, ``mean``…) as shown."""
    return translate("Scores", MASKS[fill]) if fill in MASKS else fill


# the sentences of a result's note (dida_view.method.analysis and .scores), each a pattern of
# the English sentence and its translatable template ({0}, {1}: the pattern's groups)
NOTES = (
    (r"probability saturated \(top p = ([0-9.]+)\): showing (log-odds|logits), where masking "
     r"a cell can still move the score",
     QT_TRANSLATE_NOOP("Notes", "probability saturated (top p = {0}): showing {1}, where "
                       "masking a cell can still move the score")),
    (r"probability saturated: showing (log-odds|logit)\b",
     QT_TRANSLATE_NOOP("Notes", "probability saturated: showing {0}")),
    (r"no map possible for (.+?): the model outputs exactly 1 or 0 there \(float32 rounding\), "
     r"so masking cannot move the score measurably in any space; a blank map means 'cannot "
     r"tell', not 'no evidence'",
     QT_TRANSLATE_NOOP("Notes", "no map possible for {0}: the model outputs exactly 1 or 0 "
                       "there (float32 rounding), so masking cannot move the score measurably "
                       "in any space; a blank map means 'cannot tell', not 'no evidence'")),
    (r"constant image \(every pixel the same\): no structure to explain, so every map is 0 "
     r"and no masked inference was run",
     QT_TRANSLATE_NOOP("Notes", "constant image (every pixel the same): no structure to "
                       "explain, so every map is 0 and no masked inference was run")),
)
_SPACE_WORDS = {"logits": "logit"}


def note_words(note: str | None) -> str | None:
    """A result's note (English, from the Qt-free core) in the current language: each known
    sentence translated, score spaces named as the UI names them; other text as it is."""
    if not note or current_language() == "en":
        return note
    for pattern, template in NOTES:
        def sub(m: re.Match, template: str = template) -> str:
            groups = [space_words(_SPACE_WORDS.get(g, g)) for g in m.groups()]
            return translate("Notes", template).format(*groups)

        note = re.sub(pattern, sub, note)
    return note

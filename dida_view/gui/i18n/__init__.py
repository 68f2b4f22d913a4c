"""The viewer's languages: Qt's translator on the message catalogue, the language choice,
the Japanese font.

Every string the viewer shows is written in English in the source and goes through
:func:`translate` (``QCoreApplication.translate`` with a context naming the module);
strings kept in tables are marked with :func:`~dida_view.catalogue.QT_TRANSLATE_NOOP` and
translated where they are shown; messages of the Qt-free core (notes) are rendered from
the same catalogue with :func:`words`. ``pyside6-lupdate`` finds them all; the one
catalogue is :mod:`dida_view.catalogue` (``dida_view_ja.ts``, compiled by
``pyside6-lrelease`` to the ``.qm`` beside it, committed, so no build step needs the Qt
tools)::

    pyside6-lupdate $(git ls-files 'dida_view/*.py') -ts dida_view/catalogue/dida_view_ja.ts
    pyside6-lrelease dida_view/catalogue/dida_view_ja.ts

:func:`choose_language` is the one place that picks the language: ``--lang``, else the
Language menu's setting, else the system's.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from dida_view import catalogue
from dida_view.catalogue import LANGUAGES, qm_path
from dida_view.catalogue.terms import term
from dida_view.model.scores import SPACE_NAMES
from dida_view.render import scoretext
from dida_view.render.scoretext import FLAGS, MASKS, result_flags, shown_score, word

SETTING = "language"  # QSettings key: "" (the system's), "en" or "ja"
_installed: list[QTranslator] = []  # kept alive while installed


def translate(context: str, text: str) -> str:
    """``text`` in the current language (``QCoreApplication.translate``)."""
    return QCoreApplication.translate(context, text)


def plural(context: str, n: int, one: str, other: str, *more) -> str:
    """``one`` or ``other`` (each marked with :func:`QT_TRANSLATE_NOOP` where it is
    written, ``{0}`` the count, ``{1}``... ``more``) by English's rule, translated and
    formatted: ``1 class``, ``4 classes``. Japanese has one form; its translations of
    both are the same words."""
    return translate(context, one if n == 1 else other).format(n, *more)


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


def words(message: str) -> str:
    """A message of the Qt-free core (a :class:`~dida_view.catalogue.Note` or
    :class:`~dida_view.catalogue.Template`) in the current language, from the catalogue."""
    return catalogue.render(message, current_language())


def flag_words(flag: str) -> str:
    """``"close call"`` / ``"tie"`` (:meth:`ScoreFlags.flag`) in the current language."""
    return words(word(FLAGS, flag))


def space_words(space: str) -> str:
    """A score space's name (``probability``, ``logit``, ``log-odds``) as shown."""
    return words(word(SPACE_NAMES, space))


def mask_words(fill: str) -> str:
    """A mask fill's name (``black``, ``mean``…) as shown."""
    return words(word(MASKS, fill))


def class_title(result, k: int) -> str:
    """:func:`dida_view.render.figure.class_title` as the viewer shows it: the class's
    display name (:func:`class_name`), its probability, and a translated close-call flag."""
    text = f"{class_name(result.labels[k])}  {shown_score(result, k)}"
    flag = result_flags(result).flag(k)
    return f"{text} · {flag_words(flag)}" if flag else text


def full_colour_words(top: float, space: str) -> str:
    """:func:`dida_view.render.scoretext.full_colour_words` in the current language."""
    return words(scoretext.full_colour_words(top, space))

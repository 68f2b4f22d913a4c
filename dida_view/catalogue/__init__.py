"""The one message catalogue: every sentence a user reads, in English and Japanese.

What goes in: each user-facing sentence is written once, in English, as a template marked
``QT_TRANSLATE_NOOP(context, "text with {fields}")``; Qt's ``pyside6-lupdate`` collects
them (with the viewer's ``translate()`` calls) into ``dida_view_ja.ts`` here, where their
Japanese is written, and ``pyside6-lrelease`` compiles it to ``dida_view_ja.qm``. The
viewer reads the ``.qm`` through Qt's translator (:mod:`dida_view.gui.i18n`); the command
line, the report and the audit, which need no Qt, read the same catalogue's ``.ts`` here
(:func:`lookup`). One catalogue, one file to translate.

Core code returns *structured* messages: a :class:`Note` is the English sentence (it is a
``str``: JSON, logs and tests see plain text) that also keeps its context, template and
fields, so every view renders it in the user's language (:func:`render`). Never translate
an English sentence back by pattern.

What never goes in: Qt (this package imports none), file names or patient data as
templates (they are fields).
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "ja")  # English is the source language


def ts_path(lang: str) -> Path:
    """The catalogue's source for ``lang`` (``dida_view_<lang>.ts``, beside this module)."""
    return HERE / f"dida_view_{lang}.ts"


def qm_path(lang: str) -> Path:
    """The compiled catalogue for ``lang`` (``dida_view_<lang>.qm``), for Qt."""
    return HERE / f"dida_view_{lang}.qm"


class Template(str):
    """An English message template with its catalogue context (a ``str``: it formats and
    compares as its English text)."""

    context: str

    def __new__(cls, text: str, context: str) -> Template:
        obj = super().__new__(cls, text)
        obj.context = context
        return obj

    def note(self, **fields: Any) -> Note:
        """The message with these fields filled in."""
        return Note.make(self.context, str(self), **fields)


def QT_TRANSLATE_NOOP(context: str, text: str) -> Template:  # noqa: N802 (lupdate's name)
    """Mark ``text`` for the catalogue under ``context`` (lupdate reads these calls); it is
    translated where it is shown."""
    return Template(text, context)


class Note(str):
    """A message for the user: its English text (the ``str`` itself), and the context,
    template and fields it was made from, so it can be rendered in another language."""

    context: str
    template: str
    fields: Mapping[str, Any]

    @classmethod
    def make(cls, context: str, template: str, **fields: Any) -> Note:
        obj = super().__new__(cls, str(template).format(**{k: str(v) for k, v in
                                                        fields.items()}))
        obj.context, obj.template, obj.fields = context, str(template), dict(fields)
        return obj

    def to_json(self) -> dict:
        """A JSON form that :meth:`from_json` makes a Note of again (the result cache)."""
        return {"context": self.context, "template": self.template,
                "fields": {k: v.to_json() if isinstance(v, Note) else str(v)
                           for k, v in self.fields.items()}}

    @classmethod
    def from_json(cls, data) -> str:
        """A Note from :meth:`to_json`, or the plain text of anything else."""
        if not isinstance(data, dict) or not {"context", "template", "fields"} <= set(data):
            return str(data)
        fields = {k: cls.from_json(v) for k, v in dict(data["fields"]).items()}
        try:
            return cls.make(str(data["context"]), str(data["template"]), **fields)
        except (KeyError, IndexError, ValueError):
            return str(data.get("template", ""))


@functools.lru_cache(maxsize=4)
def _catalogue(lang: str) -> dict[tuple[str, str], str]:
    p = ts_path(lang)
    if lang == "en" or not p.is_file():
        return {}
    out = {}
    for ctx in ET.parse(p).getroot().iter("context"):
        name = ctx.findtext("name", "")
        for msg in ctx.iter("message"):
            tr_ = msg.find("translation")
            if tr_ is not None and tr_.get("type") not in ("unfinished", "obsolete") \
                    and tr_.text:
                out[(name, msg.findtext("source", ""))] = tr_.text
    return out


def lookup(context: str, text: str, lang: str = "en") -> str:
    """``text`` of ``context`` in ``lang`` (the English when the catalogue has none)."""
    return _catalogue(lang).get((context, str(text)), str(text)) if lang != "en" else str(text)


def translations(lang: str) -> list[str]:
    """Every translated message of ``lang`` (e.g. for the characters a font must hold)."""
    return list(_catalogue(lang).values())


def render(message: str, lang: str = "en") -> str:
    """A message in ``lang``: a :class:`Note` from its template, its fields rendered too
    (a field may be a Note or a Template: a score space's name, a finding); a
    :class:`Template` translated; any other text as it is."""
    if lang == "en" or not isinstance(message, str):
        return str(message)
    if isinstance(message, Note):
        fields = {k: render(v, lang) if isinstance(v, str) else v
                  for k, v in message.fields.items()}
        try:
            return lookup(message.context, message.template, lang).format(**fields)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English
            return str(message)
    if isinstance(message, Template):
        return lookup(message.context, message, lang)
    return message


def say(template: Template, lang: str = "en", **fields: Any) -> str:
    """``template`` with ``fields``, in ``lang``: ``render(template.note(**fields), lang)``."""
    return render(template.note(**fields), lang)

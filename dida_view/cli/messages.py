"""The CLI's one-line messages: ``error: ...`` and ``note: ...`` on stderr, with libraries'
warnings, log messages and C-level stderr (libtiff) turned into notes; a closed stdout."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

from dida_view.catalogue import render

LANG: list[str] = ["en"]  # the run's language (``--lang``): notes are said in it


def error(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)


def note(text: str, item: str | Path = "") -> None:
    """One ``note: [item: ]text`` line on stderr, the text in the run's language (a
    catalogue message is rendered from the catalogue; other text is said as it is)."""
    where = f"{item}: " if str(item) else ""
    print(f"note: {where}{render(text, LANG[0])}", file=sys.stderr)


WARNING_ITEM: list[str] = [""]  # the image being analysed, named in a warning's note


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` for the CLI: a library's warning becomes one ``note:`` line.

    Python's own text (file, line number, source line) would sit next to our ``error:``
    lines on stderr; the filters stay Python's (each warning once per place).
    """
    text = (str(message).strip().splitlines() or [category.__name__])[0]
    if category.__name__ == "DecompressionBombWarning":  # ours say it themselves
        text = f"very large image: {text}"
    elif issubclass(category, RuntimeWarning) and "encountered" in text:
        text = f"numpy: {text} (NaN or infinite values?)"
    note_once(text)


SAID: set[tuple[str, str]] = set()  # (item, text) of the library notes shown so far


def note_once(text: str, source: str = "") -> None:
    """A library's message as one ``note:`` line, once per image: a library that both
    warns and logs the same thing (pydicom's ``warn_and_log``) is shown once."""
    key = (WARNING_ITEM[0], text)
    if key in SAID:
        return
    SAID.add(key)
    item = f"{WARNING_ITEM[0]}: " if WARNING_ITEM[0] else ""
    print(f"note: {item}{source + ': ' if source else ''}{text}", file=sys.stderr)


def load_with_c_messages_as_notes(load, name: str, *, quiet: bool = False):
    """``load(name)``, with what C libraries write to file descriptor 2 meanwhile as notes
    (``quiet``: dropped, for a look ahead at an image that is loaded again later).

    libtiff (inside Pillow) prints its warnings and errors straight to fd 2, e.g.
    ``tempfile.tif: Using code not yet in table.``, past Python's ``warnings``. They are
    caught in a temporary file around the image load and shown as ``note:`` lines.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable stderr: nothing to keep clean
        return load(name)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            return load(name)
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in [] if quiet else tmp.read().decode(errors="replace").splitlines():
                line = line.strip().removeprefix("tempfile.tif: ")  # Pillow's name for it
                if line.startswith(("note: ", "error: ")):  # our own, written meanwhile
                    print(line, file=sys.stderr)
                elif line:
                    print(f"note: {name}: libtiff: {line}", file=sys.stderr)


def stdout_closed() -> int:
    """The reader of our stdout has gone (``dida-view analyze ... | head``): stop quietly.

    As a C tool killed by SIGPIPE: no message and exit status 141 (128 + SIGPIPE), not 0,
    since the images after that point were not analysed; a pipeline under ``set -o
    pipefail`` can tell. stdout is pointed at /dev/null so that Python's flush at exit does
    not fail a second time.
    """
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 141


class LogToNote(logging.Handler):
    """Libraries' log messages (pydicom, eyepy, ...) as one ``note:`` line each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        text = (record.getMessage().strip().splitlines() or [record.name])[0]
        note_once(text, record.name.split(".")[0])


def loadable(names: list[str], load_image):
    """The images among ``names`` that load (the others fail later, with their message)."""
    from dida_view.errors import DidaError

    for name in names:
        try:
            with warnings.catch_warnings():  # noted when the image is analysed
                warnings.simplefilter("ignore")
                image = load_with_c_messages_as_notes(load_image, name, quiet=True)
        except (DidaError, OSError):
            continue
        yield image

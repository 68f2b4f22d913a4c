"""The report as a PDF, with Qt's own writer (QPdfWriter + QTextDocument), A4 portrait.

Each page is one QTextDocument laid out on the writer and painted with a QPainter, so text
stays text (search, copy) and the bundled font (resources/fonts/) is embedded, in English
as in Japanese. Needs QtGui only; a QGuiApplication is made (offscreen) when there is none.
"""

from __future__ import annotations

import os
from pathlib import Path

from dida_view.render.fonts import FAMILY, bundled_font_path
from dida_view.report.html import CaseEntry, case_html, cover_html, legend_png, models_of
from dida_view.report.text import text

MARGIN_MM = 15
DPI = 300
FONT_PT = 9.5

_app = None  # a QGuiApplication this module made (kept alive: Qt wants one per process)


def ensure_app():
    """The running QGuiApplication, or a new offscreen one for the command line."""
    global _app
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = app = QGuiApplication(["dida-view"])
    return app


def report_font_family() -> str:
    """Register the bundled font with Qt (once) and return its family (or Qt's default
    sans family when the font file is missing)."""
    from PySide6.QtGui import QFontDatabase

    ensure_app()
    if FAMILY in QFontDatabase.families():
        return FAMILY
    path = bundled_font_path()
    if path is not None:
        fid = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
        if families:
            return families[0]
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()


def write_pdf(path: str | Path, entries: list[CaseEntry], date: str,
              lang: str = "en") -> Path:
    """Write the cover page and one page per case to ``path``; returns the path.

    Pages are laid out and painted one at a time, each case's pictures read from their
    files just for its page, so memory stays flat however many cases there are.

    Raises
    ------
    OSError
        The file cannot be written.
    """
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

    path = Path(path)
    family = report_font_family()
    try:  # QPdfWriter says nothing when it cannot write: find out first
        path.open("wb").close()
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(*[MARGIN_MM] * 4), QPageLayout.Unit.Millimeter))
    writer.setTitle(text("title", lang))
    writer.setCreator("DiDA View")
    width, height = writer.width(), writer.height()
    css_px = 96.0 / writer.logicalDpiX()  # an <img width> is in 1/96 inch, not device pixels
    legend = QImage.fromData(legend_png())
    font = QFont(family)
    font.setPointSizeF(FONT_PT)
    n_pages = 1 + len(entries)

    def pages():
        yield cover_html(entries, models_of(entries), date, lang), {}
        for e in entries:
            src = {f"img{i}": f"case-img{i}.png" for i in range(len(e.images))}
            src["legend"] = "legend.png"
            res = {src[f"img{i}"]: QImage(str(f)) for i, (_, f) in enumerate(e.images)}
            res["legend.png"] = legend
            yield case_html(e, date, lang, src=src, image_width=int(width * 0.44 * css_px),
                            legend_width=int(width * 0.3 * css_px)), res

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"{path}: cannot write the PDF")
    try:
        for i, (body, resources) in enumerate(pages()):
            if i:
                writer.newPage()
            _page(painter, writer, font, body, resources, width, height)
            _footer(painter, font, text("page", lang, i=i + 1, n=n_pages), width, height)
    finally:
        painter.end()
    return path


def _page(painter, writer, font, body: str, resources: dict, width: int, height: int) -> None:
    """Lay out one page's HTML on the writer and paint it (shrunk to fit if it is long)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    for name, img in resources.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), img)
    doc.setHtml(body)
    doc.setTextWidth(width)
    scale = min(1.0, height * 0.96 / max(1.0, doc.size().height()))
    painter.save()
    if scale < 1.0:  # a long note: shrink the page rather than cut it
        doc.setTextWidth(width / scale)
        painter.scale(scale, scale)
    doc.drawContents(painter)
    painter.restore()


def _footer(painter, font, words: str, width: int, height: int) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont

    f = QFont(font)
    f.setPointSizeF(FONT_PT * 0.85)
    painter.save()
    painter.setFont(f)
    painter.setPen(QColor(110, 110, 110))
    painter.drawText(QRectF(0, height * 0.97, width, height * 0.03),
                     int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), words)
    painter.restore()

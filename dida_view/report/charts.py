"""The audit's charts, painted with Qt's own painter (QPainter on a QImage), as PNG bytes.

Why Qt and not matplotlib: Qt is already a dependency and part of the packaged app, which
leaves matplotlib out (build.spec), so ``dida-view audit`` draws the same charts from a
plain install, the packaged app and a cluster's driver alike; and labels in any script are
drawn with the bundled font (:func:`dida_view.report.pdf.report_font_family`), as the
report's. Needs QtGui only; an offscreen QGuiApplication is made when there is none. The
numbers come from ``summary.json`` (:mod:`dida_view.audit.summary`): nothing here counts.
"""

from __future__ import annotations

from dida_view.catalogue import QT_TRANSLATE_NOOP, say
from dida_view.report.pdf import ensure_app, report_font_family

# the charts' words (the catalogue's, context "Audit"), drawn in the run's language
SHARE_TITLES = {
    "padding": QT_TRANSLATE_NOOP("Audit", "Padding (letterbox)"),
    "bands": QT_TRANSLATE_NOOP("Audit", "Near-constant bands (export bands, wedges, text)"),
    "border": QT_TRANSLATE_NOOP("Audit", "Outer 10 % border of the scan"),
    "shortcut": QT_TRANSLATE_NOOP("Audit", "Shortcut: padding and bands together"),
}
NOT_MEASURED = QT_TRANSLATE_NOOP("Audit", "not measured on any scan: DiDA never masks the padding")
NO_POSITIVE = QT_TRANSLATE_NOOP("Audit", "no scan with positive evidence")
HISTOGRAM_LINE = QT_TRANSLATE_NOOP(
    "Audit", "{count} scans; median {median} %, 90th percentile {p90} %; {quarter} at 25 % "
    "or more")
HISTOGRAM_LINE_ONE = QT_TRANSLATE_NOOP(
    "Audit", "1 scan; median {median} %, 90th percentile {p90} %; {quarter} at 25 % or more")
CONFUSION_TITLE = QT_TRANSLATE_NOOP(
    "Audit", "Clinician's reading (rows) against the model's top class (columns)")
TOP_CLASS = QT_TRANSLATE_NOOP("Audit", "model's top class")
TOTAL = QT_TRANSLATE_NOOP("Audit", "total")
INK, GRID, MUTED = (40, 40, 40), (200, 200, 200), (110, 110, 110)
MIN_TINT = 0.2  # the lightest shade of a cell that holds any case


def _png(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def _canvas(width: int, height: int):
    """A white QImage and a painter on it, antialiased, with the report's font."""
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    ensure_app()
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    font = QFont(report_font_family())
    font.setPixelSize(14)
    painter.setFont(font)
    return image, painter


def _text(painter, x: float, y: float, w: float, h: float, words: str, align: str = "c",
          colour=INK, size: int | None = None, bold: bool = False) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor

    flags = {"c": Qt.AlignmentFlag.AlignCenter,
             "l": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
             "r": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter}[align]
    painter.save()
    font = painter.font()
    if size:
        font.setPixelSize(size)
    font.setBold(bold)
    painter.setFont(font)
    painter.setPen(QColor(*colour))
    metrics = painter.fontMetrics()
    shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, int(w))
    painter.drawText(QRectF(x, y, w, h), int(flags), shown)
    painter.restore()


def confusion_png(confusion: dict, lang: str = "en") -> bytes:
    """The confusion matrix (``summary["confusion"]``): counts in cells shaded by their
    share of the row, the diagonal (agreement) in green, the others in red; row totals."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPen

    rows, cols, m = confusion["rows"], confusion["columns"], confusion["matrix"]
    shown = [i for i, r in enumerate(m) if i < len(cols) or sum(r)]  # 'other' when used
    cell_w, cell_h, left, top = 96, 44, 170, 86
    width = left + cell_w * (len(cols) + 1) + 20
    height = top + cell_h * len(shown) + 30
    image, p = _canvas(width, height)
    try:
        _text(p, 10, 6, width - 20, 24, say(CONFUSION_TITLE, lang), "l", bold=True)
        _text(p, left, 34, cell_w * len(cols), 20, say(TOP_CLASS, lang), "c", MUTED, 13)
        for j, c in enumerate(cols):
            _text(p, left + j * cell_w + 2, 56, cell_w - 4, 26, c, "c", bold=True)
        _text(p, left + len(cols) * cell_w, 56, cell_w, 26, say(TOTAL, lang), "c", MUTED)
        for r_i, i in enumerate(shown):
            y = top + r_i * cell_h
            total = sum(m[i])
            _text(p, 10, y, left - 16, cell_h, rows[i], "r", bold=i < len(cols))
            for j in range(len(cols)):
                v = m[i][j]
                frac = v / total if total else 0.0
                if v:  # a single case off the diagonal still shows
                    frac = max(frac, MIN_TINT)
                base = (26, 127, 55) if i == j else (180, 35, 24)
                fill = [round(255 - (255 - b) * frac * 0.85) for b in base]
                p.fillRect(QRectF(left + j * cell_w, y, cell_w, cell_h), QColor(*fill))
                ink = (255, 255, 255) if frac > 0.55 else INK
                _text(p, left + j * cell_w, y, cell_w, cell_h, str(v), "c", ink, 16)
            _text(p, left + len(cols) * cell_w, y, cell_w, cell_h, str(total), "c", MUTED)
        p.setPen(QPen(QColor(*GRID), 1))
        for r_i in range(len(shown) + 1):
            y = top + r_i * cell_h
            p.drawLine(left, y, left + len(cols) * cell_w, y)
        for j in range(len(cols) + 1):
            x = left + j * cell_w
            p.drawLine(x, top, x, top + len(shown) * cell_h)
    finally:
        p.end()
    return _png(image)


def nice_step(largest: int) -> int:
    """A whole step for four guides that reach at least ``largest``: 1, 2, 2.5 or 5 times
    a power of ten."""
    need = max(1.0, largest / 4)
    power = 1
    while True:
        for m in (1, 2, 2.5, 5):
            if m * power >= need and float(m * power).is_integer():
                return int(m * power)
        power *= 10


def _histogram(p, x0: float, y0: float, w: float, h: float, name: str, stats: dict,
               lang: str) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPen

    title = say(SHARE_TITLES[name], lang) if name in SHARE_TITLES else name
    _text(p, x0, y0, w, 22, title, "l", bold=True)
    if not stats.get("measured"):
        _text(p, x0, y0 + 26, w, 22, say(NOT_MEASURED if name == "padding" else NO_POSITIVE,
                                         lang), "l", MUTED, 13)
        return
    line = HISTOGRAM_LINE_ONE if stats["measured"] == 1 else HISTOGRAM_LINE
    _text(p, x0, y0 + 22, w, 20, say(line, lang, count=stats["measured"],
                                     median=f"{100 * stats['median']:.1f}",
                                     p90=f"{100 * stats['p90']:.1f}",
                                     quarter=stats["at_least_quarter"]), "l", MUTED, 12)
    hist = stats["histogram"]
    left, bottom = x0 + 44, y0 + h - 26
    plot_w, plot_h = w - 54, h - 80
    step = nice_step(max(hist))
    top_count = 4 * step
    p.setPen(QPen(QColor(*GRID), 1))
    for t in range(5):  # horizontal guides at whole counts
        y = bottom - plot_h * t / 4
        p.drawLine(round(left), round(y), round(left + plot_w), round(y))
        _text(p, x0, y - 9, 40, 18, f"{t * step}", "r", MUTED, 11)
    bar_w = plot_w / len(hist)
    for i, v in enumerate(hist):
        bh = plot_h * v / top_count
        p.fillRect(QRectF(left + i * bar_w + 1, bottom - bh, bar_w - 2, bh),
                   QColor(70, 100, 160))
        if v:  # the count over the bar: a single scan in a bin is seen
            _text(p, left + i * bar_w, bottom - bh - 16, bar_w, 15, str(v), "c", INK, 11)
    for t in range(5):
        x = left + plot_w * t / 4
        _text(p, x - 30, bottom + 4, 60, 18, f"{t * 25} %", "c", MUTED, 11)


def histograms_png(evidence: dict, lang: str = "en") -> bytes:
    """Histograms of the evidence shares (``summary["evidence"]``), two by two."""
    names = [n for n in ("bands", "shortcut", "border", "padding") if n in evidence]
    cols, panel_w, panel_h = 2, 440, 250
    rows = (len(names) + cols - 1) // cols
    image, p = _canvas(cols * panel_w + 20, rows * panel_h + 20)
    try:
        for i, name in enumerate(names):
            _histogram(p, 10 + (i % cols) * panel_w, 10 + (i // cols) * panel_h,
                       panel_w - 20, panel_h - 10, name, evidence[name], lang)
    finally:
        p.end()
    return _png(image)

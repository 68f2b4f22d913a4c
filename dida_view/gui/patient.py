"""Patient view: one case explained in plain words, to show on screen or print on one page.

The original beside the evidence for ONE class (the top class unless another is chosen),
large, with captions a patient can read: no "logit", no "d", no grid sizes. The page is
painted by :func:`paint_page` on any QPainter device: the window's page widget, a printer
(File > Print Patient Page, Ctrl+P), a PDF (QPdfWriter) or a PNG, always as one page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import class_name, translate
from dida_view.gui.viewer.panel import to_qimage
from dida_view.render.maps import class_overlay, class_scale
from dida_view.viewmodel.viewer import ViewerModel

# the demo model's classes (models/README.md) and common OCT labels, in plain words
PLAIN_NAMES = {
    "normal": QT_TRANSLATE_NOOP("PatientView", "a healthy retina"),
    "early amd":
        QT_TRANSLATE_NOOP("PatientView", "early age-related macular degeneration (drusen)"),
    "wet amd": QT_TRANSLATE_NOOP("PatientView", "wet age-related macular degeneration"),
    "dry amd": QT_TRANSLATE_NOOP("PatientView", "dry age-related macular degeneration (atrophy)"),
    "amd": QT_TRANSLATE_NOOP("PatientView", "age-related macular degeneration"),
    "cme":
        QT_TRANSLATE_NOOP("PatientView", "cystoid macular edema (pockets of fluid in the retina)"),
    "me": QT_TRANSLATE_NOOP("PatientView", "macular edema (swelling of the retina)"),
    "dme": QT_TRANSLATE_NOOP("PatientView", "diabetic macular edema (swelling of the retina)"),
    "srd": QT_TRANSLATE_NOOP("PatientView", "serous retinal detachment (fluid under the retina)"),
    "erm": QT_TRANSLATE_NOOP("PatientView", "epiretinal membrane (a thin film on the retina)"),
    "mh": QT_TRANSLATE_NOOP("PatientView", "macular hole"),
    "ra": QT_TRANSLATE_NOOP("PatientView", "retinal atrophy (thinning of the retina)"),
    "cnv": QT_TRANSLATE_NOOP("PatientView", "new blood vessels under the retina (CNV)"),
    "drusen": QT_TRANSLATE_NOOP("PatientView", "drusen (small deposits under the retina)"),
}
PAGE_PNG = (1754, 1240)  # A4 landscape at 150 dpi
RED, BLUE = QColor(224, 0, 0), QColor(30, 91, 255)



def plain_name(label: str) -> str:
    """A class label in words a patient knows (the label itself when unknown)."""
    return translate("PatientView", PLAIN_NAMES.get(label.strip().lower(), label))


@dataclass(frozen=True)
class PatientPage:
    """What the page shows: two pictures and plain sentences."""

    original: np.ndarray
    evidence: np.ndarray
    title: str
    left: str
    right: str
    red: str
    blue: str
    lines: list[str] = field(default_factory=list)
    footer: str = ""
    date: str = ""

    def texts(self) -> list[str]:
        """Every sentence on the page (tests scan them)."""
        return [self.title, self.left, self.right, self.red, self.blue, *self.lines,
                self.footer, self.date]


def make_page(model: ViewerModel, k: int | None = None) -> PatientPage | None:
    """The page for class ``k`` (None: the top class) of the model's result, or None
    when there is nothing analysed yet."""
    res, image = model.result, model.image
    if res is None or image is None or not res.d:
        return None
    order = res.top(len(res.labels))
    k = order[0] if k is None or not 0 <= k < len(res.labels) else int(k)
    name = plain_name(res.labels[k])
    evidence = class_overlay(res, image, k, class_scale(res, [k]), model.figure_view())
    rank = order.index(k) + 1
    if rank == 1:
        how = translate("PatientView", "Of the {0} findings the computer knows, it found this "
                        "one the most likely for this scan.").format(len(order))
    else:
        how = translate("PatientView", "Of the {0} findings the computer knows, it placed this "
                        "one number {1}.").format(len(order), rank)
    lines = [how]
    if res.domain is not None and not res.domain.typical:  # the domain check, in plain words
        lines.append(translate(
            "PatientView", "This scan does not look like the scans the computer learned "
            "from, so this picture may not mean much."))
    return PatientPage(
        original=image, evidence=evidence,
        title=translate("PatientView", "Your eye scan, explained"),
        left=translate("PatientView", "Your scan"),
        right=translate("PatientView", "What the computer looked at"),
        red=translate("PatientView", "Red areas: what made the computer think of {0}.").format(
            name),
        blue=translate("PatientView", "Blue areas: what speaks against it."), lines=lines,
        footer=translate("PatientView", "This picture helps explain the scan; it is not a "
                         "diagnosis. Please ask your doctor what it means for you."),
        # the page leaves the program: which model made it (its file), as every picture says
        date=translate("PatientView", "Made with DiDA View on {0}, model {1}").format(
            dt.date.today().isoformat(),
            model.model_path.name if model.model_path is not None else "?"))


def _font(px: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(max(6, round(px)))
    f.setBold(bold)
    return f


def paint_page(p: QPainter, rect: QRectF, page: PatientPage) -> None:
    """Paint ``page`` into ``rect`` (device pixels): title, the two pictures with their
    captions, the colour key in sentences, the footer. The text is measured first and
    the pictures get the height that is left, so nothing overlaps at any page size."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    p.fillRect(rect, QColor(255, 255, 255))
    u = min(rect.height(), rect.width() * 0.7)  # the text unit follows the page's size
    m = rect.width() * 0.04
    x0, w = rect.left() + m, rect.width() - 2 * m
    wrap = Qt.TextFlag.TextWordWrap
    title, cap, body = _font(u * 0.05, bold=True), _font(u * 0.03, bold=True), _font(u * 0.03)
    small = _font(u * 0.02)

    def height(f: QFont, width: float, text: str) -> float:
        p.setFont(f)
        return p.boundingRect(QRectF(0, 0, width, rect.height()), wrap, text).height()

    gap = m * 0.5
    cell_w = (w - gap) / 2
    line = height(body, w, "X")
    indent = line * 1.2
    key = [(RED, page.red), (BLUE, page.blue), (None, " ".join(page.lines))]
    key_h = [height(body, w - indent, t) for _c, t in key]
    cap_h = max(height(cap, cell_w, page.left), height(cap, cell_w, page.right))
    foot_h, date_h = height(body, w, page.footer), height(small, w, page.date)
    top_h = height(title, w, page.title)
    y = rect.top() + m * 0.7
    bottom = rect.bottom() - m * 0.6
    room = (bottom - date_h - foot_h - line * 0.8) - (y + top_h + line * 0.6) \
        - cap_h - sum(key_h) - line * 1.6
    ih, iw = page.original.shape[:2]
    s = max(1e-3, min(cell_w / iw, room / ih))
    pic_w, pic_h = iw * s, ih * s
    p.setPen(QColor(20, 20, 20))
    p.setFont(title)
    p.drawText(QRectF(x0, y, w, top_h), Qt.AlignmentFlag.AlignLeft, page.title)
    y += top_h + line * 0.6
    for i, (arr, text) in enumerate(((page.original, page.left), (page.evidence, page.right))):
        cx = x0 + i * (cell_w + gap)
        p.drawImage(QRectF(cx + (cell_w - pic_w) / 2, y, pic_w, pic_h), to_qimage(_rgb(arr)))
        p.setFont(cap)
        p.drawText(QRectF(cx, y + pic_h + line * 0.2, cell_w, cap_h),
                   Qt.AlignmentFlag.AlignHCenter | wrap, text)
    y += pic_h + cap_h + line * 0.8
    p.setFont(body)
    for (colour, text), h in zip(key, key_h, strict=True):
        dx = 0.0
        if colour is not None:
            p.fillRect(QRectF(x0, y + line * 0.15, line * 0.75, line * 0.75), colour)
            dx = indent
        p.drawText(QRectF(x0 + dx, y, w - dx, h), wrap, text)
        y += h + line * 0.3
    p.setFont(_font(u * 0.03, bold=True))
    p.drawText(QRectF(x0, bottom - date_h - foot_h, w, foot_h), wrap, page.footer)
    p.setFont(small)
    p.setPen(QColor(110, 110, 110))
    p.drawText(QRectF(x0, bottom - date_h, w, date_h), Qt.AlignmentFlag.AlignLeft, page.date)
    p.restore()


def _rgb(arr: np.ndarray) -> np.ndarray:
    a = np.asarray(arr)
    return np.repeat(a[:, :, None], 3, axis=2) if a.ndim == 2 else a


def export_page(page: PatientPage, path: str | Path) -> Path:
    """Write ``page`` as a one-page PDF (A4 landscape, text kept as text) or a PNG."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        writer.setResolution(150)
        writer.setTitle(page.title)
        p = QPainter(writer)
        paint_page(p, QRectF(0, 0, writer.width(), writer.height()), page)
        p.end()
    elif suffix == ".png":
        img = QImage(*PAGE_PNG, QImage.Format.Format_RGB32)
        p = QPainter(img)
        paint_page(p, QRectF(0, 0, *PAGE_PNG), page)
        p.end()
        if not img.save(str(path), "PNG"):
            raise OSError(translate("PatientView", "{0}: cannot write").format(path))
    else:
        raise ValueError(translate("PatientView", "{0}: expected a .pdf or .png file name"
                                   ).format(path.name))
    if not path.is_file():
        raise OSError(translate("PatientView", "{0}: cannot write").format(path))
    return path


def print_on(printer: QPrinter, page: PatientPage) -> None:
    """Paint ``page`` on ``printer``'s first sheet, scaled to its printable area (one
    sheet: no new page is ever started)."""
    p = QPainter(printer)
    paint_page(p, QRectF(0, 0, printer.width(), printer.height()), page)
    p.end()


class PageWidget(QWidget):
    """Shows a :class:`PatientPage` as it prints (A4 landscape, centred)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page: PatientPage | None = None
        self.setMinimumSize(560, 400)

    def set_page(self, page: PatientPage | None) -> None:
        """Show ``page`` (None: a hint)."""
        self.page = page
        self.update()

    def page_rect(self) -> QRectF:
        """Where the page is drawn (the A4 landscape shape, as large as fits)."""
        ratio = PAGE_PNG[0] / PAGE_PNG[1]
        w = min(self.width() - 16, (self.height() - 16) * ratio)
        h = w / ratio
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(90, 90, 90))
        if self.page is None:
            p.setPen(QColor(240, 240, 240))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       translate("PatientView", "Open a scan and wait for the analysis to finish."))
        else:
            paint_page(p, self.page_rect(), self.page)
        p.end()


class PatientView(QWidget):
    """View > Patient View: a window with the page, the class to explain and Print."""

    def __init__(self, model: ViewerModel, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.model = model
        self.chosen: int | None = None  # None: the top class
        self.setWindowTitle(translate("PatientView", "DiDA View — Patient View"))
        self.resize(1200, 860)
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(self._chosen)
        self.print_button = QPushButton(translate("PatientView", "Print…"))
        self.print_button.clicked.connect(self.print_page)
        self.save_button = QPushButton(translate("PatientView", "Save as PDF or PNG…"))
        self.save_button.clicked.connect(self.ask_save)
        close = QPushButton(translate("PatientView", "Close"))
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("PatientView", "Explain:")))
        top.addWidget(self.choice, 1)
        top.addStretch(1)
        for b in (self.print_button, self.save_button, close):
            top.addWidget(b)
        self.page_widget = PageWidget()
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.page_widget, 1)
        ev = model.events
        ev.image.connect(self._new_case)
        for event in (ev.result, ev.display):
            event.connect(lambda _value: self.refresh())
        self.refresh()

    def _new_case(self, _image) -> None:
        self.chosen = None
        self.refresh()

    def _chosen(self, index: int) -> None:
        k = self.choice.itemData(index)
        if k is not None and k != self.current_class():
            self.chosen = int(k)
            self.refresh()

    def current_class(self) -> int | None:
        """The class explained (the top one unless another was chosen)."""
        res = self.model.result
        if res is None:
            return None
        if self.chosen is not None and self.chosen < len(res.labels):
            return self.chosen
        return res.top(1)[0]

    def page(self) -> PatientPage | None:
        """The page as it is shown and printed."""
        return make_page(self.model, self.current_class())

    def refresh(self) -> None:
        """Rebuild the class list and the page from the model."""
        res, k = self.model.result, self.current_class()
        self.choice.blockSignals(True)
        self.choice.clear()
        if res is not None:
            for j in res.top(len(res.labels)):
                self.choice.addItem(f"{class_name(res.labels[j])} — {plain_name(res.labels[j])}", j)
            self.choice.setCurrentIndex(max(0, self.choice.findData(k)))
        self.choice.blockSignals(False)
        page = self.page()
        self.page_widget.set_page(page)
        for b in (self.print_button, self.save_button):
            b.setEnabled(page is not None)

    def print_page(self) -> None:
        """Print the page (a print dialog first), always on one sheet."""
        page = self.page()
        if page is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            print_on(printer, page)

    def ask_save(self) -> None:
        """Save the page as a PDF or PNG (a file dialog first)."""
        page = self.page()
        if page is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, translate(
            "PatientView", "Save the patient page"),
                                              "patient_page.pdf",
                                              translate(
                                                  "PatientView", "PDF (*.pdf);;PNG image (*.png)"))
        if path:
            try:
                export_page(page, path)
            except (OSError, ValueError) as exc:
                show_error = getattr(self.parent(), "show_error", None)
                if show_error is not None:
                    show_error(translate("PatientView", "Cannot save the page"), str(exc))


def show_patient_view(win) -> PatientView:
    """Open (or raise) the patient view of ``win``'s model."""
    view = getattr(win, "patient_view", None)
    if view is None:
        view = win.patient_view = PatientView(win.model, win)
    view.show()
    if QGuiApplication.platformName() != "offscreen":  # it has no window stack
        view.raise_()
    return view


def menu_slots(win) -> dict:
    """The slots of View > Patient View and File > Print Patient Page."""
    return {
        "patient_view": lambda: show_patient_view(win),
        "print_patient": lambda: show_patient_view(win).print_page(),
    }

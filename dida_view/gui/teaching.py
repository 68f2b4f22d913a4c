"""Teaching mode: the viewer on a projector, as a quiz, with a pen.

View > Teaching Mode (Ctrl+T) hides the controls, the toolbar, the status bar and the
probe, darkens the window, makes the legend large, goes full screen and shows a banner
with the case number, the keys and the status bar's model line (which model, what it was
trained on, "not for diagnosis": the projector shows it too). The case list is stepped
with Right/Space and Left/Backspace; the model's answer (class panels, scores, class
list, probe) stays hidden until R or Enter reveals it, and the next case hides it again
(the viewer model's ``quiz`` and ``revealed``). The pen (P) draws on the panels; its
strokes are the viewer model's ``marks``, in image pixels, so every panel shows them at
the same place and the exported figure has them. C or Delete clears them.

Stepping goes through a :class:`CaseSource`: by default the images of the current
image's folder (:class:`FolderCases`); a case browser plugs in by setting
``window.teaching.cases`` to any object with the same two methods (and, optionally,
``open(path)``, used instead of the window's ``open_image``). The case browser dock (its
table and the reading name the answer) is hidden in teaching mode, like the controls.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image, ImageDraw
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy

from dida_view.gui import theme
from dida_view.gui.i18n import class_name, translate, words
from dida_view.gui.viewer.domain_views import model_line
from dida_view.gui.viewer.panel import ImagePanel
from dida_view.gui.viewer.panel_area import PanelArea
from dida_view.io.images import IMAGE_SUFFIXES
from dida_view.model.domain import HEADLINE
from dida_view.render.figure import font
from dida_view.viewmodel.viewer import N_CLASS_PANELS, ViewerModel

QWIDGETSIZE_MAX = (1 << 24) - 1


def text_px(window_width: int) -> tuple[int, int]:
    """(banner, legend) type sizes in pixels for a window ``window_width`` wide: readable
    from the back of a room on a 1920-pixel projector (32, 26), still fitting one line of
    the legend at 1024 pixels (20, 16)."""
    return (int(max(20, min(32, round(window_width / 50)))),
            int(max(16, min(26, round(window_width / 70)))))



class CaseSource(Protocol):
    """What teaching mode steps through (a folder, or a case browser's list)."""

    def step(self, current: Path | None, delta: int) -> Path | None:
        """The case ``delta`` places after ``current`` (None: no such case)."""

    def position(self, current: Path | None) -> tuple[int, int] | None:
        """(1-based index of ``current``, number of cases), or None when not in the list."""


class FolderCases:
    """The images of the current image's folder, sorted by name (no wrap-around)."""

    def _list(self, current: Path | None) -> list[Path]:
        if current is None or not current.parent.is_dir():
            return []
        return sorted(p for p in current.parent.iterdir()
                      if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)

    def _index(self, cases: list[Path], current: Path) -> int | None:
        resolved = [p.resolve() for p in cases]
        target = current.resolve()
        return resolved.index(target) if target in resolved else None

    def step(self, current: Path | None, delta: int) -> Path | None:
        """The image ``delta`` places after ``current`` in its folder."""
        cases = self._list(current)
        i = self._index(cases, current) if cases and current is not None else None
        if i is None or not 0 <= i + delta < len(cases):
            return None
        return cases[i + delta]

    def position(self, current: Path | None) -> tuple[int, int] | None:
        """(1-based index, count) of ``current`` in its folder."""
        cases = self._list(current)
        i = self._index(cases, current) if cases and current is not None else None
        return None if i is None else (i + 1, len(cases))


def question_picture(width: int, height: int) -> np.ndarray:
    """A dark picture of the original's size with a large "?": a hidden class panel."""
    pil = Image.new("RGB", (max(1, width), max(1, height)), (40, 40, 44))
    draw = ImageDraw.Draw(pil)
    f = font(max(12, round(min(width, height) * 0.6)))
    x0, y0, x1, y1 = draw.textbbox((0, 0), "?", font=f)
    draw.text(((width - (x1 - x0)) / 2 - x0, (height - (y1 - y0)) / 2 - y0), "?",
              fill=(150, 150, 155), font=f)
    return np.asarray(pil)


def show_hidden(presenter) -> None:
    """Fill the widgets of a :class:`~dida_view.gui.viewer.presenter.Presenter` for a quiz whose
    answer is hidden: the original (no file name, no diagnosis: both can name the answer),
    a "?" in every class panel, no legend scale, an empty class list."""
    m = presenter.model
    assert m.image is not None
    h, w = m.image.shape[:2]
    n = len(m.panel_classes) or N_CLASS_PANELS
    panels = presenter.area.set_count(1 + n, 1 + n)
    panels[0].set_picture(presenter.cache.original(), (w, h))
    panels[0].set_texts(translate("Teaching", "Original"))
    question = question_picture(w, h)
    for i, p in enumerate(panels[1:], start=1):
        p.set_picture(question, (w, h))
        p.set_texts(translate("Teaching", "Answer {0}").format(i), hint="?")
    for p in panels:
        p.set_target(False)
    presenter.legend.set_state(None, None, None)
    presenter.controls.fill_classes([])
    presenter.show_probe()


class PenTool(QObject):
    """Mouse strokes on any panel of ``area`` become the model's marks (while on)."""

    def __init__(self, model: ViewerModel, area: PanelArea) -> None:
        super().__init__(area)
        self.model, self.area, self.on = model, area, False
        area.installEventFilter(self)
        for p in area.panels:
            p.installEventFilter(self)
        model.events.marks.connect(area.set_marks)

    def set_on(self, on: bool) -> None:
        """Draw with the left button (on) or pan and click as usual (off)."""
        self.on = bool(on)
        shape = Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.CrossCursor
        for p in self.area.panels:
            p.setCursor(shape)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.area:
            if event.type() == QEvent.Type.ChildAdded:
                event.child().installEventFilter(self)  # a new panel (checked when used)
            return False
        if not self.on or not isinstance(obj, ImagePanel) or not isinstance(event, QMouseEvent):
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._point(obj, event.position(), self.model.start_mark)
            return True
        if kind == QEvent.Type.MouseMove and event.buttons() & Qt.MouseButton.LeftButton:
            self._point(obj, event.position(), self.model.extend_mark)
            return True
        return kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)

    def _point(self, panel: ImagePanel, pos: QPointF,
               add: Callable[[float, float], None]) -> None:
        if not panel.has_picture():
            return
        w, h = panel.image_size
        ip = panel.to_image(pos)
        add(min(max(ip.x(), 0.0), float(w)), min(max(ip.y(), 0.0), float(h)))


class TeachingMode(QObject):
    """Teaching mode of a :class:`~dida_view.gui.viewer.window.MainWindow` (``win.teaching``)."""

    def __init__(self, win: QMainWindow) -> None:
        super().__init__(win)
        self.win, self.model = win, win.model
        self.active = False
        self.cases: CaseSource = FolderCases()
        self.pen = PenTool(win.model, win.area)
        self._saved: dict = {}
        self.banner = QLabel()
        self.banner.setObjectName("teaching-banner")
        self.banner.setWordWrap(True)
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.banner_px = 30
        self.banner.setStyleSheet("color:#f0f0f0; background:#181818; padding:6px 12px;")
        self.banner.hide()
        win.centralWidget().layout().insertWidget(0, self.banner)
        ev = win.model.events
        for event in (ev.image, ev.result, ev.teaching, ev.model):
            event.connect(lambda _value: self._update())
        win.legend.contents_changed.connect(self._legend_changed)
        self._enable_keys(False)
        win.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self.win and self.active:
            if event.type() == QEvent.Type.Resize:
                self._scale_texts()
            elif event.type() == QEvent.Type.Close:
                # leave first: the window saves its docks and toolbar as the user had them
                self.set_active(False)
        return False

    def _scale_texts(self) -> None:
        """Type as large as the window allows; the legend keeps one height, so the panels
        do not move when the answer (and the legend's scale line) appears."""
        banner_px, legend_px = text_px(self.win.width())
        if banner_px != self.banner_px or not self.banner.font().pixelSize() > 0:
            self.banner_px = banner_px
            f = QFont(self.banner.font())
            f.setPixelSize(banner_px)
            self.banner.setFont(f)
            self._update()
        self.win.legend.set_large(legend_px)
        self._fit_legend()

    def _legend_changed(self) -> None:
        if self.active:
            self._fit_legend()
            QTimer.singleShot(0, self._fit_legend)  # once its labels have taken the text

    def _fit_legend(self) -> None:
        """Five lines of legend whatever is shown (the panels stay put when the answer
        comes), more when its lines need them (a note on the score space, a narrow
        window): never cut mid-sentence."""
        if not self.active:
            return
        legend = self.win.legend
        five = round(text_px(self.win.width())[1] * 5)
        legend.setFixedHeight(max(five, legend.needed_height()))

    # -- the mode --------------------------------------------------------------------------
    def set_active(self, on: bool, full_screen: bool = True) -> None:
        """Enter (``on``) or leave teaching mode; leaving puts the window back as it was."""
        if bool(on) == self.active:
            return
        w = self.win
        if on:
            self._saved = {"state": w.saveState(), "full": w.isFullScreen(),
                           "status": w.statusBar().isVisible(),
                           "probe": w.probe.isVisible()}
            for widget in (w.dock, w.toolbar, w.statusBar(), w.probe):
                widget.hide()
            theme.apply_theme(True)
            self.banner.show()
            self.active = True
            self._scale_texts()
            self.model.revealed = False
            self.model.quiz = True
            if full_screen:
                w.showFullScreen()
        else:
            self.active = False
            self.model.quiz = False
            self.banner.hide()
            w.legend.set_large(None)
            w.legend.setMinimumHeight(0)
            w.legend.setMaximumHeight(QWIDGETSIZE_MAX)
            theme.apply_theme(w.actions_.dark.isChecked())
            w.restoreState(self._saved.get("state", w.saveState()))
            w.statusBar().setVisible(self._saved.get("status", True))
            w.probe.setVisible(self._saved.get("probe", True))
            if w.isFullScreen() and not self._saved.get("full", False):
                w.showNormal()
            w._update_title()
        self._enable_keys(self.active)
        action = getattr(w.actions_, "teaching", None)
        if action is not None and action.isChecked() != self.active:
            action.blockSignals(True)
            action.setChecked(self.active)
            action.blockSignals(False)
        self._update()

    def _enable_keys(self, on: bool) -> None:
        for name in ("teach_next", "teach_previous", "reveal"):
            action = getattr(getattr(self.win, "actions_", None), name, None)
            if action is not None:
                action.setEnabled(on)

    # -- stepping and the quiz -------------------------------------------------------------
    def next_case(self) -> bool:
        """Open the next case (False at the end of the list)."""
        return self._step(1)

    def previous_case(self) -> bool:
        """Open the previous case (False at the start of the list)."""
        return self._step(-1)

    def _step(self, delta: int) -> bool:
        path = self.cases.step(self.model.image_path, delta)
        if path is None:
            self.win.status.message(translate("Teaching", "No more cases"))
            return False
        opener = getattr(self.cases, "open", None)  # a case list opens its own cases
        return bool(opener(path) if opener is not None else self.win.open_image(path))

    def reveal(self) -> None:
        """Show the model's answer (or hide it again)."""
        self.model.revealed = not self.model.revealed

    def set_pen(self, on: bool) -> None:
        """The pen on or off."""
        self.pen.set_on(on)

    # -- banner and title ------------------------------------------------------------------
    def banner_text(self) -> str:
        """The banner: the case's number, the answer once revealed, the keys."""
        m = self.model
        pos = self.cases.position(m.image_path)
        case = translate(
            "Teaching", "Case {0} of {1}").format(*pos) if pos else translate("Teaching", "Case")
        res = m.result
        if m.image is None:
            what = translate("Teaching", "Open an image")
        elif m.answer_hidden():
            what = translate("Teaching", "What does the computer see? Press R to show its answer.")
        elif res is None or not res.d:
            what = translate("Teaching", "Analysing…")
        else:
            k = res.top(1)[0]
            what = translate("Teaching", "The computer's answer: <b>{0}</b> {1}").format(
                class_name(res.labels[k]), m.score_text(k))
            if m.diagnosis:
                what += " · " + translate("Teaching", "Diagnosis: <b>{0}</b>").format(m.diagnosis)
            if res.domain is not None and not res.domain.typical:  # the domain check's badge
                what += (" &nbsp;<span style='background:#b42318; color:#ffffff'>&nbsp;⚠ "
                         f"{html.escape(words(HEADLINE), quote=False)}&nbsp;</span>")
        keys = translate("Teaching", "R: answer · →/Space: next · ←: back · P: pen · C: clear · "
                                     "Ctrl+T: leave")
        clf = m.classifier
        model = html.escape(model_line(m.model_path, getattr(clf, "metadata", None)
                                       if clf is not None else None))
        small = f"font-size:{self.banner_px * 2 // 3}px"
        return (f"<b>{case}</b> &nbsp; {what}"
                f"<br><span style='{small}; color:#a0a0a0'>{keys}</span>"
                f"<br><span style='{small}; color:#ffd27a'>{model}</span>")

    def _hide_case_dock(self) -> None:
        """The case browser dock (its table has the model's top class and the diagnosis,
        its reading editor the diagnosis) stays hidden in teaching mode, also when a case
        list is opened there; the revealed answer is in the banner, and the panels do not
        move when it appears. Leaving teaching mode gives the dock back."""
        dock = getattr(getattr(self.win, "cases", None), "dock", None)
        if dock is not None and not dock.isHidden():
            dock.hide()

    def _update(self) -> None:
        if not self.active:
            return
        self._fit_legend()
        self._hide_case_dock()
        self.banner.setText(self.banner_text())
        pos = self.cases.position(self.model.image_path)
        number = translate("Teaching", " — case {0} of {1}").format(*pos) if pos else ""
        # never the file name: sample names (01_Wet_AMD.png) give the answer away
        self.win.setWindowTitle(translate("Teaching", "DiDA View — Teaching") + number)


def menu_slots(win) -> dict[str, Callable]:
    """The slots of the teaching actions of :data:`~dida_view.gui.viewer.menus.MENUS`."""
    return {
        "teaching": lambda on: win.teaching.set_active(on),
        "teach_next": lambda: win.teaching.next_case(),
        "teach_previous": lambda: win.teaching.previous_case(),
        "reveal": lambda: win.teaching.reveal(),
        "pen": lambda on: win.teaching.set_pen(on),
        "clear_marks": lambda: win.model.clear_marks(),
    }

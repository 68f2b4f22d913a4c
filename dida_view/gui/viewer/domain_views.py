"""Which model am I looking at: the model line, the domain banner, the Model menu's models.

- The **model line** (the status bar's permanent area) names the model in use, what it was
  trained on (a bundled model: its domain from the registry, translated; another model: its
  metadata's ``domain``, or "unknown training data") and says "not for diagnosis".
- The **domain banner** (above the panels) shows when the image and the model do not fit
  (the rule is :func:`dida_view.session.models.domain_note`) and offers the matching bundled
  model with a button that loads it.
- The **scan banner** (above the panels) shows when the result's domain check finds the scan
  unlike the model's reference scans (:attr:`dida_view.method.dida.DidaResult.domain`): the
  headline, and the check's detail (its score against the reference's) below it.
- **Model > <bundled model>**: one checkable action per bundled model, with its domain; the
  one in use is checked.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from dida_view import paths
from dida_view.gui.i18n import translate, words
from dida_view.model.domain import HEADLINE
from dida_view.paths import BundledModel
from dida_view.session import models as domains


def model_name(model: BundledModel) -> str:
    """A bundled model's name, in the current language (the catalogue's)."""
    return words(domains.model_name(model))


def model_domain(model: BundledModel) -> str:
    """A bundled model's domain in words, in the current language (the catalogue's)."""
    return words(domains.model_domain(model))


def model_line(model_path: str | Path | None, metadata: dict | None) -> str:
    """``<file> — trained on <domain> — not for diagnosis`` in the current language
    (:func:`dida_view.session.models.model_line`, its screen form)."""
    return words(domains.model_line(model_path, metadata, screen=True))


def banner_text(note: domains.DomainNote) -> str:
    """The banner's sentence for a mismatch."""
    if note.image_model is None:
        text = translate("DomainViews",
                         "The {model} was trained on {domain} only and has never seen a "
                         "real scan; this image's domain is unknown. For a real scan, use "
                         "the {other}.")
        return text.format(model=model_name(note.model), domain=model_domain(note.model),
                           other=model_name(note.suggested))
    text = translate("DomainViews",
                     "Domain mismatch: this scan belongs to the {other}, trained on "
                     "{other_domain}, but the {model} in use was trained on {domain}. Its "
                     "answer here means little.")
    return text.format(other=model_name(note.image_model),
                       other_domain=model_domain(note.image_model),
                       model=model_name(note.model), domain=model_domain(note.model))


class Banner(QFrame):
    """A coloured strip above the panels with a wrapped sentence (``label``), hidden until
    shown; ``colours``: background, border and text."""

    def __init__(self, name: str, colours: tuple[str, str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        background, border, ink = colours
        self.setStyleSheet(f"#{name} {{ background: {background}; border: 1px solid {border}; }}"
                           f" #{name} QLabel {{ color: {ink}; }}")
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.row.addWidget(self.label, 1)
        self.hide()


class DomainBanner(Banner):
    """The mismatch banner: a sentence and a button "Use <matching model>"."""

    def __init__(self, use_model: Callable[[Path], object], parent: QWidget | None = None):
        super().__init__("domain-banner", ("#fff3cd", "#d39e00", "#533f03"), parent)
        self.button = QPushButton()
        self.button.setObjectName("domain-banner-use")
        self.row.addWidget(self.button)
        self._use_model = use_model
        self.note: domains.DomainNote | None = None
        self.button.clicked.connect(self._use)

    def show_note(self, note: domains.DomainNote | None) -> None:
        """Show ``note`` (None: hide the banner)."""
        self.note = note
        if note is None:
            self.hide()
            return
        self.label.setText(banner_text(note))
        use = translate("DomainViews", "Use the {model}")
        self.button.setText(use.format(model=model_name(note.suggested)))
        self.button.setEnabled(note.suggested.path() is not None)
        self.show()

    def _use(self) -> None:
        path = self.note.suggested.path() if self.note is not None else None
        if path is not None:
            self._use_model(path)


class ScanBanner(Banner):
    """The domain check's banner: shown while the result on screen is of a scan unlike the
    model's reference scans."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("scan-banner", ("#fde2e1", "#b42318", "#7a1a12"), parent)

    def show_result(self, result) -> None:
        """Show the banner for ``result``'s domain check (hidden when typical or unknown)."""
        domain = getattr(result, "domain", None)
        if domain is None or domain.typical:
            self.hide()
            return
        self.label.setText(f"<b>{html.escape(words(HEADLINE), quote=False)}</b><br>"
                           f"{html.escape(words(domain.note), quote=False)}")
        self.show()


class DomainViews:
    """The model line, the banner and the Model menu's bundled models of a main window
    (it needs the window's ``model``, ``status``, ``open_model`` and the Model menu); the
    banner goes on top of ``layout`` (the panels' column)."""

    def __init__(self, win, model_menu: QMenu, layout: QBoxLayout) -> None:
        self.win = win
        self.banner = DomainBanner(win.open_model)
        layout.insertWidget(0, self.banner)
        self.scan_banner = ScanBanner()
        layout.insertWidget(1, self.scan_banner)
        self.group = QActionGroup(win)
        self.group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.actions: dict[str, QAction] = {}
        model_menu.addSeparator()
        for m in paths.BUNDLED_MODELS:
            a = QAction(translate("DomainViews", "{model} — {domain}").format(model=model_name(m),
                                                          domain=model_domain(m)), win)
            a.setCheckable(True)
            a.setStatusTip(m.file)
            a.setEnabled(m.path() is not None)
            a.triggered.connect(lambda _checked=False, m=m: self._choose(m))
            self.group.addAction(a)
            model_menu.addAction(a)
            self.actions[m.file] = a
        win.model.events.model.connect(lambda _clf: self.refresh())
        win.model.events.image.connect(lambda _image: self.refresh())
        win.model.events.result.connect(lambda _r: self.show_scan_check())
        win.model.events.teaching.connect(lambda _v: self.show_scan_check())
        self.refresh()

    def show_scan_check(self) -> None:
        """The scan banner for the result on screen; none in teaching mode, whose banner
        carries the check as a badge once the answer is revealed."""
        m = self.win.model
        self.scan_banner.show_result(None if m.quiz else m.result)

    def _choose(self, m: BundledModel) -> None:
        path = m.path()
        if path is not None:
            self.win.open_model(path)
        self._check()  # the check follows the model actually in use, once loaded

    def _check(self) -> None:
        current = self.win.model.model_path
        for file, a in self.actions.items():
            a.setChecked(current is not None and current.name == file)

    def refresh(self) -> None:
        """Update the line, the banner and the menu's check from the viewer model."""
        m = self.win.model
        clf = m.classifier
        metadata = getattr(clf, "metadata", None) if clf is not None else None
        self.win.status.set_model_line(model_line(m.model_path, metadata))
        self.banner.show_note(domains.domain_note(m.model_path, m.image_path)
                              if clf is not None else None)
        self._check()

"""What is on screen for the viewer model's state: the panels, the legend, the class list
and the probe (the square's readout).

:class:`Presenter` listens to :class:`~dida_view.viewmodel.viewer.ViewerModel` and fills the
widgets; it never changes the model. Pictures come from a
:class:`~dida_view.gui.viewer.picture_cache.PictureCache` (core numpy). While an analysis runs,
the pictures of each finished grid are made on a helper thread and only wrapped and
painted on the GUI thread, so the event loop does not stall.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Signal

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import (
    class_name,
    class_title,
    flag_words,
    full_colour_words,
    translate,
    words,
)
from dida_view.gui.teaching import show_hidden
from dida_view.gui.viewer.controls import ControlsPanel
from dida_view.gui.viewer.legend import LegendStrip
from dida_view.gui.viewer.panel import PanelArea
from dida_view.gui.viewer.picture_cache import PictureCache
from dida_view.gui.viewer.probe import ProbePanel
from dida_view.render.scoretext import result_flags
from dida_view.viewmodel.viewer import ALL_GRIDS, LOADING, N_CLASS_PANELS, RUNNING, ViewerModel

NO_MODEL_HINT = QT_TRANSLATE_NOOP("Presenter", "No model loaded.\n\nOpen an ONNX image "
                                  "classifier with\nFile ▸ Open Model… (Ctrl+Shift+O)\nor "
                                  "drop a .onnx file on the window.")
NO_IMAGE_HINT = QT_TRANSLATE_NOOP("Presenter", "No image.\n\nOpen an image (a retinal OCT "
                                  "B-scan, for example) with\nFile ▸ Open Image… (Ctrl+O)\n"
                                  "or drop it on the window.")


def grid_title(result, n: int) -> str:
    """``grid 16 x 17``: grid size ``n`` as the cells it has, rows x columns (as the probe
    names them), which differ from ``n x n`` with square cells."""
    rows, cols = result.cell_shape(n)
    return translate("Presenter", "grid {0} x {1}").format(rows, cols)


class Presenter(QObject):
    """Fills the panels, legend, class list and probe from a model, on its events."""

    _prerendered = Signal(int)  # from the render thread: pictures of a generation are ready

    def __init__(self, model: ViewerModel, area: PanelArea, legend: LegendStrip,
                 probe: ProbePanel, controls: ControlsPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model, self.area, self.legend = model, area, legend
        self.probe, self.controls = probe, controls
        self.cache = PictureCache()
        # one helper thread makes the pictures of a running analysis (see _on_result)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dida-render")
        self._prerendered.connect(self._on_prerendered)
        ev = model.events
        ev.image.connect(self._on_image)
        ev.result.connect(self._on_result)
        for event in (ev.model, ev.classes, ev.display, ev.diagnosis, ev.activity, ev.teaching):
            event.connect(lambda _value: self.refresh())
        ev.cursor.connect(lambda _pos: self.show_probe())

    def shutdown(self) -> None:
        """Drop a picture still being made and stop the render thread."""
        self.cache.set_result(None)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- model events ---------------------------------------------------------------------
    def _on_image(self, image: np.ndarray | None) -> None:
        self.cache.set_image(image)
        self.refresh()

    def _on_result(self, result) -> None:
        self.cache.set_result(result)
        requests = self.prerender_requests()
        if self.model.activity != RUNNING or not requests:
            self.refresh()
            return
        generation = self.cache.generation
        job = self._pool.submit(self.cache.prerender, requests, generation)
        job.add_done_callback(lambda _job: self._prerendered.emit(generation))

    def _on_prerendered(self, generation: int) -> None:
        if generation == self.cache.generation:
            self.refresh()

    def prerender_requests(self) -> list[tuple]:
        """The overlays the next :meth:`refresh` will ask the cache for, as
        ``(class, shared scale?, gain, opacity, grid, classes sharing the scale)``."""
        m, res = self.model, self.model.result
        if m.image is None or res is None or not res.d:
            return []
        if m.view == ALL_GRIDS:
            k = m.focus_class()
            return [(k, False, m.gain, m.opacity, n, (k,)) for n in res.grid_sizes
                    if n in res.d] + [(k, False, m.gain, m.opacity, None, (k,))]
        classes = tuple(m.panel_classes)
        return [(k, m.shared_scale, m.gain, m.opacity, m.grid(), classes) for k in classes]

    # -- filling the widgets --------------------------------------------------------------
    def refresh(self) -> None:
        """Re-render every panel, the legend and the class list (never runs the model)."""
        m = self.model
        if m.image is None:
            self._no_image()
            return
        if m.answer_hidden():  # teaching mode's quiz: nothing may give the answer away
            show_hidden(self)
            return
        h, w = m.image.shape[:2]
        scale, mixed_scale = None, None
        if m.result is not None and m.view == ALL_GRIDS:
            mixed_scale = self._all_grids((w, h))  # every panel at its own scale
        elif m.result is None:
            for p in self.area.set_count(1 + N_CLASS_PANELS, 1 + N_CLASS_PANELS)[1:]:
                p.set_picture(None, (w, h))
                p.set_texts("", hint=self._waiting_hint())
                p.set_target(False)
        else:
            scale = self._class_panels((w, h))
        orig = self.area.panels[0]
        orig.set_picture(self.cache.original(), (w, h))
        vol = m.volume
        name = "" if m.image_path is None else m.image_path.name if vol.anonymous_name() \
            else vol.case_id()  # a DICOM or vendor file's name may carry the patient's
        if vol.is_volume():
            name = QCoreApplication.translate("Volume", "B-scan {0}/{1}").format(
                vol.index + 1, vol.count()) + f" · {name}"
        spacing = vol.scan.pixel_spacing if vol.scan is not None else None
        orig.mm_per_px = spacing[1] if spacing else None
        orig.set_texts(translate("Presenter", "Original · {0}").format(name), top_caption=translate(
            "Presenter", "Diagnosis: {0}").format(class_name(m.diagnosis)) if m.diagnosis else "")
        orig.set_target(False)
        self._legend(scale, mixed_scale)
        self._class_list()
        self.show_probe()

    def show_probe(self) -> None:
        """The probe panel: position, pixel value and each panel's d under the square."""
        self.probe.set_reading(self.model.probe())

    def _no_image(self) -> None:
        (p,) = self.area.set_count(1, 1)
        p.set_picture(None, (0, 0))
        loading = self.model.activity == LOADING
        no_image = translate("Presenter", NO_IMAGE_HINT)
        hint = no_image if self.model.classifier is not None or loading else (
            translate("Presenter", NO_MODEL_HINT) + "\n\n" + no_image)
        p.set_texts("DiDA View", hint=hint)
        p.set_target(False)
        self.legend.set_state(None, None, None)
        self.controls.fill_classes([])

    def _waiting_hint(self) -> str:
        m = self.model
        if m.activity == LOADING:
            return translate("Presenter", "Loading the model…")
        if m.classifier is None:
            return translate("Presenter", NO_MODEL_HINT)
        return translate("Presenter", "Analysing…" if m.activity == RUNNING else "Not analysed.")

    def _class_panels(self, size: tuple[int, int]) -> float | None:
        """Original + one panel per chosen class; returns the shared scale (None: own)."""
        m, c = self.model, self.cache
        res = m.result
        assert res is not None
        panels = self.area.set_count(1 + len(m.panel_classes), 1 + len(m.panel_classes))
        grid = m.grid()
        # a grid view is scaled by that grid's own largest |d|, not the Mixed Image's
        scale = c.scale(m.panel_classes, grid) if m.shared_scale else None
        top = res.top(len(res.labels))
        what = translate("Presenter", "Mixed Image") if grid is None else grid_title(res, grid)
        if grid is None and not res.complete:
            what += translate("Presenter", " ({0}/{1} grid sizes)").format(len(res.d),
                                                                           len(res.grid_sizes))
        for slot, (p, k) in enumerate(zip(panels[1:], m.panel_classes, strict=True)):
            own = scale if scale is not None else c.scale([k], grid)
            pic = c.overlay(k, own, m.gain, m.opacity, grid) if res.d else c.original()
            p.set_picture(pic, size)
            p.set_texts(translate("Presenter", "Rank {0} · {1}").format(top.index(k) + 1, what),
                        caption=class_title(res, k), hint="")
            # framed only once the user clicked a panel or picked a class
            p.set_target(slot == m.target and (m.target_clicked or m.picked))
        return scale

    def _all_grids(self, size: tuple[int, int]) -> float:
        """The paper's Fig. 3: original, the grid image of every grid size, the Mixed Image.

        Each picture is at its own colour scale (its own largest ``|d|``): a coarse grid's
        ``d`` is often ten times a fine grid's, and one scale would clip one or blacken the
        other. Returns the Mixed Image's scale.
        """
        m, c = self.model, self.cache
        res = m.result
        assert res is not None
        k = m.focus_class()
        count = len(res.grid_sizes) + 2
        panels = self.area.set_count(count, count if count <= 5 else math.ceil(count / 2))
        label = class_title(res, k)
        for p, n in zip(panels[1:-1], res.grid_sizes, strict=True):
            done = n in res.d
            pic = c.overlay(k, c.scale([k], n), m.gain, m.opacity, n) if done else None
            p.set_picture(pic, size)
            # the class is said once, by the Mixed Image's caption (and the class list's
            # "all panels"): the narrow grid panels keep their titles whole
            p.set_texts(grid_title(res, n),
                        hint="" if done else translate("Presenter", "Analysing…"))
            p.set_target(False)
        mixed, mixed_scale = panels[-1], c.scale([k])
        pic = c.overlay(k, mixed_scale, m.gain, m.opacity) if res.d else None
        mixed.set_picture(pic, size)
        mixed.set_texts(translate("Presenter", "Mixed Image"), caption=label,
                        hint=translate("Presenter", "Analysing…"))
        mixed.set_target(False)
        return mixed_scale

    def _legend(self, scale: float | None, mixed_scale: float | None = None) -> None:
        """The legend: ``scale`` is the panels' shared scale (None: each its own); in the
        Fig. 3 view, ``mixed_scale`` is the Mixed Image's, said in words too."""
        res, gain = self.model.result, self.model.gain
        if res is None:
            self.legend.set_state(None, None, None)
            return
        if scale is None:
            full = translate("Presenter", "full colour: each panel at its own largest |d|"
                             ) if res.d else None
            if full and mixed_scale is not None and mixed_scale > 1e-11:
                full += translate("Presenter", "; Mixed Image: ") + full_colour_words(
                    mixed_scale / gain, res.score_space)
        elif res.d and scale > 1e-11:
            full = full_colour_words(scale / gain, res.score_space)
        else:
            full = None
        notes = [words(n) for n in (self.model.space_note, *res.notes) if n]
        self.legend.set_state(res.score_space, "; ".join(notes) if notes else None, full)

    def _class_list(self) -> None:
        m, res = self.model, self.model.result
        if res is None:
            self.controls.fill_classes([])
            return
        flags = result_flags(res)
        fig3 = m.focus_class() if m.view == ALL_GRIDS else None
        rows = []
        for k in np.argsort(-res.scores, kind="stable"):
            k = int(k)
            slot = m.panel_classes.index(k) + 1 if k in m.panel_classes else 0
            flag = flag_words(flags.flag(k))
            score = m.score_text(k) + (f" ({flag})" if flag else "")
            where = translate("Presenter", "panel {0}").format(slot) if slot else ""
            if fig3 is not None:  # the Fig. 3 view shows one class in every panel
                where = translate("Presenter", "all panels") if k == fig3 else ""
            rows.append((k, class_name(res.labels[k]), score, where))
        self.controls.fill_classes(rows)


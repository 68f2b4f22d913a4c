"""Filling the panels, the legend and the class list from a window's state.

Kept apart from the window so the window holds state and flow, and this module holds
"what is on screen for that state". Pictures come from the window's Renderer (core).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF

from dida_view.gui.controls import ALL_GRIDS, MIXED

if TYPE_CHECKING:
    from dida_view.gui.window import MainWindow


def _waiting_hint(win: MainWindow) -> str:
    from dida_view.gui.window import NO_MODEL_HINT

    if win.model_job:
        return "Loading the model…"
    if win.classifier is None:
        return NO_MODEL_HINT
    if win.running:
        return "Analysing…"
    return "Not analysed."


def refresh(win: MainWindow) -> None:
    """Re-render every panel, the legend and the class list (never runs the model)."""
    from dida_view.gui.window import N_CLASS_PANELS, NO_IMAGE_HINT, NO_MODEL_HINT

    area, r, res = win.area, win.renderer, win.result
    if win.image is None:
        (p,) = area.set_count(1, 1)
        p.set_picture(None, (0, 0))
        hint = NO_IMAGE_HINT if win.classifier is not None or win.model_job else (
            NO_MODEL_HINT + "\n\n" + NO_IMAGE_HINT)
        p.set_texts("DiDA View", hint=hint)
        p.set_target(False)
        win.legend.set_state(None, None, None)
        win.controls.fill_classes([])
        return
    h, w = win.image.shape[:2]
    size = (w, h)
    opacity, gain = win.controls.opacity_value(), win.controls.gain_value()
    view = win.controls.view_value()
    scale = None
    if res is not None and view == ALL_GRIDS:
        _all_grids(win, size, opacity, gain)  # every panel at its own scale
    else:
        n = len(win.panel_classes) if res is not None else N_CLASS_PANELS
        panels = area.set_count(1 + n, 1 + n)
        if res is None:
            for p in panels[1:]:
                p.set_picture(None, size)
                p.set_texts("", hint=_waiting_hint(win))
                p.set_target(False)
        else:
            grid = None if view == MIXED else int(view)
            shared = win.controls.shared.isChecked()
            # a grid view is scaled by that grid's own largest |d|, not the Mixed Image's
            scale = r.scale(win.panel_classes, grid) if shared else None
            top = res.top(len(res.labels))
            for slot, (p, k) in enumerate(zip(panels[1:], win.panel_classes, strict=True)):
                rank = top.index(k) + 1
                own = scale if shared else r.scale([k], grid)
                pic = r.overlay(k, own, gain, opacity, grid) if res.d else r.original()
                p.set_picture(pic, size)
                what = "Mixed Image" if grid is None else f"grid {grid} x {grid}"
                if grid is None and not res.complete:
                    what += f" ({len(res.d)}/{len(res.grid_sizes)} grid sizes)"
                p.set_texts(f"Rank {rank} of {len(res.labels)} · {what}",
                            caption=f"{res.labels[k]}  {win.score_text(k)}",
                            hint="")
                p.set_target(slot == win.target)
    orig = area.panels[0]
    orig.set_picture(r.original(), size)
    name = win.image_path.name if win.image_path is not None else ""
    orig.set_texts(f"Original · {name}",
                   top_caption=f"Diagnosis: {win.diagnosis}" if win.diagnosis else "")
    orig.set_target(False)
    _legend(win, scale, gain)
    _class_list(win)
    win.status.set_position(probe_text(win, win.cursor.pos))


def prerender_requests(win: MainWindow) -> list[tuple]:
    """The overlays the next :func:`refresh` will ask the renderer for, as
    ``(class, shared scale?, gain, opacity, grid, classes sharing the scale)``."""
    res = win.result
    if win.image is None or res is None or not res.d:
        return []
    opacity, gain = win.controls.opacity_value(), win.controls.gain_value()
    view = win.controls.view_value()
    if view == ALL_GRIDS:
        k = win.focus_class()
        return [(k, False, gain, opacity, n, (k,)) for n in res.grid_sizes if n in res.d] + [
            (k, False, gain, opacity, None, (k,))]
    grid = None if view == MIXED else int(view)
    shared = win.controls.shared.isChecked()
    classes = tuple(win.panel_classes)
    return [(k, shared, gain, opacity, grid, classes) for k in classes]


def _all_grids(win: MainWindow, size: tuple[int, int], opacity: float, gain: float) -> None:
    """The paper's Fig. 3: original, the grid image of every grid size, the Mixed Image.

    Each picture is at its own colour scale (its own largest ``|d|``): a coarse grid's
    ``d`` is often ten times a fine grid's, and one scale would clip one or blacken the other.
    """
    r, res = win.renderer, win.result
    assert res is not None
    k = win.focus_class()
    count = len(res.grid_sizes) + 2
    cols = count if count <= 5 else math.ceil(count / 2)
    panels = win.area.set_count(count, cols)
    label = f"{res.labels[k]}  {win.score_text(k)}"
    for p, n in zip(panels[1:-1], res.grid_sizes, strict=True):
        done = n in res.d
        p.set_picture(r.overlay(k, r.scale([k], n), gain, opacity, n) if done else None, size)
        p.set_texts(f"{res.labels[k]} · grid image {n} x {n}", caption=label if done else "",
                    hint="" if done else "Analysing…")
        p.set_target(False)
    mixed = panels[-1]
    mixed.set_picture(r.overlay(k, r.scale([k]), gain, opacity) if res.d else None, size)
    mixed.set_texts(f"{res.labels[k]} · Mixed Image", caption=label, hint="Analysing…")
    mixed.set_target(False)


def _legend(win: MainWindow, scale: float | None, gain: float) -> None:
    res = win.result
    if res is None:
        win.legend.set_state(None, None, None)
        return
    if scale is None:
        full = "full colour: each panel at its own largest |d|" if res.d else None
    elif res.d and scale > 1e-11:
        full = f"full colour at |d| ≥ {scale / gain:.3g}"
    else:
        full = None
    win.legend.set_state(res.score_space, res.meta.get("note"), full)


def _class_list(win: MainWindow) -> None:
    res = win.result
    if res is None:
        win.controls.fill_classes([])
        return
    order = np.argsort(-res.scores, kind="stable")
    rows = []
    for k in order:
        k = int(k)
        slot = win.panel_classes.index(k) + 1 if k in win.panel_classes else 0
        rows.append((k, res.labels[k], win.score_text(k), f"panel {slot}" if slot else ""))
    win.controls.fill_classes(rows)


def probe_text(win: MainWindow, pos: QPointF | None) -> str:
    """The status bar readout: image position, pixel value and each panel's d there.

    In the Mixed Image view, d is the Mixed Image's d: the blend-weighted mean over the
    finished grid sizes of the d of the cell holding that pixel. In a grid view, it is that
    grid's d; in the all-grid-sizes view, every grid's d and the mixed d of the class.
    """
    if pos is None or win.image is None:
        return ""
    h, w = win.image.shape[:2]
    x, y = min(max(int(pos.x()), 0), w - 1), min(max(int(pos.y()), 0), h - 1)
    v = win.image[y, x]
    grey = f"{int(v)}" if np.ndim(v) == 0 else ",".join(str(int(c)) for c in v)
    parts = [f"x {x}, y {y}", f"pixel {grey}"]
    res = win.result
    if res is not None and res.d:
        view = win.controls.view_value()
        if view == ALL_GRIDS:
            k = win.focus_class()
            ds = [(n, win.renderer.d_at(k, y, x, n)) for n in res.grid_sizes]
            items = [f"{n}x{n} {d:+.3g}" for n, d in ds if d is not None]
            items.append(f"mixed {win.renderer.d_at(k, y, x):+.3g}")
            parts.append(f"{res.labels[k]}: d " + ", ".join(items))
        else:
            grid = None if view == MIXED else int(view)
            what = "mixed d" if grid is None else f"d ({grid}x{grid})"
            for k in win.panel_classes:
                d = win.renderer.d_at(k, y, x, grid)
                if d is not None:
                    parts.append(f"{res.labels[k]}: {what} {d:+.3g}")
    return "   |   ".join(parts)

"""The viewer's last choices between sessions (QSettings, UI state only), and reading the
analysis settings typed into the controls.

Nothing here knows the window: the functions take the viewer model, the QSettings and
the controls they need.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSettings

from dida_view.errors import DidaError
from dida_view.gui.qsettings import read_int, read_str
from dida_view.gui.viewer.controls import ControlsPanel, gain_from_slider, slider_from_gain
from dida_view.method.analysis import Settings
from dida_view.method.dida import parse_grid_sizes
from dida_view.method.grids import DEFAULT_GRID_GEOMETRY
from dida_view.viewmodel.viewer import ViewerModel


def restore(store: QSettings, model: ViewerModel) -> None:
    """Opacity, gain, square, shared scale and the last analysis settings into ``model``."""
    model.opacity = min(100, max(0, read_int(store, "display/opacity", 60))) / 100.0
    model.gain = gain_from_slider(read_int(store, "display/gain", 0))
    model.square = read_int(store, "display/square", 24)
    model.shared_scale = read_int(store, "display/shared_scale", 1) != 0
    model.set_settings(read_analysis(store))


def save(store: QSettings, model: ViewerModel) -> None:
    """Remember the model's display choices and analysis settings."""
    store.setValue("display/opacity", round(model.opacity * 100))
    store.setValue("display/gain", slider_from_gain(model.gain))
    store.setValue("display/square", model.square)
    store.setValue("display/shared_scale", int(model.shared_scale))
    save_analysis(store, model.settings)


def save_analysis(store: QSettings, s: Settings) -> None:
    """Remember the analysis choices for the next session."""
    store.setValue("analysis/grids", ",".join(str(n) for n in s.grid_sizes))
    store.setValue("analysis/weights", ",".join(f"{w:g}" for w in s.weights)
                   if s.weights else "")
    store.setValue("analysis/mask", s.mask_fill)
    store.setValue("analysis/score", s.score_space)
    store.setValue("analysis/engine", s.engine)
    store.setValue("analysis/geometry", s.grid_geometry)


def read_analysis(store: QSettings) -> Settings:
    """The analysis settings of the last session (the paper's when missing or bad)."""
    try:
        grids = parse_grid_sizes(read_str(store, "analysis/grids", "7,9,11,13,15,17,19,21"))
        wtext = read_str(store, "analysis/weights", "")
        weights = tuple(float(w) for w in wtext.split(",") if w) or None
        return Settings(grid_sizes=grids, weights=weights,
                        mask_fill=read_str(store, "analysis/mask", "black"),
                        score_space=read_str(store, "analysis/score", "auto"),
                        engine=read_str(store, "analysis/engine", "auto"),
                        grid_geometry=read_str(store, "analysis/geometry",
                                               DEFAULT_GRID_GEOMETRY))
    except (DidaError, ValueError):
        return Settings()  # stale or hand-edited state: the paper's defaults


def show_settings(c: ControlsPanel, s: Settings, has_result: bool) -> None:
    """Put analysis settings into the controls without triggering a run."""
    for w in (c.score_space, c.mask, c.geometry):
        w.blockSignals(True)
    c.score_space.setCurrentIndex(max(0, c.score_space.findData(s.score_space)))
    c.mask.setCurrentIndex(max(0, c.mask.findData(s.mask_fill)))
    c.geometry.setCurrentIndex(max(0, c.geometry.findData(s.grid_geometry)))
    for w in (c.score_space, c.mask, c.geometry):
        w.blockSignals(False)
    c.set_grids_text(",".join(str(n) for n in s.grid_sizes))
    if not has_result:
        c.set_view_choices(s.grid_sizes)
    c.weights.setText(",".join(f"{w:g}" for w in s.weights) if s.weights else "")


def analysis_from_controls(c: ControlsPanel, old: Settings) -> Settings:
    """Score space, mask fill, grid sizes and grid cells as typed in the controls (the
    engine and batch size stay ``old``'s).

    Custom blend weights are kept while the number of grid sizes stays; otherwise they
    fall back to the paper's. Raises :class:`DidaError` naming a bad value.
    """
    grids = parse_grid_sizes(c.grids.text())
    weights = old.weights if old.weights and len(old.weights) == len(grids) else None
    return Settings(grid_sizes=grids, mask_fill=c.mask.currentData(),
                    score_space=c.score_space.currentData(), batch_size=old.batch_size,
                    weights=weights, engine=old.engine,
                    grid_geometry=c.geometry.currentData())


def weights_from_text(text: str, old: Settings) -> Settings:
    """``old`` with the blend weights typed as ``text`` (empty: the paper's).

    Raises :class:`DidaError` naming a bad value.
    """
    parts = [w for w in text.strip().replace(" ", ",").split(",") if w]
    try:
        weights = tuple(float(w) for w in parts) or None
    except ValueError:
        raise DidaError(f"bad weights {text.strip()!r}: expected numbers like 1,2,3, one per "
                        f"grid size ({len(old.grid_sizes)})") from None
    return replace(old, weights=weights)

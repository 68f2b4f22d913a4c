"""Saving and restoring the window's UI state and last choices (QSettings, UI only)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dida_view.core.analysis import Settings
from dida_view.core.dida import parse_grid_sizes
from dida_view.core.errors import DidaError
from dida_view.gui.qsettings import read_int, read_str

if TYPE_CHECKING:
    from dida_view.gui.window import MainWindow


def show_settings(win: MainWindow, s: Settings) -> None:
    """Put analysis settings into the controls without triggering a run."""
    c = win.controls
    for w in (c.score_space, c.mask):
        w.blockSignals(True)
    c.score_space.setCurrentIndex(max(0, c.score_space.findData(s.score_space)))
    c.mask.setCurrentIndex(max(0, c.mask.findData(s.mask_fill)))
    for w in (c.score_space, c.mask):
        w.blockSignals(False)
    c.set_grids_text(",".join(str(n) for n in s.grid_sizes))
    if win.result is None:
        c.set_view_choices(s.grid_sizes)
    c.weights.setText(",".join(f"{w:g}" for w in s.weights) if s.weights else "")


def save_analysis(win: MainWindow) -> None:
    """Remember the analysis choices for the next session."""
    s, st = win.analysis_settings, win.store
    st.setValue("analysis/grids", ",".join(str(n) for n in s.grid_sizes))
    st.setValue("analysis/weights", ",".join(f"{w:g}" for w in s.weights) if s.weights else "")
    st.setValue("analysis/mask", s.mask_fill)
    st.setValue("analysis/score", s.score_space)


def _read_settings(win: MainWindow) -> Settings:
    st = win.store
    try:
        grids = parse_grid_sizes(read_str(st, "analysis/grids", "7,9,11,13,15,17,19,21"))
        wtext = read_str(st, "analysis/weights", "")
        weights = tuple(float(w) for w in wtext.split(",") if w) or None
        return Settings(grid_sizes=grids, weights=weights,
                        mask_fill=read_str(st, "analysis/mask", "black"),
                        score_space=read_str(st, "analysis/score", "auto"))
    except (DidaError, ValueError):
        return Settings()  # stale or hand-edited state: the paper's defaults


def restore(win: MainWindow) -> None:
    """Window geometry, dock layout, display choices and the last analysis settings."""
    st = win.store
    geo = st.value("window/geometry")
    if geo is not None:
        win.restoreGeometry(geo)
    dock = st.value("window/state")
    if dock is not None:
        win.restoreState(dock)
    c = win.controls
    c.opacity.setValue(read_int(st, "display/opacity", 60))
    c.gain.setValue(read_int(st, "display/gain", 0))
    c.square.setValue(read_int(st, "display/square", 24))
    c.shared.setChecked(read_int(st, "display/shared_scale", 1) != 0)
    win.cursor.set_size(c.square.value())
    win.analysis_settings = _read_settings(win)
    show_settings(win, win.analysis_settings)


def save(win: MainWindow) -> None:
    """Save the window's UI state (called on close)."""
    st = win.store
    st.setValue("window/geometry", win.saveGeometry())
    st.setValue("window/state", win.saveState())
    c = win.controls
    st.setValue("display/opacity", c.opacity.value())
    st.setValue("display/gain", c.gain.value())
    st.setValue("display/square", c.square.value())
    st.setValue("display/shared_scale", int(c.shared.isChecked()))
    save_analysis(win)
    st.sync()


def apply_analysis_controls(win: MainWindow) -> None:
    """Read score space, mask fill and grid sizes from the controls; re-run if changed.

    A bad value shows an error and puts the previous settings back into the controls.
    When the number of grid sizes changes, custom blend weights fall back to the paper's.
    """
    old = win.analysis_settings
    c = win.controls
    try:
        grids = parse_grid_sizes(c.grids.text())
        weights = old.weights if old.weights and len(old.weights) == len(grids) else None
        new = Settings(grid_sizes=grids, mask_fill=c.mask.currentData(),
                       score_space=c.score_space.currentData(), batch_size=old.batch_size,
                       weights=weights)
    except DidaError as exc:
        win.show_error("Bad analysis setting", str(exc))
        show_settings(win, old)
        return
    if new == old:
        return
    if old.weights and new.weights is None:
        win.status.message("Blend weights reset to the paper's (the grid count changed)")
    win.set_analysis_settings(new)


def apply_weights_control(win: MainWindow) -> None:
    """Read the blend weights from the controls; re-renders only (no model run)."""
    old = win.analysis_settings
    text = win.controls.weights.text().strip()
    try:
        try:
            parts = [w for w in text.replace(" ", ",").split(",") if w]
            weights = tuple(float(w) for w in parts) or None
        except ValueError:
            raise DidaError(f"bad weights {text!r}: expected numbers like 1,2,3, one per "
                            f"grid size ({len(old.grid_sizes)})") from None
        new = replace(old, weights=weights)
    except DidaError as exc:
        win.show_error("Bad weights", str(exc))
        show_settings(win, old)
        return
    if new != old:
        win.set_analysis_settings(new)

"""Where the panels go: rows x columns and text sizes that make the scans as large as possible.

Pure arithmetic (no Qt), so it is tested without a window. The panel area asks
:func:`choose_grid` on every resize: a wide area gets one row (the paper's Fig. 5), a
squarer one two rows, whichever shows the images larger. Each panel is then exactly as
large as its image plus a title bar, so the scan fills its panel; what is left of the
area is a dark mat around the panels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_TITLE_PX = 13
MAX_TITLE_PX = 34


def title_px(panel_width: float) -> int:
    """Font size (pixels) of a panel's title and captions: about 1/24 of the panel's width.

    At 1920 px wide and four panels in a row that is 20 px, at 2x2 on the same screen
    34 px (the cap): readable from the back of a room when projected.
    """
    return int(max(MIN_TITLE_PX, min(MAX_TITLE_PX, round(panel_width / 24))))


def header_height(panel_width: float) -> int:
    """Height of a panel's title bar for a panel ``panel_width`` pixels wide."""
    return int(round(title_px(panel_width) * 1.6))


@dataclass(frozen=True)
class PanelGrid:
    """A layout of ``count`` panels.

    Attributes
    ----------
    columns, rows
        The grid.
    panel_w, panel_h
        Size of each panel (title bar included), in pixels.
    header_h
        Height of the title bar on top of each panel.
    scale
        Screen pixels per image pixel of the scans at zoom 1.
    """

    columns: int
    rows: int
    panel_w: float
    panel_h: float
    header_h: int
    scale: float

    @property
    def title_px(self) -> int:
        """Font size of the titles and captions."""
        return title_px(self.panel_w)


def choose_grid(area_w: float, area_h: float, image_w: float, image_h: float, count: int,
                spacing: float = 4.0) -> PanelGrid:
    """The grid of ``count`` panels in an ``area_w`` x ``area_h`` area that shows the
    ``image_w`` x ``image_h`` scans largest.

    Every column count of :func:`allowed_columns` is tried: for four panels 1x4, 2x2 and
    (a portrait window) 4x1, never 3 + 1, which leaves a third of the area empty around
    one lonely panel. Ties go to fewer rows. Each panel is as wide as its scan and as high
    as the scan plus its title.

    Parameters
    ----------
    area_w, area_h
        The space for all panels, in pixels.
    image_w, image_h
        Size of the scan (any unit: only the aspect ratio counts). Non-positive sizes
        mean "no image": the panels then fill their grid cells.
    count
        Number of panels (>= 1).
    spacing
        Gap between panels, in pixels.

    Returns
    -------
    PanelGrid
    """
    if count < 1:
        raise ValueError(f"need at least one panel, got {count}")
    best: PanelGrid | None = None
    for cols in allowed_columns(count):
        rows = math.ceil(count / cols)
        cell_w = max(1.0, (area_w - spacing * (cols - 1)) / cols)
        cell_h = max(1.0, (area_h - spacing * (rows - 1)) / rows)
        if image_w <= 0 or image_h <= 0:
            grid = PanelGrid(cols, rows, cell_w, cell_h, header_height(cell_w), 0.0)
            if best is None or _cell_area(grid) > _cell_area(best) * (1 + 1e-9):
                best = grid
            continue
        header = header_height(min(cell_w, cell_h * image_w / image_h))
        s = max(1e-6, min(cell_w / image_w, (cell_h - header) / image_h))
        grid = PanelGrid(cols, rows, image_w * s, image_h * s + header, header, s)
        if best is None or grid.scale > best.scale * (1 + 1e-9):
            best = grid
    assert best is not None
    return best


def allowed_columns(count: int) -> list[int]:
    """The column counts a layout of ``count`` panels may have.

    Full grids only (the columns divide ``count``: 1x4, 2x2, 4x1 for four panels) where
    such a grid has more than one row and more than one column; otherwise (two or three
    panels, a prime number of them in the all-grid-sizes view) also grids whose last row
    lacks exactly one panel (11 panels as 6 + 5), never more: a row of one panel under
    a row of three wastes the space the scans need.
    """
    if count < 1:
        raise ValueError(f"need at least one panel, got {count}")
    full = [c for c in range(1, count + 1) if count % c == 0]
    if any(1 < c < count for c in full) or count <= 3:
        return full
    return sorted(set(full) | {c for c in range(2, count)
                                if math.ceil(count / c) * c - count == 1})


def _cell_area(g: PanelGrid) -> float:
    return min(g.panel_w, g.panel_h) ** 2


def coverage(grid: PanelGrid, area_w: float, area_h: float, count: int) -> float:
    """Fraction of the area that the scans cover (titles and the mat not counted)."""
    image = (grid.panel_h - grid.header_h) * grid.panel_w
    return count * image / max(1.0, area_w * area_h)

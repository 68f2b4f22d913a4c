"""Draw DiDA View's application icon and write it as PNG, ICO and ICNS.

    python resources/icons/make_icons.py        # rewrites the files beside this script

The picture: a grey retinal band (an OCT B-scan in miniature, with the foveal dip in
the middle) on a dark tile, under a 4 x 4 occlusion grid whose cells are tinted red
(evidence for a class) or blue (evidence against it), the way the viewer paints them.
Everything is drawn with Pillow at 4x the largest size and scaled down, so the edges
are smooth; the output is the same on every run.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

MASTER = 1024  # the largest size written (ICNS holds up to 1024 x 1024)
SUPERSAMPLE = 2
BACKGROUND = (28, 34, 46, 255)
GRID_LINE = (235, 238, 245)
RED = (226, 48, 40)
BLUE = (40, 96, 230)
# 4 x 4 grid: +1 red, -1 blue, 0 none; rows top to bottom
CELLS = (
    (0, 0, -1, 0),
    (-1, 1, 1, 0),
    (0, 1, 1, -1),
    (0, -1, 0, 0),
)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZE = 256
NAME = "dida_view"


def _surfaces(x: float, s: float) -> tuple[float, float]:
    """The retina's inner surface and its RPE line at x (pixels of a side s), top to bottom.

    The inner surface dips at the fovea, in the middle; the RPE is a gentle curve.
    """
    u = x / s - 0.5
    rpe = s * (0.66 + 0.10 * u * u)
    inner = s * (0.36 + 0.08 * u * u + 0.14 * math.exp(-(u / 0.09) ** 2))
    return inner, rpe


def _retina(s: int) -> Image.Image:
    """The grey retinal band: bright nerve fibres on top, darker layers, a bright RPE line."""
    img = Image.new("L", (s, s), 0)
    px = img.load()
    rpe_width = 0.035 * s
    for x in range(s):
        inner, rpe = _surfaces(x, s)
        for y in range(int(inner), min(s, int(rpe + rpe_width + 0.10 * s))):
            if y < rpe:
                f = (y - inner) / max(rpe - inner, 1.0)
                if f < 0.18:
                    v = 215 - 300 * f  # nerve fibre layer
                else:
                    v = 95 + 45 * math.cos(f * 16.0)  # plexiform and nuclear layers
            elif y < rpe + rpe_width:
                v = 245  # the RPE, brightest
            else:
                v = 140 * (1.0 - (y - rpe - rpe_width) / (0.10 * s))  # choroid, fading
            px[x, y] = int(max(0, min(255, v)))
    return img.filter(ImageFilter.GaussianBlur(s / 250))


def draw(size: int = MASTER) -> Image.Image:
    """The icon as RGBA, ``size`` x ``size``."""
    s = size * SUPERSAMPLE
    margin = round(0.06 * s)
    radius = round(0.18 * s)
    tile = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    shape = Image.new("L", (s, s), 0)
    ImageDraw.Draw(shape).rounded_rectangle((margin, margin, s - margin, s - margin),
                                            radius, fill=255)
    tile.paste(Image.new("RGBA", (s, s), BACKGROUND), mask=shape)

    grey = _retina(s)
    band = Image.merge("RGBA", (grey, grey, grey, grey))
    tile.alpha_composite(band)

    inner = s - 2 * margin
    n = len(CELLS)
    edges = [margin + round(k * inner / n) for k in range(n + 1)]
    tint = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(tint)
    for i, row in enumerate(CELLS):
        for j, sign in enumerate(row):
            if sign:
                colour = RED if sign > 0 else BLUE
                d.rectangle((edges[j], edges[i], edges[j + 1], edges[i + 1]),
                            fill=(*colour, 120))
    line = max(2, round(0.012 * s))
    for e in edges[1:-1]:
        d.line((e, margin, e, s - margin), fill=(*GRID_LINE, 170), width=line)
        d.line((margin, e, s - margin, e), fill=(*GRID_LINE, 170), width=line)
    tile.alpha_composite(tint)

    # keep everything inside the rounded tile
    alpha = tile.getchannel("A")
    tile.putalpha(Image.composite(alpha, Image.new("L", (s, s), 0), shape))
    return tile.resize((size, size), Image.Resampling.LANCZOS)


def write_all(out: Path) -> list[Path]:
    master = draw(MASTER)
    small = {n: master.resize((n, n), Image.Resampling.LANCZOS) for n in ICO_SIZES}
    written = []
    png = out / f"{NAME}.png"
    small[PNG_SIZE].save(png, optimize=True)
    written.append(png)
    ico = out / f"{NAME}.ico"
    small[256].save(ico, sizes=[(n, n) for n in ICO_SIZES],
                    append_images=[small[n] for n in ICO_SIZES if n != 256])
    written.append(ico)
    icns = out / f"{NAME}.icns"
    master.save(icns, append_images=[master.resize((n, n), Image.Resampling.LANCZOS)
                                     for n in (32, 64, 128, 256, 512)])
    written.append(icns)
    return written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    args = ap.parse_args()
    for p in write_all(Path(args.out)):
        print(f"{p} ({p.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

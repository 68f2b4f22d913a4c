"""Images the domain check should call unlike the real-data model's scans, made here.

Used by ``benchmarks/domain_check.py`` and its test. Everything is drawn procedurally from
a seed (no downloads, no third-party pictures), so anyone can make the same sets again:

- :func:`non_oct`: pictures that are not OCT B-scans at all: photographs (landscapes),
  documents (text pages and tables), fundus photographs, screenshots of a program, charts,
  radiograph-like images, textures, blank images;
- :func:`viewer_screenshot`: a real scan inside a viewer's layout (an infrared fundus
  image beside it, text burned in around it), as users send screen captures;
- :data:`DEGRADATIONS`: a real scan degraded in ways the model never saw in training
  (heavy blur, cropped to its middle third, rotated 90 degrees, inverted);
- :data:`EXPORTS`: a real scan resampled to the other shapes a device may export it in
  (other widths, a taller axial sampling), for the check on shape alone (issue 18, item 6).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

NON_OCT_KINDS = ("photograph", "document", "fundus", "screenshot", "chart", "radiograph",
                 "texture", "blank")
_WORDS = ("retina patient report the scan of and to in visit date left right eye macula "
          "thickness normal follow-up findings summary signal quality volume layer central "
          "field image export version 2024 mm µm OD OS total average").split()


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell: float,
                  octaves: int = 4) -> np.ndarray:
    """Fractal value noise in 0..1 (bilinear up-sampling of random grids, 1/f weights)."""
    h, w = shape
    out = np.zeros(shape, np.float32)
    total = 0.0
    for o in range(octaves):
        c = max(2.0, cell / 2 ** o)
        gh, gw = int(h / c) + 2, int(w / c) + 2
        grid = rng.random((gh, gw)).astype(np.float32)
        up = np.asarray(Image.fromarray(grid).resize((w, h), Image.Resampling.BILINEAR))
        out += up / 2 ** o
        total += 1 / 2 ** o
    return out / total


def _text_line(rng: np.random.Generator, n: int) -> str:
    return " ".join(str(rng.choice(_WORDS)) for _ in range(n))


def _photograph(rng, h, w):
    """A landscape: sky, hills with texture, a sun, trees."""
    sky = np.linspace(0, 1, h)[:, None, None]
    top, bottom = rng.uniform([60, 110, 180], [120, 170, 240]), rng.uniform(200, 250, 3)
    img = (top * (1 - sky) + bottom * sky) * np.ones((h, w, 3))
    horizon = h * rng.uniform(0.4, 0.65) + 0.08 * h * (_smooth_noise(rng, (1, w), w / 4)[0] - .5)
    rows = np.arange(h)[:, None]
    ground = rows > horizon[None, :]
    tex = _smooth_noise(rng, (h, w), 40)[..., None]
    colour = rng.uniform([40, 90, 20], [120, 160, 70])
    img = np.where(ground[..., None], colour * (0.6 + 0.8 * tex), img)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    cx, cy, r = rng.uniform(0.1, 0.9) * w, rng.uniform(0.05, 0.3) * h, rng.uniform(.03, .08) * w
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 240, 190))
    for _ in range(int(rng.integers(3, 12))):
        x, y = rng.uniform(0, w), rng.uniform(0.55, 0.95) * h
        s = rng.uniform(0.02, 0.08) * h
        d.rectangle([x - s / 6, y, x + s / 6, y + s], fill=(80, 50, 30))
        d.ellipse([x - s, y - 1.6 * s, x + s, y + 0.2 * s], fill=tuple(
            int(v) for v in rng.uniform([20, 70, 20], [60, 130, 60])))
    return np.asarray(pil.filter(ImageFilter.GaussianBlur(0.8)))


def _document(rng, h, w):
    """A page of text, with a heading and sometimes a table."""
    pil = Image.new("L", (w, h), int(rng.uniform(235, 255)))
    d = ImageDraw.Draw(pil)
    size = max(8, int(h / rng.uniform(40, 70)))
    font, head = _font(size), _font(int(size * 1.8))
    y = int(0.06 * h)
    d.text((int(0.08 * w), y), _text_line(rng, 3).title(), fill=10, font=head)
    y += int(size * 3.5)
    table = rng.random() < 0.5
    while y < 0.92 * h:
        if table and rng.random() < 0.15:
            rows, cols = int(rng.integers(3, 7)), int(rng.integers(3, 6))
            x0, x1 = int(0.08 * w), int(0.92 * w)
            for r in range(rows + 1):
                d.line([(x0, y + r * size * 1.6), (x1, y + r * size * 1.6)], fill=40)
            for c in range(cols + 1):
                x = x0 + c * (x1 - x0) / cols
                d.line([(x, y), (x, y + rows * size * 1.6)], fill=40)
            y += int(rows * size * 1.6 + size * 2)
            table = False
            continue
        d.text((int(0.08 * w), y), _text_line(rng, int(rng.integers(6, 14))), fill=20,
               font=font)
        y += int(size * 1.5)
    return np.asarray(pil)


def _fundus(rng, h, w):
    """A colour fundus photograph: an orange disc, the optic disc, the macula, vessels."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy, cx, r = h / 2, w / 2, 0.47 * min(h, w)
    rr = np.hypot(yy - cy, xx - cx) / r
    base = rng.uniform([170, 70, 20], [230, 120, 50])
    img = base * (1.1 - 0.5 * rr[..., None] ** 2) * (0.85 + 0.3 * _smooth_noise(rng, (h, w),
                                                                                  60)[..., None])
    side = 1 if rng.random() < 0.5 else -1
    dx, dy = cx + side * 0.45 * r, cy + rng.uniform(-0.05, 0.05) * r
    disc = np.hypot(yy - dy, xx - dx) / (0.09 * r)
    img += np.clip(1.2 - disc, 0, 1)[..., None] * np.array([70, 120, 90])
    mac = np.hypot(yy - cy, xx - cx + side * 0.05 * r) / (0.12 * r)
    img *= (0.75 + 0.25 * np.clip(mac, 0, 1))[..., None]
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    for _ in range(int(rng.integers(6, 10))):  # vessels: random walks out of the disc
        x, y = dx, dy
        ang = rng.uniform(0, 2 * np.pi)
        width = rng.uniform(0.006, 0.014) * r
        for _ in range(60):
            ang += rng.normal(0, 0.18)
            nx, ny = x + np.cos(ang) * 0.03 * r, y + np.sin(ang) * 0.03 * r
            d.line([(x, y), (nx, ny)], fill=(120, 25, 15), width=max(1, int(width)))
            x, y, width = nx, ny, width * 0.985
    arr = np.asarray(pil).copy()
    arr[rr > 1] = 0
    return arr


def _screenshot(rng, h, w):
    """A program's window: title bar, menu, panels, buttons, text."""
    pil = Image.new("RGB", (w, h), tuple(int(v) for v in rng.uniform(200, 245, 3)))
    d = ImageDraw.Draw(pil)
    font = _font(max(9, h // 50))
    d.rectangle([0, 0, w, int(0.05 * h)], fill=tuple(int(v) for v in rng.uniform(30, 90, 3)))
    d.text((10, int(0.01 * h)), _text_line(rng, 4), fill=(250, 250, 250), font=font)
    x = 10
    for _ in range(6):
        d.text((x, int(0.06 * h)), str(rng.choice(_WORDS)).title(), fill=(0, 0, 0), font=font)
        x += int(w / 9)
    for _ in range(int(rng.integers(3, 7))):
        x0, y0 = rng.uniform(0, 0.7) * w, rng.uniform(0.12, 0.7) * h
        x1, y1 = x0 + rng.uniform(0.15, 0.4) * w, y0 + rng.uniform(0.1, 0.3) * h
        d.rectangle([x0, y0, x1, y1], fill=tuple(int(v) for v in rng.uniform(160, 255, 3)),
                    outline=(90, 90, 90))
        for k in range(int((y1 - y0) / (h / 35))):
            d.text((x0 + 6, y0 + 4 + k * h / 35), _text_line(rng, 3), fill=(20, 20, 20),
                   font=font)
    return np.asarray(pil)


def _chart(rng, h, w):
    """A line or bar chart with axes and labels."""
    pil = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(pil)
    font = _font(max(9, h // 40))
    x0, y0, x1, y1 = 0.12 * w, 0.1 * h, 0.95 * w, 0.85 * h
    d.line([(x0, y1), (x1, y1)], fill=0, width=2)
    d.line([(x0, y0), (x0, y1)], fill=0, width=2)
    n = int(rng.integers(6, 20))
    xs = np.linspace(x0 + 10, x1 - 10, n)
    for s in range(int(rng.integers(1, 4))):
        ys = y1 - (y1 - y0) * np.clip(np.cumsum(rng.normal(0.05, 0.12, n)) + 0.4, 0.02, 1)
        colour = tuple(int(v) for v in rng.uniform(0, 200, 3))
        if rng.random() < 0.5:
            d.line(list(zip(xs, ys, strict=True)), fill=colour, width=3)
        else:
            bw = (x1 - x0) / n / 3
            for x, y in zip(xs, ys, strict=True):
                d.rectangle([x - bw + s * 3, y, x + bw + s * 3, y1], fill=colour)
    for k in range(5):
        d.text((5, y1 - k * (y1 - y0) / 4), f"{k * 25}", fill=0, font=font)
    d.text((w / 3, 0.9 * h), _text_line(rng, 3), fill=0, font=font)
    return np.asarray(pil)


def _radiograph(rng, h, w):
    """A chest radiograph's look: a bright body, two dark lung fields, ribs, noise."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / np.float32(max(h, w))
    hn, wn = h / max(h, w), w / max(h, w)
    body = np.exp(-(((xx - wn / 2) / (0.42 * wn)) ** 4 + ((yy - hn / 2) / (0.55 * hn)) ** 4))
    img = 60 + 150 * body
    for side in (-1, 1):
        lung = np.exp(-(((xx - wn / 2 - side * 0.18 * wn) / (0.13 * wn)) ** 2
                        + ((yy - 0.45 * hn) / (0.25 * hn)) ** 2))
        img -= 90 * lung
    ribs = 0.5 + 0.5 * np.sin(yy * rng.uniform(60, 90) + 3 * np.abs(xx - wn / 2))
    img += 15 * ribs * body
    img += 12 * (_smooth_noise(rng, (h, w), 30) - 0.5)
    return np.clip(img, 0, 255).astype(np.uint8)


def _texture(rng, h, w):
    """Fractal noise, speckle, stripes or a gradient, grey or coloured."""
    kind = int(rng.integers(4))
    if kind == 0:
        img = 255 * _smooth_noise(rng, (h, w), rng.uniform(8, 80))
    elif kind == 1:
        img = rng.gamma(1.0, 50.0, (h, w))
    elif kind == 2:
        yy, xx = np.mgrid[0:h, 0:w]
        ang = rng.uniform(0, np.pi)
        img = 127 + 120 * np.sin((np.cos(ang) * xx + np.sin(ang) * yy) / rng.uniform(3, 30))
    else:
        img = np.linspace(rng.uniform(0, 120), rng.uniform(130, 255), w)[None, :] * np.ones(
            (h, 1))
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        tint = rng.uniform(0.4, 1.0, 3)
        return (img[..., None] * tint).astype(np.uint8)
    return img


def _blank(rng, h, w):
    """One grey level, sometimes with a little noise."""
    img = np.full((h, w), rng.uniform(0, 255), np.float32)
    if rng.random() < 0.5:
        img += rng.normal(0, 3, (h, w))
    return np.clip(img, 0, 255).astype(np.uint8)


_MAKERS = {"photograph": _photograph, "document": _document, "fundus": _fundus,
           "screenshot": _screenshot, "chart": _chart, "radiograph": _radiograph,
           "texture": _texture, "blank": _blank}
_SHAPES = {"photograph": [(480, 640), (768, 1024), (600, 600)],
           "document": [(1100, 850), (842, 595)], "fundus": [(768, 768), (1000, 1200)],
           "screenshot": [(800, 1280), (768, 1024)], "chart": [(480, 640), (600, 900)],
           "radiograph": [(1024, 1024), (900, 750)], "texture": [(496, 1024), (512, 512)],
           "blank": [(496, 1024), (512, 512)]}


def non_oct(kind: str, seed: int) -> np.ndarray:
    """One procedural picture of ``kind`` (:data:`NON_OCT_KINDS`), uint8 grey or RGB."""
    rng = np.random.default_rng([seed, NON_OCT_KINDS.index(kind)])
    shapes = _SHAPES[kind]
    h, w = shapes[int(rng.integers(len(shapes)))]
    return _MAKERS[kind](rng, h, w)


def viewer_screenshot(scan: np.ndarray, seed: int) -> np.ndarray:
    """``scan`` (a B-scan, grey) inside a viewer's window: an infrared fundus image on the
    left, the B-scan on the right, captions and a scale bar burned in (RGB)."""
    rng = np.random.default_rng([seed, 99])
    sh, sw = scan.shape[:2]
    side = sh
    w, h = side + sw + 30, sh + 80
    pil = Image.new("RGB", (w, h), (0, 0, 0))
    fundus = _fundus(rng, side, side).mean(axis=2)
    pil.paste(Image.fromarray(fundus.astype(np.uint8)).convert("RGB"), (10, 40))
    grey = scan if scan.ndim == 2 else scan.mean(axis=2).astype(np.uint8)
    pil.paste(Image.fromarray(grey).convert("RGB"), (side + 20, 40))
    d = ImageDraw.Draw(pil)
    font = _font(16)
    d.text((12, 10), f"IR 30° ART [HS]   {_text_line(rng, 3)}", fill=(255, 255, 255), font=font)
    d.text((side + 22, 10), f"OCT ART ({int(rng.integers(5, 100))}) Q: "
           f"{int(rng.integers(20, 40))} [HS]", fill=(255, 255, 255), font=font)
    d.line([(side + 30, h - 25), (side + 130, h - 25)], fill=(255, 255, 255), width=2)
    d.text((side + 140, h - 35), "200 µm", fill=(255, 255, 255), font=font)
    y = 40 + side // 2
    d.line([(20, y), (side, y)], fill=(0, 255, 0), width=2)  # where the B-scan was taken
    return np.asarray(pil)


def _blur(img: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(12)))


def _crop_third(img: np.ndarray) -> np.ndarray:
    w = img.shape[1]
    return np.ascontiguousarray(img[:, w // 3 : w // 3 + max(1, w // 3)])


def _rotate90(img: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(img))


def _invert(img: np.ndarray) -> np.ndarray:
    return 255 - img


DEGRADATIONS = {
    "heavy blur (Gaussian, sigma 12 px)": _blur,
    "cropped to its middle third": _crop_third,
    "rotated 90 degrees": _rotate90,
    "inverted": _invert,
}


def _resample(img: np.ndarray, height: int, width: int) -> np.ndarray:
    return np.asarray(Image.fromarray(img).resize((width, height), Image.Resampling.BILINEAR))


EXPORTS = {
    "512 wide (496 x 512)": lambda img: _resample(img, img.shape[0], 512),
    "768 wide (496 x 768)": lambda img: _resample(img, img.shape[0], 768),
    "1536 wide (496 x 1536)": lambda img: _resample(img, img.shape[0], 1536),
    "very wide (496 x 3072)": lambda img: _resample(img, img.shape[0], 3072),
    "tall (992 x 1024)": lambda img: _resample(img, 2 * img.shape[0], img.shape[1]),
    "very tall (1984 x 1024)": lambda img: _resample(img, 4 * img.shape[0], img.shape[1]),
}

"""The healthy retina: layer geometry, reflectivities, choroid, and the OCT imaging look.

Geometry is kept as per-column layer *thicknesses* (pixels) stacked upwards from a fixed
Bruch's-membrane baseline, so a lesion changes the anatomy by editing thicknesses
(a druse gives the sub-RPE space a thickness, serous fluid the subretinal space, and
every layer above follows). Intensities are built in a log-display domain (0 = noise
floor, ~0.8 = RPE); speckle is added there, which is multiplicative in linear intensity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import F32, ellipse_weight, smooth_noise_1d, smooth_noise_2d

#: Layers from the inner surface down to Bruch's membrane; the choroid follows.
LAYERS: tuple[str, ...] = (
    "rnfl", "gcl", "ipl", "inl", "opl", "onl", "elm", "myoid",
    "ez", "os", "iz", "srf", "rpe", "subrpe", "bm",
)  # fmt: skip
#: Photoreceptor and RPE layers that vanish in atrophy.
OUTER: tuple[str, ...] = ("elm", "myoid", "ez", "os", "iz", "rpe")

_THICK_UM = {
    "rnfl": 22.0, "gcl": 42.0, "ipl": 36.0, "inl": 34.0, "opl": 26.0, "onl": 72.0,
    "elm": 5.0, "myoid": 20.0, "ez": 13.0, "os": 14.0, "iz": 9.0, "srf": 0.0,
    "rpe": 20.0, "subrpe": 0.0, "bm": 6.0,
}  # fmt: skip
#: Log-display reflectivity of each layer (0 = noise floor).
_VALUE = {
    "rnfl": 0.60, "gcl": 0.41, "ipl": 0.47, "inl": 0.29, "opl": 0.43, "onl": 0.14,
    "elm": 0.36, "myoid": 0.2, "ez": 0.70, "os": 0.34, "iz": 0.52, "srf": 0.04,
    "rpe": 0.8, "subrpe": 0.45, "bm": 0.5,
}  # fmt: skip
#: Fraction of each inner layer removed at the foveal centre.
_PIT_DEPTH = {"rnfl": 1.0, "gcl": 1.0, "ipl": 0.95, "inl": 0.85, "opl": 0.6}


@dataclass
class Anatomy:
    """Per-scan anatomy and imaging parameters; lesions edit it before rendering."""

    height: int
    width: int
    px_per_um: float  # vertical sampling
    px_per_mm: float  # horizontal sampling
    fovea_x: float
    pit: np.ndarray  # (W,) foveal pit profile, 1 at the centre
    choroid_top: np.ndarray  # (W,) row where the choroid starts (fixed baseline)
    choroid_thick: np.ndarray  # (W,) px
    thick: dict[str, np.ndarray]  # (W,) px per layer
    values: dict[str, np.ndarray]  # (W,) log-display reflectivity per layer
    pit_loss: dict[str, np.ndarray]  # (W,) px taken from each inner layer by the pit
    texture_seed: int
    look: dict[str, float]
    vessels: list[tuple[float, float, float, float]]  # x, radius_x, radius_y, shadow
    hyaloid: tuple[float, float, float] | None  # gap px, x0, x1
    wedge: tuple[str, int, float, float] | None  # where, grey, offset px, slope
    jitter: dict[str, np.ndarray]  # (W,) small ripple of some interfaces, px
    hypertransmission: np.ndarray  # (W,) 0..1: extra light reaching the choroid
    sub_shadow: np.ndarray  # (W,) extra attenuation below Bruch's membrane

    @property
    def x(self) -> np.ndarray:
        """Column coordinates, float32."""
        return np.arange(self.width, dtype=F32)

    def um(self, microns: float) -> float:
        """Vertical pixels for a depth in micrometres."""
        return microns * self.px_per_um

    def mm(self, millimetres: float) -> float:
        """Horizontal pixels for a lateral distance in millimetres."""
        return millimetres * self.px_per_mm

    def boundaries(self) -> dict[str, np.ndarray]:
        """Top row of every layer, plus ``"choroid"`` (top of the choroid) and ``"sclera"``."""
        out: dict[str, np.ndarray] = {"choroid": self.choroid_top}
        y = self.choroid_top
        for name in reversed(LAYERS):
            y = y - self.thick[name]
            out[name] = y + self.jitter[name] if name in self.jitter else y
        out["sclera"] = self.choroid_top + self.choroid_thick
        return out

    def fill_pit(self, frac: np.ndarray | float) -> None:
        """Give back ``frac`` (0..1, scalar or per column) of the tissue the pit removed."""
        for name, loss in self.pit_loss.items():
            self.thick[name] = self.thick[name] + loss * frac
            self.pit_loss[name] = loss * (1.0 - frac)

    def headroom(self, lo: float, hi: float, margin: float = 12.0) -> float:
        """How far (px) the retina between columns ``lo``..``hi`` may be lifted."""
        a, b = max(int(lo), 0), min(int(hi) + 1, self.width)
        ilm = self.boundaries()["rnfl"][a:b] if b > a else np.array([self.height])
        return max(float(ilm.min()) - margin, 0.0)


def sample_anatomy(rng: np.random.Generator, height: int, width: int) -> Anatomy:
    """Draw a healthy retina (position, tilt, curvature, pit, layer thicknesses, look)."""
    h, w = height, width
    px_um = (h / 496.0) / 3.87
    px_mm = w / rng.uniform(5.6, 7.0)
    x = np.arange(w, dtype=F32)
    fx = float(w * rng.uniform(0.36, 0.64))

    # Foveal pit: a smooth dip, ~1.5 mm across, inner layers thinning out.
    sigma = px_mm * rng.uniform(0.34, 0.5)
    q = rng.uniform(1.8, 2.6)
    strength = rng.uniform(0.8, 1.0)
    pit = np.exp(-((np.abs(x - fx) / sigma) ** q)).astype(F32)
    pit_onl = np.exp(-((np.abs(x - fx) / (1.25 * sigma)) ** 2)).astype(F32)
    rim = np.exp(-(((np.abs(x - fx) - 1.7 * sigma) / sigma) ** 2)).astype(F32)
    nasal = 1.0 if rng.random() < 0.5 else -1.0
    ramp = np.clip((x - fx) * nasal / px_mm / 3.0, 0.0, 1.0).astype(F32) ** 1.3

    scale = rng.uniform(0.92, 1.08)
    thick: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    pit_loss: dict[str, np.ndarray] = {}
    for name in _THICK_UM:
        um = _THICK_UM[name] * scale * rng.uniform(0.88, 1.12)
        t = np.full(w, um * px_um, F32) * (1.0 + 0.05 * smooth_noise_1d(rng, w, w / 4))
        if name == "rnfl":
            t = t + ramp * rng.uniform(30, 75) * px_um
        if name in _PIT_DEPTH:
            t = t * (1.0 + 0.15 * rim)
            loss = t * (_PIT_DEPTH[name] * strength) * pit
            pit_loss[name] = loss.astype(F32)
            t = t - loss
        if name == "onl":
            t = t * (1.0 + rng.uniform(0.35, 0.6) * pit_onl)
        if name == "os":
            t = t + 6.0 * px_um * pit
        thick[name] = np.maximum(t, 0.0).astype(F32)
        v = _VALUE[name] * rng.uniform(0.92, 1.08)
        values[name] = (v * (1.0 + 0.06 * smooth_noise_1d(rng, w, w / 6))).astype(F32)

    # Baseline (top of the choroid): tilt, bowl-shaped curvature and a slight wobble.
    xm = w / 2 + rng.normal(0, w / 8)
    shape = rng.uniform(-0.12, 0.12) * (x - w / 2) * (h / w)
    shape = shape - rng.uniform(-0.03, 0.14) * h * (((x - xm) / (w / 2)) ** 2 - 0.33)
    shape = shape + 2.0 * px_um * 3.87 * smooth_noise_1d(rng, w, w / 5)
    span = float(shape.max() - shape.min())
    if span > 0.3 * h:
        shape *= 0.3 * h / span
    lo = 0.36 * h - float(shape.min())
    hi = 0.76 * h - float(shape.max())
    centre = float(np.clip(h * rng.uniform(0.44, 0.64), lo, max(lo, hi)))
    choroid_top = (centre + shape).astype(F32)
    choroid_thick = (
        rng.uniform(200, 330) * px_um * (1.0 + 0.12 * smooth_noise_1d(rng, w, w / 5))
    ).astype(F32)

    look = {
        "signal": rng.uniform(0.8, 1.05),
        "speckle": rng.uniform(0.85, 1.2),
        "speckle_h": rng.uniform(0.2, 0.9),
        "contrast": rng.uniform(0.9, 1.1),
        "offset": rng.uniform(0.07, 0.13),
        "gamma": rng.uniform(0.85, 1.15),
        "falloff": rng.uniform(0.04, 0.1),
        "soft": rng.uniform(1.5, 2.2) * h / 496.0,
        "choroid": rng.uniform(0.32, 0.46),
    }

    vessels = []
    for _ in range(int(rng.integers(1, 6))):
        vx = float(rng.uniform(0.02, 0.98) * w)
        if abs(vx - fx) < px_mm * 0.55:
            continue  # the foveal avascular zone
        ry = rng.uniform(2.5, 5.0) * h / 496.0
        rx = max(ry * rng.uniform(0.6, 1.0) * (px_mm / 85.0), 1.5)
        vessels.append((vx, float(rx), float(ry), float(rng.uniform(0.05, 0.16))))

    hyaloid = None
    if rng.random() < 0.25:
        a, b = sorted(rng.uniform(0.0, 1.0, 2) * w)
        hyaloid = (float(rng.uniform(15, 70) * h / 496.0), float(a), float(max(b, a + w / 3)))
    wedge = None
    if rng.random() < 0.12:
        where = "top" if rng.random() < 0.7 else "bottom"
        grey = 255 if rng.random() < 0.75 else 0
        wedge = (where, grey, float(rng.uniform(0.02, 0.2) * h), float(rng.uniform(-0.15, 0.15)))

    # Interfaces inside the retina are not perfectly smooth (the surface is).
    jitter = {
        name: (0.35 * h / 496.0 * smooth_noise_1d(rng, w, 10.0)).astype(F32)
        for name in ("gcl", "ipl", "inl", "opl", "onl")
    }
    return Anatomy(
        jitter=jitter, hypertransmission=np.zeros(w, F32), sub_shadow=np.zeros(w, F32),
        height=h, width=w, px_per_um=px_um, px_per_mm=px_mm, fovea_x=fx, pit=pit,
        choroid_top=choroid_top, choroid_thick=choroid_thick, thick=thick, values=values,
        pit_loss=pit_loss, texture_seed=int(rng.integers(2**31)), look=look,
        vessels=vessels, hyaloid=hyaloid, wedge=wedge,
    )  # fmt: skip


def add_step(image: np.ndarray, top: np.ndarray, delta: np.ndarray, soft: float) -> None:
    """``image += delta * step(y - top)`` with an anti-aliased edge, in place.

    Only the rows the boundary crosses are evaluated; rows below get ``delta`` outright.
    """
    h = image.shape[0]
    lo = int(np.clip(np.floor(top.min() - soft - 1), 0, h))
    hi = int(np.clip(np.ceil(top.max() + soft + 1), 0, h))
    image[hi:] += delta
    if hi > lo:
        y = np.arange(lo, hi, dtype=F32)[:, None]
        image[lo:hi] += delta * np.clip((y - top) / soft + 0.5, 0.0, 1.0)


def render_retina(anat: Anatomy) -> np.ndarray:
    """Log-display reflectivity (H, W) of the anatomy as it now stands, before speckle."""
    h, w = anat.height, anat.width
    soft = anat.look["soft"]
    rng = np.random.default_rng(anat.texture_seed)
    b = anat.boundaries()
    img = np.zeros((h, w), F32)
    prev = np.zeros(w, F32)
    for name in LAYERS:
        add_step(img, b[name], anat.values[name] - prev, soft)
        prev = anat.values[name]
    # Granular tissue texture, finer than the layers, coarser than speckle.
    r0 = int(np.clip(np.floor(b["rnfl"].min()) - 2, 0, h))
    r1 = int(np.clip(np.ceil(anat.choroid_top.max()) + 2, r0, h))
    img[r0:r1] *= 1.0 + 0.09 * smooth_noise_2d(rng, (r1 - r0, w), (2.5, 5.0))

    # Choroid: stroma fading with depth, choriocapillaris, dark vessel lumens; sclera below.
    top, thick = anat.choroid_top, anat.choroid_thick
    r0 = int(np.clip(np.floor(top.min()) - 2, 0, h))
    d = np.arange(r0, h, dtype=F32)[:, None] - top
    s0 = anat.look["choroid"]
    ht = anat.hypertransmission
    chor = s0 - (s0 - 0.14) * d / thick + 0.09 * np.exp(-np.maximum(d, 0) / 3.0)
    chor += 0.045 * smooth_noise_2d(rng, d.shape, (4.0, 9.0))
    lumen = np.zeros(d.shape, F32)
    for f_lo, f_hi, size in ((0.3, 0.7, 0.22), (0.08, 0.22, 0.09)):  # Haller, then Sattler
        cx = rng.uniform(-10.0, 0.0)
        while cx < w + 10:
            i = int(np.clip(cx, 0, w - 1))
            f = rng.uniform(f_lo, f_hi)
            ry = size * float(thick[i]) * rng.uniform(0.7, 1.3)
            rx = ry * rng.uniform(0.7, 1.4) * anat.px_per_mm / 85.0
            cy = float(top[i]) + f * float(thick[i]) - r0
            e = ellipse_weight(d.shape, cy, cx, ry, rx, soft=max(0.6 * min(rx, ry), 1.5))
            if e is not None:
                ys, xs, wgt = e
                np.maximum(lumen[ys, xs], wgt * rng.uniform(0.5, 1.0), out=lumen[ys, xs])
            cx += 2.0 * rx * rng.uniform(0.9, 1.6)
    chor -= lumen * (0.24 + 0.1 * ht) * (d < 1.1 * thick)
    sclera = 0.12 - 0.1 * (d - thick) / thick
    blend = np.clip((d - thick) / 10.0 + 0.5, 0.0, 1.0)
    chor = chor * (1.0 - blend) + sclera * blend
    chor += ht * (0.42 * np.exp(-np.maximum(d, 0) / (4.0 * thick)))
    np.clip(chor, 0.0, 1.0, out=chor)
    step = np.clip(d / soft + 0.5, 0.0, 1.0)
    img[r0:] += step * (chor - prev)

    # Inner retinal vessels: round bright profiles in the GCL (their shadows come later).
    for vx, rx, ry, _ in anat.vessels:
        i = int(np.clip(vx, 0, w - 1))
        cy = float(b["gcl"][i]) + 0.35 * float(anat.thick["gcl"][i]) + 0.5 * ry
        e = ellipse_weight((h, w), cy, vx, ry, rx, soft=1.2)
        if e is not None:
            ys, xs, wgt = e
            np.maximum(img[ys, xs], 0.56 * wgt, out=img[ys, xs])

    if anat.hyaloid is not None:
        # Posterior hyaloid: a smooth faint line above the retina, meeting it at one end.
        gap, x0, x1 = anat.hyaloid
        x = anat.x
        ilm = b["rnfl"]
        u = np.clip((x - x0) / max(x1 - x0, 1.0), 0.0, 1.0)
        line = (
            ilm[int(x0)] + (ilm[min(int(x1), w - 1)] - ilm[int(x0)]) * u - gap * np.sin(np.pi * u)
        )
        line = np.maximum(np.minimum(line, ilm - 1.0), 3.0)
        y = np.arange(h, dtype=F32)[:, None]
        wgt = np.clip(1.4 - np.abs(y - line), 0.0, 1.0) * ((x >= x0) & (x <= x1))
        np.maximum(img, 0.3 * wgt, out=img)
    return img


def finalize(anat: Anatomy, img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Shadows, depth fall-off, speckle and log-display mapping: float map -> uint8 B-scan."""
    h, w = img.shape
    look = anat.look
    b = anat.boundaries()
    img *= look["signal"]
    # Vessel shadows run from each vessel down through everything below it.
    if anat.vessels:
        x = anat.x
        shadow = np.zeros(w, F32)
        for vx, rx, _, strength in anat.vessels:
            shadow += strength * np.exp(-(((x - vx) / (1.1 * rx)) ** 4))
        shadow = np.minimum(shadow, 0.45)
        start = b["gcl"] + 0.35 * anat.thick["gcl"] + 8.0 * h / 496.0
        add_step(img, start, -shadow, 2.0)
        # Deep in the choroid the shadow blurs out and fades.
        add_step(img, anat.choroid_top + 0.5 * anat.choroid_thick, 0.6 * shadow, 12.0)
    if anat.sub_shadow.any():
        add_step(img, anat.choroid_top, -anat.sub_shadow, 2.0)
    img += 0.015 * smooth_noise_1d(rng, w, 2.0)  # A-scan to A-scan brightness jitter
    np.maximum(img, 0.0, out=img)

    # Speckle: exponential intensity, correlated over ~2 px axially, ~1 px laterally.
    e = rng.standard_exponential((h + 2, w + 1), dtype=F32)
    s = e[:-2] + 2.0 * e[1:-1] + e[2:]
    s = s[:, :-1] + look["speckle_h"] * s[:, 1:]
    s *= 1.0 / (4.0 * (1.0 + look["speckle_h"]))
    # Frame averaging leaves tissue smoother than the noise floor.
    smooth = 1.0 - 0.2 * np.clip(img * 2.0, 0.0, 1.0)
    img += (look["speckle"] * 10.0 / 35.0) * np.log10(s) * smooth

    # Sensitivity roll-off with depth darkens signal and noise floor alike.
    img -= look["falloff"] * (np.arange(h, dtype=F32)[:, None] / h) ** 1.5
    img *= look["contrast"]
    img += look["offset"]
    idx = np.clip(img * 1023.0, 0, 1023).astype(np.int32)
    lut = (255.0 * np.linspace(0.0, 1.0, 1024) ** look["gamma"] + 0.5).astype(np.uint8)
    out = lut[idx]

    if anat.wedge is not None:
        where, grey, off, slope = anat.wedge
        x = anat.x
        rows = np.arange(h, dtype=F32)[:, None]
        edge = off + slope * (x - (w if slope > 0 else 0))
        if where == "top":
            m = (rows < edge) & (rows < b["rnfl"] - 15)
        else:
            m = (rows > h - edge) & (rows > b["sclera"] + 30)
        out[m] = grey
    return out

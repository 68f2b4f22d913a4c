"""Findings inside the neurosensory retina: CME, ME, ERM, MH, RA.

Each finding is a pair of functions. ``*_geometry(anat, rng, severity)`` edits the
anatomy's layer thicknesses/reflectivities before rendering and returns a plan (dict);
``*_paint(anat, img, rng, plan)`` draws on the rendered log-display map and returns the
finding's boolean mask.
"""

from __future__ import annotations

import numpy as np

from ._common import F32, band, dome, ellipse_weight, plateau, smooth_noise_1d, smooth_noise_2d
from .anatomy import Anatomy

Plan = dict


def centre(anat: Anatomy, rng: np.random.Generator, spread_mm: float) -> float:
    """A lesion centre near the fovea, kept inside the central 70% of the scan."""
    w = anat.width
    return float(np.clip(anat.fovea_x + rng.normal(0.0, anat.mm(spread_mm)), 0.15 * w, 0.85 * w))


def lift_limit(anat: Anatomy, lift: np.ndarray) -> float:
    """Factor (<= 1) that keeps a lift of the inner surface inside the image."""
    cols = np.flatnonzero(lift > 0.5)
    if cols.size == 0:
        return 1.0
    room = anat.headroom(cols[0], cols[-1])
    peak = float(lift.max())
    return min(1.0, room / peak) if peak > 0 else 1.0


def thicken(anat: Anatomy, amounts: dict[str, np.ndarray]) -> None:
    """Add per-column thickness to layers, scaled down if the retina would leave the image."""
    k = lift_limit(anat, sum(amounts.values()))
    for name, extra in amounts.items():
        anat.thick[name] = np.maximum(anat.thick[name] + k * extra, 0.0).astype(F32)


def draw_cysts(
    anat: Anatomy,
    img: np.ndarray,
    rng: np.random.Generator,
    xs: np.ndarray,
    size: np.ndarray,
    onl_share: float,
    limit: int | None = None,
) -> np.ndarray:
    """Dark round/oval cystoid spaces in the INL or ONL (Henle) at columns ``xs``.

    A candidate whose centre falls in an earlier cyst is skipped; at most ``limit`` are
    drawn. Where a cyst overlaps an earlier one a faint bright septum separates them.
    Returns the boolean mask of the cyst interiors.
    """
    h, w = img.shape
    b = anat.boundaries()
    mask = np.zeros((h, w), bool)
    drawn = 0
    for x, s in zip(xs, size, strict=True):
        if limit is not None and drawn >= limit:
            break
        i = int(np.clip(x, 0, w - 1))
        layer = "onl" if rng.random() < onl_share else "inl"
        th = float(anat.thick[layer][i])
        if th < 5.0:
            layer = "onl" if layer == "inl" else "inl"
            th = float(anat.thick[layer][i])
            if th < 5.0:
                continue
        ry = min(th * rng.uniform(0.32, 0.46) * s, th * 0.47)
        aspect = rng.uniform(0.35, 0.8) if layer == "onl" else rng.uniform(0.7, 1.4)
        rx = max(ry * aspect * anat.px_per_mm / 85.0, anat.mm(0.045))
        cy = float(b[layer][i]) + th * rng.uniform(0.42, 0.58)
        if mask[int(np.clip(cy, 0, h - 1)), i]:
            continue  # keep cysts apart: a new one may touch, not swallow, an old one
        tilt = rng.normal(0.0, 0.25)
        wall = ellipse_weight((h, w), cy, x, ry + 2.0, rx + 2.0, soft=2.0, angle=tilt)
        e = ellipse_weight((h, w), cy, x, ry, rx, soft=1.0, angle=tilt)
        if wall is None or e is None:
            continue
        ys, xs_, wgt = wall  # septa only where this cyst overlaps earlier ones
        septum = wgt * mask[ys, xs_]
        np.maximum(img[ys, xs_], 0.32 * septum, out=img[ys, xs_])
        mask[ys, xs_] &= septum < 0.5
        ys, xs_, wgt = e
        fill = rng.uniform(0.0, 0.05)
        img[ys, xs_] = img[ys, xs_] * (1.0 - wgt) + fill * wgt
        mask[ys, xs_] |= wgt > 0.5
        drawn += 1
    return mask


def draw_foci(
    anat: Anatomy, img: np.ndarray, rng: np.random.Generator, lo: float, hi: float, n: int
) -> None:
    """Small hyperreflective dots scattered in the inner retina between columns lo..hi."""
    b = anat.boundaries()
    for _ in range(n):
        x = rng.uniform(lo, hi)
        i = int(np.clip(x, 0, anat.width - 1))
        y = rng.uniform(b["ipl"][i], b["onl"][i] + 0.3 * anat.thick["onl"][i])
        e = ellipse_weight(img.shape, y, x, rng.uniform(1.0, 2.0), rng.uniform(1.0, 2.0))
        if e is not None:
            ys, xs, wgt = e
            np.maximum(img[ys, xs], rng.uniform(0.6, 0.8) * wgt, out=img[ys, xs])


# --- CME: cystoid macular edema -------------------------------------------------------


def cme_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Thicken the INL/OPL/ONL around the fovea, flatten the pit, brighten the septa."""
    c = centre(anat, rng, 0.15)
    r = anat.mm(rng.uniform(0.8, 1.6)) * (0.6 + 0.4 * sev)
    g = np.exp(-(((anat.x - c) / r) ** 2)).astype(F32)
    anat.fill_pit(np.clip(1.3 * g * sev, 0.0, 1.0))
    thicken(anat, {
        "inl": anat.um(rng.uniform(50, 120)) * sev * g,
        "opl": anat.um(rng.uniform(10, 30)) * sev * g,
        "onl": anat.um(rng.uniform(90, 200)) * sev * g,
    })  # fmt: skip
    # Tissue between the cysts is brighter than healthy nuclear layers (septa).
    anat.values["onl"] = anat.values["onl"] + 0.26 * g * sev
    anat.values["inl"] = anat.values["inl"] + 0.12 * g * sev
    return {"c": c, "r": r, "sev": sev}


def cme_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Dark round/oval cysts (a large central one) in the INL and ONL, plus bright foci."""
    c, r, sev = plan["c"], plan["r"], plan["sev"]
    n = int(rng.integers(8, 20) * (0.4 + 0.6 * sev)) + 3
    xs = c + rng.normal(0.0, 0.45 * r, 3 * n)
    xs[0] = c + rng.normal(0.0, 0.1 * r)  # one large central cyst
    size = np.clip(1.35 - 0.7 * np.abs(xs - c) / r, 0.45, 1.4) * (0.6 + 0.4 * sev)
    size[0] = 1.3 * (0.6 + 0.4 * sev)
    mask = draw_cysts(anat, img, rng, xs, size, onl_share=0.55, limit=n)
    draw_foci(anat, img, rng, c - 1.5 * r, c + 1.5 * r, int(rng.integers(2, 9)))
    return mask


# --- ME: diffuse macular edema without cysts ------------------------------------------


def me_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Diffuse thickening without cysts; inner layers lose their contrast."""
    c = centre(anat, rng, 0.3)
    r = anat.mm(rng.uniform(1.0, 2.0)) * (0.6 + 0.4 * sev)
    g = np.exp(-(np.abs((anat.x - c) / r) ** 2.5)).astype(F32)
    anat.fill_pit(np.clip(1.4 * g * sev, 0.0, 1.0))
    thicken(anat, {
        "inl": anat.um(rng.uniform(40, 90)) * sev * g,
        "opl": anat.um(rng.uniform(15, 35)) * sev * g,
        "onl": anat.um(rng.uniform(80, 170)) * sev * g,
    })  # fmt: skip
    k = 0.6 * g * sev
    for name in ("gcl", "ipl", "inl", "opl"):
        anat.values[name] = anat.values[name] * (1 - k) + 0.33 * k  # layers lose contrast
    anat.values["onl"] = anat.values["onl"] * (1 - 0.25 * k)  # spongy, hyporeflective
    return {"g": g, "sev": sev}


def me_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Blur the layer interfaces axially and add a spongy hyporeflective texture."""
    g, sev = plan["g"], plan["sev"]
    b = anat.boundaries()
    cols = np.flatnonzero(g > 0.05)
    x0, x1 = int(cols[0]), int(cols[-1]) + 1
    y0 = max(int(b["rnfl"][x0:x1].min()) - 2, 0)
    y1 = min(int(b["myoid"][x0:x1].max()) + 2, anat.height)
    sub = img[y0:y1, x0:x1]
    # Blur the layer interfaces axially (box filter via cumulative sums).
    k = max(int(round(6 * anat.height / 496)), 2)
    cs = np.cumsum(np.pad(sub, ((k + 1, k), (0, 0)), mode="edge"), axis=0)
    blurred = (cs[2 * k + 1 :] - cs[: -2 * k - 1]) / (2 * k + 1)
    inside = band(anat.height, b["gcl"], b["elm"])[y0:y1, x0:x1]
    wgt = (0.75 * sev * g[x0:x1])[None, :] * inside
    sub += wgt * (blurred - sub)
    spongy = smooth_noise_2d(rng, sub.shape, (4.0, 8.0))
    sub -= 0.07 * wgt * np.abs(spongy)
    draw_foci(anat, img, rng, x0, x1, int(rng.integers(1, 6)))
    return band(anat.height, b["rnfl"], b["elm"], g > 0.4)


# --- ERM: epiretinal membrane ----------------------------------------------------------


def erm_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Flatten the pit, thicken the inner retina, wrinkle the surface and inner layers."""
    x = anat.x
    c = centre(anat, rng, 0.4)
    hw = anat.mm(rng.uniform(1.0, 2.4))
    env = plateau(x, c - hw, c + hw, anat.mm(0.25))
    anat.fill_pit(np.clip(rng.uniform(0.55, 1.0) * (0.5 + 0.5 * sev) * env, 0.0, 1.0))
    g = np.exp(-(((x - c) / (0.8 * hw)) ** 2)).astype(F32)
    amp = anat.um(rng.uniform(4, 9)) * (0.4 + 0.6 * sev)
    wr = amp * smooth_noise_1d(rng, anat.width, anat.mm(rng.uniform(0.15, 0.3))) * env
    # Folds inside the inner retina: the IPL/INL interface undulates more than the surface.
    fold = anat.um(rng.uniform(8, 16)) * (0.4 + 0.6 * sev) * env
    fold = fold * smooth_noise_1d(rng, anat.width, anat.mm(rng.uniform(0.12, 0.25)))
    thicken(anat, {
        "rnfl": wr + anat.um(8) * sev * g,
        "gcl": 0.5 * wr + anat.um(rng.uniform(10, 30)) * sev * g,
        "ipl": 0.25 * wr + fold + anat.um(rng.uniform(10, 25)) * sev * g,
        "inl": anat.um(rng.uniform(20, 50)) * sev * g - fold,
        "onl": anat.um(rng.uniform(20, 50)) * sev * g,
    })  # fmt: skip
    anat.thick["rnfl"] = np.maximum(anat.thick["rnfl"], anat.um(6))
    gap = np.zeros(anat.width, F32)
    for _ in range(int(rng.integers(0, 4))):
        gap = np.maximum(gap, dome(x, rng.uniform(c - hw, c + hw), anat.mm(rng.uniform(0.08, 0.25)),
                                   anat.um(rng.uniform(8, 30)) * sev, 0.7))  # fmt: skip
    return {
        "env": env, "gap": gap * env, "thick": rng.uniform(2.4, 3.8) * anat.height / 496,
        "value": rng.uniform(0.85, 1.0),
    }  # fmt: skip


def erm_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """The bright membrane on the inner surface, lifted off it in places."""
    b = anat.boundaries()
    env = plan["env"]
    bottom = b["rnfl"] - plan["gap"] + 0.5
    mid = bottom - plan["thick"] / 2
    cols = np.flatnonzero(env > 0.02)
    x0, x1 = int(cols[0]), int(cols[-1]) + 1
    y0 = max(int(mid[x0:x1].min() - plan["thick"]) - 2, 0)
    y1 = min(int(bottom[x0:x1].max()) + 2, anat.height)
    y = np.arange(y0, y1, dtype=F32)[:, None]
    line = np.clip(plan["thick"] / 2 + 0.5 - np.abs(y - mid[x0:x1]), 0.0, 1.0)
    line *= np.clip(env[x0:x1] * 1.5, 0.0, 1.0)
    value = plan["value"] * (1.0 + 0.08 * smooth_noise_1d(rng, x1 - x0, 6.0))
    np.maximum(img[y0:y1, x0:x1], line * value, out=img[y0:y1, x0:x1])
    return band(anat.height, mid - plan["thick"] / 2 - 1, b["gcl"], env > 0.5)


# --- MH: full-thickness macular hole ---------------------------------------------------


def mh_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Fill the pit and raise thickened edges around the hole."""
    x = anat.x
    c = anat.fovea_x + rng.normal(0.0, anat.mm(0.03))
    r_min = anat.mm(rng.uniform(0.13, 0.26)) * (0.6 + 0.4 * sev)
    r_base = r_min * rng.uniform(1.5, 2.3)
    r_top = r_min * rng.uniform(1.6, 2.4)
    anat.fill_pit(1.0)
    d = np.maximum(np.abs(x - c) - r_base, 0.0) / anat.mm(0.45)
    ring = np.exp(-(d**2)).astype(F32)
    thicken(anat, {
        "ipl": anat.um(10) * sev * ring,
        "inl": anat.um(rng.uniform(30, 70)) * sev * ring,
        "onl": anat.um(rng.uniform(40, 90)) * sev * ring,
    })  # fmt: skip
    base = np.abs(x - c) < r_base
    anat.hypertransmission = np.maximum(anat.hypertransmission, 0.3 * base).astype(F32)
    return {
        "c": c, "r_min": r_min, "r_base": r_base, "r_top": r_top, "sev": sev,
        "operculum": rng.random() < 0.5 * sev + 0.1,
    }  # fmt: skip


def mh_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Full-thickness gap down to the RPE, cysts in its edges, maybe an operculum."""
    h, w = img.shape
    c, r_min, r_base, r_top = plan["c"], plan["r_min"], plan["r_base"], plan["r_top"]
    b = anat.boundaries()
    x0 = max(int(c - max(r_base, r_top)) - 2, 0)
    x1 = min(int(c + max(r_base, r_top)) + 3, w)
    ilm, floor = b["rnfl"][x0:x1], b["rpe"][x0:x1]
    y0, y1 = max(int(ilm.min()) - 2, 0), min(int(floor.max()) + 1, h)
    y = np.arange(y0, y1, dtype=F32)[:, None]
    t = np.clip((y - ilm) / np.maximum(floor - ilm, 1.0), 0.0, 1.0)
    half = r_min + (r_base - r_min) * t**2.2 + (r_top - r_min) * (1.0 - t) ** 4
    dx = np.abs(np.arange(x0, x1, dtype=F32) - c)
    wgt = np.clip(half - dx + 0.5, 0.0, 1.0) * (y >= ilm - 1) * (y < floor)
    img[y0:y1, x0:x1] += wgt * (0.03 - img[y0:y1, x0:x1])
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = wgt > 0.5

    # Cystic, elevated edges.
    n = int(rng.integers(2, 5))
    sides = np.where(rng.random(2 * n) < 0.5, -1.0, 1.0)
    xs = c + sides * (r_base + anat.mm(rng.uniform(0.0, 0.35, 2 * n)))
    sizes = rng.uniform(0.8, 1.3, 2 * n) * (0.6 + 0.4 * plan["sev"])
    mask |= draw_cysts(anat, img, rng, xs, sizes, onl_share=0.5)

    if plan["operculum"]:
        top = float(ilm.min())
        cy = max(top - rng.uniform(18, 50) * h / 496, 6.0)
        cx = c + rng.normal(0.0, 0.3 * r_min)
        e = ellipse_weight(
            (h, w), cy, cx, rng.uniform(3, 6) * h / 496, r_min * rng.uniform(0.6, 1.0)
        )
        if e is not None:
            ys, xs_, wg = e
            np.maximum(img[ys, xs_], rng.uniform(0.45, 0.6) * wg, out=img[ys, xs_])
            mask[ys, xs_] |= wg > 0.5
        # The detached posterior hyaloid, running from the operculum down to the retina.
        span = anat.mm(rng.uniform(1.0, 2.0))
        xx = anat.x
        ilm_all = b["rnfl"]
        yy = cy + (ilm_all.min() + 10 - cy) * ((xx - cx) / span) ** 2
        rows = np.arange(h, dtype=F32)[:, None]
        line = np.clip(1.0 - np.abs(rows - yy), 0.0, 1.0) * (yy < ilm_all - 2)
        np.maximum(img, 0.22 * line, out=img)
    return mask


# --- RA: retinal atrophy (inner layers thinned) ----------------------------------------

_RA_LOSS = {"rnfl": 0.8, "gcl": 0.85, "ipl": 0.75, "inl": 0.55, "opl": 0.35, "onl": 0.3}


def ra_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Thin the inner layers (RNFL, GCL, IPL most) over a broad stretch."""
    c = centre(anat, rng, 1.0)
    hw = anat.mm(rng.uniform(1.4, 3.5))
    env = plateau(anat.x, c - hw, c + hw, anat.mm(0.5))
    k = (0.5 + 0.5 * sev) * rng.uniform(0.85, 1.0)
    for name, loss in _RA_LOSS.items():
        keep = 1.0 - loss * k * env
        anat.thick[name] = (anat.thick[name] * keep).astype(F32)
        if name in anat.pit_loss:
            anat.pit_loss[name] = anat.pit_loss[name] * keep
    return {"env": env}


def ra_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Mask of the thinned inner retina; nothing to draw."""
    b = anat.boundaries()
    return band(anat.height, b["rnfl"], b["onl"], plan["env"] > 0.5)

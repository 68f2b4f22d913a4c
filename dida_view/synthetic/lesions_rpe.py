"""Findings at the RPE and below the retina: drusen, CNV, geographic atrophy, serous detachment.

Same two-step protocol as :mod:`.lesions_retina`: ``*_geometry`` edits the anatomy and
returns a plan, ``*_paint`` draws on the rendered map and returns the finding's mask.
"""

from __future__ import annotations

import numpy as np

from ._common import F32, band, dome, plateau, smooth_noise_1d, smooth_noise_2d
from .anatomy import OUTER, Anatomy
from .lesions_retina import Plan, centre, draw_cysts, lift_limit


def _smooth(values: np.ndarray, width: float) -> np.ndarray:
    """Moving average over about ``width`` samples (edges padded)."""
    k = max(int(width) | 1, 3)
    padded = np.pad(values, k // 2, mode="edge")
    return np.convolve(padded, np.full(k, 1.0 / k, F32), mode="valid").astype(F32)


def _lift(anat: Anatomy, layer: str, profile: np.ndarray, onl_share: float = 0.0) -> np.ndarray:
    """Give ``layer`` the thickness ``profile``; the layers above follow a smoothed,
    reduced version of it, the ONL absorbing the rest (as far as it can)."""
    follow = _smooth(profile, anat.mm(0.35)) * (1.0 - onl_share)
    profile = (profile * lift_limit(anat, np.maximum(follow, 0.5 * profile))).astype(F32)
    anat.thick[layer] = anat.thick[layer] + profile
    onl = anat.thick["onl"]
    absorb = np.maximum(profile - follow, 0.0)
    anat.thick["onl"] = np.maximum(onl - absorb, 0.5 * onl).astype(F32)
    return profile


# --- Early AMD: drusen -----------------------------------------------------------------


def drusen_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Dome-shaped RPE elevations; the layers above follow, the ONL absorbs most."""
    x = anat.x
    n = int(rng.integers(3, 8)) if sev >= 0.55 else int(rng.integers(1, 4))
    elev = np.zeros(anat.width, F32)
    for _ in range(n):
        c = centre(anat, rng, 0.9)
        hw = max(anat.mm(rng.uniform(0.1, 0.3)) * (0.7 + 0.3 * sev), anat.mm(0.09))
        height = anat.um(rng.uniform(50, 120)) * (0.55 + 0.45 * sev)
        height = min(height, 0.9 * hw)
        elev = np.maximum(elev, dome(x, c, hw, height, rng.uniform(0.5, 0.8)))
    elev = _lift(anat, "subrpe", elev, onl_share=0.75)
    anat.values["subrpe"] = np.full(anat.width, rng.uniform(0.36, 0.52), F32)
    rel = elev / max(float(elev.max()), 1.0)
    anat.values["ez"] = anat.values["ez"] * (1.0 - 0.3 * rel)
    anat.thick["rpe"] = anat.thick["rpe"] * (1.0 - 0.2 * rel)
    return {"elev": elev}


def drusen_paint(
    anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan
) -> np.ndarray:
    """Give the medium-bright druse fill a little texture; mask the domes."""
    b = anat.boundaries()
    elev = plan["elev"]
    region = band(anat.height, b["subrpe"], b["bm"], elev > 1.0)
    if region.any():
        tex = smooth_noise_2d(rng, img.shape, (3.0, 5.0))
        img[region] += 0.05 * tex[region]
    return band(anat.height, b["rpe"], b["bm"] + 1.0, elev > 1.5)


# --- Wet AMD: fibrovascular PED, subretinal fluid, SHRM --------------------------------


def cnv_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Irregular fibrovascular PED, usually with subretinal fluid beside/above it."""
    x = anat.x
    c = centre(anat, rng, 0.4)
    hw = anat.mm(rng.uniform(0.55, 1.3)) * (0.6 + 0.4 * sev)
    height = anat.um(rng.uniform(110, 280)) * (0.5 + 0.5 * sev)
    ped = dome(x, c, hw, height, rng.uniform(0.6, 0.9))
    for _ in range(int(rng.integers(1, 4))):
        ped = np.maximum(ped, dome(x, c + rng.normal(0, 0.45 * hw), hw * rng.uniform(0.3, 0.55),
                                   height * rng.uniform(0.7, 1.15), 1.5))  # fmt: skip
    ped = _smooth(ped, anat.mm(0.08))
    ped *= 1.0 + 0.08 * smooth_noise_1d(rng, anat.width, anat.mm(0.15))
    ped = np.maximum(ped, 0.0) * (ped > anat.um(4))
    srf = np.zeros(anat.width, F32)
    if rng.random() < 0.8:
        cs = c + np.sign(rng.normal()) * rng.uniform(0.3, 0.9) * hw
        srf = dome(x, cs, hw * rng.uniform(0.7, 1.3), anat.um(rng.uniform(60, 160)) * sev,
                   rng.uniform(0.8, 1.3))  # fmt: skip
    k = lift_limit(anat, ped + srf)
    ped, srf = (ped * k).astype(F32), (srf * k).astype(F32)
    _lift(anat, "subrpe", ped, onl_share=0.45)
    anat.thick["srf"] = anat.thick["srf"] + srf
    anat.values["srf"] = np.full(anat.width, rng.uniform(0.03, 0.07), F32)
    on = (ped > 1.0).astype(F32)
    rpe_noise = np.abs(smooth_noise_1d(rng, anat.width, anat.mm(0.05)))
    anat.values["rpe"] = anat.values["rpe"] * (1.0 - 0.3 * on * np.clip(rpe_noise, 0, 1))
    anat.values["ez"] = anat.values["ez"] * (1.0 - 0.5 * on)
    anat.sub_shadow = anat.sub_shadow + 0.12 * ped / max(float(ped.max()), 1.0)
    return {
        "ped": ped, "srf": srf, "c": c, "hw": hw, "sev": sev,
        "shrm": bool(srf.max() > 3 and rng.random() < 0.5),
        "cysts": bool(rng.random() < 0.35),
    }  # fmt: skip


def cnv_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Heterogeneous bright PED content, optional SHRM and intraretinal cysts."""
    h, w = img.shape
    b = anat.boundaries()
    ped, srf = plan["ped"], plan["srf"]
    region = band(h, b["subrpe"] - 0.5, b["bm"], ped > 1.0)
    cols = np.flatnonzero(region.any(axis=0))
    rows = np.flatnonzero(region.any(axis=1))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    coarse = smooth_noise_2d(rng, (y1 - y0, x1 - x0), (8.0, 14.0))
    fine = smooth_noise_2d(rng, (y1 - y0, x1 - x0), (2.5, 4.0))
    clumps = np.maximum(smooth_noise_2d(rng, (y1 - y0, x1 - x0), (4.0, 6.0)) - 0.6, 0.0)
    content = rng.uniform(0.42, 0.52) + 0.1 * coarse + 0.07 * fine + 0.25 * clumps
    sub = img[y0:y1, x0:x1]
    r = region[y0:y1, x0:x1]
    sub[r] = np.clip(content, 0.1, 0.85)[r]
    mask = region
    if srf.max() > 1.0:
        mask = mask | band(h, b["srf"], b["rpe"], srf > 1.0)
    if plan["shrm"]:
        x = anat.x
        hs = np.minimum(dome(x, plan["c"] + rng.normal(0, 0.3 * plan["hw"]), 0.5 * plan["hw"],
                             anat.um(rng.uniform(30, 80)), 0.6), 0.7 * srf)  # fmt: skip
        shrm = band(h, b["rpe"] - hs, b["rpe"], hs > 1.0)
        if shrm.any():
            tex = smooth_noise_2d(rng, img.shape, (3.0, 5.0))
            img[shrm] = np.clip(0.5 + 0.12 * tex[shrm], 0.2, 0.8)
            mask |= shrm
    if plan["cysts"]:
        n = int(rng.integers(2, 6))
        xs = plan["c"] + rng.normal(0.0, 0.6 * plan["hw"], n)
        mask |= draw_cysts(anat, img, rng, xs, rng.uniform(0.4, 0.8, n) * plan["sev"], 0.5)
    return mask


# --- Dry AMD: geographic atrophy -------------------------------------------------------


def ga_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """Lose RPE and photoreceptors over a stretch, sink the outer retina, let light through."""
    x = anat.x
    c = centre(anat, rng, 0.5)
    hw = max(anat.mm(rng.uniform(0.3, 1.1)) * (0.5 + 0.5 * sev), anat.mm(0.22))
    patches = [(c, hw)]
    if rng.random() < 0.3:
        c2 = c + np.sign(rng.normal()) * (1.4 * hw + anat.mm(rng.uniform(0.8, 1.5)))
        patches.append((c2, 0.4 * hw))
    # RPE loss has a sharp edge; the photoreceptors and ONL fade out over a wider margin.
    a = np.max([plateau(x, p - r, p + r, anat.mm(0.04)) for p, r in patches], axis=0)
    soft = np.max([plateau(x, p - r, p + r, anat.mm(0.5)) for p, r in patches], axis=0)
    rpe = anat.thick["rpe"]
    for name in OUTER:
        anat.thick[name] = anat.thick[name] * (1.0 - (0.96 * a if name == "rpe" else 0.85 * soft))
    margin = np.max([np.exp(-(((np.abs(x - p) - r) / anat.mm(0.06)) ** 2)) for p, r in patches], 0)
    margin = anat.um(10) * margin * (1.0 - a)
    anat.thick["rpe"] = anat.thick["rpe"] + margin
    # The sharp RPE edge and its thickened margin are taken up by the ONL, so the
    # retina above sinks smoothly.
    onl = anat.thick["onl"] * (1.0 - 0.25 * soft) - 0.96 * rpe * (soft - a) - margin
    anat.thick["onl"] = np.maximum(onl, 0.25 * anat.thick["onl"]).astype(F32)
    anat.thick["opl"] = anat.thick["opl"] * (1.0 - 0.25 * soft)
    anat.values["bm"] = anat.values["bm"] + 0.12 * a
    strength = rng.uniform(0.8, 1.0) * (0.55 + 0.45 * sev)
    anat.hypertransmission = np.maximum(anat.hypertransmission, strength * a).astype(F32)
    anat.choroid_thick = (anat.choroid_thick * (1.0 - 0.15 * a)).astype(F32)
    return {"a": a}


def ga_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Mask of the atrophic outer retina and the hypertransmission beneath it."""
    b = anat.boundaries()
    depth = b["choroid"] + 0.6 * anat.choroid_thick
    return band(anat.height, b["onl"], depth, plan["a"] > 0.5)


# --- SRD: serous retinal detachment (CSC) ----------------------------------------------


def srd_geometry(anat: Anatomy, rng: np.random.Generator, sev: float) -> Plan:
    """A smooth dark dome of fluid between the photoreceptors and the RPE (maybe a PED)."""
    x = anat.x
    c = centre(anat, rng, 0.5)
    hw = anat.mm(rng.uniform(0.9, 2.1)) * (0.6 + 0.4 * sev)
    height = max(anat.um(rng.uniform(80, 280)) * (0.45 + 0.55 * sev), anat.um(45))
    fluid = dome(x, c, hw, height, rng.uniform(1.0, 1.6))
    fluid = (fluid * lift_limit(anat, fluid)).astype(F32)
    anat.thick["srf"] = anat.thick["srf"] + fluid
    anat.values["srf"] = np.full(anat.width, rng.uniform(0.02, 0.06), F32)
    on = np.clip(fluid / anat.um(20), 0.0, 1.0)
    anat.thick["os"] = anat.thick["os"] + anat.um(10) * on  # elongated outer segments
    anat.values["iz"] = anat.values["iz"] * (1.0 - 0.5 * on)
    ped = np.zeros(anat.width, F32)
    if rng.random() < 0.3:
        ped = dome(x, c + rng.normal(0, 0.3 * hw), anat.mm(rng.uniform(0.12, 0.3)),
                   anat.um(rng.uniform(40, 100)) * sev, 0.6)  # fmt: skip
        anat.thick["subrpe"] = anat.thick["subrpe"] + ped
        anat.values["subrpe"] = np.where(ped > 0.5, 0.06, anat.values["subrpe"]).astype(F32)
    return {"fluid": fluid, "ped": ped}


def srd_paint(anat: Anatomy, img: np.ndarray, rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Mask of the fluid (and PED); the fluid is drawn by the layer renderer."""
    b = anat.boundaries()
    mask = band(anat.height, b["srf"], b["rpe"], plan["fluid"] > 1.0)
    if plan["ped"].max() > 1.0:
        mask |= band(anat.height, b["subrpe"], b["bm"], plan["ped"] > 1.0)
    return mask

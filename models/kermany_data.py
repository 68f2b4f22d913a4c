"""Data, network and augmentation for ``train_kermany.py`` (the real-data OCT model).

Kept apart so that the training script stays readable; see ``train_kermany.py`` for how
they are used. Each scan goes through DiDA View's own ``prepare`` (what the app does at
inference); augmentation is applied afterwards, in the model's pixel space.
"""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import numpy as np

from dida_view.io.reader import load_image
from dida_view.model.preprocess import Preprocessing, prepare

CLASSES = ["CNV", "DME", "DRUSEN", "NORMAL"]
# the paper's OCT recipe: width x 1/2, letterboxed; a 496 x 1024 export becomes 186 x 192
INPUT = (192, 192)
PREPROCESSING = Preprocessing(
    input_size=INPUT, squeeze_x=0.5, resize="letterbox", fill=0, interpolation="bilinear",
    color="grey", scale=1 / 255, mean=(0.2,), std=(0.2,),
)
ATTRIBUTION = (
    "Kermany D., Zhang K., Goldbaum M. (2018), \"Labeled Optical Coherence Tomography (OCT) "
    "and Chest X-Ray Images for Classification\", Mendeley Data, v2, "
    "doi:10.17632/rscbjbr9sj.2. Described in Kermany et al., Cell 172(5):1122-1131, 2018."
)
SYNTH_SEED0 = 200_000
SYNTH_SIZE = (496, 1024)


# ---------------------------------------------------------------- data


def scan_files(root: Path) -> list[tuple[Path, int, str]]:
    """(path, class index, patient id) of every scan, sorted by path."""
    rows = []
    for ci, cls in enumerate(CLASSES):
        for p in sorted((root / cls).glob("*.jpeg")):
            parts = p.stem.split("-")
            if len(parts) != 3 or parts[0] != cls:
                raise SystemExit(f"error: unexpected file name {p}")
            rows.append((p, ci, parts[1]))
    return rows


def _prepare_file(path: Path) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    prep = prepare(load_image(path), PREPROCESSING, INPUT, 1)
    b = prep.box
    return prep.pixels[..., 0].astype(np.uint8), (b.y0, b.y1, b.x0, b.x1)


def load_real(root: Path, workers: int) -> dict:
    rows = scan_files(root)
    with mp.get_context("fork").Pool(workers) as pool:
        out = pool.map(_prepare_file, [r[0] for r in rows], chunksize=16)
    return {
        "x": np.stack([o[0] for o in out]),
        "box": np.array([o[1] for o in out], dtype=np.int64),
        "y": np.array([r[1] for r in rows], dtype=np.int64),
        "patient": np.array([r[2] for r in rows]),
        "name": np.array([r[0].name for r in rows]),
    }


def patient_folds(patient: np.ndarray, y: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Fold index per scan: patients shuffled and dealt round-robin within their class."""
    rng = np.random.default_rng(seed)
    first_class = {}
    for p, c in zip(patient, y, strict=True):
        first_class.setdefault(p, c)
    fold_of = {}
    counter = 0
    for c in range(len(CLASSES)):
        pats = sorted(p for p, fc in first_class.items() if fc == c)
        for p in rng.permutation(pats):
            fold_of[p] = counter % k
            counter += 1
    return np.array([fold_of[p] for p in patient], dtype=np.int64)


def _make_synth(args: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int, int, int], int]:
    from dida_view import synthetic

    index, seed0 = args
    label = synthetic.CLASSES[index % len(synthetic.CLASSES)]
    secondary = label != "normal" and index % 4 == 0
    scan = synthetic.generate_scan(label, seed0 + index, height=SYNTH_SIZE[0],
                                   width=SYNTH_SIZE[1], secondary=True if secondary else False)
    prep = prepare(scan.image, PREPROCESSING, INPUT, 1)
    b = prep.box
    return (prep.pixels[..., 0].astype(np.uint8), (b.y0, b.y1, b.x0, b.x1),
            synthetic.CLASSES.index(label))


def make_synthetic(count: int, workers: int) -> dict:
    with mp.get_context("fork").Pool(workers) as pool:
        out = pool.map(_make_synth, [(i, SYNTH_SEED0) for i in range(count)], chunksize=32)
    return {"x": np.stack([o[0] for o in out]),
            "box": np.array([o[1] for o in out], dtype=np.int64),
            "y": np.array([o[2] for o in out], dtype=np.int64)}


# ---------------------------------------------------------------- model


def build_model(n_classes: int):
    """Local operations only (conv, BN, ReLU) up to one global average pooling, then linear:
    the demo model's network (models/train_demo.py), with more dropout for the small set."""
    from train_demo import build_model as demo_network  # models/, next to this script

    return demo_network(n_classes, dropout=0.3)


# ---------------------------------------------------------------- augmentation


BAND_LEVEL = 230  # a pixel of the white export band (model space, before augmentation)


def band_heights(img: np.ndarray, box) -> np.ndarray:
    """Per column of the content box, how many rows of the white export band sit at its
    bottom (the run of pixels >= BAND_LEVEL from the bottom row up; 0: no band there)."""
    y0, y1, x0, x1 = (int(v) for v in box)
    white = img[y0:y1, x0:x1][::-1] >= BAND_LEVEL  # bottom row first
    run = np.argmin(white, axis=0)  # first non-white row from the bottom
    return np.where(white.all(axis=0), y1 - y0, run)


def toggle_band(img: np.ndarray, box, rng: np.random.Generator) -> np.ndarray:
    """The scan with its white export band blacked out when it has one (as the
    letterbox), or with a white band drawn at the bottom when it has none: a straight or
    gently curved top edge, 3-30 % of the content height at each end."""
    y0, y1, x0, x1 = (int(v) for v in box)
    out = img.copy()
    heights = band_heights(img, box)
    rows = np.arange(y1 - y0)[::-1][:, None]  # distance from the bottom row
    if np.median(heights) >= 2:  # present: black it out (and its soft edge, one row)
        out[y0:y1, x0:x1][rows < np.where(heights > 0, heights + 1, 0)[None, :]] = 0
        return out
    ch, cw = y1 - y0, x1 - x0
    left, right = rng.uniform(0.03, 0.3, 2) * ch
    t = np.linspace(0.0, 1.0, cw)
    sag = rng.uniform(-0.08, 0.08) * ch * 4 * t * (1 - t)  # a gentle curve
    top = left + (right - left) * t + sag
    out[y0:y1, x0:x1][rows < np.maximum(top, 1)[None, :]] = 255
    return out


def augment(xb: np.ndarray, boxes: np.ndarray, rng: np.random.Generator, band: float = 0.0):
    """Augment a batch of uint8 (B, H, W) model-space images; returns float32 0..255 tensor.

    With ``band`` > 0, each scan first has its white export band toggled with that
    probability (:func:`toggle_band`: blacked out where present, drawn where absent), so
    that the band says nothing about the class. Then geometry (mirror, shift, tilt,
    scale, horizontal stretch) by one affine resampling, the outside filled with the
    letterbox fill (0); then white or black corner wedges at the content box; then
    contrast, gamma, brightness and multiplicative speckle.
    """
    import torch
    import torch.nn.functional as F

    if band > 0:  # only then: the recipe without it draws the same random numbers as before
        xb = np.stack([toggle_band(im, bx, rng) if rng.random() < band else im
                       for im, bx in zip(xb, boxes, strict=True)])
    b, h, w = xb.shape
    x = torch.from_numpy(xb.astype(np.float32))[:, None]
    ang = np.deg2rad(rng.uniform(-8, 8, b))
    sc = rng.uniform(0.85, 1.15, b)
    sx = sc * np.exp(rng.uniform(-0.25, 0.25, b))  # width varies between exports
    sy = sc
    flip = np.where(rng.random(b) < 0.5, -1.0, 1.0)
    tx = rng.uniform(-0.12, 0.12, b)
    ty = rng.uniform(-0.15, 0.15, b)
    # output coords -> input coords (normalised, aspect-corrected rotation)
    ar = w / h
    theta = np.zeros((b, 2, 3), np.float32)
    cos, sin = np.cos(ang), np.sin(ang)
    theta[:, 0, 0] = cos / sx * flip
    theta[:, 0, 1] = -sin / sx / ar * flip
    theta[:, 1, 0] = sin / sy * ar
    theta[:, 1, 1] = cos / sy
    theta[:, 0, 2] = tx
    theta[:, 1, 2] = ty
    grid = F.affine_grid(torch.from_numpy(theta), (b, 1, h, w), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    x = x[:, 0].numpy()

    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for i in range(b):
        if rng.random() < 0.35:
            y0, y1, x0, x1 = boxes[i]
            size = rng.uniform(0.05, 0.3) * (x1 - x0)
            slope = rng.uniform(0.4, 1.5)
            left = rng.random() < 0.5
            top = rng.random() < 0.8
            dx = (xx - x0) if left else (x1 - 1 - xx)
            dy = (yy - y0) if top else (y1 - 1 - yy)
            mask = (dx + dy / slope < size) & (dx >= 0) & (dy >= 0)
            x[i][mask] = 255.0 if rng.random() < 0.6 else 0.0

    u = np.clip(x / 255.0, 0, 1)
    gamma = np.exp(rng.uniform(-0.35, 0.35, (b, 1, 1)))
    gain = rng.uniform(0.75, 1.3, (b, 1, 1))
    bias = rng.uniform(-0.05, 0.05, (b, 1, 1))
    u = u ** gamma * gain + bias
    sigma = rng.uniform(0.0, 0.15, (b, 1, 1))
    noise = rng.standard_normal(u.shape).astype(np.float32)
    u = u * (1 + sigma * noise) + 0.01 * rng.standard_normal(u.shape)
    u = np.clip(u, 0, 1) * 255.0
    return torch.from_numpy(u.astype(np.float32))[:, None]


def normalise(x):
    """0..255 pixels -> model input, as the app's adapter does: (p * scale - mean) / std."""
    return (x * PREPROCESSING.scale - PREPROCESSING.mean[0]) / PREPROCESSING.std[0]

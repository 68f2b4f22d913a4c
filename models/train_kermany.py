"""Train the real-data OCT classifier on Kermany 2018 B-scans and export it to ONNX.

Data: ``../shared/kermany-oct`` only (602 Spectralis B-scans, CNV / DME / DRUSEN / NORMAL,
CC BY 4.0; attribution in ``ATTRIBUTION``). Files are ``<CLASS>-<patient>-<n>.jpeg``;
every split is **by patient id**, never by file.

Stages (each cached in ``--work``, so a rerun skips what is done)::

    python models/train_kermany.py --data ../shared/kermany-oct --out models/oct_kermany.onnx

1. ``pretrain``: the same network trained on synthetic scans of
   ``dida_view.synthetic`` (10 classes, 496 x 1024 like the real scans).
2. ``cv``: k-fold cross-validation by patient, once from scratch and once fine-tuned from
   the synthetic weights; every scan is predicted by a model that never saw its patient.
3. ``export``: the shipped model is the fold-0 model of the better arm (trained on the
   patients of the other folds), exported to ONNX with its metadata, and evaluated on the
   fold-0 patients through DiDA View's own adapter and preprocessing.

Training images go through ``dida_view.core.preprocess.prepare`` exactly as the app does;
augmentation (shift, tilt, scale, mirror, contrast, gamma, speckle, corner wedges) is
applied afterwards in the model's pixel space, so an unaugmented training image is
bit-identical to what DiDA View feeds the model.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np

from dida_view.core.imageio import load_image
from dida_view.core.preprocess import Preprocessing, prepare

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
    """Local operations only (conv, BN, ReLU) up to one global average pooling, then linear."""
    import torch.nn as nn

    def conv(cin, cout, stride):
        return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True)]

    def block(cin, cout):
        return conv(cin, cout, 2) + conv(cout, cout, 1)

    layers = conv(1, 16, 2) + block(16, 24) + block(24, 48) + block(48, 64) + block(64, 96)
    layers += [nn.Conv2d(96, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
               nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(128, n_classes)]
    return nn.Sequential(*layers)


# ---------------------------------------------------------------- augmentation


def augment(xb: np.ndarray, boxes: np.ndarray, rng: np.random.Generator):
    """Augment a batch of uint8 (B, H, W) model-space images; returns float32 0..255 tensor.

    Geometry (mirror, shift, tilt, scale, horizontal stretch) by one affine resampling,
    the outside filled with the letterbox fill (0); then white or black corner wedges at
    the content box; then contrast, gamma, brightness and multiplicative speckle.
    """
    import torch
    import torch.nn.functional as F

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


# ---------------------------------------------------------------- training


def train(data: dict, idx: np.ndarray, n_classes: int, *, epochs: int, seed: int,
          init: dict | None = None, lr: float = 3e-3, batch: int = 32, log=print):
    import torch
    import torch.nn as nn

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = build_model(n_classes)
    if init is not None:
        own = model.state_dict()
        keep = {k: v for k, v in init.items() if k in own and own[k].shape == v.shape}
        model.load_state_dict(keep, strict=False)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=5e-4)
    per_epoch = len(idx) // batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * per_epoch,
                                                pct_start=0.2)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    x, y, boxes = data["x"], data["y"], data["box"]
    t0 = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(idx)
        correct = seen = 0
        for s in range(per_epoch):
            bi = order[s * batch : (s + 1) * batch]
            xt = normalise(augment(x[bi], boxes[bi], rng))
            yt = torch.from_numpy(y[bi])
            opt.zero_grad()
            out = model(xt)
            loss = loss_fn(out, yt)
            loss.backward()
            opt.step()
            sched.step()
            correct += int((out.argmax(1) == yt).sum())
            seen += len(bi)
        if (epoch + 1) % 5 == 0 or epoch + 1 == epochs:
            log(f"  epoch {epoch + 1}/{epochs}: train acc {correct / seen:.3f}, "
                f"loss {loss.item():.3f}, {time.perf_counter() - t0:.0f} s")
    model.eval()
    return model


def predict(model, x: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        return np.concatenate([
            model(normalise(torch.from_numpy(x[s : s + 64].astype(np.float32))[:, None])).numpy()
            for s in range(0, len(x), 64)])


def confusion(y: np.ndarray, pred: np.ndarray, n: int) -> np.ndarray:
    cm = np.zeros((n, n), dtype=int)
    for t, p in zip(y, pred, strict=True):
        cm[t, p] += 1
    return cm


def patient_accuracy(y, pred, patient) -> float:
    """Per (patient, class) group: majority vote of its scans (ties: the first scan's)."""
    groups: dict[tuple[str, int], list[int]] = {}
    for t, p, pat in zip(y, pred, patient, strict=True):
        groups.setdefault((pat, int(t)), []).append(int(p))
    hits = [np.bincount(v, minlength=len(CLASSES)).argmax() == t for (_, t), v in groups.items()]
    return float(np.mean(hits))


# ---------------------------------------------------------------- stages


def stage_pretrain(work: Path, args) -> Path:
    import torch

    out = work / "pretrain.pt"
    if out.exists():
        return out
    from dida_view import synthetic

    t0 = time.perf_counter()
    cache = work / "synthetic.npz"
    if cache.exists():
        data = dict(np.load(cache))
    else:
        data = make_synthetic(args.synth_count, args.workers)
        np.savez(cache, **data)
    print(f"pretrain: {len(data['x'])} synthetic scans in {time.perf_counter() - t0:.0f} s")
    model = train(data, np.arange(len(data["x"])), len(synthetic.CLASSES),
                  epochs=args.synth_epochs, seed=args.seed)
    torch.save(model.state_dict(), out)
    print(f"pretrain: done in {time.perf_counter() - t0:.0f} s")
    return out


def stage_cv(work: Path, data: dict, arm: str, args) -> dict:
    import torch

    out = work / f"cv_{arm}.json"
    if out.exists():
        return json.loads(out.read_text())
    init = torch.load(work / "pretrain.pt") if arm == "synthetic" else None
    folds = patient_folds(data["patient"], data["y"], args.folds)
    logits = np.zeros((len(data["y"]), len(CLASSES)), np.float32)
    t0 = time.perf_counter()
    only = range(args.folds) if args.only_fold is None else [args.only_fold]
    for f in only:
        va = np.flatnonzero(folds == f)
        cached = work / f"fold{f}_{arm}_logits.npy"  # a fold already done (rerun after a stop)
        if cached.exists():
            logits[va] = np.load(cached)
        else:
            print(f"cv {arm}: fold {f + 1}/{args.folds}")
            tr = np.flatnonzero(folds != f)
            model = train(data, tr, len(CLASSES), epochs=args.epochs, seed=args.seed + f,
                          init=init, lr=args.lr)
            logits[va] = predict(model, data["x"][va])
            if f == 0:
                torch.save(model.state_dict(), work / f"fold0_{arm}.pt")
            np.save(cached, logits[va])
        acc = float(np.mean(logits[va].argmax(1) == data["y"][va]))
        print(f"cv {arm}: fold {f + 1} accuracy {acc:.3f} on {len(va)} scans")
    done = np.isin(folds, list(only))
    y, pred = data["y"][done], logits[done].argmax(1)
    res = {
        "arm": arm, "folds": args.folds, "epochs": args.epochs, "lr": args.lr,
        "scans": int(done.sum()), "top1": float(np.mean(pred == y)),
        "patient_top1": patient_accuracy(y, pred, data["patient"][done]),
        "fold_top1": [float(np.mean(pred[folds[done] == f] == y[folds[done] == f]))
                      for f in only],
        "confusion": confusion(y, pred, len(CLASSES)).tolist(),
        "seconds": round(time.perf_counter() - t0),
    }
    np.save(work / f"cv_{arm}_logits.npy", logits)
    if args.only_fold is None:
        out.write_text(json.dumps(res, indent=1))
    return res


def summarise_cv(work: Path, data: dict, folds: np.ndarray, k: int) -> dict:
    """Cross-validation figures per arm over the folds done so far (cached logits)."""
    out: dict = {}
    done = {}
    for arm in ("scratch", "synthetic"):
        fs = [f for f in range(k) if (work / f"fold{f}_{arm}_logits.npy").exists()]
        if not fs:
            continue
        done[arm] = fs
        logits = np.zeros((len(data["y"]), len(CLASSES)), np.float32)
        for f in fs:
            logits[folds == f] = np.load(work / f"fold{f}_{arm}_logits.npy")
        out[arm] = {"folds_done": fs, "logits": logits}
    common = sorted(set.intersection(*(set(v) for v in done.values()))) if done else []
    for r in out.values():
        logits = r.pop("logits")
        pred = logits.argmax(1)
        sel = np.isin(folds, r["folds_done"])
        y = data["y"]
        r.update({
            "scans": int(sel.sum()), "top1": float(np.mean(pred[sel] == y[sel])),
            "patient_top1": patient_accuracy(y[sel], pred[sel], data["patient"][sel]),
            "fold_top1": {int(f): float(np.mean(pred[folds == f] == y[folds == f]))
                          for f in r["folds_done"]},
            "confusion": confusion(y[sel], pred[sel], len(CLASSES)).tolist(),
        })
        both = np.isin(folds, common)
        if common:
            r["common_top1"] = float(np.mean(pred[both] == y[both]))
    out["common_folds"] = common
    out["k"] = k
    return out


def export(state: dict, path: Path, description: str, training: str) -> None:
    import onnx
    import torch

    model = build_model(len(CLASSES))
    model.load_state_dict(state)
    model.eval()
    dummy = torch.zeros(1, 1, *INPUT)
    torch.onnx.export(model, dummy, str(path), dynamo=False, input_names=["image"],
                      output_names=["logits"], opset_version=17,
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    m = onnx.load(str(path))
    meta = {
        "labels": CLASSES,
        "output": "logits",
        "description": description,
        "domain": "real Spectralis OCT B-scans (Heidelberg), Kermany 2018",
        "training_data": training,
        "attribution": ATTRIBUTION,
        "licence": "CC BY 4.0 (training data)",
        "preprocessing": PREPROCESSING.to_dict(),
    }
    del m.metadata_props[:]
    onnx.helper.set_model_props(m, {"dida_view": json.dumps(meta)})
    onnx.save(m, str(path))


def evaluate_app(path: Path, root: Path, data: dict, idx: np.ndarray,
                 torch_logits: np.ndarray) -> dict:
    """Scores of the exported model through DiDA View's adapter, from the image files."""
    from dida_view.core.model import OnnxClassifier

    clf = OnnxClassifier(path, device="cpu")
    rows = []
    for i in idx:
        cls = CLASSES[data["y"][i]]
        img = load_image(root / cls / str(data["name"][i]))
        prep = prepare(img, clf.preprocessing, clf.input_size, clf.channels)
        rows.append(clf.raw(prep.pixels[None])[0])
    raw = np.stack(rows)
    y, pred = data["y"][idx], raw.argmax(1)
    return {
        "scans": len(idx), "top1": float(np.mean(pred == y)),
        "patient_top1": patient_accuracy(y, pred, data["patient"][idx]),
        "patients": len(set(data["patient"][idx])),
        "confusion": confusion(y, pred, len(CLASSES)).tolist(),
        "max_abs_logit_diff_vs_training_pipeline": float(np.max(np.abs(raw - torch_logits))),
        "predictions": {str(data["name"][i]): [round(float(v), 4) for v in r]
                        for i, r in zip(idx, raw, strict=True)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/kermany-oct")
    ap.add_argument("--out", default="models/oct_kermany.onnx")
    ap.add_argument("--work", default="/tmp/kermany_work", help="cache folder for the stages")
    ap.add_argument("--stage", choices=["pretrain", "cv", "export", "all"], default="all")
    ap.add_argument("--arm", choices=["scratch", "synthetic", "both"], default="both")
    ap.add_argument("--ship", choices=["auto", "scratch", "synthetic"], default="auto",
                    help="which arm's fold-0 model to export (auto: the better CV top-1, "
                         "synthetic only when clearly better, by more than 1 point)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only-fold", type=int, default=None, help="run one fold only (testing)")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--synth-count", type=int, default=3000)
    ap.add_argument("--synth-epochs", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    root = Path(args.data)
    cache = work / "real.npz"
    if cache.exists():
        data = dict(np.load(cache))
    else:
        data = load_real(root, args.workers)
        np.savez(cache, **data)
    print(f"{len(data['y'])} real scans, {len(set(data['patient']))} patients")
    arms = ["scratch", "synthetic"] if args.arm == "both" else [args.arm]
    if args.stage in ("pretrain", "all") and "synthetic" in arms:
        stage_pretrain(work, args)
    results = {}
    if args.stage in ("cv", "all"):
        for arm in arms:
            results[arm] = stage_cv(work, data, arm, args)
            print(json.dumps({k: v for k, v in results[arm].items() if k != "confusion"}))
    if args.stage in ("export", "all"):
        stage_export(work, root, data, args)


def stage_export(work: Path, root: Path, data: dict, args) -> None:
    import torch

    folds = patient_folds(data["patient"], data["y"], args.folds)
    cv = summarise_cv(work, data, folds, args.folds)
    ship = args.ship
    if ship == "auto":
        common = cv.get("common_folds") or []
        ship = "scratch"
        if common and cv["synthetic"]["common_top1"] > cv["scratch"]["common_top1"] + 0.01:
            ship = "synthetic"
    state = torch.load(work / f"fold0_{ship}.pt")
    val = np.flatnonzero(folds == 0)
    train_pat = sorted(set(data["patient"][folds != 0]))
    model = build_model(len(CLASSES))
    model.load_state_dict(state)
    model.eval()
    torch_logits = predict(model, data["x"][val])
    init = ("synthetic pretraining (dida_view.synthetic) then fine-tuning"
            if ship == "synthetic" else "trained from scratch")
    training = (f"{int(np.sum(folds != 0))} B-scans of {len(train_pat)} patients of "
                f"Kermany 2018 (CNV, DME, DRUSEN, NORMAL), {init}; {int(len(val))} scans of "
                f"{len(set(data['patient'][val]))} other patients held out for validation")
    out = Path(args.out)
    export(state, out, "DiDA View real-data OCT model: a compact CNN trained on real "
           "Spectralis B-scans (Kermany 2018), 4 classes. Not for clinical use.", training)
    metrics = evaluate_app(out, root, data, val, torch_logits)
    metrics.update({
        "labels": CLASSES, "shipped_arm": ship, "folds": args.folds, "validation_fold": 0,
        "validation_patients": sorted(set(data["patient"][val].tolist())),
        "train_scans": int(np.sum(folds != 0)), "train_patients": len(train_pat),
        "epochs": args.epochs, "seed": args.seed, "torch": torch.__version__,
        "cross_validation": cv, "size_bytes": out.stat().st_size,
    })
    out.with_suffix(".metrics.json").write_text(json.dumps(metrics, indent=1))
    print(json.dumps({k: v for k, v in metrics.items()
                      if k not in ("predictions", "validation_patients", "cross_validation")}))
    print(f"shipped: {ship}; params {sum(math.prod(v.shape) for v in state.values())}")


if __name__ == "__main__":
    main()

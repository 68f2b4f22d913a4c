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
4. ``domain``: the domain check's reference statistics, ``<out stem>.domain.json``, from
   the fold-0 scans the exported model never trained on (``domain_kermany.py``).

Training images go through ``dida_view.model.preprocess.prepare`` exactly as the app does;
augmentation (shift, tilt, scale, mirror, contrast, gamma, speckle, corner wedges) is
applied afterwards in the model's pixel space, so an unaugmented training image is
bit-identical to what DiDA View feeds the model.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
from kermany_data import (  # models/kermany_data.py, next to this script
    ATTRIBUTION,
    CLASSES,
    INPUT,
    PREPROCESSING,
    augment,
    build_model,
    load_real,
    make_synthetic,
    normalise,
    patient_folds,
)

from dida_view.io.reader import load_image
from dida_view.model.preprocess import prepare

# ---------------------------------------------------------------- training


def train(data: dict, idx: np.ndarray, n_classes: int, *, epochs: int, seed: int,
          init: dict | None = None, lr: float = 3e-3, batch: int = 32, band: float = 0.0,
          log=print):
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
            xt = normalise(augment(x[bi], boxes[bi], rng, band=band))
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

    init = torch.load(work / "pretrain.pt") if arm == "synthetic" else None
    if args.band_augment > 0:  # its own caches: the recipe's are kept apart
        arm = f"{arm}_band{args.band_augment:g}"
    out = work / f"cv_{arm}.json"
    if out.exists():
        return json.loads(out.read_text())
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
                          init=init, lr=args.lr, band=args.band_augment)
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
    from dida_view.model.onnx import OnnxClassifier

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
    ap.add_argument("--stage", choices=["pretrain", "cv", "export", "domain", "all"],
                    default="all")
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
    ap.add_argument("--band-augment", type=float, default=0.0, metavar="P",
                    help="toggle the white export band at the bottom of a training scan with "
                    "probability P (blacked out where present, drawn where absent; "
                    "models/README.md, 'The export band'); its folds are cached apart")
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
    if args.stage in ("domain", "all"):
        from domain_kermany import make_reference  # models/, next to this script

        make_reference(Path(args.out), root)


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

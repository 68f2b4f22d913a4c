"""``dida-view synth``: write synthetic OCT B-scans with their lesion masks."""

from __future__ import annotations

from dida_view.cli.common import Parser
from dida_view.cli.messages import error


def run_synth(argv: list[str]) -> int:
    p = Parser(prog="dida-view synth",
               description="Write synthetic OCT B-scans with lesion masks.")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--classes", help="comma-separated class labels (default: all)")
    p.add_argument("--width", type=int, default=512)
    p.add_argument("--height", type=int, default=496)
    p.add_argument("--secondary-rate", type=float, default=0.0,
                   help="share of scans with a second, weaker finding")
    p.add_argument("--out", required=True, metavar="DIR")
    args = p.parse_args(argv)
    from dida_view import synthetic

    classes = [c.strip() for c in args.classes.split(",")] if args.classes else None
    if classes:
        unknown = [c for c in classes if c not in synthetic.CLASSES]
        if unknown:
            error(f"unknown class {unknown[0]!r} (classes: {', '.join(synthetic.CLASSES)})")
            return 2
    if args.count < 1:
        error(f"--count must be >= 1, got {args.count}")
        return 2
    try:
        rows = synthetic.write_dataset(args.out, args.count, args.seed, classes=classes,
                                       height=args.height, width=args.width,
                                       secondary_rate=args.secondary_rate)
    except OSError as exc:
        error(f"{args.out}: cannot write ({exc.strerror})")
        return 2
    except ValueError as exc:
        error(str(exc))
        return 2
    print(f"wrote {len(rows)} scans to {args.out}")
    return 0

#!/usr/bin/env bash
# Make the README's pictures again (docs/*.png), from the bundled samples and models.
# Needs the package installed (pip install -e .) and, for the report page, pdftoppm
# (poppler-utils). Offscreen Qt: no display needed. Look at every picture before
# committing it.
#
#   bash docs/screenshots.sh            # all of them
set -euo pipefail
cd "$(dirname "$0")/.."
S=resources/samples
# a fresh settings folder: no window layout or choice of an earlier session in the pictures
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
shot() { dida-view "$@" >/dev/null; }

# the viewer: the default window (a real CNV scan, the real-data model), English and Japanese
shot --screenshot docs/viewer.png --size 1600x900 --square 260,130
shot --screenshot docs/viewer_ja.png --size 1600x900 --square 260,130 --lang ja
# the sizes people have: a full HD screen, a small laptop, a projector's 1024 x 768
for size in 1920x1080 1280x720 1024x768; do
  w=${size%x*}
  shot --screenshot "docs/viewer_$w.png" --size "$size" --square 260,130
  shot --screenshot "docs/viewer_${w}_ja.png" --size "$size" --square 260,130 --lang ja
done
# a real close call, the square in the device's export band at the bottom of the scan
shot "$S/00_kermany_DME_2.jpeg" --screenshot docs/viewer_close_call.png --size 1600x900 \
  --square 300,470
# the paper's Fig. 3 on a drusen scan
shot "$S/00_kermany_DRUSEN_1.jpeg" --screenshot docs/viewer_fig3.png --size 1600x900 \
  --view all-grids --square 300,250
shot --screenshot docs/viewer_dark.png --size 1920x1080 --theme dark --square 260,130
# teaching mode on a projector: the quiz, then the answer; and in Japanese at 1024 x 768
shot --screenshot docs/teaching.png --size 1920x1080 --mode teaching
shot --screenshot docs/teaching_revealed.png --size 1920x1080 --mode teaching --reveal
shot --screenshot docs/teaching_1024_ja.png --size 1024x768 --mode teaching --reveal --lang ja
shot --screenshot docs/patient_view.png --size 1400x1000 --mode patient
# the case browser on the bundled samples: each read by its own model, every case agrees
shot "$S" --screenshot docs/case_browser.png --size 1600x900

# the domain check: a synthetic scan given to the real-data model (the banner), and a
# folder of real and synthetic scans all read by it (the Domain column)
out=$(mktemp -d)
dida-view synth --count 2 --seed 11 --classes CME,SRD --out "$out/synth" >/dev/null
mkdir -p "$out/mixed"
cp "$S"/00_kermany_CNV_1.jpeg "$S"/00_kermany_DME_1.jpeg "$S"/00_kermany_NORMAL_1.jpeg \
  "$out/mixed/"
for f in "$out"/synth/*.png; do
  case "$f" in *_mask.png) ;; *) cp "$f" "$out/mixed/synthetic_$(basename "$f")" ;; esac
done
first=$(ls "$out"/mixed/synthetic_*.png | head -1)
shot "$first" --model models/oct_kermany.onnx --screenshot docs/viewer_atypical.png \
  --size 1600x900
shot "$out/mixed" --model models/oct_kermany.onnx --screenshot docs/case_browser_domain.png \
  --size 1600x900

# the exported figure of the close call (dida-view analyze), reduced for the README
dida-view analyze "$S/00_kermany_DME_2.jpeg" --out "$out" --keep-names >/dev/null
python - "$out/00_kermany_DME_2_dida.png" docs/analyze_close_call.png <<'EOF'
import sys
from PIL import Image
im = Image.open(sys.argv[1])
im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS).save(sys.argv[2])
EOF

# the report's cover on the bundled samples (22 cases, each read by its own model)
dida-view report "$S" --out "$out/samples.pdf" >/dev/null 2>&1
pdftoppm -r 60 -f 1 -l 1 -png "$out/samples.pdf" "$out/cover"
mv "$out"/cover*.png docs/report_cover.png
# a Japanese report page: a synthetic Wet AMD scan the clinician read as CNV (the same
# finding: they agree)
mkdir -p "$out/scans"
cp "$S/01_Wet_AMD.png" "$out/scans/case.png"
echo '{"reading": {"diagnosis": "CNV", "note": "網膜下液あり"}}' > "$out/scans/case.png.json"
dida-view report "$out/scans" --model models/dida_demo_oct.onnx --out "$out/r.pdf" \
  --lang ja >/dev/null
pdftoppm -r 60 -f 2 -l 2 -png "$out/r.pdf" "$out/page"
mv "$out"/page*.png docs/report_page_ja.png

# the audit page, opened in a real browser engine: the shipped model's 131 validation-fold
# scans (the Kermany set is not in the repository: KERMANY=/path/to/kermany-oct bash
# docs/screenshots.sh; Chromium's headless shell: apt install chromium-headless-shell)
if [ -n "${KERMANY:-}" ] && command -v chromium-headless-shell >/dev/null; then
  python - "$KERMANY" "$out/fold.csv" <<'EOF'
import csv, json, sys
from pathlib import Path
val = set(json.load(open("models/oct_kermany.metrics.json"))["validation_patients"])
rows = [(str(f.resolve()), f.parent.name) for f in sorted(Path(sys.argv[1]).glob("*/*.jpeg"))
        if f.stem.split("-")[1] in val]
with open(sys.argv[2], "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["path", "diagnosis"])
    w.writerows(rows)
EOF
  dida-view audit "$out/fold.csv" --out "$out/audit" >/dev/null
  chromium-headless-shell --no-sandbox --hide-scrollbars --window-size=1200,9000 \
    --screenshot="$out/audit.png" "file://$out/audit/audit.html" 2>/dev/null
  python - "$out/audit.png" <<'EOF'
import sys
from PIL import Image
page = Image.open(sys.argv[1])  # the top, then the evidence shares and the first case
page.crop((0, 0, 1200, 1700)).save("docs/audit_html.png")
page.crop((0, 1700, 1200, 3400)).save("docs/audit_html_shares.png")
EOF
fi
rm -rf "$out" "$XDG_CONFIG_HOME"
echo "docs/*.png made: look at each one"

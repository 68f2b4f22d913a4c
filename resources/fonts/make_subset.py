"""Make resources/fonts/DiDANotoSansJP-Regular.otf: Noto Sans CJK JP, subset for DiDA View.

A build-time tool (needs fontTools: ``pip install fonttools``), run by hand when the
character set changes; the output is committed. Source: Debian's ``fonts-noto-cjk``
(``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``, face 0, Noto Sans CJK JP),
SIL Open Font License 1.1 (OFL.txt beside this file). See README.md here for the set.

    python resources/fonts/make_subset.py [SOURCE.ttc]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
OUT = HERE / "DiDANotoSansJP-Regular.otf"
FAMILY = "DiDA Noto Sans JP"  # our own name: never confused with an installed Noto Sans CJK

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, ±, accented letters
    (0x2010, 0x2027), (0x2030, 0x203B),  # dashes, quotes, bullet, ellipsis, per mille
    (0x2190, 0x2193), (0x2212, 0x2212), (0x2260, 0x2265),  # arrows, minus, ≠ ≤ ≥
    (0x25A0, 0x25CF),  # squares, circles (■ □ ● ○)
    (0x3000, 0x303F),  # CJK punctuation: 、。「」【】〜
    (0x3041, 0x309F),  # hiragana
    (0x30A0, 0x30FF),  # katakana
    (0xFF01, 0xFF5E),  # full-width ASCII
]


def jis_x0208(rows: range) -> set[str]:
    """The characters of JIS X 0208 ``rows`` (1-based kuten rows), through EUC-JP."""
    out = set()
    for row in rows:
        for cell in range(1, 95):
            try:
                out.add(bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp"))
            except UnicodeDecodeError:
                pass
    return out


def report_characters() -> set[str]:
    """Every character of the catalogue's Japanese messages (level-2 kanji included): the
    report, the figures' captions and every note a report or picture may carry."""
    sys.path.insert(0, str(HERE.parent.parent))
    from dida_view import catalogue

    return set("".join(catalogue.translations("ja")))


def characters() -> str:
    chars = {chr(c) for lo, hi in RANGES for c in range(lo, hi + 1)}
    chars |= jis_x0208(range(1, 9))  # JIS symbols, Greek, Cyrillic, box drawing
    chars |= jis_x0208(range(16, 48))  # JIS level-1 kanji (2,965)
    chars |= report_characters()
    # Kangxi radicals and compatibility ideographs share glyphs with ordinary kanji; a PDF
    # writer may then map a glyph back to the radical (⽣ for 生) and text search fails
    return "".join(sorted(c for c in chars if not (0x2E80 <= ord(c) <= 0x2FDF
                                                    or 0xF900 <= ord(c) <= 0xFAFF)))


def main(argv: list[str]) -> int:
    source = argv[0] if argv else SOURCE
    font = TTFont(source, fontNumber=0, lazy=False, recalcTimestamp=False)  # reproducible
    opts = subset.Options()
    # positioning features only: no substitutions. 'locl' swaps the digits and 'liga' makes
    # "fl" one glyph, and Qt's PDF writer cannot map such glyphs back to text (they vanish
    # from search and copy)
    opts.layout_features = ["kern", "palt", "halt", "vert", "vrt2", "vkrn", "mark", "mkmk"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    text = characters()
    sub.populate(text=text)
    sub.subset(font)
    name = font["name"]
    for rec in name.names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = FAMILY + " Regular"
        elif rec.nameID == 6:
            rec.string = "DiDANotoSansJP-Regular"
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["DiDANotoSansJP-Regular"]
    font.save(OUT)
    print(f"{OUT.name}: {len(text)} characters, {OUT.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Every fixed text of the report, in English and Japanese, in one place.

Until the UI moves to Qt's ``.ts`` files, the report keeps its own small table. The
medical terms were checked against the issue (CNV 脈絡膜新生血管, DME 糖尿病黄斑浮腫,
drusen ドルーゼン, normal 正常); the demo model's other labels use the usual Japanese
ophthalmology terms. Pure Python: no Qt.
"""

from __future__ import annotations

from dida_view.session.labels import TERMS_JA

LANGS = ("en", "ja")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "DiDA View report", "ja": "DiDA View レポート"},
    "cover_intro": {
        "en": "{n} cases. Model: {model}. Made on {date}.",
        "en_one": "{n} case. Model: {model}. Made on {date}.",
        "ja": "{n} 症例。モデル：{model}。作成日：{date}。",
    },
    "case": {"en": "Case", "ja": "症例"},
    "case_id": {"en": "Anonymous case id", "ja": "匿名症例 ID"},
    "date": {"en": "Date", "ja": "日付"},
    "model_top": {"en": "Model's top class", "ja": "モデルの第 1 候補"},
    "score": {"en": "Score", "ja": "スコア"},
    "clinician": {"en": "Clinician's diagnosis", "ja": "医師の診断"},
    "agreement": {"en": "Agreement", "ja": "一致"},
    "agree": {"en": "agree", "ja": "一致"},
    "disagree": {"en": "disagree", "ja": "不一致"},
    "not_read": {"en": "not read", "ja": "未読影"},
    "failed": {"en": "failed", "ja": "失敗"},
    "original": {"en": "Original", "ja": "元画像"},
    "diagnosis_prefix": {"en": "Diagnosis: ", "ja": "診断: "},
    "evidence_for": {"en": "Evidence for {label} (score {score})",
                     "ja": "{label} の根拠（スコア {score}）"},
    "legend_title": {"en": "How to read the colours", "ja": "色の見方"},
    "legend": {
        "en": "Red areas made the model more sure of the class named under the picture; blue "
              "areas made it less sure; dark or uncoloured areas made no difference. The "
              "brighter the colour, the stronger the effect. All three pictures use the same "
              "colour scale, so their brightness can be compared.",
        "ja": "赤い部分は、画像の下に書かれた分類についてモデルの確信を強めた領域です。"
              "青い部分は確信を弱めた領域、暗い部分や色のない部分は影響がなかった領域です。"
              "色が明るいほど影響が大きいことを示します。3 枚の画像は同じ色の尺度を使うため、"
              "明るさを互いに比べることができます。",
    },
    "legend_against": {"en": "against", "ja": "否定"},
    "legend_for": {"en": "for the class", "ja": "肯定"},
    "reading_title": {"en": "Clinician's reading", "ja": "医師の読影"},
    "note": {"en": "Note", "ja": "所見メモ"},
    "no_reading": {"en": "No reading recorded.", "ja": "読影の記録はありません。"},
    "agree_line": {"en": "Model and clinician agree.",
                   "ja": "モデルと医師の診断は一致しています。"},
    "disagree_line": {"en": "Model and clinician disagree.",
                      "ja": "モデルと医師の診断は一致していません。"},
    "unread_line": {"en": "Not compared: no clinician's diagnosis.",
                    "ja": "医師の診断がないため比較していません。"},
    "model_title": {"en": "Model", "ja": "モデル"},
    "trained_on": {"en": "Trained on {what}.", "ja": "学習データ：{what}"},
    "method": {
        "en": "Maps: DiDA multi-grid signed occlusion (grids {grids}; mask {mask}; map unit: "
              "{space}). Scores are the model's probabilities.",
        "ja": "マップ：DiDA 多重グリッド符号付き遮蔽法（グリッド {grids}、マスク {mask}、"
              "マップの単位：{space}）。スコアはモデルの確率です。",
    },
    "close_call": {
        "en": "Close call: {a} leads {b} by only {margin} in probability (less than 0.05).",
        "ja": "僅差：{a} と {b} の確率の差は {margin} しかありません（0.05 未満）。",
    },
    "tie": {"en": "Tie: {a} and {b} have the same probability at the shown precision.",
            "ja": "同点：{a} と {b} の確率は表示の精度で同じです。"},
    "disclaimer": {
        "en": "Not a medical device. Not for diagnosis. For research and teaching only.",
        "ja": "医療機器ではありません。診断には使用できません。研究・教育目的専用です。",
    },
    "error": {"en": "This case could not be analysed: {why}",
              "ja": "この症例は解析できませんでした：{why}"},
    "page": {"en": "Page {i} of {n}", "ja": "{i} / {n} ページ"},
    "space_probability": {"en": "probability", "ja": "確率"},
    "space_logit": {"en": "logit", "ja": "ロジット"},
    "space_log-odds": {"en": "log-odds", "ja": "対数オッズ"},
    "mask_black": {"en": "black", "ja": "黒"},
    "mask_mean": {"en": "mean", "ja": "平均値"},
    "mask_blur": {"en": "blur", "ja": "ぼかし"},
    "mask_noise": {"en": "noise", "ja": "ノイズ"},
}

# The bundled models' cards in Japanese, by model file: each field's English (the model's
# own metadata, to check that the card is that model's) and its translation
MODEL_CARDS: dict[str, dict[str, tuple[str, str]]] = {
    "oct_kermany.onnx": {
        "description": (
            "DiDA View real-data OCT model: a compact CNN trained on real Spectralis B-scans "
            "(Kermany 2018), 4 classes. Not for clinical use.",
            "DiDA View の実データ OCT モデル：実際の Spectralis B スキャン（Kermany 2018）で"
            "学習した小型の CNN、4 分類。臨床には使用できません。"),
        "domain": ("real Spectralis OCT B-scans (Heidelberg), Kermany 2018",
                   "実際の Spectralis OCT B スキャン（Heidelberg）、Kermany 2018"),
        "trained_on": (
            "471 B-scans of 316 patients of Kermany 2018 (CNV, DME, DRUSEN, NORMAL), synthetic "
            "pretraining (dida_view.synthetic) then fine-tuning; 131 scans of 79 other "
            "patients held out for validation",
            "Kermany 2018 の患者 316 人の B スキャン 471 枚（CNV、DME、DRUSEN、NORMAL）。"
            "合成データ（dida_view.synthetic）で事前学習した後に微調整。別の患者 79 人の "
            "131 枚は検証用に学習から除外"),
    },
    "dida_demo_oct.onnx": {
        "description": (
            "DiDA View demo: a compact CNN trained on synthetic OCT B-scans (generator 1.0). "
            "Not for clinical use.",
            "DiDA View のデモ：合成 OCT B スキャン（生成器 1.0）で学習した小型の CNN。"
            "臨床には使用できません。"),
        "trained_on": ("synthetic OCT B-scans (generator 1.0)",
                       "合成 OCT B スキャン（生成器 1.0）"),
    },
}


def card_text(model_file: str, field: str, english: str, lang: str) -> str:
    """A bundled model's card ``field`` in ``lang``: its translation when ``english`` is
    the bundled model's own text, else ``english`` as it is (a user's model of the same
    file name keeps its words)."""
    en, ja = MODEL_CARDS.get(model_file, {}).get(field, ("", ""))
    return ja if lang == "ja" and english and english == en else english


def text(key: str, lang: str = "en", default: str | None = None, **fields) -> str:
    """The report's text ``key`` in ``lang`` (English when ``lang`` has none), formatted;
    ``default`` for a key the table lacks (e.g. a mask fill with no translation). A count
    ``n`` of 1 takes the entry's ``<lang>_one`` form where it has one (``1 case``)."""
    if key not in STRINGS and default is not None:
        return default
    entry = STRINGS[key]
    s = entry.get(lang) or entry["en"]
    if fields.get("n") == 1:
        s = entry.get(f"{lang}_one") or (entry.get("en_one") if s is entry["en"] else None) or s
    return s.format(**fields) if fields else s


def all_texts(lang: str) -> list[str]:
    """Every fixed text in ``lang`` (the font subset must hold all their characters)."""
    cards = [ja for card in MODEL_CARDS.values() for _en, ja in card.values()]
    return [e.get(f, "") for e in STRINGS.values() for f in (lang, f"{lang}_one")] + (
        list(TERMS_JA.values()) + cards if lang == "ja" else [])

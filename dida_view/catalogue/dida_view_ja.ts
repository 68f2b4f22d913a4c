<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>Analyze</name>
    <message>
        <source>a volume of {n} B-scans; analysing the centre one, {centre} (--slices all|center|3,7,9 for others)</source>
        <translation>{n} 枚の B スキャンからなるボリュームです。中央の {centre} 枚目を解析します（ほかは --slices all|center|3,7,9 で）</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>No bundled model installed: open a model (Ctrl+Shift+O)</source>
        <translation>同梱モデルがインストールされていません。モデルを開いてください (Ctrl+Shift+O)</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>Not a medical device. Not for diagnosis.</source>
        <translation>医療機器ではありません。診断には使用できません。</translation>
    </message>
    <message>
        <source>Padding (letterbox)</source>
        <translation>余白（レターボックス）</translation>
    </message>
    <message>
        <source>Near-constant bands (export bands, wedges, text)</source>
        <translation>ほぼ一様な帯（書き出し時の帯、くさび、文字）</translation>
    </message>
    <message>
        <source>Outer 10 % border of the scan</source>
        <translation>スキャンの外周 10 %</translation>
    </message>
    <message>
        <source>Shortcut: padding and bands together</source>
        <translation>近道：余白と帯の合計</translation>
    </message>
    <message>
        <source>not measured on any scan: DiDA never masks the padding</source>
        <translation>どのスキャンでも測定していません：DiDA は余白をマスクしません</translation>
    </message>
    <message>
        <source>no scan with positive evidence</source>
        <translation>正の根拠をもつスキャンはありません</translation>
    </message>
    <message>
        <source>{count} scans; median {median} %, 90th percentile {p90} %; {quarter} at 25 % or more</source>
        <translation>{count} 枚、中央値 {median} %、90 パーセンタイル {p90} %、25 % 以上は {quarter} 枚</translation>
    </message>
    <message>
        <source>1 scan; median {median} %, 90th percentile {p90} %; {quarter} at 25 % or more</source>
        <translation>1 枚、中央値 {median} %、90 パーセンタイル {p90} %、25 % 以上は {quarter} 枚</translation>
    </message>
    <message>
        <source>Clinician&apos;s reading (rows) against the model&apos;s top class (columns)</source>
        <translation>医師の読影（行）とモデルの第 1 候補（列）</translation>
    </message>
    <message>
        <source>model&apos;s top class</source>
        <translation>モデルの第 1 候補</translation>
    </message>
    <message>
        <source>total</source>
        <translation>計</translation>
    </message>
    <message>
        <source>DiDA View cohort audit</source>
        <translation>DiDA View コホート監査</translation>
    </message>
    <message>
        <source>{units} cases or B-scans, read by {model} (grids {grids}, {mask} mask, maps in {space}); made on {date}.</source>
        <translation>症例または B スキャン {units} 件、{model} で解析（グリッド {grids}、マスク：{mask}、マップの単位：{space}）。作成日 {date}。</translation>
    </message>
    <message>
        <source>1 case or B-scan, read by {model} (grids {grids}, {mask} mask, maps in {space}); made on {date}.</source>
        <translation>症例または B スキャン 1 件、{model} で解析（グリッド {grids}、マスク：{mask}、マップの単位：{space}）。作成日 {date}。</translation>
    </message>
    <message>
        <source>The mean, over the scans the model called this class, of that class&apos;s Mixed Image on the model&apos;s input (the scan letterboxed as the model sees it), and the same laid over the mean of those scans: red where masking lowered the class&apos;s score on average, blue where it raised it. Each class on its own colour scale, given under it: compare where, not how bright.</source>
        <translation>モデルがこの分類と判定したスキャンについて、その分類の合成画像をモデルの入力上（モデルが見るとおりレターボックスしたスキャン）で平均したもの、および同じものをそれらのスキャンの平均に重ねたもの。赤はマスクで分類のスコアが平均して下がった場所、青は上がった場所です。分類ごとに色の尺度が異なり、その値を下に示します。明るさではなく場所を比べてください。</translation>
    </message>
    <message>
        <source>{count} scans; full colour {value} {unit}</source>
        <translation>{count} 枚、最大の色 {value} {unit}</translation>
    </message>
    <message>
        <source>1 scan; full colour {value} {unit}</source>
        <translation>1 枚、最大の色 {value} {unit}</translation>
    </message>
    <message>
        <source>The share of the top class&apos;s positive evidence (the red of its Mixed Image, on the pixels a mask changes) that lies in each region. Near-constant bands: runs of at least 5 % of the scan&apos;s width (height) whose grey values stay within 4 levels, found on the original (export bands, registration wedges, text bars). Border: the outer 10 % of the scan on each side (36 % of its area: evenly spread evidence would put 36 % there). Padding: never masked by DiDA, so never measured; reliance on where the scan ends shows in the border.</source>
        <translation>第 1 候補の正の根拠（合成画像の赤。マスクで変わる画素について）のうち、各領域にある割合。ほぼ一様な帯：元画像上で、スキャンの幅（高さ）の 5 % 以上にわたり濃淡が 4 階調以内に収まる連なり（書き出し時の帯、位置合わせのくさび、文字の帯）。外周：スキャンの各辺から 10 %（面積の 36 %。根拠が一様に広がっていれば 36 % がここに入ります）。余白：DiDA はマスクしないため測定しません。スキャンの端への依存は外周に現れます。</translation>
    </message>
    <message>
        <source>Rows: the clinician&apos;s reading (the model class it names; &apos;other&apos; when it names none). Columns: the model&apos;s top class. The diagonal is agreement.</source>
        <translation>行：医師の読影（読影が指すモデルの分類。どれも指さない場合は「other」）。列：モデルの第 1 候補。対角線が一致です。</translation>
    </message>
    <message>
        <source>The domain check compares each scan&apos;s features inside the model with those of its reference scans ({reference}). A scan further from them than most of the held-out reference scans is outside the model&apos;s experience: its answer and its evidence may not mean much.</source>
        <translation>ドメインチェックは、モデル内部での各スキャンの特徴を参照スキャン（{reference}）の特徴と比べます。学習に使わなかった参照スキャンの大半よりも離れているスキャンはモデルの経験の外にあり、その答えと根拠はあまり意味を持たない可能性があります。</translation>
    </message>
    <message>
        <source>figure not available: the scan or its stored result could not be read again</source>
        <translation>図はありません：スキャンまたは保存した結果を読み直せませんでした</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>ありません。</translation>
    </message>
    <message>
        <source>and {count} more in cases.jsonl.</source>
        <translation>ほか {count} 件は cases.jsonl にあります。</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Agreement with the clinicians&apos; readings</source>
        <translation>医師の読影との一致</translation>
    </message>
    <message>
        <source>Where the model looks: the mean Mixed Image per class</source>
        <translation>モデルが見ている場所：分類ごとの平均合成画像</translation>
    </message>
    <message>
        <source>Does it lean on what is not anatomy?</source>
        <translation>解剖以外のものに頼っていないか</translation>
    </message>
    <message>
        <source>By the model&apos;s top class</source>
        <translation>モデルの第 1 候補ごと</translation>
    </message>
    <message>
        <source>Scans outside the model&apos;s experience</source>
        <translation>モデルの経験の外にあるスキャン</translation>
    </message>
    <message>
        <source>The {count} strongest disagreements (the model surest of an answer the reading does not share)</source>
        <translation>最も強い不一致 {count} 件（読影と異なる答えにモデルが最も確信しているもの）</translation>
    </message>
    <message>
        <source>The {count} highest shortcut shares (evidence in padding and bands; {floor} % at least)</source>
        <translation>近道の割合が最も高い {count} 件（余白と帯にある根拠。{floor} % 以上）</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Cases or B-scans in the set</source>
        <translation>対象の症例または B スキャン</translation>
    </message>
    <message>
        <source>Analysed</source>
        <translation>解析済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Skipped (already in cases.jsonl)</source>
        <translation>省略（cases.jsonl に記録済み）</translation>
    </message>
    <message>
        <source>Agree with the reading</source>
        <translation>読影と一致</translation>
    </message>
    <message>
        <source>Disagree</source>
        <translation>不一致</translation>
    </message>
    <message>
        <source>Not read (no diagnosis)</source>
        <translation>未読影（診断なし）</translation>
    </message>
    <message>
        <source>Accuracy (agree / read)</source>
        <translation>正解率（一致 / 読影済み）</translation>
    </message>
    <message>
        <source>Close calls</source>
        <translation>僅差</translation>
    </message>
    <message>
        <source>Atypical scans (domain check)</source>
        <translation>典型的でないスキャン（ドメインチェック）</translation>
    </message>
    <message>
        <source>not checked: the model has no reference scans</source>
        <translation>未確認：モデルに参照スキャンがありません</translation>
    </message>
    <message>
        <source>{atypical} of {checked} checked</source>
        <translation>確認した {checked} 件のうち {atypical} 件</translation>
    </message>
    <message>
        <source>Model&apos;s top class</source>
        <translation>モデルの第 1 候補</translation>
    </message>
    <message>
        <source>scans</source>
        <translation>枚数</translation>
    </message>
    <message>
        <source>agree</source>
        <translation>一致</translation>
    </message>
    <message>
        <source>disagree</source>
        <translation>不一致</translation>
    </message>
    <message>
        <source>mean bands share</source>
        <translation>帯の割合の平均</translation>
    </message>
    <message>
        <source>mean border share</source>
        <translation>外周の割合の平均</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>症例</translation>
    </message>
    <message>
        <source>B-scan</source>
        <translation>B スキャン</translation>
    </message>
    <message>
        <source>reading</source>
        <translation>読影</translation>
    </message>
    <message>
        <source>score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>reference scans scoring lower</source>
        <translation>これより低いスコアの参照スキャン</translation>
    </message>
    <message>
        <source>not read</source>
        <translation>未読影</translation>
    </message>
    <message>
        <source> (B-scan {index} of {count})</source>
        <translation>（B スキャン {index} / {count}）</translation>
    </message>
    <message>
        <source>: a close call</source>
        <translation>、僅差</translation>
    </message>
    <message>
        <source>model {top} {probability}{reading_class}{close}; reading {reading} ({agreement}). Evidence in bands {bands} (bands cover {area} of the scan), in the border {border}.</source>
        <translation>モデル {top} {probability}{reading_class}{close}。読影 {reading}（{agreement}）。帯にある根拠 {bands}（帯はスキャンの {area}）、外周にある根拠 {border}。</translation>
    </message>
    <message>
        <source>confusion matrix</source>
        <translation>混同行列</translation>
    </message>
    <message>
        <source>histograms of evidence shares</source>
        <translation>根拠の割合のヒストグラム</translation>
    </message>
    <message>
        <source>mean Mixed Image of {label}</source>
        <translation>{label} の平均合成画像</translation>
    </message>
    <message>
        <source>figure of {case}</source>
        <translation>{case} の図</translation>
    </message>
</context>
<context>
    <name>CaseBrowser</name>
    <message>
        <source>Case</source>
        <translation>症例</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>読影</translation>
    </message>
    <message>
        <source>Agree</source>
        <translation>一致</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>ドメイン</translation>
    </message>
    <message>
        <source>typical of the model&apos;s reference scans</source>
        <translation>モデルの参照スキャンに典型的</translation>
    </message>
    <message>
        <source>unlike the model&apos;s reference scans: its explanation may not mean much</source>
        <translation>モデルの参照スキャンと異なります。説明はあまり意味を持たない可能性があります</translation>
    </message>
    <message>
        <source>no domain check (not analysed yet, or the model has no reference)</source>
        <translation>ドメインチェックなし（未解析、またはモデルに参照がありません）</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>analysing…</source>
        <translation>解析中…</translation>
    </message>
    <message>
        <source>analysed</source>
        <translation>解析済み</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>model and reading agree</source>
        <translation>モデルと読影が一致</translation>
    </message>
    <message>
        <source>model and reading differ</source>
        <translation>モデルと読影が不一致</translation>
    </message>
    <message>
        <source>not analysed or not read yet</source>
        <translation>未解析または未読影</translation>
    </message>
    <message>
        <source>Show all cases, those where model and reading differ, those not read yet, or one class</source>
        <translation>全症例、モデルと読影が一致しない症例、未読影の症例、または 1 つの分類の症例を表示します</translation>
    </message>
    <message>
        <source>Previous case (Ctrl+[)</source>
        <translation>前の症例 (Ctrl+[)</translation>
    </message>
    <message>
        <source>Next case (Ctrl+])</source>
        <translation>次の症例 (Ctrl+])</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Cancel queue</source>
        <translation>待機列を中止</translation>
    </message>
    <message>
        <source>Stop analysing the next cases ahead (the current one goes on)</source>
        <translation>先の症例の事前解析を中止します（表示中の症例の解析は続けます）</translation>
    </message>
    <message>
        <source>All cases</source>
        <translation>全症例</translation>
    </message>
    <message>
        <source>Model and reading differ</source>
        <translation>モデルと読影が不一致</translation>
    </message>
    <message>
        <source>Not read yet</source>
        <translation>未読影</translation>
    </message>
    <message>
        <source>Unlike the model&apos;s reference scans</source>
        <translation>モデルの参照スキャンと異なる</translation>
    </message>
    <message>
        <source>Class: {0}</source>
        <translation>分類: {0}</translation>
    </message>
</context>
<context>
    <name>CaseController</name>
    <message>
        <source>Cases</source>
        <translation>症例</translation>
    </message>
    <message>
        <source>A bundled sample: its reading is not saved</source>
        <translation>付属のサンプルです。読影は保存されません</translation>
    </message>
    <message>
        <source>Cannot open cases</source>
        <translation>症例を開けません</translation>
    </message>
    <message>
        <source>… and {0} more</source>
        <translation>…ほか {0} 件</translation>
    </message>
    <message>
        <source>Some cases were skipped</source>
        <translation>一部の症例を読み飛ばしました</translation>
    </message>
    <message>
        <source>{0} case from {1}</source>
        <translation>{1} の {0} 症例</translation>
    </message>
    <message>
        <source>{0} cases from {1}</source>
        <translation>{1} の {0} 症例</translation>
    </message>
    <message>
        <source>Queue cancelled: the next cases are analysed when you move to them</source>
        <translation>待機列を中止しました。次の症例は移動したときに解析します</translation>
    </message>
    <message>
        <source>Readings not saved</source>
        <translation>読影が保存されていません</translation>
    </message>
    <message>
        <source>The reading of {0} could not be saved beside the scan. Try again, discard it, or keep DiDA View open (copy the text somewhere safe first)?</source>
        <translation>{0} の読影をスキャンの横に保存できませんでした。もう一度試しますか、破棄しますか、それとも DiDA View を開いたままにしますか（先に本文を安全な場所に写してください）？</translation>
    </message>
    <message>
        <source>Saved {0} beside the image</source>
        <translation>{0} に画像の横へ保存しました</translation>
    </message>
    <message>
        <source>{0} case</source>
        <translation>{0} 症例</translation>
    </message>
    <message>
        <source>{0} cases</source>
        <translation>{0} 症例</translation>
    </message>
    <message>
        <source>{0} analysed</source>
        <translation>解析済み {0}</translation>
    </message>
    <message>
        <source>{0} queued</source>
        <translation>待機中 {0}</translation>
    </message>
    <message>
        <source>{0} failed</source>
        <translation>失敗 {0}</translation>
    </message>
    <message>
        <source>{0} read</source>
        <translation>読影済み {0}</translation>
    </message>
</context>
<context>
    <name>Controls</name>
    <message>
        <source>auto (probability; logit/log-odds if saturated)</source>
        <translation>自動（確率。飽和時はロジット/対数オッズ）</translation>
    </message>
    <message>
        <source>probability (softmax)</source>
        <translation>確率 (softmax)</translation>
    </message>
    <message>
        <source>logit (raw output)</source>
        <translation>ロジット（生の出力）</translation>
    </message>
    <message>
        <source>log-odds</source>
        <translation>対数オッズ</translation>
    </message>
    <message>
        <source>black</source>
        <translation>黒</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均値</translation>
    </message>
    <message>
        <source>blur</source>
        <translation>ぼかし</translation>
    </message>
    <message>
        <source>noise</source>
        <translation>ノイズ</translation>
    </message>
    <message>
        <source>square (default)</source>
        <translation>正方形（既定）</translation>
    </message>
    <message>
        <source>n x n over the content (the paper)</source>
        <translation>内容領域に n x n（論文）</translation>
    </message>
    <message>
        <source>n x n over the whole input</source>
        <translation>入力全体に n x n</translation>
    </message>
    <message>
        <source>Classes by score: click one to show it in a panel</source>
        <translation>スコア順の分類：クリックするとパネルに表示</translation>
    </message>
    <message>
        <source>Click a class to show it in the framed (amber) panel, the last one until you click a panel to choose it. Every class&apos;s d is kept: no re-run.</source>
        <translation>分類をクリックすると、オレンジ色の枠のパネルに表示します。パネルをクリックして選ぶまでは最後のパネルです。全分類の d を保持しているので再解析は不要です。</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>分類</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>Shown in</source>
        <translation>表示先</translation>
    </message>
    <message>
        <source>Display (no re-run)</source>
        <translation>表示（再解析なし）</translation>
    </message>
    <message>
        <source>View</source>
        <translation>表示内容</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Gain</source>
        <translation>ゲイン</translation>
    </message>
    <message>
        <source>one colour scale for all panels</source>
        <translation>全パネルで共通の色尺度</translation>
    </message>
    <message>
        <source>On: the panels&apos; brightness can be compared (the paper&apos;s way). Off: each panel reaches full colour at its own largest |d|, which shows weak evidence of low-scoring classes.</source>
        <translation>オン：パネル間で明るさを比較できます（論文の方法）。オフ：各パネルが自身の最大 |d| で最も濃い色になり、低スコアの分類の弱い根拠も見えます。</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>尺度</translation>
    </message>
    <message>
        <source>Side of the synchronized square, in pixels of the image</source>
        <translation>連動する正方形の一辺（画像のピクセル単位）</translation>
    </message>
    <message>
        <source>Square</source>
        <translation>正方形</translation>
    </message>
    <message>
        <source>the paper&apos;s (finer grids weigh more)</source>
        <translation>論文の値（細かいグリッドほど重い）</translation>
    </message>
    <message>
        <source>Blend weights of the Mixed Image, one per grid size, coarse to fine; empty = the paper&apos;s</source>
        <translation>合成画像（Mixed Image）の合成重み。グリッドサイズごとに粗い順で 1 つずつ。空欄は論文の値</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>重み</translation>
    </message>
    <message>
        <source>Diagnosis by the clinician (shown on the original)</source>
        <translation>医師の診断（元画像に表示）</translation>
    </message>
    <message>
        <source>unknown: type a diagnosis</source>
        <translation>不明：診断名を入力</translation>
    </message>
    <message>
        <source>Analysis (re-runs the model)</source>
        <translation>解析（モデルを再実行）</translation>
    </message>
    <message>
        <source>Mask fill</source>
        <translation>マスクの塗り</translation>
    </message>
    <message>
        <source>Where the grids lie and how many cells they have: square cells (about n across the longer side of the content; fewer inferences), the paper&apos;s n x n over the content, or n x n over the whole model input</source>
        <translation>グリッドの位置とセル数：正方形のセル（内容領域の長辺に約 n 個、推論回数が少ない）、論文どおり内容領域に n x n、またはモデル入力全体に n x n</translation>
    </message>
    <message>
        <source>Grid cells</source>
        <translation>グリッドのセル</translation>
    </message>
    <message>
        <source>Grid sizes n (n x n cells), coarse to fine</source>
        <translation>グリッドサイズ n（n × n セル）、粗い順</translation>
    </message>
    <message>
        <source>Grid sizes</source>
        <translation>グリッドサイズ</translation>
    </message>
    <message>
        <source>Paper defaults</source>
        <translation>論文の既定値</translation>
    </message>
    <message>
        <source>Grid sizes 7, 9, ..., 21, the paper&apos;s weights, black mask, auto score, n x n cells over the content</source>
        <translation>グリッドサイズ 7, 9, …, 21、論文の重み、黒マスク、自動スコア、内容領域に n x n のセル</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>分類</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Diagnosis and analysis</source>
        <translation>診断と解析</translation>
    </message>
    <message>
        <source>Click a tab to show it; click it again to fold the controls away</source>
        <translation>タブをクリックすると表示し、もう一度クリックするとコントロールを畳みます</translation>
    </message>
    <message>
        <source>Mixed Image (all grid sizes blended)</source>
        <translation>合成画像（全グリッドサイズを重み付きで合成）</translation>
    </message>
    <message>
        <source>Grid image {0} x {0}</source>
        <translation>グリッド画像 {0} × {0}</translation>
    </message>
    <message>
        <source>All grid sizes of one class (Fig. 3)</source>
        <translation>1 分類の全グリッドサイズ（図 3）</translation>
    </message>
</context>
<context>
    <name>Domain</name>
    <message>
        <source>typical</source>
        <translation>典型的</translation>
    </message>
    <message>
        <source>unlike the model&apos;s reference scans</source>
        <translation>モデルの参照スキャンと異なる</translation>
    </message>
    <message>
        <source>this scan is unlike the model&apos;s reference scans ({reference}): its domain score {score} is higher than that of {share} of them; the model may not be trusted on it</source>
        <translation>このスキャンはモデルの参照スキャン（{reference}）と異なります：ドメインスコア {score} は参照スキャンの {share} より高く、このスキャンではモデルを信頼できない可能性があります</translation>
    </message>
    <message>
        <source>this scan&apos;s shape is unlike that of the model&apos;s reference scans ({reference}): after the model&apos;s resize its content is {aspect} times as wide as high, outside their {lo}-{hi}; the model may not be trusted on it</source>
        <translation>このスキャンの形はモデルの参照スキャン（{reference}）と異なります：モデルの縮小後、内容の幅は高さの {aspect} 倍で、参照の {lo}-{hi} の範囲外です。このスキャンではモデルを信頼できない可能性があります</translation>
    </message>
    <message>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>This scan is unlike the scans the model was trained on: its explanation may not mean much.</source>
        <translation>このスキャンはモデルの学習に使われたスキャンと異なります。説明はあまり意味を持たない可能性があります。</translation>
    </message>
    <message>
        <source>{atypical} of {total} B-scans are unlike the model&apos;s reference scans</source>
        <translation>B スキャン {total} 枚のうち {atypical} 枚がモデルの参照スキャンと異なります</translation>
    </message>
    <message>
        <source>{name} was made for another version of this model (other weights or preprocessing): no domain check until dida-view calibrate is run again</source>
        <translation>{name} はこのモデルの別の版（重みまたは前処理が異なる）のために作られました：dida-view calibrate をやり直すまでドメインチェックは行いません</translation>
    </message>
    <message>
        <source>no domain check: {problem}</source>
        <translation>ドメインチェックなし：{problem}</translation>
    </message>
</context>
<context>
    <name>DomainViews</name>
    <message>
        <source>The {model} was trained on {domain} only and has never seen a real scan; this image&apos;s domain is unknown. For a real scan, use the {other}.</source>
        <translation>{model}は{domain}だけで学習しており、実際のスキャンを見たことがありません。この画像のドメインは不明です。実際のスキャンには{other}を使ってください。</translation>
    </message>
    <message>
        <source>Domain mismatch: this scan belongs to the {other}, trained on {other_domain}, but the {model} in use was trained on {domain}. Its answer here means little.</source>
        <translation>ドメインの不一致：このスキャンは{other}（学習データ：{other_domain}）用ですが、使用中の{model}は{domain}で学習しています。ここでの答えにはほとんど意味がありません。</translation>
    </message>
    <message>
        <source>Use the {model}</source>
        <translation>{model}を使う</translation>
    </message>
    <message>
        <source>{model} — {domain}</source>
        <translation>{model} — {domain}</translation>
    </message>
</context>
<context>
    <name>Exports</name>
    <message>
        <source>Nothing to export</source>
        <translation>書き出すものがありません</translation>
    </message>
    <message>
        <source>Open an image and a model, and let the analysis finish at least one grid size first.</source>
        <translation>画像とモデルを開き、少なくとも 1 つのグリッドサイズの解析が終わるまでお待ちください。</translation>
    </message>
    <message>
        <source>{0}: this export writes {1} files; name it …{1}</source>
        <translation>{0}: この書き出しは {1} ファイルを作ります。名前を …{1} にしてください</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>書き出せません</translation>
    </message>
    <message>
        <source>{0}: cannot write ({1})</source>
        <translation>{0}: 書き込めません（{1}）</translation>
    </message>
    <message>
        <source>{0}: not enough memory to make this picture</source>
        <translation>{0}: この画像を作るためのメモリが足りません</translation>
    </message>
    <message>
        <source> and {0} more</source>
        <translation> ほか {0} 件</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>{0} を保存しました</translation>
    </message>
    <message>
        <source>Export figure</source>
        <translation>図を書き出す</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>Export panels to folder</source>
        <translation>パネルをフォルダーに書き出す</translation>
    </message>
    <message>
        <source>Export arrays</source>
        <translation>配列を書き出す</translation>
    </message>
    <message>
        <source>NumPy archives (*.npz)</source>
        <translation>NumPy アーカイブ (*.npz)</translation>
    </message>
</context>
<context>
    <name>Figure</name>
    <message>
        <source>Volume evidence map: {label} (the volume&apos;s top class), {n} B-scans</source>
        <translation>ボリュームのエビデンスマップ：{label}（ボリュームの第 1 位の分類）、B スキャン {n} 枚</translation>
    </message>
    <message>
        <source>over the localizer: each B-scan&apos;s band along its line</source>
        <translation>ローカライザー上：各 B スキャンの帯をその走査線に沿って表示</translation>
    </message>
    <message>
        <source>B-scans stacked, B-scan 1 at the top (no localizer)</source>
        <translation>B スキャンを積み重ね、1 枚目が上（ローカライザーなし）</translation>
    </message>
    <message>
        <source>each band: that B-scan&apos;s Mixed Image of {label} summed along depth; full colour = {top} ({space} d x pixels)</source>
        <translation>各帯：その B スキャンの {label} の合成画像を深さ方向に合計したもの。最大の色 = {top}（{space} の d × 画素）</translation>
    </message>
    <message>
        <source>Not for diagnosis. Model: {model}, trained on {domain}. DiDA View {version}.</source>
        <translation>診断用ではありません。モデル：{model}、学習データ：{domain}。DiDA View {version}。</translation>
    </message>
    <message>
        <source>Not for diagnosis. Model: not recorded. DiDA View {version}.</source>
        <translation>診断用ではありません。モデル：記録なし。DiDA View {version}。</translation>
    </message>
    <message>
        <source>{model} — trained on {domain} — not for diagnosis</source>
        <translation>{model} — 学習データ：{domain} — 診断用ではありません</translation>
    </message>
    <message>
        <source>No model — not for diagnosis</source>
        <translation>モデルなし — 診断用ではありません</translation>
    </message>
    <message>
        <source>unknown training data</source>
        <translation>学習データ不明</translation>
    </message>
    <message>
        <source>Clinician&apos;s note: {note}</source>
        <translation>医師のメモ：{note}</translation>
    </message>
    <message>
        <source>Diagnosis: {diagnosis}</source>
        <translation>診断：{diagnosis}</translation>
    </message>
    <message>
        <source>red: supports the class, blue: argues against it, no colour: no effect.</source>
        <translation>赤：分類を支持、青：分類に反する、色なし：影響なし。</translation>
    </message>
    <message>
        <source>{full}.</source>
        <translation>{full}。</translation>
    </message>
    <message>
        <source>Scores: probabilities; maps in {unit}; grids {grids}; mask {mask}.</source>
        <translation>スコア：確率。マップの単位：{unit}。グリッド {grids}。マスク：{mask}。</translation>
    </message>
    <message>
        <source>{summary}.</source>
        <translation>{summary}。</translation>
    </message>
    <message>
        <source>against</source>
        <translation>否定</translation>
    </message>
    <message>
        <source>for the class</source>
        <translation>肯定</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>Colour of a cell by its d = score(original) - score(cell masked)</source>
        <translation>セルの色は d = スコア(元画像) − スコア(セルをマスク) で決まります</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:#1e5bff&apos;&gt;blue&lt;/b&gt;: against the class</source>
        <translation>&lt;b style=&apos;color:#1e5bff&apos;&gt;青&lt;/b&gt;：分類を否定</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:#e00000&apos;&gt;red&lt;/b&gt;: supports the class</source>
        <translation>&lt;b style=&apos;color:#e00000&apos;&gt;赤&lt;/b&gt;：分類を支持</translation>
    </message>
    <message>
        <source>no colour: no effect</source>
        <translation>色なし：影響なし</translation>
    </message>
    <message>
        <source>The |d| at which a cell reaches full colour (with the gain), in the score&apos;s own unit</source>
        <translation>セルが最も濃い色になる |d|（ゲイン込み、スコア自身の単位）</translation>
    </message>
    <message>
        <source>Score: &lt;b&gt;{0}&lt;/b&gt; ·</source>
        <translation>スコア: &lt;b&gt;{0}&lt;/b&gt; ·</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Bad weights</source>
        <translation>重みが正しくありません</translation>
    </message>
    <message>
        <source>Bad analysis setting</source>
        <translation>解析の設定が正しくありません</translation>
    </message>
    <message>
        <source>The language changes when DiDA View is started again</source>
        <translation>言語は DiDA View の次回起動時に切り替わります</translation>
    </message>
    <message>
        <source>· {0} classes, {1}</source>
        <translation>· {0} 分類, {1}</translation>
    </message>
    <message>
        <source>{0} model note(s)</source>
        <translation>モデルの注意 {0} 件</translation>
    </message>
    <message>
        <source>Model {0} loaded: open an image</source>
        <translation>モデル {0} を読み込みました。画像を開いてください</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>モデルがありません</translation>
    </message>
    <message>
        <source>Open a model first (File ▸ Open Model…).</source>
        <translation>先にモデルを開いてください（ファイル → モデルを開く…）。</translation>
    </message>
    <message>
        <source>Saved {0}; reloading the model</source>
        <translation>{0} を保存しました。モデルを再読み込みします</translation>
    </message>
    <message>
        <source>Figure copied to the clipboard</source>
        <translation>図をクリップボードにコピーしました</translation>
    </message>
    <message>
        <source>Model not loaded: still using the previous one</source>
        <translation>モデルを読み込めませんでした。前のモデルを引き続き使います</translation>
    </message>
    <message>
        <source>Cannot open model</source>
        <translation>モデルを開けません</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>中止しています…</translation>
    </message>
    <message>
        <source>Analysis failed</source>
        <translation>解析に失敗しました</translation>
    </message>
    <message>
        <source>Cancelled: showing the grid sizes done so far ({0})</source>
        <translation>中止しました。ここまでに終わったグリッドサイズを表示します（{0}）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Blend weights reset to the paper&apos;s (the grid count changed)</source>
        <translation>グリッド数が変わったため、合成重みを論文の値に戻しました</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Image…</source>
        <translation>画像を開く(&amp;I)…</translation>
    </message>
    <message>
        <source>Open &amp;Model…</source>
        <translation>モデルを開く(&amp;M)…</translation>
    </message>
    <message>
        <source>Open &amp;Cases…</source>
        <translation>症例を開く(&amp;C)…</translation>
    </message>
    <message>
        <source>A CSV/JSON case list, or any image of a folder to open the whole folder</source>
        <translation>CSV/JSON の症例リスト、またはフォルダー内の任意の画像（フォルダー全体を開きます）</translation>
    </message>
    <message>
        <source>&amp;Export Figure…</source>
        <translation>図を書き出す(&amp;E)…</translation>
    </message>
    <message>
        <source>The paper&apos;s figure: original + the three panels</source>
        <translation>論文の図：元画像と 3 つのパネル</translation>
    </message>
    <message>
        <source>Export &amp;Panels…</source>
        <translation>パネルを書き出す(&amp;P)…</translation>
    </message>
    <message>
        <source>Export &amp;Arrays (.npz)…</source>
        <translation>配列を書き出す (.npz)(&amp;A)…</translation>
    </message>
    <message>
        <source>Export E&amp;vidence Map…</source>
        <translation>エビデンスマップを書き出す(&amp;V)…</translation>
    </message>
    <message>
        <source>The volume evidence map (all B-scans analysed) as a PNG and an .npz</source>
        <translation>ボリュームのエビデンスマップ（全 B スキャン解析済み）を PNG と .npz で</translation>
    </message>
    <message>
        <source>Export &amp;Report…</source>
        <translation>レポートを書き出す(&amp;R)…</translation>
    </message>
    <message>
        <source>A PDF report of this case (or an HTML handout)</source>
        <translation>この症例の PDF レポート（または HTML 資料）</translation>
    </message>
    <message>
        <source>P&amp;rint Patient Page…</source>
        <translation>患者さん向けページを印刷(&amp;R)…</translation>
    </message>
    <message>
        <source>The patient view of this case (original and one class&apos;s evidence) on one page</source>
        <translation>この症例の患者さん向け表示（元画像と 1 分類の根拠）を 1 ページに</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Copy Figure</source>
        <translation>図をコピー(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>モデル(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Labels and Preprocessing…</source>
        <translation>ラベルと前処理(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>解析(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Run Again</source>
        <translation>再解析(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>中止(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paper Defaults</source>
        <translation>論文の既定値(&amp;P)</translation>
    </message>
    <message>
        <source>Analyse &amp;All B-scans</source>
        <translation>全 B スキャンを解析(&amp;A)</translation>
    </message>
    <message>
        <source>Analyse every B-scan of the volume (for the volume evidence map); Esc cancels</source>
        <translation>ボリュームのすべての B スキャンを解析します（エビデンスマップ用）。Esc で中止</translation>
    </message>
    <message>
        <source>Run on the CPU &amp;Only</source>
        <translation>CPU のみで実行(&amp;O)</translation>
    </message>
    <message>
        <source>Ignore a GPU even when onnxruntime has one (reloads the model)</source>
        <translation>onnxruntime が GPU を使える場合も使いません（モデルを再読み込みします）</translation>
    </message>
    <message>
        <source>&amp;Engine</source>
        <translation>エンジン(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Auto</source>
        <translation>自動(&amp;A)</translation>
    </message>
    <message>
        <source>Incremental inference where a short measurement finds it faster, else full inference (the maps are the same); the next run</source>
        <translation>短い計測で速いと分かれば差分推論、そうでなければ全推論（マップは同じ）。次の解析から</translation>
    </message>
    <message>
        <source>&amp;Full Inference</source>
        <translation>全推論(&amp;F)</translation>
    </message>
    <message>
        <source>Run the model on every masked image (the next run)</source>
        <translation>マスクした画像ごとにモデルを実行（次の解析から）</translation>
    </message>
    <message>
        <source>&amp;Incremental</source>
        <translation>差分推論(&amp;I)</translation>
    </message>
    <message>
        <source>Recompute only what a masked cell changes (the same maps to float precision; the next run)</source>
        <translation>マスクしたセルが変える部分だけを再計算（浮動小数点の精度で同じマップ。次の解析から）</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>拡大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>縮小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>ウィンドウに合わせる(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Larger Square</source>
        <translation>正方形を大きく(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Smaller Square</source>
        <translation>正方形を小さく(&amp;S)</translation>
    </message>
    <message>
        <source>Next &amp;B-scan</source>
        <translation>次の B スキャン(&amp;B)</translation>
    </message>
    <message>
        <source>Previous B-sc&amp;an</source>
        <translation>前の B スキャン(&amp;A)</translation>
    </message>
    <message>
        <source>Show Patient &amp;Identifiers</source>
        <translation>患者識別情報を表示(&amp;I)</translation>
    </message>
    <message>
        <source>Show the name, ID and birth date a DICOM or vendor file holds (never exported; off again for the next scan)</source>
        <translation>DICOM やベンダーファイルの氏名・ID・生年月日を表示します（書き出しには含めず、次の画像では再び非表示）</translation>
    </message>
    <message>
        <source>&amp;Full Screen</source>
        <translation>全画面(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Teaching Mode</source>
        <translation>教育モード(&amp;T)</translation>
    </message>
    <message>
        <source>Full screen for a projector, as a quiz: R shows the answer, Right/Left step through the cases, P draws</source>
        <translation>プロジェクター向けの全画面クイズ：R で答えを表示、右/左で症例を移動、P で描画</translation>
    </message>
    <message>
        <source>&amp;Next Case (Teaching)</source>
        <translation>次の症例（教育）(&amp;N)</translation>
    </message>
    <message>
        <source>Pre&amp;vious Case (Teaching)</source>
        <translation>前の症例（教育）(&amp;V)</translation>
    </message>
    <message>
        <source>Show the &amp;Answer</source>
        <translation>答えを表示(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Pen</source>
        <translation>ペン(&amp;P)</translation>
    </message>
    <message>
        <source>Draw on the panels (the marks go into the exported figure)</source>
        <translation>パネルに描き込みます（書き出す図にも入ります）</translation>
    </message>
    <message>
        <source>&amp;Clear Pen Marks</source>
        <translation>ペンの描き込みを消去(&amp;C)</translation>
    </message>
    <message>
        <source>Pa&amp;tient View</source>
        <translation>患者さん向け表示(&amp;T)</translation>
    </message>
    <message>
        <source>One case explained in plain words, to show or print for a patient</source>
        <translation>1 症例をわかりやすい言葉で説明します（患者さんに見せる・印刷する用）</translation>
    </message>
    <message>
        <source>&amp;Dark Theme</source>
        <translation>ダークテーマ(&amp;D)</translation>
    </message>
    <message>
        <source>Dark window for reading rooms (kept for the next session)</source>
        <translation>読影室向けの暗いウィンドウ（次回も維持）</translation>
    </message>
    <message>
        <source>&amp;Cases</source>
        <translation>症例(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Next Case</source>
        <translation>次の症例(&amp;N)</translation>
    </message>
    <message>
        <source>The next case the filter shows</source>
        <translation>フィルターで表示される次の症例</translation>
    </message>
    <message>
        <source>&amp;Previous Case</source>
        <translation>前の症例(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Cancel Queue</source>
        <translation>待機列を中止(&amp;C)</translation>
    </message>
    <message>
        <source>Stop analysing the next cases ahead</source>
        <translation>先の症例の事前解析を中止します</translation>
    </message>
    <message>
        <source>Show the Case &amp;Browser</source>
        <translation>症例ブラウザーを表示(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About DiDA View</source>
        <translation>DiDA View について(&amp;A)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <source>Open image or scan</source>
        <translation>画像またはスキャンを開く</translation>
    </message>
    <message>
        <source>Scans ({1});;Images ({0});;All files (*)</source>
        <translation>スキャン ({1});;画像 ({0});;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Open ONNX model</source>
        <translation>ONNX モデルを開く</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX モデル (*.onnx);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Open cases: a case list, or any image of a folder</source>
        <translation>症例を開く：症例リスト、またはフォルダー内の任意の画像</translation>
    </message>
    <message>
        <source>Case lists and images (*.csv *.json {0});;All files (*)</source>
        <translation>症例リストと画像 (*.csv *.json {0});;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Controls</source>
        <translation>コントロール</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったファイル(&amp;R)</translation>
    </message>
    <message>
        <source>Open &amp;Sample</source>
        <translation>サンプルを開く(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>Model: {0}</source>
        <translation>モデル: {0}</translation>
    </message>
</context>
<context>
    <name>ModelCards</name>
    <message>
        <source>DiDA View real-data OCT model: a compact CNN trained on real Spectralis B-scans (Kermany 2018), 4 classes. Not for clinical use.</source>
        <translation>DiDA View の実データ OCT モデル：実際の Spectralis B スキャン（Kermany 2018）で学習した小型の CNN、4 分類。臨床には使用できません。</translation>
    </message>
    <message>
        <source>real Spectralis OCT B-scans (Heidelberg), Kermany 2018</source>
        <translation>実際の Spectralis OCT B スキャン（Heidelberg）、Kermany 2018</translation>
    </message>
    <message>
        <source>471 B-scans of 316 patients of Kermany 2018 (CNV, DME, DRUSEN, NORMAL), synthetic pretraining (dida_view.synthetic) then fine-tuning; 131 scans of 79 other patients held out for validation</source>
        <translation>Kermany 2018 の患者 316 人の B スキャン 471 枚（CNV、DME、DRUSEN、NORMAL）。合成データ（dida_view.synthetic）で事前学習した後に微調整。別の患者 79 人の 131 枚は検証用に学習から除外</translation>
    </message>
    <message>
        <source>DiDA View demo: a compact CNN trained on synthetic OCT B-scans (generator 1.0). Not for clinical use.</source>
        <translation>DiDA View のデモ：合成 OCT B スキャン（生成器 1.0）で学習した小型の CNN。臨床には使用できません。</translation>
    </message>
    <message>
        <source>synthetic OCT B-scans (generator 1.0)</source>
        <translation>合成 OCT B スキャン（生成器 1.0）</translation>
    </message>
</context>
<context>
    <name>ModelDialog</name>
    <message>
        <source>expected numbers separated by commas, got {0}</source>
        <translation>カンマ区切りの数値が必要です（入力: {0}）</translation>
    </message>
    <message>
        <source>labels: the model outputs {0} classes, got {1} names (one per line)</source>
        <translation>ラベル：モデルの出力は {0} 分類ですが、名前が {1} 個あります（1 行に 1 つ）</translation>
    </message>
    <message>
        <source>input size: expected height,width</source>
        <translation>入力サイズ：高さ,幅 の形で入力してください</translation>
    </message>
    <message>
        <source>{0}: expected one number</source>
        <translation>{0}: 数値を 1 つ入力してください</translation>
    </message>
    <message>
        <source>fill: expected a grey level or r,g,b</source>
        <translation>塗り：グレー値 1 つか r,g,b を入力してください</translation>
    </message>
    <message>
        <source>{0}: expected one number or three (r,g,b)</source>
        <translation>{0}: 数値を 1 つか 3 つ (r,g,b) 入力してください</translation>
    </message>
    <message>
        <source>{0}: cannot write ({1})</source>
        <translation>{0}: 書き込めません（{1}）</translation>
    </message>
    <message>
        <source>Labels and preprocessing: {0}</source>
        <translation>ラベルと前処理: {0}</translation>
    </message>
    <message>
        <source>Saved to &lt;b&gt;{0}&lt;/b&gt; next to the model, then the model is reloaded. Labels now come from: &lt;i&gt;{1}&lt;/i&gt;.</source>
        <translation>モデルの横の &lt;b&gt;{0}&lt;/b&gt; に保存し、モデルを再読み込みします。現在のラベルの出どころ: &lt;i&gt;{1}&lt;/i&gt;。</translation>
    </message>
    <message>
        <source>This model carries its own settings in its metadata; they take precedence over the sidecar, so edits of those keys have no effect.</source>
        <translation>このモデルはメタデータに独自の設定を持っています。それらがサイドカーより優先されるため、該当する項目の編集は反映されません。</translation>
    </message>
    <message>
        <source>One name per line; the model outputs {0} classes</source>
        <translation>1 行に 1 つの名前。モデルの出力は {0} 分類です</translation>
    </message>
    <message>
        <source>Labels ({0})</source>
        <translation>ラベル（{0}）</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>出力</translation>
    </message>
    <message>
        <source>Horizontal scale before fitting (0.5 for the paper&apos;s OCT: width shrunk to 1/2)</source>
        <translation>合わせる前の横方向の倍率（論文の OCT では 0.5：幅を 1/2 に縮小）</translation>
    </message>
    <message>
        <source>model input = (pixel * scale - mean) / std</source>
        <translation>モデル入力 = (画素値 × 倍率 − 平均) / 標準偏差</translation>
    </message>
    <message>
        <source>Input size (h,w)</source>
        <translation>入力サイズ (高さ,幅)</translation>
    </message>
    <message>
        <source>Squeeze x</source>
        <translation>横方向の縮小</translation>
    </message>
    <message>
        <source>Resize</source>
        <translation>リサイズ</translation>
    </message>
    <message>
        <source>Letterbox fill</source>
        <translation>余白の塗り</translation>
    </message>
    <message>
        <source>Interpolation</source>
        <translation>補間</translation>
    </message>
    <message>
        <source>Resize convention</source>
        <translation>リサイズの方式</translation>
    </message>
    <message>
        <source>Pad to square first</source>
        <translation>先に正方形へ余白を追加</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>色</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>倍率</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>標準偏差</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>About DiDA View</source>
        <translation>DiDA View について</translation>
    </message>
</context>
<context>
    <name>Models</name>
    <message>
        <source>real OCT model</source>
        <translation>実データOCTモデル</translation>
    </message>
    <message>
        <source>synthetic demo model</source>
        <translation>合成デモモデル</translation>
    </message>
    <message>
        <source>real Spectralis OCT B-scans from Kermany 2018</source>
        <translation>Kermany 2018 の実際の Spectralis OCT Bスキャン</translation>
    </message>
    <message>
        <source>synthetic OCT B-scans from DiDA View&apos;s generator</source>
        <translation>DiDA View の生成器による合成 OCT Bスキャン</translation>
    </message>
</context>
<context>
    <name>Notes</name>
    <message>
        <source>constant image (every pixel the same): no structure to explain, so every map is 0 and no masked inference was run</source>
        <translation>一様な画像です（全画素が同じ値）。説明すべき構造がないため、マップはすべて 0 で、マスク推論は実行していません</translation>
    </message>
    <message>
        <source>MONOCHROME1: inverted, so that white is high signal</source>
        <translation>MONOCHROME1：白が高信号になるよう反転しました</translation>
    </message>
    <message>
        <source>palette colour DICOM: its colour LUT applied</source>
        <translation>パレットカラーの DICOM：カラー LUT を適用しました</translation>
    </message>
    <message>
        <source>DICOM VOI LUT applied</source>
        <translation>DICOM の VOI LUT を適用しました</translation>
    </message>
    <message>
        <source>DICOM window applied (centre {centre}, width {width})</source>
        <translation>DICOM のウィンドウを適用しました（中心 {centre}、幅 {width}）</translation>
    </message>
    <message>
        <source>pages of different types ({types}): each type is windowed by its own rule, so pages of different types do not compare</source>
        <translation>種類の異なるページがあります（{types}）。種類ごとに別の規則で表示範囲を決めたため、種類の異なるページどうしは比較できません</translation>
    </message>
    <message>
        <source>{pages} ({kind}): {rule}</source>
        <translation>{pages}（{kind}）：{rule}</translation>
    </message>
    <message>
        <source>used as it is</source>
        <translation>そのまま使用</translation>
    </message>
    <message>
        <source>animated image: only its first of {frames} frames is analysed</source>
        <translation>アニメーション画像です。{frames} フレームのうち最初のフレームだけを解析します</translation>
    </message>
    <message>
        <source>{rule} (decided on {on}, for all {count} pages)</source>
        <translation>{rule}（{on}で決定し、全 {count} ページに適用）</translation>
    </message>
    <message>
        <source>{rule} (decided on page {page})</source>
        <translation>{rule}（{page} ページ目で決定）</translation>
    </message>
    <message>
        <source>all pages</source>
        <translation>全ページ</translation>
    </message>
    <message>
        <source>page {page}</source>
        <translation>{page} ページ目</translation>
    </message>
    <message>
        <source>pages {pages}</source>
        <translation>{pages} ページ目</translation>
    </message>
    <message>
        <source>signed data scaled by its range {lo}..{hi}</source>
        <translation>符号付きのデータを範囲 {lo}..{hi} で拡大縮小しました</translation>
    </message>
    <message>
        <source>stated</source>
        <translation>記載値</translation>
    </message>
    <message>
        <source>{bits}-bit data ({source}) scaled 0..{top} -&gt; 0..255</source>
        <translation>{bits} ビットのデータ（{source}）を 0..{top} → 0..255 に拡大縮小しました</translation>
    </message>
    <message>
        <source>no bit depth stored: scaled as {bits}-bit data, 0..{top} -&gt; 0..255 (largest value {hi})</source>
        <translation>ビット深度の記載がないため {bits} ビットのデータとして 0..{top} → 0..255 に拡大縮小しました（最大値 {hi}）</translation>
    </message>
    <message>
        <source>float data windowed by its {p0}-{p1} percentiles, {lo}..{hi} -&gt; 0..255</source>
        <translation>浮動小数点データを {p0}–{p1} パーセンタイル（{lo}..{hi}）で 0..255 に変換しました</translation>
    </message>
    <message>
        <source>{note}; {bad} NaN/infinite pixel(s) ignored (NaN, -inf black; +inf white)</source>
        <translation>{note}。NaN・無限大の画素 {bad} 個は無視しました（NaN と -inf は黒、+inf は白）</translation>
    </message>
    <message>
        <source>transparency composited on black ({share} of pixels not opaque)</source>
        <translation>透明部分を黒の上に合成しました（不透明でない画素 {share}）</translation>
    </message>
    <message>
        <source>B-scan lines on the localizer placed by its {field}° field of view, approximately: the pixel size the file gives ({scale} mm) does not fit its {width} x {height} pixel image</source>
        <translation>ローカライザー上の B スキャンの線は、その {field}° の画角からおおよその位置に置きました。ファイルの画素サイズ（{scale} mm）が {width} × {height} 画素の画像に合わないためです</translation>
    </message>
    <message>
        <source>B-scan positions on the localizer unknown ({why}): no lines are drawn on it, and the evidence map stacks the B-scans</source>
        <translation>ローカライザー上の B スキャンの位置が不明です（{why}）。線は描かず、根拠マップは B スキャンを積み重ねて表示します</translation>
    </message>
    <message>
        <source>B-scan lines on the localizer placed as eyepy reads .e2e files, taking the localizer to span 30°</source>
        <translation>ローカライザー上の B スキャンの線は、eyepy が .e2e ファイルを読む方法に従い、ローカライザーの画角を 30° として置きました</translation>
    </message>
    <message>
        <source>the file gives none</source>
        <translation>ファイルに記載がありません</translation>
    </message>
    <message>
        <source>positions in {unit} without a scale</source>
        <translation>位置が {unit} 単位で、縮尺がありません</translation>
    </message>
    <message>
        <source>the file puts them at x {x0} to {x1}, y {y0} to {y1}, outside its {w} x {h} pixels</source>
        <translation>ファイル上の位置は x {x0}〜{x1}、y {y0}〜{y1} で、{w} × {h} 画素の外です</translation>
    </message>
    <message>
        <source>intensities as eyepy shows them ({transform} transform, the vendor&apos;s contrast)</source>
        <translation>輝度は eyepy の表示どおりです（{transform} 変換、装置メーカーのコントラスト）</translation>
    </message>
    <message>
        <source>{source} not used ({problem}); labels and preprocessing come from {other}</source>
        <translation>{source} は使用しません（{problem}）。ラベルと前処理は {other} から取ります</translation>
    </message>
    <message>
        <source>{key} ({source}) ignored: expected text, got {got}</source>
        <translation>{key}（{source}）は無視しました：文字列が必要ですが、{got} でした</translation>
    </message>
    <message>
        <source>preprocessing input_size {asked} ignored: the model needs {needs}</source>
        <translation>前処理の input_size {asked} は無視しました：モデルは {needs} を必要とします</translation>
    </message>
    <message>
        <source>probability saturated (top p = {top}): showing {space}, where masking a cell can still move the score</source>
        <translation>確率が飽和しています（最大 p = {top}）。セルのマスクでもスコアが動く{space}で表示します</translation>
    </message>
    <message>
        <source>probability saturated: showing {space}</source>
        <translation>確率が飽和しています。{space}で表示します</translation>
    </message>
    <message>
        <source>no map possible for {names}: the model outputs exactly 1 or 0 there (float32 rounding), so masking cannot move the score measurably in any space; a blank map means &apos;cannot tell&apos;, not &apos;no evidence&apos;</source>
        <translation>{names} はマップを作れません。モデルの出力がちょうど 1 か 0 で（float32 の丸め）、どのスコアでもマスクによる変化を測れないためです。空のマップは「根拠なし」ではなく「判断できない」ことを示します</translation>
    </message>
    <message>
        <source>{names} and {n} more</source>
        <translation>{names} ほか {n} 件</translation>
    </message>
    <message>
        <source>{folder}: {n} files that are not scans were left out ({names})</source>
        <translation>{folder}：検査画像でないファイル {n} 個は除きました（{names}）</translation>
    </message>
    <message>
        <source>{folder}: 1 file that is not a scan was left out ({names})</source>
        <translation>{folder}：検査画像でないファイル 1 個は除きました（{names}）</translation>
    </message>
    <message>
        <source>the {model} ({file}) was trained on {domain} only; this image&apos;s domain is unknown: for a real scan use the {other} ({other_file})</source>
        <translation>{model}（{file}）は{domain}だけで学習しています。この画像のドメインは不明です。実際のスキャンには{other}（{other_file}）を使ってください</translation>
    </message>
    <message>
        <source>this scan belongs to the {other} ({other_file}, trained on {other_domain}); the {model} ({file}) was trained on {domain}</source>
        <translation>このスキャンは{other}（{other_file}、学習データ：{other_domain}）用です。{model}（{file}）は{domain}で学習しています</translation>
    </message>
    <message>
        <source>{name}: the {key} is not text ({value}); it was not read</source>
        <translation>{name}：{key} が文字列ではないため（{value}）、読み込みませんでした</translation>
    </message>
    <message>
        <source>{name} could not be read ({why}); it was kept as {backup}</source>
        <translation>{name} を読めませんでした（{why}）。{backup} として残しました</translation>
    </message>
    <message>
        <source>one score space for the whole set: {space}, as {case} saturates ({why})</source>
        <translation>全体で 1 つのスコア空間を使います：{case} が飽和するため{space}です（{why}）</translation>
    </message>
</context>
<context>
    <name>Opening</name>
    <message>
        <source>Cannot open image</source>
        <translation>画像を開けません</translation>
    </message>
    <message>
        <source>Loading model {0}…</source>
        <translation>モデル {0} を読み込んでいます…</translation>
    </message>
</context>
<context>
    <name>PatientView</name>
    <message>
        <source>a healthy retina</source>
        <translation>健康な網膜</translation>
    </message>
    <message>
        <source>early age-related macular degeneration (drusen)</source>
        <translation>早期加齢黄斑変性（ドルーゼン）</translation>
    </message>
    <message>
        <source>wet age-related macular degeneration</source>
        <translation>滲出型加齢黄斑変性</translation>
    </message>
    <message>
        <source>dry age-related macular degeneration (atrophy)</source>
        <translation>萎縮型加齢黄斑変性（網膜の萎縮）</translation>
    </message>
    <message>
        <source>age-related macular degeneration</source>
        <translation>加齢黄斑変性</translation>
    </message>
    <message>
        <source>cystoid macular edema (pockets of fluid in the retina)</source>
        <translation>嚢胞様黄斑浮腫（網膜の中に水がたまった状態）</translation>
    </message>
    <message>
        <source>macular edema (swelling of the retina)</source>
        <translation>黄斑浮腫（網膜のむくみ）</translation>
    </message>
    <message>
        <source>diabetic macular edema (swelling of the retina)</source>
        <translation>糖尿病黄斑浮腫（網膜のむくみ）</translation>
    </message>
    <message>
        <source>serous retinal detachment (fluid under the retina)</source>
        <translation>漿液性網膜剥離（網膜の下に水がたまった状態）</translation>
    </message>
    <message>
        <source>epiretinal membrane (a thin film on the retina)</source>
        <translation>黄斑上膜（網膜の表面にできた薄い膜）</translation>
    </message>
    <message>
        <source>macular hole</source>
        <translation>黄斑円孔（網膜の中心にあいた穴）</translation>
    </message>
    <message>
        <source>retinal atrophy (thinning of the retina)</source>
        <translation>網膜萎縮（網膜が薄くなった状態）</translation>
    </message>
    <message>
        <source>new blood vessels under the retina (CNV)</source>
        <translation>網膜の下にできた新しい血管（脈絡膜新生血管）</translation>
    </message>
    <message>
        <source>drusen (small deposits under the retina)</source>
        <translation>ドルーゼン（網膜の下の小さな沈着物）</translation>
    </message>
    <message>
        <source>Of the {0} findings the computer knows, it found this one the most likely for this scan.</source>
        <translation>コンピューターが知っている {0} 種類の所見のうち、この画像ではこれが最も可能性が高いと判断しました。</translation>
    </message>
    <message>
        <source>Of the {0} findings the computer knows, it placed this one number {1}.</source>
        <translation>コンピューターが知っている {0} 種類の所見のうち、これを {1} 番目と判断しました。</translation>
    </message>
    <message>
        <source>This scan does not look like the scans the computer learned from, so this picture may not mean much.</source>
        <translation>このスキャンはコンピューターが学習したスキャンと似ていないため、この図はあまり意味を持たない可能性があります。</translation>
    </message>
    <message>
        <source>Your eye scan, explained</source>
        <translation>あなたの目の検査画像の説明</translation>
    </message>
    <message>
        <source>Your scan</source>
        <translation>あなたの検査画像</translation>
    </message>
    <message>
        <source>What the computer looked at</source>
        <translation>コンピューターが注目したところ</translation>
    </message>
    <message>
        <source>Red areas: what made the computer think of {0}.</source>
        <translation>赤い部分：コンピューターが{0}と考えた理由になったところ。</translation>
    </message>
    <message>
        <source>Blue areas: what speaks against it.</source>
        <translation>青い部分：それに反するところ。</translation>
    </message>
    <message>
        <source>This picture helps explain the scan; it is not a diagnosis. Please ask your doctor what it means for you.</source>
        <translation>この図は検査画像の説明を助けるもので、診断ではありません。あなたにとっての意味は医師にお尋ねください。</translation>
    </message>
    <message>
        <source>Made with DiDA View on {0}, model {1}</source>
        <translation>DiDA View で作成（{0}、モデル {1}）</translation>
    </message>
    <message>
        <source>{0}: cannot write</source>
        <translation>{0}: 書き込めません</translation>
    </message>
    <message>
        <source>{0}: expected a .pdf or .png file name</source>
        <translation>{0}: .pdf か .png のファイル名を指定してください</translation>
    </message>
    <message>
        <source>Open a scan and wait for the analysis to finish.</source>
        <translation>検査画像を開き、解析が終わるまでお待ちください。</translation>
    </message>
    <message>
        <source>DiDA View — Patient View</source>
        <translation>DiDA View — 患者さん向け表示</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>印刷…</translation>
    </message>
    <message>
        <source>Save as PDF or PNG…</source>
        <translation>PDF または PNG で保存…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Explain:</source>
        <translation>説明する所見:</translation>
    </message>
    <message>
        <source>Save the patient page</source>
        <translation>患者さん向けページを保存</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;PNG image (*.png)</source>
        <translation>PDF (*.pdf);;PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>Cannot save the page</source>
        <translation>ページを保存できません</translation>
    </message>
</context>
<context>
    <name>Presenter</name>
    <message>
        <source>No model loaded.

Open an ONNX image classifier with
File ▸ Open Model… (Ctrl+Shift+O)
or drop a .onnx file on the window.</source>
        <translation>モデルが読み込まれていません。

ONNX 画像分類器を
ファイル → モデルを開く… (Ctrl+Shift+O) で開くか、
.onnx ファイルをウィンドウにドロップしてください。</translation>
    </message>
    <message>
        <source>No image.

Open an image (a retinal OCT B-scan, for example) with
File ▸ Open Image… (Ctrl+O)
or drop it on the window.</source>
        <translation>画像がありません。

画像（網膜 OCT の B スキャンなど）を
ファイル → 画像を開く… (Ctrl+O) で開くか、
ウィンドウにドロップしてください。</translation>
    </message>
    <message>
        <source>grid {0} x {1}</source>
        <translation>グリッド {0} × {1}</translation>
    </message>
    <message>
        <source>Original · {0}</source>
        <translation>元画像 · {0}</translation>
    </message>
    <message>
        <source>Diagnosis: {0}</source>
        <translation>診断: {0}</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>モデルを読み込んでいます…</translation>
    </message>
    <message>
        <source>Mixed Image</source>
        <translation>合成画像</translation>
    </message>
    <message>
        <source> ({0}/{1} grid sizes)</source>
        <translation>（{0}/{1} グリッドサイズ）</translation>
    </message>
    <message>
        <source>Rank {0} · {1}</source>
        <translation>第 {0} 位 · {1}</translation>
    </message>
    <message>
        <source>Analysing…</source>
        <translation>解析中…</translation>
    </message>
    <message>
        <source>full colour: each panel at its own largest |d|</source>
        <translation>最も濃い色：各パネル自身の最大 |d|</translation>
    </message>
    <message>
        <source>; Mixed Image: </source>
        <translation>。合成画像：</translation>
    </message>
    <message>
        <source>panel {0}</source>
        <translation>パネル {0}</translation>
    </message>
    <message>
        <source>all panels</source>
        <translation>全パネル</translation>
    </message>
</context>
<context>
    <name>Probe</name>
    <message>
        <source>Move the mouse over a scan to read its d here.</source>
        <translation>画像の上にマウスを置くと、ここに d を表示します。</translation>
    </message>
    <message>
        <source>mixed</source>
        <translation>合成</translation>
    </message>
    <message>
        <source>mixed d</source>
        <translation>合成 d</translation>
    </message>
    <message>
        <source>Under the square: &lt;b&gt;x {0}, y {1}&lt;/b&gt;, pixel &lt;b&gt;{2}&lt;/b&gt;</source>
        <translation>正方形の位置: &lt;b&gt;x {0}, y {1}&lt;/b&gt;、画素値 &lt;b&gt;{2}&lt;/b&gt;</translation>
    </message>
    <message>
        <source> · d in {0}</source>
        <translation> · d の単位: {0}</translation>
    </message>
    <message>
        <source>d = score(original) - score(that region hidden), in the score space&apos;s unit. Mixed d: the blend-weighted mean over the finished grid sizes of the d of the cell holding that pixel; red supports the class, blue argues against it</source>
        <translation>d = スコア(元画像) − スコア(その領域を隠した画像)、スコアの単位。合成 d：終わったグリッドサイズについて、その画素を含むセルの d を合成重みで平均した値。赤は分類を支持、青は否定</translation>
    </message>
</context>
<context>
    <name>ReadingEditor</name>
    <message>
        <source>Reading not saved</source>
        <translation>読影を保存できませんでした</translation>
    </message>
    <message>
        <source>The reading of {0} could not be saved beside it ({1}: {2}). It stays in the editor; the next edit tries again.</source>
        <translation>{0} の読影を画像の横に保存できませんでした（{1}: {2}）。内容は入力欄に残り、次の編集で再度保存を試みます。</translation>
    </message>
    <message>
        <source>a label, or type a diagnosis</source>
        <translation>ラベルを選ぶか診断名を入力</translation>
    </message>
    <message>
        <source>The clinician&apos;s diagnosis: pick one of the model&apos;s labels or type free text (saved beside the image)</source>
        <translation>医師の診断：モデルのラベルから選ぶか自由に入力します（画像の横に保存）</translation>
    </message>
    <message>
        <source>note (saved beside the image as you type)</source>
        <translation>所見メモ（入力と同時に画像の横に保存）</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>診断</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>所見メモ</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>DiDA View report</source>
        <translation>DiDA View レポート</translation>
    </message>
    <message>
        <source>{n} cases. Model: {model}. Made on {date}.</source>
        <translation>{n} 症例。モデル：{model}。作成日：{date}。</translation>
    </message>
    <message>
        <source>{n} case. Model: {model}. Made on {date}.</source>
        <translation>{n} 症例。モデル：{model}。作成日：{date}。</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>症例</translation>
    </message>
    <message>
        <source>Anonymous case id</source>
        <translation>匿名症例 ID</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Model&apos;s top class</source>
        <translation>モデルの第 1 候補</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>Clinician&apos;s diagnosis</source>
        <translation>医師の診断</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>一致</translation>
    </message>
    <message>
        <source>agree</source>
        <translation>一致</translation>
    </message>
    <message>
        <source>disagree</source>
        <translation>不一致</translation>
    </message>
    <message>
        <source>not read</source>
        <translation>未読影</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>元画像</translation>
    </message>
    <message>
        <source>Evidence for {label} (score {score})</source>
        <translation>{label} の根拠（スコア {score}）</translation>
    </message>
    <message>
        <source>How to read the colours</source>
        <translation>色の見方</translation>
    </message>
    <message>
        <source>Red areas made the model more sure of the class named under the picture; blue areas made it less sure; dark or uncoloured areas made no difference. The brighter the colour, the stronger the effect. All three pictures use the same colour scale, so their brightness can be compared.</source>
        <translation>赤い部分は、画像の下に書かれた分類についてモデルの確信を強めた領域です。青い部分は確信を弱めた領域、暗い部分や色のない部分は影響がなかった領域です。色が明るいほど影響が大きいことを示します。3 枚の画像は同じ色の尺度を使うため、明るさを互いに比べることができます。</translation>
    </message>
    <message>
        <source>against</source>
        <translation>否定</translation>
    </message>
    <message>
        <source>for the class</source>
        <translation>肯定</translation>
    </message>
    <message>
        <source>Clinician&apos;s reading</source>
        <translation>医師の読影</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>所見メモ</translation>
    </message>
    <message>
        <source>No reading recorded.</source>
        <translation>読影の記録はありません。</translation>
    </message>
    <message>
        <source>Model and clinician agree.</source>
        <translation>モデルと医師の診断は一致しています。</translation>
    </message>
    <message>
        <source>Model and clinician disagree.</source>
        <translation>モデルと医師の診断は一致していません。</translation>
    </message>
    <message>
        <source>Not compared: no clinician&apos;s diagnosis.</source>
        <translation>医師の診断がないため比較していません。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Trained on {what}.</source>
        <translation>学習データ：{what}</translation>
    </message>
    <message>
        <source>Maps: DiDA multi-grid signed occlusion (grids {grids}; mask {mask}; map unit: {space}). Scores are the model&apos;s probabilities.</source>
        <translation>マップ：DiDA 多重グリッド符号付き遮蔽法（グリッド {grids}、マスク {mask}、マップの単位：{space}）。スコアはモデルの確率です。</translation>
    </message>
    <message>
        <source>unlike the scans the model was trained on: its explanation may not mean much (its page says why)</source>
        <translation>モデルの学習に使われたスキャンと異なります。説明はあまり意味を持たない可能性があります（理由は各症例のページに記載）</translation>
    </message>
    <message>
        <source>Note from the program</source>
        <translation>プログラムからの注記</translation>
    </message>
    <message>
        <source>Close call: {a} leads {b} by only {margin} in probability (less than 0.05).</source>
        <translation>僅差：{a} と {b} の確率の差は {margin} しかありません（0.05 未満）。</translation>
    </message>
    <message>
        <source>Tie: {a} and {b} have the same probability at the shown precision.</source>
        <translation>同点：{a} と {b} の確率は表示の精度で同じです。</translation>
    </message>
    <message>
        <source>Not a medical device. Not for diagnosis. For research and teaching only.</source>
        <translation>医療機器ではありません。診断には使用できません。研究・教育目的専用です。</translation>
    </message>
    <message>
        <source>This case could not be analysed: {why}</source>
        <translation>この症例は解析できませんでした：{why}</translation>
    </message>
    <message>
        <source>Page {i} of {n}</source>
        <translation>{i} / {n} ページ</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>確率</translation>
    </message>
    <message>
        <source>logit</source>
        <translation>ロジット</translation>
    </message>
    <message>
        <source>log-odds</source>
        <translation>対数オッズ</translation>
    </message>
    <message>
        <source>black</source>
        <translation>黒</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均値</translation>
    </message>
    <message>
        <source>blur</source>
        <translation>ぼかし</translation>
    </message>
    <message>
        <source>noise</source>
        <translation>ノイズ</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>PDF report (*.pdf);;HTML handout (*.html)</source>
        <translation>PDF レポート (*.pdf);;HTML 資料 (*.html)</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>レポートを書き出す</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>書き出せません</translation>
    </message>
    <message>
        <source>{0}: cannot write ({1})</source>
        <translation>{0}: 書き込めません（{1}）</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>{0} を保存しました</translation>
    </message>
</context>
<context>
    <name>Scores</name>
    <message>
        <source>tie</source>
        <translation>同点</translation>
    </message>
    <message>
        <source>close call</source>
        <translation>僅差</translation>
    </message>
    <message>
        <source>probability points</source>
        <translation>確率ポイント</translation>
    </message>
    <message>
        <source>logit units</source>
        <translation>ロジット</translation>
    </message>
    <message>
        <source>log-odds</source>
        <translation>対数オッズ</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>確率</translation>
    </message>
    <message>
        <source>logit</source>
        <translation>ロジット</translation>
    </message>
    <message>
        <source>black</source>
        <translation>黒</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均値</translation>
    </message>
    <message>
        <source>blur</source>
        <translation>ぼかし</translation>
    </message>
    <message>
        <source>noise</source>
        <translation>ノイズ</translation>
    </message>
    <message>
        <source>full red = the class&apos;s score drops by {amount} when that region is hidden (full blue: rises by {amount})</source>
        <translation>最も濃い赤 = その領域を隠すと分類のスコアが {amount} 下がる（最も濃い青：{amount} 上がる）</translation>
    </message>
    <message>
        <source>{number} {unit}</source>
        <translation>{number} {unit}</translation>
    </message>
    <message>
        <source>Tie: {a} and {b} have the same score at the shown precision</source>
        <translation>同点：{a} と {b} は表示の精度で同じスコアです</translation>
    </message>
    <message>
        <source>Close call: {a} leads {b} by {amount} (&lt; {limit})</source>
        <translation>僅差：{a} が {b} を {amount} 上回るのみです（{limit} 未満）</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} 分 {1} 秒</translation>
    </message>
    <message>
        <source>{0} masked image</source>
        <translation>マスク画像 {0} 枚</translation>
    </message>
    <message>
        <source>{0} masked images</source>
        <translation>マスク画像 {0} 枚</translation>
    </message>
    <message>
        <source>Done: from cache in {0} s (computed earlier: {1} in {2} s, {3} mask)</source>
        <translation>完了：キャッシュから {0} 秒（以前の計算：{1}を {2} 秒、{3}マスク）</translation>
    </message>
    <message>
        <source>Done: {0} in {1} s ({2} mask)</source>
        <translation>完了：{0}を {1} 秒（{2}マスク）</translation>
    </message>
    <message>
        <source>{0}, full engine</source>
        <translation>{0}、全推論エンジン</translation>
    </message>
    <message>
        <source>{0}, incremental engine</source>
        <translation>{0}、差分推論エンジン</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>中止 (Esc)</translation>
    </message>
    <message>
        <source>Analysing: {0}/{1} grid sizes, {2}/{3} masked images</source>
        <translation>解析中：グリッドサイズ {0}/{1}、マスク画像 {2}/{3}</translation>
    </message>
    <message>
        <source>Analysing: {0}/{1} grid sizes, {2}/{3} masked images, ETA {4}</source>
        <translation>解析中：グリッドサイズ {0}/{1}、マスク画像 {2}/{3}、残り約 {4}</translation>
    </message>
</context>
<context>
    <name>Teaching</name>
    <message>
        <source>Original</source>
        <translation>元画像</translation>
    </message>
    <message>
        <source>Answer {0}</source>
        <translation>答え {0}</translation>
    </message>
    <message>
        <source>No more cases</source>
        <translation>これ以上症例はありません</translation>
    </message>
    <message>
        <source>Case {0} of {1}</source>
        <translation>症例 {0} / {1}</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>症例</translation>
    </message>
    <message>
        <source>Open an image</source>
        <translation>画像を開いてください</translation>
    </message>
    <message>
        <source>What does the computer see? Press R to show its answer.</source>
        <translation>コンピューターには何が見えるでしょう？ R キーで答えを表示します。</translation>
    </message>
    <message>
        <source>Analysing…</source>
        <translation>解析中…</translation>
    </message>
    <message>
        <source>The computer&apos;s answer: &lt;b&gt;{0}&lt;/b&gt; {1}</source>
        <translation>コンピューターの答え: &lt;b&gt;{0}&lt;/b&gt; {1}</translation>
    </message>
    <message>
        <source>Diagnosis: &lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>診断: &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>R: answer · →/Space: next · ←: back · P: pen · C: clear · Ctrl+T: leave</source>
        <translation>R: 答え · →/Space: 次へ · ←: 戻る · P: ペン · C: 消去 · Ctrl+T: 終了</translation>
    </message>
    <message>
        <source> — case {0} of {1}</source>
        <translation> — 症例 {0} / {1}</translation>
    </message>
    <message>
        <source>DiDA View — Teaching</source>
        <translation>DiDA View — 教育モード</translation>
    </message>
</context>
<context>
    <name>Terms</name>
    <message>
        <source>CNV</source>
        <translation>脈絡膜新生血管</translation>
    </message>
    <message>
        <source>DME</source>
        <translation>糖尿病黄斑浮腫</translation>
    </message>
    <message>
        <source>DRUSEN</source>
        <translation>ドルーゼン</translation>
    </message>
    <message>
        <source>NORMAL</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Early AMD</source>
        <translation>早期加齢黄斑変性</translation>
    </message>
    <message>
        <source>Wet AMD</source>
        <translation>滲出型加齢黄斑変性</translation>
    </message>
    <message>
        <source>Dry AMD</source>
        <translation>萎縮型加齢黄斑変性</translation>
    </message>
    <message>
        <source>CME</source>
        <translation>嚢胞様黄斑浮腫</translation>
    </message>
    <message>
        <source>ME</source>
        <translation>黄斑浮腫</translation>
    </message>
    <message>
        <source>SRD</source>
        <translation>漿液性網膜剥離</translation>
    </message>
    <message>
        <source>ERM</source>
        <translation>黄斑上膜</translation>
    </message>
    <message>
        <source>MH</source>
        <translation>黄斑円孔</translation>
    </message>
    <message>
        <source>RA</source>
        <translation>網膜萎縮</translation>
    </message>
</context>
<context>
    <name>Toolbar</name>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>解析</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>Export figure</source>
        <translation>図を書き出す</translation>
    </message>
    <message>
        <source>What the panels show: the Mixed Image, one grid size, or all grid sizes of one class (the paper&apos;s Fig. 3)</source>
        <translation>パネルの表示内容：合成画像、1 つのグリッドサイズ、または 1 分類の全グリッドサイズ（論文の図 3）</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>メインツールバー</translation>
    </message>
    <message>
        <source>View</source>
        <translation>表示内容</translation>
    </message>
</context>
<context>
    <name>Volume</name>
    <message>
        <source>B-scan {0}/{1}</source>
        <translation>B スキャン {0}/{1}</translation>
    </message>
    <message>
        <source>Cannot read B-scan</source>
        <translation>B スキャンを読み込めません</translation>
    </message>
    <message>
        <source>B-scan {0}: analysed before</source>
        <translation>B スキャン {0}: 解析済みの結果を表示</translation>
    </message>
    <message>
        <source>B-scan {0} not analysed: {1}</source>
        <translation>B スキャン {0} を解析できませんでした: {1}</translation>
    </message>
    <message>
        <source>Not a volume</source>
        <translation>ボリュームではありません</translation>
    </message>
    <message>
        <source>Open a volume (multi-frame DICOM, multi-page TIFF, vendor file) first.</source>
        <translation>先にボリューム（マルチフレーム DICOM、マルチページ TIFF、ベンダーファイル）を開いてください。</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>モデルがありません</translation>
    </message>
    <message>
        <source>Open a model first (File ▸ Open Model…).</source>
        <translation>先にモデルを開いてください（ファイル → モデルを開く…）。</translation>
    </message>
    <message>
        <source>Every B-scan analysed: the volume evidence map is in the localizer panel</source>
        <translation>全 B スキャンを解析しました。ボリュームのエビデンスマップはローカライザーのパネルにあります</translation>
    </message>
    <message>
        <source>Localizer</source>
        <translation>ローカライザー</translation>
    </message>
    <message>
        <source>Evidence for {0} (all B-scans)</source>
        <translation>{0} の根拠（全 B スキャン）</translation>
    </message>
    <message>
        <source>No evidence map</source>
        <translation>エビデンスマップがありません</translation>
    </message>
    <message>
        <source>Open a volume and analyse all its B-scans first (Analysis ▸ Analyse All B-scans).</source>
        <translation>先にボリュームを開き、全 B スキャンを解析してください（解析 → 全 B スキャンを解析）。</translation>
    </message>
    <message>
        <source>Export evidence map</source>
        <translation>エビデンスマップを書き出す</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>Note: </source>
        <translation>注: </translation>
    </message>
    <message>
        <source>B-scan {0} of {1}</source>
        <translation>B スキャン {0} / {1}</translation>
    </message>
    <message>
        <source>{0} of {1} B-scans analysed</source>
        <translation>B スキャン {0} / {1} 解析済み</translation>
    </message>
    <message>
        <source>Patient identifiers (shown on request, never exported): </source>
        <translation>患者識別情報（要求時のみ表示、書き出しには含めません）: </translation>
    </message>
    <message>
        <source>Cancelled: the B-scans analysed so far are kept</source>
        <translation>中止しました。ここまでに解析した B スキャンは保持します</translation>
    </message>
</context>
<context>
    <name>Worker</name>
    <message>
        <source>{0}: cannot load the model ({1})</source>
        <translation>{0}: モデルを読み込めません（{1}）</translation>
    </message>
    <message>
        <source>unexpected error: {0}</source>
        <translation>予期しないエラー: {0}</translation>
    </message>
</context>
</TS>

"""The words the bot uses in Slack, in English and Japanese (pure)."""

from __future__ import annotations

from typing import Any

from app.language import Language
from app.models import RatingLevel

_TEXTS: dict[str, tuple[str, str]] = {
    # progress
    "investigating": (":mag: Investigating… (ref `{ref}`)", ":mag: 調査中… (ref `{ref}`)"),
    "runbook": ("📖 runbook {id} — {title}", "📖 Runbook {id} — {title}"),
    "no_runbook": ("📖 no runbook matched", "📖 一致する Runbook はありません"),
    "continuing": ("↩️ continuing from ref `{ref}`", "↩️ ref `{ref}` の調査の続き"),
    "querying": ("… querying {label} ({step})", "… {label} を照会中 ({step})"),
    "verdict": ("⚖️ runbook verdict: {decision} (step {step})", "⚖️ Runbook の判定: {decision}（手順 {step}）"),
    "verdict_none": ("⚖️ no verdict case held", "⚖️ 成立した判定条件はありません"),
    "reasoning": ("🤖 reasoning over the evidence…", "🤖 証拠をもとに推論中…"),
    "agent_tool": ("… 🤖 querying {label}", "… 🤖 {label} を照会中"),
    # report
    "cause": ("Cause", "原因"),
    "investigation": ("Investigation", "調査内容"),
    "action": ("Recommended action", "推奨対応"),
    "evidence": ("Evidence", "証拠"),
    "earlier": ("Earlier findings", "これまでの調査結果"),
    "no_model": (
        "Produced without a model: evidence and the runbook's own guidance, no diagnosis.",
        "モデルなしで作成しました。収集した証拠と Runbook の手順のみで、診断は含みません。",
    ),
    "no_model_configured": ("No model is configured.", "モデルが設定されていません。"),
    "model_failed": ("The model failed ({error}).", "モデルの呼び出しに失敗しました ({error})。"),
    "blocked": ("Blocked tool calls (not executed)", "ブロックしたツール呼び出し（未実行）"),
    "folded": ("+{count:,} characters folded", "ほか {count:,} 文字を省略"),
    "more_steps": ("…and {count} more steps (ref `{ref}`)", "…ほか {count} ステップ (ref `{ref}`)"),
    "no_runbook_footer": ("no runbook matched", "一致する Runbook なし"),
    "tokens": ("{count:,} tokens", "{count:,} トークン"),
    "follows": ("follows `{ref}`", "`{ref}` の続き"),
    "failure": (
        ":x: The investigation failed (ref `{ref}`): {error}\n"
        "The job is in the dead-letter queue; quote the reference when you ask for help.",
        ":x: 調査に失敗しました (ref `{ref}`): {error}\n"
        "ジョブはデッドレターキューにあります。問い合わせの際はこの ref を伝えてください。",
    ),
    "resolved": (
        ":white_check_mark: Resolved: {title} — {after} after it fired. No new investigation (ref `{ref}`).",
        ":white_check_mark: 解消しました: {title} — 発報から {after}。新たな調査は行いません (ref `{ref}`)。",
    ),
    # the evidence report (no model)
    "alert": ("alert", "アラート"),
    "question": ("question", "質問"),
    "er_title_question": ("Question", "質問"),
    "er_unmatched_cause": (
        "No runbook matches this {subject}, and no model ran, so there is no diagnosis.",
        "この{subject}に一致する Runbook がなく、モデルも動いていないため、診断はありません。",
    ),
    "er_unmatched_action": (
        "Investigate by hand; consider writing a runbook for this {subject}.",
        "手動で調査してください。この{subject}向けの Runbook の作成を検討してください。",
    ),
    "er_matched_cause": (
        "Matches runbook {id} ({title}).",
        "Runbook {id}（{title}）に一致しました。",
    ),
    "er_no_model_read": (
        "No model ran: read the evidence below against the runbook's procedure.",
        "モデルは動いていません。以下の証拠を Runbook の手順と照らし合わせてください。",
    ),
    "er_matched_action": ("Follow the runbook.", "Runbook に従ってください。"),
    "no_model_verdict": (
        "Decided without a model, by the runbook's own rules (its facts and verdict cases).",
        "モデルなしで、Runbook 自身のルール（ファクトと判定条件）により判定しました。",
    ),
    "vr_none": (
        "Runbook {id} ({title}) matched, but none of its verdict cases held.",
        "Runbook {id}（{title}）に一致しましたが、どの判定条件も成立しませんでした。",
    ),
    "vr_missing": ("Data missing: {items}.", "不足しているデータ: {items}。"),
    "vr_action": ("{decision} — runbook step {step}: {text}", "{decision} — Runbook の手順 {step}: {text}"),
    "vr_unknown_action": (
        "No decision: check by hand, following the procedure. {procedure}",
        "判定できませんでした。手順に従って手動で確認してください。{procedure}",
    ),
    "vr_changes": ("It would be {decision} instead if: {when}.", "次の場合は {decision} になります: {when}。"),
    "vr_agree": (
        "The model agrees with the runbook's verdict ({decision}, step {step}).",
        "モデルの結論は Runbook の判定（{decision}、手順 {step}）と一致しています。",
    ),
    "vr_disagree": (
        "The runbook's verdict is {verdict} (step {step}: {cause}); the model says {model} because {reason}",
        "Runbook の判定は {verdict}（手順 {step}: {cause}）ですが、モデルは {model} と判断しました。理由: {reason}",
    ),
    "vr_model_skipped": (
        "The runbook's verdict was reached, so no model ran (setting: {policy}).",
        "Runbook の判定が得られたため、モデルは動かしていません（設定: {policy}）。",
    ),
    "vr_model_never": ("The model is not used (setting: never).", "モデルは使わない設定です（never）。"),
    "confidence": ("confidence {level}", "確度 {level}"),
    "step": ("step {step}", "手順 {step}"),
    "decision_close": ("Close", "クローズ"),
    "decision_monitor": ("Monitor", "経過観察"),
    "decision_escalate": ("Escalate", "エスカレーション"),
    "decision_act": ("Act", "対応"),
    "decision_unknown": ("No decision", "判定なし"),
    "er_follow_title": ("Follow-up: {question}", "続きの質問: {question}"),
    "er_follow_cause": (
        "No model ran, so this question is not answered. The earlier findings in this thread (ref {ref}) stand: "
        "{cause}",
        "モデルが動いていないため、この質問には回答していません。このスレッドの前回の調査結果 (ref {ref}) は"
        "次のとおりです: {cause}",
    ),
    # ratings
    "rating_better": ("Better than I would have done", "自分より良い"),
    "rating_same": ("As good as I would have done", "自分と同等"),
    "rating_partly": ("Partly useful", "一部役立った"),
    "rating_wrong": ("Wrong or useless", "誤り・役に立たない"),
    "no_ratings": ("*Ratings* · none yet — how did this reply do?",
                   "*評価* · まだありません。この回答はいかがでしたか？"),
    "ratings": ("*Ratings* ({count})", "*評価* ({count})"),
    "rate_detail": ("Rate in detail…", "詳しく評価…"),
    "modal_title": ("Rate this reply", "回答を評価"),
    "modal_submit": ("Save", "保存"),
    "modal_close": ("Cancel", "キャンセル"),
    "modal_intro": ("Reply `{ref}`. One rating per person; saving again changes yours.",
                    "回答 `{ref}`。評価は 1 人 1 件で、保存し直すと更新されます。"),
    "overall": ("Overall", "総合評価"),
    "accuracy": ("Accuracy", "正確さ"),
    "clarity": ("Clarity", "わかりやすさ"),
    "coverage": ("Coverage", "網羅性"),
    "comment": ("Comment (optional)", "コメント（任意）"),
    "score_1": ("1 — poor", "1 — 不十分"),
    "score_2": ("2 — fair", "2 — まずまず"),
    "score_3": ("3 — good", "3 — 良い"),
    "score_4": ("4 — excellent", "4 — 非常に良い"),
    "score_error": ("Choose a score from 1 to 4.", "1〜4 から選んでください。"),
    "level_error": ("Choose one of the four levels.", "4 段階から 1 つ選んでください。"),
    "stale_form": ("This form no longer matches a reply; rate with the buttons on the reply.",
                   "このフォームは回答と対応していません。回答のボタンで評価してください。"),
}


def text(key: str, language: Language = "en", **values: Any) -> str:
    """The text for ``key`` in ``language``, with ``values`` filled in.

    Raises:
        KeyError: No text has that key.
    """
    english, japanese = _TEXTS[key]
    template = japanese if language == "ja" else english
    return template.format(**values) if values else template


def level_label(level: RatingLevel | str, language: Language = "en") -> str:
    """The button label of a rating level."""
    return text(f"rating_{RatingLevel(level).value}", language)

"""The rating buttons, the tally under a report and the detail modal (pure: data in, Block Kit out, and back)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from app.language import Language
from app.models import Rating, RatingLevel
from app.slack.texts import level_label, text

RATINGS: tuple[tuple[str, str], ...] = tuple((level.value, level_label(level)) for level in RatingLevel)
RATE_ACTION_PREFIX = "rate_"
DETAIL_ACTION = "rate_detail"
MODAL_CALLBACK = "rating_detail"
SCORES = ("accuracy", "clarity", "coverage")
_LEVEL_ICON = {"better": "🌟", "same": "👍", "partly": "🤏", "wrong": "👎"}
_MAX_NAMES = 8
_SCORE_VALUES = frozenset({"1", "2", "3", "4"})

COMMENT_MAX_CHARS = 2000  # a rating comment's length limit, in the modal and when reading a submission


@dataclass(frozen=True)
class RatedMessage:
    """Where a rated report lives; carried through the modal in ``private_metadata``."""

    record_id: str
    channel: str
    ts: str
    thread_ts: str
    language: Language = "en"


class SubmissionError(Exception):
    """The modal submission is not a valid rating; ``errors`` maps block ids to messages for Slack."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))
        self.errors = errors


def rating_actions(record_id: str, language: Language = "en") -> dict[str, Any]:
    """Four rating buttons carrying the record's reference id."""
    return {
        "type": "actions",
        "block_id": f"rate:{record_id}",
        "elements": [
            {
                "type": "button",
                "action_id": f"{RATE_ACTION_PREFIX}{level.value}",
                "text": {"type": "plain_text", "text": level_label(level, language)},
                "value": record_id,
            }
            for level in RatingLevel
        ],
    }


def rating_tally(record_id: str, ratings: Sequence[Rating], language: Language = "en") -> dict[str, Any]:
    """The current ratings (who chose what) and a button that opens the detail modal."""
    if not ratings:
        summary = text("no_ratings", language)
    else:
        parts = [text("ratings", language, count=len(ratings))]
        for level in RatingLevel:
            people = sorted(rating.user for rating in ratings if rating.level is level)
            if people:
                names = " ".join(f"<@{user}>" for user in people[:_MAX_NAMES])
                more = f" +{len(people) - _MAX_NAMES}" if len(people) > _MAX_NAMES else ""
                parts.append(f"{_LEVEL_ICON[level.value]} {level_label(level, language)} ×{len(people)}: {names}{more}")
        summary = " · ".join(parts)
    return {
        "type": "section",
        "block_id": f"tally:{record_id}",
        "text": {"type": "mrkdwn", "text": summary[:3000]},
        "accessory": {
            "type": "button",
            "action_id": DETAIL_ACTION,
            "text": {"type": "plain_text", "text": text("rate_detail", language)},
            "value": record_id,
        },
    }


def rating_modal(target: RatedMessage) -> dict[str, Any]:
    """The optional detail modal: overall level, accuracy, clarity and coverage (1–4) and a comment."""
    language = target.language
    level_options = [_option(level_label(level, language), level.value) for level in RatingLevel]
    score_options = [_option(text(f"score_{n}", language), str(n)) for n in range(1, 5)]
    blocks: list[dict[str, Any]] = [
        {"type": "context", "elements": [_mrkdwn(text("modal_intro", language, ref=target.record_id))]},
        _input("level", text("overall", language), {"type": "radio_buttons", "options": level_options}),
        *(
            _input(name, text(name, language), {"type": "static_select", "options": score_options})
            for name in SCORES
        ),
        _input(
            "comment",
            text("comment", language),
            {"type": "plain_text_input", "multiline": True, "max_length": COMMENT_MAX_CHARS},
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "private_metadata": json.dumps(target.__dict__),
        "title": {"type": "plain_text", "text": text("modal_title", language)},
        "submit": {"type": "plain_text", "text": text("modal_submit", language)},
        "close": {"type": "plain_text", "text": text("modal_close", language)},
        "blocks": blocks,
    }


def rated_message(view: dict[str, Any]) -> RatedMessage:
    """The report a submitted modal is about, from its ``private_metadata``.

    Raises:
        SubmissionError: The metadata is missing or malformed.
    """
    try:
        meta = json.loads(str(view.get("private_metadata") or ""))
        target = RatedMessage(**meta)
    except (ValueError, TypeError) as exc:
        raise SubmissionError({"level": text("stale_form")}) from exc
    if not (target.record_id and target.channel and target.ts):
        raise SubmissionError({"level": text("stale_form", target.language)})
    return target


def read_submission(view: dict[str, Any], target: RatedMessage, user: str, rated_at: float) -> Rating:
    """The rating a person submitted in the modal.

    Raises:
        SubmissionError: A level or score is missing or out of range (Slack shows the messages in the modal).
    """
    values: dict[str, Any] = (view.get("state") or {}).get("values") or {}
    chosen = {name: _selected(values, name) for name in ("level", *SCORES)}
    errors: dict[str, str] = {}
    if chosen["level"] not in {level.value for level in RatingLevel}:
        errors["level"] = text("level_error", target.language)
    errors.update({name: text("score_error", target.language) for name in SCORES if chosen[name] not in _SCORE_VALUES})
    comment = str((values.get("comment") or {}).get("comment", {}).get("value") or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:  # Slack's own limit holds in its client, not in a forged submission
        errors["comment"] = text("comment_error", target.language, limit=COMMENT_MAX_CHARS)
    if errors:
        raise SubmissionError(errors)
    try:
        return Rating(
            record_id=target.record_id,
            user=user,
            level=RatingLevel(chosen["level"]),
            rated_at=rated_at,
            comment=comment or None,
            **{name: int(chosen[name]) for name in SCORES},
        )
    except ValidationError as exc:
        raise SubmissionError({"level": text("stale_form", target.language)}) from exc


def _selected(values: dict[str, Any], block_id: str) -> str:
    state = (values.get(block_id) or {}).get(block_id) or {}
    option = state.get("selected_option") or {}
    return str(option.get("value") or "")


def _mrkdwn(value: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": value}


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label}, "value": value}


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {**element, "action_id": block_id},
    }

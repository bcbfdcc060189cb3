"""Rating buttons, the tally under a report, and the detail modal (built and read back)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.models import Rating, RatingLevel
from app.slack.rating_blocks import (
    RatedMessage,
    SubmissionError,
    rated_message,
    rating_actions,
    rating_modal,
    rating_tally,
    read_submission,
)

TARGET = RatedMessage("tri-0123456789ab", "C0ALERTS", "1700000000.000200", "1700000000.000100")


def rating(user: str, level: str, at: float = 1.0) -> Rating:
    return Rating(record_id="tri-0123456789ab", user=user, level=RatingLevel(level), rated_at=at)


def submitted(level: str | None = "partly", scores: tuple[str | None, ...] = ("4", "3", "2"), comment: str = "ok"):
    values: dict[str, Any] = {"comment": {"comment": {"type": "plain_text_input", "value": comment}}}
    if level is not None:
        values["level"] = {"level": {"type": "radio_buttons", "selected_option": {"value": level}}}
    for name, value in zip(("accuracy", "clarity", "coverage"), scores, strict=True):
        state = {"type": "static_select", "selected_option": {"value": value} if value is not None else None}
        values[name] = {name: state}
    return {"private_metadata": json.dumps(TARGET.__dict__), "state": {"values": values}}


def test_japanese_buttons_keep_their_action_ids_and_values() -> None:
    actions = rating_actions("tri-1", "ja")
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in actions["elements"]] == [
        ("rate_better", "tri-1", "自分より良い"),
        ("rate_same", "tri-1", "自分と同等"),
        ("rate_partly", "tri-1", "一部役立った"),
        ("rate_wrong", "tri-1", "誤り・役に立たない"),
    ]


def test_tally_without_ratings_invites_one_and_offers_the_modal() -> None:
    tally = rating_tally("tri-1", [])
    assert tally["text"]["text"] == "*Ratings* · none yet — how did this reply do?"
    assert (tally["accessory"]["action_id"], tally["accessory"]["value"]) == ("rate_detail", "tri-1")


def test_tally_shows_who_chose_what() -> None:
    ratings = [rating("U2", "same"), rating("U1", "same"), rating("U3", "wrong")]
    assert rating_tally("tri-1", ratings)["text"]["text"] == (
        "*Ratings* (3) · 👍 As good as I would have done ×2: <@U1> <@U2> · 👎 Wrong or useless ×1: <@U3>"
    )


def test_tally_caps_the_names_it_lists() -> None:
    ratings = [rating(f"U{n:02d}", "better") for n in range(11)]
    text = rating_tally("tri-1", ratings)["text"]["text"]
    assert "×11" in text
    assert text.endswith("<@U07> +3")


def test_modal_carries_the_target_and_asks_four_questions() -> None:
    view = rating_modal(TARGET)

    assert view["callback_id"] == "rating_detail"
    assert json.loads(view["private_metadata"])["record_id"] == "tri-0123456789ab"
    assert len(view["title"]["text"]) <= 24
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [(b["block_id"], b["element"]["type"], b["optional"]) for b in inputs] == [
        ("level", "radio_buttons", False),
        ("accuracy", "static_select", False),
        ("clarity", "static_select", False),
        ("coverage", "static_select", False),
        ("comment", "plain_text_input", True),
    ]
    assert [o["value"] for o in inputs[1]["element"]["options"]] == ["1", "2", "3", "4"]


def test_submission_becomes_a_rating() -> None:
    view = submitted()
    got = read_submission(view, rated_message(view), "U0ALICE", 1700000100.0)
    assert got == Rating(
        record_id="tri-0123456789ab", user="U0ALICE", level=RatingLevel.PARTLY, accuracy=4, clarity=3, coverage=2,
        comment="ok", rated_at=1700000100.0,
    )


def test_empty_comment_is_no_comment() -> None:
    view = submitted(comment="   ")
    assert read_submission(view, rated_message(view), "U0ALICE", 1.0).comment is None


@pytest.mark.parametrize(
    ("view", "errors"),
    [
        (submitted(level=None), {"level"}),
        (submitted(level="superb"), {"level"}),
        (submitted(scores=("5", "3", "2")), {"accuracy"}),
        (submitted(scores=(None, "0", "12")), {"accuracy", "clarity", "coverage"}),
    ],
    ids=["no-level", "unknown-level", "score-5", "scores-missing-0-12"],
)
def test_invalid_submissions_name_the_fields(view: dict[str, Any], errors: set[str]) -> None:
    with pytest.raises(SubmissionError) as raised:
        read_submission(view, rated_message(view), "U0ALICE", 1.0)
    assert set(raised.value.errors) == errors


@pytest.mark.parametrize("metadata", ["", "not json", "[1]", '{"record_id": ""}', '{"record_id": "x", "extra": 1}'])
def test_a_form_that_names_no_report_is_refused(metadata: str) -> None:
    with pytest.raises(SubmissionError) as raised:
        rated_message({"private_metadata": metadata})
    assert "no longer matches a reply" in raised.value.errors["level"]


def test_errors_are_in_the_reply_language() -> None:
    target = RatedMessage("tri-1", "C1", "1.0", "1.0", "ja")
    view = {"private_metadata": json.dumps(target.__dict__), "state": {"values": {}}}
    with pytest.raises(SubmissionError) as raised:
        read_submission(view, target, "U1", 1.0)
    assert raised.value.errors["accuracy"] == "1〜4 から選んでください。"

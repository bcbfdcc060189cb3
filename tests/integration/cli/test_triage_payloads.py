"""``aiops triage @FILE`` accepts every realistic payload in tests/fixtures/slack and shows the normalised input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.alerts import normalise
from app.cli import main

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "slack"
ALERTS = sorted(
    path.name for path in FIXTURES.glob("*.json") if not path.name.startswith(("block_", "view_", "question", "follow"))
)


pytestmark = pytest.mark.usefixtures("aiops_env")


def test_every_fixture_is_covered() -> None:
    assert len(list(FIXTURES.glob("*.json"))) == len(ALERTS) + 6
    assert len(ALERTS) == 13


@pytest.mark.parametrize("name", ALERTS)
def test_each_alert_payload_shows_the_normalised_alert(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    event = json.loads((FIXTURES / name).read_text(encoding="utf-8"))["event"]

    assert main(["triage", f"@{FIXTURES / name}"]) == 0

    out = capsys.readouterr().out
    summary = out.split("\n\n", 1)[0].splitlines()
    assert summary[0] == "Normalised alert"
    resolved = any(word in name for word in ("resolved", "recovered", "_ok"))
    assert summary[3].startswith(f"  status:   {'resolved' if resolved else 'firing'} · severity: ")
    if resolved:
        assert out.rstrip().endswith("resolved, no earlier investigation")
    else:
        assert "[ Better than I would have done ]" in out
    assert summary[1] == f"  title:    {normalise(event).title}"  # parsed exactly as the ingress parses it


@pytest.mark.parametrize(
    ("name", "runbook"),
    [
        ("plain_text_webhook.json", "jobs-004"),
        ("alertmanager_firing.json", "ecs-002"),
        ("datadog_triggered.json", "ecs-001"),
        ("grafana_firing.json", "jobs-004"),
        ("rich_text_message.json", "ecs-001"),
        ("pagerduty_triggered.json", None),
    ],
)
def test_alert_payloads_match_their_runbooks(
    name: str, runbook: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["triage", f"@{FIXTURES / name}", "--json"]) == 0

    view = json.loads(capsys.readouterr().out)
    assert (view["runbook"] or {}).get("id") == runbook
    assert view["outcome"]["status"] == "ok"
    assert view["input"]["alert"]["title"]


def test_questions_show_the_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", f"@{FIXTURES / 'question_in_thread.json'}"]) == 0
    assert capsys.readouterr().out.startswith(
        "Question (in a thread): job 16852990 failed and the UI shows no logs — why?\n\n"
    )

    assert main(["triage", f"@{FIXTURES / 'question_japanese.json'}"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Question (top level): ジョブ 16852990 が失敗して")
    assert "== 質問 ==" in out

    assert main(["triage", f"@{FIXTURES / 'followup_question.json'}", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert (view["input"]["kind"], view["input"]["in_thread"]) == ("question", True)


def test_a_rating_click_shows_the_rating_it_would_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", f"@{FIXTURES / 'block_actions_rating.json'}"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("Rating of tri-5f3c2a9b1d7e by U04HANAKO01: same\n")
    assert "rated (1 rating) (ref tri-5f3c2a9b1d7e)" in out


def test_a_modal_submission_shows_the_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", f"@{FIXTURES / 'view_submission_rating.json'}", "--json"]) == 0

    view = json.loads(capsys.readouterr().out)
    rating = view["input"]["rating"]
    assert (rating["level"], rating["accuracy"], rating["clarity"], rating["coverage"]) == ("partly", 4, 3, 2)
    assert view["outcome"] == {"reference": "tri-5f3c2a9b1d7e", "status": "rated (1 rating)"}


def test_the_detail_button_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", f"@{FIXTURES / 'block_actions_detail.json'}"]) == 0
    assert capsys.readouterr().out.strip() == (
        "the ingress opens the rating modal (views.open) for tri-5f3c2a9b1d7e; no job starts"
    )


def test_an_invalid_modal_submission_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = json.loads((FIXTURES / "view_submission_rating.json").read_text(encoding="utf-8"))
    payload["view"]["state"]["values"]["coverage"]["coverage"]["selected_option"]["value"] = "7"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(payload), encoding="utf-8")

    assert main(["triage", f"@{path}"]) == 1
    assert capsys.readouterr().err.strip() == (
        "aiops triage: the view_submission payload would be refused: coverage: Choose a score from 1 to 4."
    )


def test_broken_json_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"type": "block_actions", ', encoding="utf-8")

    assert main(["triage", f"@{path}"]) == 1
    assert "input looks like JSON but does not parse" in capsys.readouterr().err

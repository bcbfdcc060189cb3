"""The model as tie-breaker among close lexical candidates; the lexical result stands otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from strands.models import Model

from app.agent.scripted import ScriptedModel
from app.models import Alert
from app.runbooks.catalog import Catalog
from app.runbooks.model import MatchRule, Runbook
from app.runbooks.tiebreak import choice_prompt, close_candidates, select_runbook

QUOTA = Runbook(id="quota-full", title="Namespace quota almost full", tags=("quota", "namespace"),
                body="## Procedure\nSECRET-PROCEDURE-TEXT\n\n## Sample alert\nNamespace team-a uses 95% of its quota")
OVERCOMMIT = Runbook(id="quota-overcommit", title="Namespace quota overcommitted", tags=("quota", "namespace"),
                     body="## Sample alert\nQuota of namespace team-b overcommitted")
OTHER = Runbook(id="disk", title="Disk full", tags=("disk",))
RULED = Runbook(id="ruled", title="Namespace quota rule", match=(MatchRule(regex="quota"),))
ALERT = Alert(text="namespace quota almost overcommitted")


def scripted(tmp_path: Path, answer: str) -> ScriptedModel:
    script = tmp_path / "choice.yaml"
    script.write_text(f"turns:\n  - structured: {{runbook_id: {answer}}}\n    structured_tool: RunbookChoice\n",
                      encoding="utf-8")
    return ScriptedModel.from_file(script)


@pytest.fixture
def catalog() -> Catalog:
    return Catalog((QUOTA, OVERCOMMIT, OTHER), min_score=0.5)


def test_close_candidates_go_to_the_model_and_its_choice_is_recorded(catalog: Catalog, tmp_path: Path) -> None:
    assert [match.runbook.id for match in close_candidates(catalog.rank(ALERT))] == ["quota-overcommit", "quota-full"]
    model = scripted(tmp_path, "quota-full")

    selection = select_runbook(catalog, ALERT, lambda: model)

    assert selection.runbook == QUOTA
    assert selection.note == ("Runbook quota-full chosen by the model among close candidates "
                              "(quota-overcommit, quota-full); lexical first was quota-overcommit.")


@pytest.mark.parametrize("answer", ["none", "disk", "made-up"])
def test_an_answer_that_is_not_a_candidate_leaves_the_lexical_first(
    catalog: Catalog, tmp_path: Path, answer: str
) -> None:
    selection = select_runbook(catalog, ALERT, lambda: scripted(tmp_path, answer))

    assert (selection.runbook, selection.note) == (OVERCOMMIT, "")


def test_a_failing_model_or_none_leaves_the_lexical_first(catalog: Catalog) -> None:
    def broken() -> Model:
        raise RuntimeError("model endpoint down")

    assert select_runbook(catalog, ALERT, broken).runbook == OVERCOMMIT
    assert select_runbook(catalog, ALERT, lambda: None).runbook == OVERCOMMIT
    assert select_runbook(catalog, ALERT, None).runbook == OVERCOMMIT


def test_a_rule_match_or_a_clear_first_is_never_put_to_the_model(catalog: Catalog) -> None:
    asked: list[int] = []

    def counting() -> Model | None:
        asked.append(1)
        return None

    ruled = Catalog((RULED, OVERCOMMIT, QUOTA), min_score=0.5)
    assert select_runbook(ruled, ALERT, counting).runbook == RULED
    assert select_runbook(catalog, Alert(text="disk full on db-1"), counting).runbook == OTHER
    assert asked == []


def test_the_model_sees_titles_and_sample_alerts_only(catalog: Catalog) -> None:
    prompt = choice_prompt(ALERT, close_candidates(catalog.rank(ALERT)))

    assert '<candidate id="quota-full">' in prompt and "title: Namespace quota overcommitted" in prompt
    assert "sample alert: Namespace team-a uses 95% of its quota" in prompt
    assert "SECRET-PROCEDURE-TEXT" not in prompt
    assert "namespace quota almost overcommitted" in prompt

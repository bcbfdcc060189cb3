"""The offline demo runs the real ingress and worker against the local Slack fake."""

from pathlib import Path

import pytest

from app.config import Settings
from app.demo import run_demo

REPO = Path(__file__).resolve().parents[3]


def _run(tmp_path: Path, **overrides: object) -> str:
    lines: list[str] = []
    settings = Settings(runbooks=str(REPO / "runbooks"), state_dir=tmp_path, **overrides)  # type: ignore[arg-type]
    assert run_demo(settings, out=lines.append) == 0
    return "\n".join(lines)


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The output of one demo run without a model, shared by the tests that only read it."""
    return _run(tmp_path_factory.mktemp("demo"))


def test_demo_without_model_shows_five_threads_with_evidence_reports(offline: str) -> None:
    output = offline
    assert "No model is configured" in output
    assert "url_verification → HTTP 200" in output
    assert "Slack retry → HTTP 200 (no second investigation)" in output
    assert "forged signature → HTTP 401" in output
    assert "8 investigations" in output  # seven first replies (one by shortcut) and a follow-up; not the resolved note
    assert "== Job succeeded but a task has no started_at ==" in output
    assert "No runbook matches this alert" in output
    assert output.count("[ Better than I would have done ]") == 8
    assert "investigation failed" not in output


def test_demo_thread_shows_follow_up_resolution_and_ratings(offline: str) -> None:
    output = offline
    health = output.split("─" * 78)[1]

    assert "follow-up question in the alert's thread → HTTP 200" in output
    assert "== Follow-up: did this happen on the previous run as well? ==" in health
    first_ref = health.split("ref `", 1)[1].split("`", 1)[0]
    assert f"follows `{first_ref}`" in health
    assert f"— 25 min after it fired. No new investigation (ref `{first_ref}`)." in health
    assert "*Ratings* (2) · 🌟 Better than I would have done ×2: <@U0ALICE> <@U0BOB>" in health  # alice changed hers


def test_demo_with_a_scripted_model_runs_the_agent(tmp_path: Path) -> None:
    script = tmp_path / "script.yaml"
    script.write_text(
        "turns:\n"
        "  - structured: {title: Scripted verdict, cause: late started_at write, findings: [],"
        " recommended_action: close, decision: close, confidence: high}\n"
        "repeat_last: true\n",
        encoding="utf-8",
    )
    output = _run(tmp_path, model=f"scripted:{script}")
    assert output.count("== Scripted verdict ==") == 8  # seven first replies (one by shortcut) and the follow-up
    assert "Produced without a model" not in output


def test_demo_world_gives_real_evidence_for_the_three_incidents(offline: str) -> None:
    threads = offline.split("─" * 78)
    health = next(t for t in threads if "== Job succeeded but a task has no started_at ==" in t)
    pull = next(t for t in threads if "== ECS task failed with CannotPullContainerError ==" in t)
    oom = next(t for t in threads if "== ECS task killed for running out of memory ==" in t)
    # jobs API: the task with no started_at; Cloud Logging: the container ran; CloudWatch Logs: the checker's error
    assert '"name": "normal-4", "job_id": "16852935", "status": "succeeded", "started_at": null' in health
    assert "✓ *task-logs* `cloud_logging_query` 3 log entries" in health
    assert "started_at has no value tasks:normal-4" in health
    # the job, its stopped ECS task (moto) and the image in ECR
    assert "no matching manifest for linux/amd64" in pull
    assert '✓ *stopped-task* `aws_read` ecs.describe_tasks in us-east-1: {"tasks":[{' in pull
    assert '"repositoryName":"feature-backfill"' in pull
    assert "OutOfMemoryError: Container killed due to memory usage" in oom
    assert '✓ *stopped-task* `aws_read` ecs.describe_tasks in us-east-1: {"tasks":[{' in oom
    assert "✓ *memory* `aws_logs_insights` 2 rows" in oom
    assert "✗" not in health + pull + oom  # no evidence step failed


def test_demo_shows_the_shortcut_the_command_a_draft_and_the_app_home(offline: str) -> None:
    output = offline
    shortcut = output.split('"Investigate with the bot" on bob\'s message → HTTP 200')[1].split("─" * 78)[1]
    assert "seeing `started_at has no value tasks:normal-4` again" in shortcut
    assert "== Job succeeded but a task has no started_at ==" in shortcut
    assert "(only alice sees) ❔ No runbook would answer" in output
    assert "📎 draft-disk-usage-91-on-bastion-2.md" in output
    assert "| - regex: Disk\\ usage\\ \\d+%\\ on\\ bastion" in output
    home = output.split("views.publish shows her:")[1]
    assert "*Latest investigations in your channels*" in home
    assert "`jobs-004` 2 · 100% as good or better · 🌟2" in home
    assert "×1 Disk usage 91% on bastion-2 (/var) for 10 minutes" in home


def test_demo_question_finds_its_runbook_through_the_job_it_names(offline: str) -> None:
    threads = offline.split("─" * 78)
    question = next(t for t in threads if "job 123 failed and the UI shows no logs" in t)

    assert ":compass: job 123 → backfill exit_reason: CannotPullContainerError: no matching manifest" in question
    assert "→ runbook ecs-001 → close (step 2)" in question
    assert "no manifest for linux/amd64" in question
    assert "Decided without a model" in question


def test_demo_approves_one_retry_that_runs_once_and_is_verified(offline: str) -> None:
    output = offline
    retry = next(t for t in output.split("─" * 78) if "job 5521 —" in t)

    assert "U0ONCALL1 approves the proposed retry → HTTP 200" in output
    assert "*Proposed action* — Retry the job once" in retry
    assert '`jobs_retry_job {"job_id": "5521"}`' in retry
    assert "`retry-job` approved: approved by <@U0ONCALL1>; running `jobs_retry_job` once." in retry
    assert "`retry-job` verified: verification" in retry

"""Draft a runbook from an investigation that matched none, and share it as a file in the thread.

Without a model the draft is the skeleton (`app.runbooks.draft`). With one, a single model call completes the
skeleton; a completion that does not parse as a runbook, or a model that fails, leaves the skeleton, and the
message says why. Nothing is written to GitHub: the team reviews the file and commits it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.models import Job, TriageRecord
from app.runbooks.draft import draft_id, problems_of, skeleton
from app.slack.draft_blocks import draft_comment, unknown_record_text
from app.slack.poster import Poster, TextUpload
from app.storage.triage import TriageStore
from tools.redact import redact

if TYPE_CHECKING:
    from strands.models import Model
    from strands.types.content import Messages

logger = logging.getLogger(__name__)

DRAFT_TIMEOUT_SECONDS = 120.0
_FENCE = re.compile(r"^```(?:markdown|md)?\s*\n(.*?)\n```\s*$", re.DOTALL)
_SYSTEM = (
    "You write runbooks for on-call engineers. Complete the draft you are given: keep its YAML front matter "
    "keys and format, keep the match rule and the evidence steps, write Background and Procedure from what the "
    "investigation found, and leave verdicts for the team when the evidence does not justify one. Return only "
    "the Markdown file, starting with the '---' line."
)


def draft_into_thread(job: Job, slack: Poster, store: TriageStore, model: Callable[[], Model | None]) -> str:
    """Draft from the record the button names and upload it to the job's thread; returns a short status.

    Raises:
        SlackPostError: Slack refused the file (the job is retried, then dead-lettered).
    """
    reference = job.request.record_id if job.request else ""
    record = store.get(reference)
    if record is None:
        slack.post(job.channel, job.thread_ts, unknown_record_text(reference))
        return "draft: unknown report"
    text, how = drafted(record, model)
    runbook_id = draft_id(record)
    upload = TextUpload(
        filename=f"{runbook_id}.md", content=text, title=f"Draft runbook: {runbook_id}",
        comment=draft_comment(record.id, how, runbook_id),
    )
    slack.upload_text(job.channel, job.thread_ts, upload)
    return f"draft uploaded ({how})"


def drafted(record: TriageRecord, model: Callable[[], Model | None]) -> tuple[str, str]:
    """The draft's Markdown and how it was made."""
    base = skeleton(record)
    chosen = model()
    if chosen is None:
        return base, "a skeleton: no model is configured"
    try:
        completed = asyncio.run(complete_with_model(chosen, base))
    except Exception as exc:  # the model is a nicety here: the skeleton is still worth sharing
        logger.warning("the model could not draft a runbook from %s: %s", record.id, exc)
        return base, f"a skeleton: the model failed ({type(exc).__name__})"
    problems = problems_of(completed, f"{draft_id(record)}.md")
    if problems:
        return base, f"a skeleton: the model's draft was not a valid runbook ({problems[0][:200]})"
    return completed, "drafted by the model from the skeleton; check every claim"


async def complete_with_model(model: Model, base: str, timeout: float = DRAFT_TIMEOUT_SECONDS) -> str:
    """Exactly one model call, without tools, that completes the skeleton; the text without a surrounding fence.

    Raises:
        TimeoutError: The model did not answer within ``timeout`` seconds.
    """
    messages: Messages = [{"role": "user", "content": [{"text": redact(f"Complete this runbook draft:\n\n{base}")}]}]
    parts: list[str] = []

    async def read() -> None:
        async for event in model.stream(messages, None, _SYSTEM):
            delta = (event.get("contentBlockDelta") or {}).get("delta") or {}
            if "text" in delta:
                parts.append(str(delta["text"]))

    await asyncio.wait_for(read(), timeout)
    answer = "".join(parts).strip()
    fenced = _FENCE.match(answer)
    return (fenced.group(1) if fenced else answer).strip() + "\n"

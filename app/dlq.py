"""Dead letters: the worker's failed asynchronous invocations, read from their queue and re-invoked on request.

Lambda writes one SQS message per failed invocation (an on-failure destination record): the job it was given
(``requestPayload``), why it failed (``responseContext``, ``responsePayload``) and the delivery condition. A
message is deleted only after the worker accepted the job again; everything else goes back to the queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_sqs import SQSClient

# How long received messages stay hidden from other readers while they are inspected and re-invoked.
INSPECT_SECONDS = 120
_BATCH = 10  # SQS's maximum per ReceiveMessage call
_ACCEPTED = 202  # Lambda's answer to an asynchronous invocation it queued


class DeadLetterError(Exception):
    """The queue cannot be read."""


@dataclass(frozen=True)
class DeadLetter:
    """One dead-lettered invocation; ``payload`` is None when the message is not a Lambda failure record."""

    message_id: str
    receipt_handle: str
    payload: dict[str, Any] | None
    condition: str = ""
    error: str = ""
    failed_at: str = ""

    def describe(self) -> str:
        """One line: when, what job, and why it failed."""
        if self.payload is None:
            return f"{self.message_id}: not a Lambda failure record ({self.error})"
        job = self.payload
        what = f"{job.get('kind', '?')} event {job.get('event_id', '?')} in {job.get('channel', '?')}"
        return f"{self.message_id}: {self.failed_at} {what}: {self.condition or 'failed'}: {self.error or '-'}"


@dataclass(frozen=True)
class Replayed:
    """What happened to one dead letter."""

    letter: DeadLetter
    status: str  # would replay | replayed | kept: <reason>

    @property
    def ok(self) -> bool:
        """False when the letter could not be replayed and stays in the queue."""
        return not self.status.startswith("kept")


def parse_letter(message_id: str, receipt_handle: str, body: str) -> DeadLetter:
    """A dead letter from an SQS message body; anything unreadable keeps its reason and no payload."""
    try:
        record = json.loads(body)
    except json.JSONDecodeError as exc:
        return DeadLetter(message_id, receipt_handle, None, error=f"body is not JSON: {exc.msg}")
    payload = record.get("requestPayload") if isinstance(record, dict) else None
    if not isinstance(payload, dict):
        return DeadLetter(message_id, receipt_handle, None, error="no requestPayload object")
    response = record.get("responsePayload")
    error = ""
    if isinstance(response, dict):
        error = f"{response.get('errorType', 'Error')}: {response.get('errorMessage', '')}".strip()
    context = record.get("requestContext") if isinstance(record.get("requestContext"), dict) else {}
    return DeadLetter(
        message_id, receipt_handle, payload, condition=str(context.get("condition", "")), error=error,
        failed_at=str(record.get("timestamp", "")),
    )


def receive(sqs: SQSClient, queue_url: str, limit: int) -> list[DeadLetter]:
    """Up to ``limit`` dead letters, hidden from other readers for ``INSPECT_SECONDS``.

    Raises:
        DeadLetterError: The queue cannot be read.
    """
    letters: list[DeadLetter] = []
    while len(letters) < limit:
        try:
            response = sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=min(_BATCH, limit - len(letters)),
                VisibilityTimeout=INSPECT_SECONDS, WaitTimeSeconds=0,
            )
        except (ClientError, BotoCoreError) as exc:
            raise DeadLetterError(f"cannot read dead letters from {queue_url}: {exc}") from exc
        messages = response.get("Messages", [])
        if not messages:
            break
        letters += [parse_letter(m["MessageId"], m["ReceiptHandle"], m.get("Body", "")) for m in messages]
    return letters


def replay(
    letters: Iterable[DeadLetter], *, sqs: SQSClient, queue_url: str, lambda_client: LambdaClient, function: str,
    dry_run: bool,
) -> list[Replayed]:
    """Re-invoke each letter's job on ``function`` and delete the letter; a dry run only releases them."""
    results = []
    for letter in letters:
        if dry_run or letter.payload is None:
            status = "would replay" if letter.payload is not None else "kept: not a Lambda failure record"
            _release(sqs, queue_url, letter)
            results.append(Replayed(letter, status))
            continue
        results.append(_replay_one(letter, sqs=sqs, queue_url=queue_url, lambda_client=lambda_client,
                                   function=function))
    return results


def _replay_one(
    letter: DeadLetter, *, sqs: SQSClient, queue_url: str, lambda_client: LambdaClient, function: str
) -> Replayed:
    try:
        response = lambda_client.invoke(
            FunctionName=function, InvocationType="Event", Payload=json.dumps(letter.payload).encode()
        )
    except (ClientError, BotoCoreError) as exc:
        _release(sqs, queue_url, letter)
        return Replayed(letter, f"kept: cannot invoke {function}: {exc}")
    if response.get("StatusCode") != _ACCEPTED:
        _release(sqs, queue_url, letter)
        return Replayed(letter, f"kept: {function} answered {response.get('StatusCode')}")
    try:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=letter.receipt_handle)
    except (ClientError, BotoCoreError) as exc:
        return Replayed(letter, f"replayed, but not deleted (it will show again): {exc}")
    return Replayed(letter, "replayed")


def _release(sqs: SQSClient, queue_url: str, letter: DeadLetter) -> None:
    try:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=letter.receipt_handle, VisibilityTimeout=0)
    except (ClientError, BotoCoreError):
        return  # it shows again when INSPECT_SECONDS have passed


def report_lines(results: Iterable[Replayed], dry_run: bool) -> list[str]:
    """The command's output: one line per letter, then a count."""
    results = list(results)
    lines = [f"{result.status}: {result.letter.describe()}" for result in results]
    done = sum(result.ok for result in results)
    verb = "would be replayed" if dry_run else "replayed"
    lines.append(f"{len(results)} dead letter{'' if len(results) == 1 else 's'}: {done} {verb}, "
                 f"{len(results) - done} kept in the queue")
    return lines


def replay_command(
    *, queue_url: str, function: str, limit: int, dry_run: bool, sqs: SQSClient, lambda_client: LambdaClient
) -> int:
    """``aiops dlq replay``: print every letter and what became of it; 1 when any stays in the queue."""
    try:
        letters = receive(sqs, queue_url, limit)
    except DeadLetterError as exc:
        print(f"aiops dlq replay: {exc}")
        return 1
    results = replay(letters, sqs=sqs, queue_url=queue_url, lambda_client=lambda_client, function=function,
                     dry_run=dry_run)
    print("\n".join(report_lines(results, dry_run)))
    return 0 if all(result.ok for result in results) else 1

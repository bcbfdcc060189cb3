"""moto's DynamoDB made atomic per write, as the real service is.

moto evaluates a ``ConditionExpression`` and then writes, without a lock, so two threads can both pass the same
condition. DynamoDB applies every conditional write atomically; tests and benchmarks that race real threads
against moto use `atomic_writes` so that the fake keeps that guarantee.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


@contextmanager
def atomic_writes() -> Iterator[None]:
    """Within the block, moto applies one DynamoDB write at a time (reads are not held up)."""
    lock = threading.RLock()
    originals = {name: getattr(DynamoDBBackend, name) for name in _WRITES}
    for name, original in originals.items():
        setattr(DynamoDBBackend, name, _serialised(original, lock))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(DynamoDBBackend, name, original)


def _serialised(method: Callable[..., Any], lock: threading.RLock) -> Callable[..., Any]:
    @wraps(method)
    def write(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return method(*args, **kwargs)

    return write

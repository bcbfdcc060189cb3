"""Building the model for one investigation: a model that cannot be built is a fallback, not a failure."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from tools.redact import redact

if TYPE_CHECKING:
    from strands.models import Model

logger = logging.getLogger(__name__)


def built_model(factory: Callable[[], Model | None]) -> tuple[Model | None, str]:
    """The model from ``factory``, or None with why it could not be built (redacted; empty when none is set)."""
    try:
        return factory(), ""
    except Exception as exc:  # a bad spec, a missing SDK, an unreachable endpoint: answer from the evidence
        logger.exception("the model could not be built")
        return None, redact(f"{type(exc).__name__}: {exc}")

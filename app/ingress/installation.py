"""The bot's own installation: its ids from ``auth.test`` (learned once), and which events belong to it.

Bolt learns the bot's ids itself on the first request, but when ``auth.test`` fails it answers Slack 200 and
runs no listener: the alert is lost and Slack does not retry. Here the ids are fetched by an ``authorize``
function that raises when Slack cannot be asked, so Bolt answers 500 and Slack retries the event later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

logger = logging.getLogger(__name__)


class IdentityUnavailableError(Exception):
    """``auth.test`` failed: the bot's own ids are unknown, so no event can be classified safely."""


class Installation:
    """The workspace and app the bot is installed in, and its bot ids (``auth.test``, cached once it succeeds)."""

    def __init__(self, client: WebClient, app_id: str = "") -> None:
        self._client = client
        self.app_id = app_id
        self._result: AuthorizeResult | None = None
        self._lock = threading.Lock()

    def authorize(self, context: BoltContext) -> AuthorizeResult:
        """Bolt's ``authorize``: the installation's ids and token.

        Raises:
            IdentityUnavailableError: ``auth.test`` failed (Slack is then answered 500, and retries).
        """
        with self._lock:
            if self._result is None:
                self._result = self._auth_test()
            return self._result

    def authorizer(self) -> Callable[..., AuthorizeResult]:
        """``authorize`` as a plain function (Bolt passes arguments by the names a function declares)."""

        def authorize(context: BoltContext) -> AuthorizeResult:
            return self.authorize(context)

        return authorize

    def _auth_test(self) -> AuthorizeResult:
        try:
            found = self._client.auth_test()
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise IdentityUnavailableError(f"auth.test failed: {type(exc).__name__}") from exc
        return AuthorizeResult(
            enterprise_id=found.get("enterprise_id"), team_id=found.get("team_id"), team=found.get("team"),
            url=found.get("url"), bot_user_id=found.get("user_id"), bot_id=found.get("bot_id"),
            bot_token=self._client.token,
        )

    def foreign(self, body: dict[str, Any], context: BoltContext) -> str | None:
        """Why an authorized request is not for this installation (another workspace or app), or None."""
        own = context.authorize_result
        team = context.team_id
        if own is not None and own.team_id and team and team != own.team_id and not context.is_enterprise_install:
            return f"team {team} is not the installation's"
        app_id = body.get("api_app_id") if isinstance(body, dict) else None
        if self.app_id and app_id and app_id != self.app_id:
            return f"app {app_id} is not this app"
        return None

    def middleware(self, on_drop: Callable[[], None] = lambda: None) -> Callable[..., BoltResponse | None]:
        """A Bolt global middleware that acknowledges, and drops, requests for another workspace or app.

        ``on_drop`` is called for each dropped request (the ingress counts them).
        """

        def only_own(body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]) -> Any:  # noqa: A002
            reason = self.foreign(body, context)
            if reason is None:
                return next()
            on_drop()
            logger.warning("request dropped: %s", reason)
            return BoltResponse(status=200, body="")

        return only_own

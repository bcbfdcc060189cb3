"""PyGithub authentication whose token is asked for on every request, so a rotated token is used when it comes."""

from __future__ import annotations

from collections.abc import Callable

from github import Auth


class CurrentToken(Auth.Auth):
    """``Authorization: token …`` with the value ``read()`` gives at the time of each request."""

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read

    @property
    def token_type(self) -> str:
        """The scheme of the Authorization header."""
        return "token"

    @property
    def token(self) -> str:
        """The token as it is now."""
        return self._read()

    @property
    def _masked_token(self) -> str:
        return "token (removed)"


def github_auth(token: str | Callable[[], str]) -> Auth.Auth:
    """A fixed token, or one read again on every request."""
    return Auth.Token(token) if isinstance(token, str) else CurrentToken(token)

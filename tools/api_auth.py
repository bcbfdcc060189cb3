"""How requests to an OpenAPI-described API authenticate: a bearer token, or an API key in a named header.

The API's secret is a JSON object: ``{"token": "…"}`` sends ``Authorization: Bearer …``; ``{"token": "…",
"header": "X-API-Key"}`` sends the token as that header's value. The spec is fetched with the same headers only
when it lives on the API's own origin, so the key never goes to another host.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit


def auth_headers(secret: Mapping[str, str]) -> dict[str, str]:
    """The headers that authenticate every request to the API."""
    header = secret.get("header", "").strip()
    if not header or header.lower() == "authorization":
        return {"Authorization": f"Bearer {secret['token']}"}
    return {header: secret["token"]}


def same_origin(url: str, base_url: str) -> bool:
    """True when ``url`` has the scheme, host and port of ``base_url`` (both absolute)."""
    first, second = urlsplit(url), urlsplit(base_url)
    return bool(first.netloc) and (first.scheme, first.netloc) == (second.scheme, second.netloc)

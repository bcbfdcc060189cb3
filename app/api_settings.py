"""One OpenAPI-described API the tools read: an entry of ``AIOPS_APIS``, or the jobs API of ``AIOPS_JOBS_API_*``.

Each API has a name (``billing``), a tool-name prefix (``billing_``, the default), a spec (a path shipped with the
code or an ``http(s)://`` URL), a base URL, a secret and the write operations it exposes beyond GET. Its tools are
named ``PREFIX + operationId``; an operation id that already starts with the prefix keeps its name (``billing_``
with ``getInvoice`` gives ``billing_getInvoice``, with ``billing_get_invoice`` the id itself). An empty prefix keeps
the operation ids as they are, as the jobs API of ``AIOPS_JOBS_API_*`` does. Prefixes may not overlap, and no tool
name may belong to two APIs (``app.worker.apis``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from tools.system import ToolSystem

CODE_ROOT = Path(__file__).resolve().parent.parent
"""The folder holding ``app/`` and ``tools/``: the repository, or the Lambda asset's root."""
_NAME = r"^[a-z][a-z0-9]{0,30}$"


class ApiSettings(BaseModel):
    """One OpenAPI-described API the tools read.

    Attributes:
        name: Lower-case letters and digits (``billing``); the API's label is ``billing API``.
        prefix: The start of every tool name (``billing_``); left out, ``NAME_``; ``""``: the operation ids.
        spec: A path (relative: to the working folder, else to the code's root, so a spec shipped in the asset
            works anywhere) or an ``http(s)://`` URL, fetched with the API's credential on the API's own origin.
        base_url: The API's base URL; empty: the spec's first server URL.
        secret_name: The secret with its credential (JSON ``{token}`` or ``{token, header}``); empty means
            ``aiops/NAME-api``.
        extra_operations: Operation ids exposed beyond GET; empty: read-only.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=_NAME)
    prefix: str = Field(default="", pattern=r"^([a-z][a-z0-9_]{0,30}_)?$")
    spec: str = Field(min_length=1)
    base_url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    secret_name: str = ""
    extra_operations: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            name = value["name"]
            value = {**value, "prefix": f"{name}_" if value.get("prefix") is None else value["prefix"],
                     "secret_name": value.get("secret_name") or f"aiops/{name}-api"}
        return value

    @property
    def system(self) -> ToolSystem:
        """The API as a tool system without its tools (their names come from the spec)."""
        from tools.system import ToolSystem  # not at import: the settings are the ingress's too, and it has no tools

        return ToolSystem(f"{self.name}_api", f"{self.name} API", (), credential=f"{self.name}-api")

    def tool_name(self, operation_id: str) -> str:
        """The tool name of one of the API's operations."""
        return operation_id if operation_id.startswith(self.prefix) else f"{self.prefix}{operation_id}"

    def spec_location(self) -> str:
        """The spec's URL, or its path resolved as described under :attr:`spec`."""
        if self.spec.startswith(("http://", "https://")):
            return self.spec
        path = Path(self.spec)
        if path.is_absolute() or path.exists():
            return str(path)
        return str(CODE_ROOT / path)

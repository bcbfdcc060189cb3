"""The catalog of a source, parsed and indexed once per source revision (a warm worker reuses it)."""

from __future__ import annotations

from app.runbooks.catalog import Catalog, parse_snapshot
from app.runbooks.source import RunbookSource


class CatalogLoader:
    """Fetches the source on every :meth:`load` and parses only when its revision changed.

    A GitHub source answers an unchanged ref with its cached snapshot (one conditional request; the version
    carries the commit SHA); a folder source compares modification times. Either way the parsed, indexed
    catalog, with its compiled rules, is kept for the next investigation.
    """

    def __init__(self, source: RunbookSource, tool_names: frozenset[str] | None = None) -> None:
        self._source = source
        self._tool_names = tool_names
        self._key: tuple[str, str, str] | None = None
        self._catalog: Catalog | None = None

    def load(self) -> Catalog:
        """The catalog at the source's current revision.

        Raises:
            SourceError: The source cannot be read and has no last good version.
        """
        snapshot = self._source.fetch()
        key = (snapshot.version, snapshot.revision, snapshot.note)
        if self._catalog is None or key != self._key:
            self._catalog, self._key = parse_snapshot(snapshot, self._tool_names), key
        return self._catalog

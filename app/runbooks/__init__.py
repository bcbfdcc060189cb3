"""The runbook engine: format, sources, catalog and matching."""

"""Stores for triage records."""

"""Slack rendering (pure) and posting."""

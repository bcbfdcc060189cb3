"""The executor Lambda: runs approved runbook actions, with its own least-privilege role."""

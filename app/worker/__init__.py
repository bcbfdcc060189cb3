"""The worker Lambda: one investigation per job."""

"""Evaluation harness: scenarios with fixtures, run through the real worker pipeline and scored."""

"""Runbook AIOps bot."""

"""Agent tools, one module per external system, plus the shared registry, budgets and redaction."""

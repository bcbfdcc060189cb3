"""Local fakes of external systems, used by tests and the offline demo."""

"""Web import for supervisors: upload or paste, review and correct the parsed tasks, confirm."""

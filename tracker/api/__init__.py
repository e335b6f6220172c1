"""The JSON API (`/api/v1/`) for other systems: the caller's tasks, one task with its journal, reports."""

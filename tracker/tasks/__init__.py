"""Tasks: the department's list, the task page, reports, supervisors' decisions, extensions."""

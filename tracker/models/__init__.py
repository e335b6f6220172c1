"""The data model: units (and the record of their merges), users, documents, tasks, progress
reports and reminders."""

from .documents import Document, DocumentImport
from .reminders import JobLock, ReminderLog
from .tasks import ExtensionRequest, ProgressReport, Task, TaskUnit
from .units import Unit, UnitAlias, UnitMerge
from .users import User

# Ids are INTEGER columns, 32-bit on PostgreSQL: a larger number cannot name a row.
MAX_ID = 2**31 - 1

__all__ = ["MAX_ID", "Document", "DocumentImport", "ExtensionRequest", "JobLock", "ProgressReport", "ReminderLog", "Task", "TaskUnit", "Unit", "UnitAlias",
           "UnitMerge", "User"]

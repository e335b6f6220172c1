"""The data model: units (and the record of their merges), users (their API tokens, login
attempts and the audit log), documents, tasks, progress reports and reminders."""

from .audit import AuditEvent, LoginAttempt
from .documents import Document, DocumentImport
from .reminders import JobLock, ReminderLog
from .tasks import ExtensionRequest, ProgressReport, Task, TaskUnit
from .tokens import ApiToken
from .units import Unit, UnitAlias, UnitMerge
from .users import User

# Ids are INTEGER columns, 32-bit on PostgreSQL: a larger number cannot name a row.
MAX_ID = 2**31 - 1

__all__ = ["MAX_ID", "ApiToken", "AuditEvent", "Document", "DocumentImport", "ExtensionRequest", "JobLock", "LoginAttempt", "ProgressReport", "ReminderLog", "Task", "TaskUnit", "Unit", "UnitAlias",
           "UnitMerge", "User"]

"""The data model: units, users, documents, tasks, progress reports and reminders."""

from .documents import Document
from .reminders import ReminderLog
from .tasks import ProgressReport, Task, TaskUnit
from .units import Unit, UnitAlias
from .users import User

__all__ = ["Document", "ProgressReport", "ReminderLog", "Task", "TaskUnit", "Unit", "UnitAlias", "User"]

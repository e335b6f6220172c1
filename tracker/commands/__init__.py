"""`tracker` CLI commands: thin wrappers over `tracker.operations`."""

from .documents import import_command, init_command
from .reminders import reminders_group, scheduler_command
from .tokens import tokens_group
from .units import units_group
from .users import users_group

ALL = (init_command, import_command, users_group, units_group, reminders_group, scheduler_command, tokens_group)

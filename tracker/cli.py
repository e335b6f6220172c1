"""The `tracker` console script: Flask's CLI over `create_app`, whose `run` also starts the
reminder scheduler (see tracker.commands.reminders)."""

from flask.cli import FlaskGroup, routes_command, shell_command

from tracker.app import create_app
from tracker.commands.reminders import dev_run_command

cli = FlaskGroup(create_app=create_app, add_default_commands=False, help="Tracker (督查督办台账) command line.")
for command in (dev_run_command, shell_command, routes_command):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="tracker")

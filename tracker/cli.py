"""The `tracker` console script: Flask's CLI over `create_app`."""

from flask.cli import FlaskGroup

from tracker.app import create_app

cli = FlaskGroup(create_app=create_app, help="Tracker (督查督办台账) command line.")


def main() -> None:
    cli(prog_name="tracker")

"""Tracker (督查督办台账): policy documents into tasks, followed up by departments and supervisors.

The package root stays free of imports so that `tracker.parsing` can be used without Flask;
the web application is built by `tracker.app.create_app`.
"""

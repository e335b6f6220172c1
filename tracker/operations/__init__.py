"""Plain functions that change or query the data; views, CLI commands and jobs call them.

Operations flush; the caller commits (or rolls back), so one request or command is one
transaction.
"""

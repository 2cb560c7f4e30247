"""`blogster tui`: the dashboard and writing studio in the terminal (Textual).

A front end like cli/: every action calls the same services the CLI calls, as the
logged-in user, in Textual thread workers, so the screen never waits on the database.
"""

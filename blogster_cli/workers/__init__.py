"""`blogster serve-workers`: the long-running front end that runs queued jobs (procrastinate)."""

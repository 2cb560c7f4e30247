"""Pure access-log analytics: parsing, path-to-post mapping, crawler detection, sessions.

No database and no I/O beyond reading the log files handed in; plain objects in and out.
"""

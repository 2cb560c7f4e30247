"""Pure calendar helpers: local times across DST, month and week grids, iCalendar, publishing-time suggestions.

Plain objects in and out; no database, services or front end (import-linter keeps it so).
"""

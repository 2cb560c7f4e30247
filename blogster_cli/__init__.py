"""Blogster: a terminal content studio on PostgreSQL with row level security."""

__version__ = "0.1.0"

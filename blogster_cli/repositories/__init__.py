"""Queries and persistence. Functions take the connection or session first, keyword-only
arguments after, and never commit: the service owns the transaction."""

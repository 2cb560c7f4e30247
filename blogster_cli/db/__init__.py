"""Database plumbing: the embedded server, connections, acting-user transactions, migrations."""

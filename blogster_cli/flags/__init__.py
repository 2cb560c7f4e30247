"""Feature-flag evaluation: pure functions, no database (the flags CLI and services come later)."""

"""The terminal UI (front end): calls services like the CLI does."""

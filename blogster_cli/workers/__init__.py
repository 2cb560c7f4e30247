"""Background workers (front end): run services off the command line."""

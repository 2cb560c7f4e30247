"""The Typer front end: parse, call one service, render. Only output.py prints."""

"""Use cases. Each opens its unit of work as the acting user and returns plain objects;
none imports typer, textual or rich."""

"""Pure content helpers for import and export: front matter, dates, slugs, mapping.

Nothing here touches the database, the CLI or the terminal; functions take plain values
and return plain values, so the services can call them and tests can run them alone.
Import the submodules directly (`from blogster_cli.content.post import import_post`):
this package imports nothing eagerly, to keep CLI start-up fast.
"""

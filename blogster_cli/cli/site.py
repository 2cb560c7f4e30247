"""blogster site: build your published posts into a static site; show and change its settings."""

from __future__ import annotations

from pathlib import Path

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

app = command_group("site")
settings_app = typer.Typer(
    help="Show or change your site's settings.", no_args_is_help=True, rich_markup_mode=None, add_completion=False
)
app.add_typer(settings_app, name="settings")


@app.command()
def build(
    out: Path = typer.Option(Path("public"), "--out", file_okay=False, help="Output folder (default: ./public)."),
    full: bool = typer.Option(False, "--full", help="Render and write every file (after editing the output by hand)."),
    json: bool = JSON_OPTION,
) -> None:
    """Build your published posts into a static site; a rebuild writes only what changed.

    Example: blogster site build --out ~/site/public
    """
    from blogster_cli.services import site

    settings = app_context().settings
    report = site.build(
        acting_user(), out=out, base_domain=settings.site_base_domain, timezone=settings.timezone, full=full
    )
    if json:
        output.print_json(report)
    else:
        output.message(
            f"Built {report.posts} post(s) for {report.base_url} in {report.out}: {report.written} file(s) written,"
            f" {report.unchanged} unchanged, {report.removed} removed ({report.seconds:.2f} s)."
        )


@settings_app.command("show")
def settings_show(json: bool = JSON_OPTION) -> None:
    """Show your site's settings and the address it is built for.

    Example: blogster site settings show --json
    """
    from blogster_cli.services import site_settings

    shown = site_settings.show(acting_user(), base_domain=app_context().settings.site_base_domain)
    output.print_json(shown) if json else output.print_record(shown)


@settings_app.command("set")
def settings_set(
    key: str = typer.Argument(
        ..., help="title, description, theme, subdomain, custom-domain, url, permalink, posts-per-page."
    ),
    value: str = typer.Argument(..., help="The new value ('' clears title, description, custom-domain and url)."),
    json: bool = JSON_OPTION,
) -> None:
    """Change one site setting.

    Example: blogster site settings set url https://blog.example.com/
    """
    from blogster_cli.services import site_settings

    shown = site_settings.set_value(acting_user(), key, value, base_domain=app_context().settings.site_base_domain)
    output.print_json(shown) if json else output.print_record(shown)

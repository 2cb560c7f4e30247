"""blogster site: build, preview and deploy your published posts as a static site; its settings and domain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.long_running import stop_signals_end_it
from blogster_cli.cli.params import FOLDER_PATH
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context, site_folder
from blogster_cli.wording import plural

app = command_group("site")
settings_app = typer.Typer(
    help="Show or change your site's settings.", no_args_is_help=True, rich_markup_mode=None, add_completion=False
)
app.add_typer(settings_app, name="settings")


@app.command()
def build(
    out: Path | None = typer.Option(
        None, "--out", help="Output folder (default: the site_out setting, else ./public).", click_type=FOLDER_PATH
    ),
    full: bool = typer.Option(False, "--full", help="Render and write every file, not only what changed."),
    force: bool = typer.Option(
        False, "--force", help="Overwrite files in the folder that no build wrote, or that were edited by hand."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Build your published posts into a static site; a rebuild writes only what changed.

    A file in the folder that the last build did not write, or that was edited by hand since,
    is left as it is (exit 5), and a folder holding files but no earlier build is refused,
    unless --force.

    Example: blogster site build --out ~/site/public
    """
    from blogster_cli.services import site

    out = site_folder(out)
    settings = app_context().settings
    report = site.build(
        acting_user(), out=out, base_domain=settings.site_base_domain, timezone=settings.timezone, full=full,
        force=force, on_wait=_waiting_for_another_build(out),
    )  # fmt: skip
    for warning in report.warnings:
        output.warning(warning)
    if json:
        output.print_json(report)
    else:
        output.message(
            f"Built {plural(report.posts, 'post')} for {report.base_url} in {report.out}:"
            f" {plural(report.written, 'file')} written,"
            f" {report.unchanged} unchanged, {report.removed} removed ({report.seconds:.2f} s)."
        )
        _note_restored(report.restored)
        for note in report.notes:
            output.message(f"note: {note}.")
    _refuse_edited(report.edited)


def _note_restored(restored: tuple[str, ...]) -> None:
    if restored:
        output.message(
            f"note: {plural(len(restored), 'file')} removed since the last build written again (first: {restored[0]})."
        )


def _waiting_for_another_build(out: Path) -> Callable[[], None]:
    from blogster_cli.services.site_files import BUILD_WAIT_S

    return lambda: output.message(f"Waiting for another site build of {out} to end (at most {BUILD_WAIT_S:g} s)...")


def _refuse_edited(edited: tuple[str, ...]) -> None:
    """Exit 5 (as export does) when the build left files it did not write, or edited by hand, alone."""
    if edited:
        from blogster_cli.errors import Conflict

        count = len(edited)
        raise Conflict(
            f"{count} {'file was' if count == 1 else 'files were'} not written by the last build or edited by hand"
            f" since, and left as {'it is' if count == 1 else 'they are'} (first: {edited[0]}); --force overwrites"
            f" {'it' if count == 1 else 'them'}"
        )


@settings_app.command("show")
def settings_show(json: bool = JSON_OPTION) -> None:
    """Show your site's settings and the address it is built for.

    Example: blogster site settings show --json
    """
    from blogster_cli.services import site_settings

    acting, base_domain = acting_user(), app_context().settings.site_base_domain
    shown = site_settings.show(acting, base_domain=base_domain)
    output.print_json(shown) if json else output.print_record(shown)
    for ignored in site_settings.ignored_addresses(acting, base_domain=base_domain):
        output.warning(ignored)


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

    shown = site_settings.set_value(
        acting_user(), key=key, value=value, base_domain=app_context().settings.site_base_domain
    )
    output.print_json(shown) if json else output.print_record(shown)


@app.command()
def deploy(
    out: Path | None = typer.Option(
        None, "--out", help="The built site (default: the site_out setting, else ./public).", click_type=FOLDER_PATH
    ),
    folder: Path | None = typer.Option(
        None, "--folder", help="Copy the site into this folder.", click_type=FOLDER_PATH
    ),
    rsync: str | None = typer.Option(None, "--rsync", help="Send the site with rsync to [USER@]HOST:PATH (SSH)."),
    git: str | None = typer.Option(None, "--git", help="Push the site to this git remote (URL or path)."),
    branch: str = typer.Option("gh-pages", "--branch", help="The branch --git pushes to."),
    force: bool = typer.Option(
        False, "--force", help="With --folder: overwrite or remove files there edited by hand since they were sent."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Publish the built site to a folder, over rsync or to a git branch, sending only what changed.

    A folder deploy leaves a file there edited by hand since it was sent as it is, and says so in a
    note, unless --force.

    Example: blogster site deploy --git git@github.com:ada/ada.github.io.git --branch gh-pages
    """
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import site_deploy

    out = site_folder(out)
    if sum(target is not None for target in (folder, rsync, git)) != 1:
        raise InvalidInput("give exactly one of --folder DIR, --rsync [USER@]HOST:PATH or --git REMOTE")
    if force and folder is None:
        raise InvalidInput("--force goes with --folder (an rsync or git deploy overwrites files edited by hand anyway)")
    if folder is not None:
        report = site_deploy.to_folder(out, folder, force=force)
    elif rsync is not None:
        report = site_deploy.to_rsync(out, rsync)
    else:
        assert git is not None  # exactly one of the two was given
        report = site_deploy.to_git(out, remote=git, branch=branch)
    if json:
        output.print_json(report)
    else:
        output.message(
            f"Deployed to {report.target}: {plural(report.copied, 'file')} sent, {report.removed} removed,"
            f" {report.unchanged} unchanged."
        )
    for note in report.notes:
        output.message(f"note: {note}")


@app.command("verify-domain")
def verify_domain(json: bool = JSON_OPTION) -> None:
    """Check the DNS TXT record that proves your custom domain is yours; exit 1 until it is there.

    Example: blogster site verify-domain
    """
    from blogster_cli.config import DEFAULT_DNS_RESOLVER
    from blogster_cli.services import site_domain

    settings = app_context().settings
    resolver = settings.dns_resolver_url or DEFAULT_DNS_RESOLVER
    check = site_domain.verify(acting_user(), resolver_url=resolver, base_domain=settings.site_base_domain)
    if json:
        output.print_json(check)
    elif check.verified:
        output.message(f"{check.domain} is verified.")
    else:
        output.message(
            f"{check.domain} is not verified yet: add a DNS TXT record {check.record_name} with the value"
            f" {check.record_value}, then run this again (DNS changes can take a while to show)."
        )
    if not check.verified:
        raise typer.Exit(1)


@app.command()
def serve(
    out: Path | None = typer.Option(
        None, "--out", help="Where to build (default: the site_out setting, else ./public).", click_type=FOLDER_PATH
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535),
    interval: float = typer.Option(2.0, "--interval", min=0.2, help="Seconds between checks for changed posts."),
    force: bool = typer.Option(
        False, "--force", help="Overwrite files in the folder that no build wrote, or that were edited by hand."
    ),
) -> None:
    """Preview your site on http://127.0.0.1:PORT/, rebuilding as your posts change (Ctrl-C stops).

    Example: blogster site serve --port 8080
    """
    import time

    from blogster_cli.services import site, site_preview

    out = site_folder(out)
    settings = app_context().settings
    acting = acting_user()

    def rebuild() -> site.BuildReport:
        return site.build(
            acting, out=out, base_domain=settings.site_base_domain, timezone=settings.timezone, force=force,
            on_wait=_waiting_for_another_build(out),
        )  # fmt: skip

    first = rebuild()
    _refuse_edited(first.edited)
    server = site_preview.start(out, port=port, base_url=first.base_url)
    output.message(f"Serving {out} on http://127.0.0.1:{server.server_address[1]}{server.root} (Ctrl-C stops).")
    with stop_signals_end_it():  # Ctrl-C, SIGTERM or SIGHUP is how a preview ends (exit 0, as serve-workers ends)
        try:
            while True:
                time.sleep(interval)
                report = rebuild()
                server.root = site_preview.site_root(report.base_url)  # the address may have changed meanwhile
                if report.written or report.removed:
                    output.message(f"Rebuilt: {plural(report.written, 'file')} written, {report.removed} removed.")
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
        output.message("Stopped.")

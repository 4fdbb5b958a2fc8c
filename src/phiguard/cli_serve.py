"""`phiguard serve`: the drag-and-drop review page on a local web server."""

from __future__ import annotations

from typing import Any

import click

from phiguard.cli import build_config, config_options


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--max-mb", default=25, show_default=True, type=int, help="Largest upload accepted, in MB."
)
@config_options
def serve(host: str, port: int, max_mb: int, **opts: Any) -> None:
    """Open the review page: drop photos, paste the caption, check, download safe copies.

    Uploads stay in memory and are never written to disk or logged. The server
    listens on this computer only unless --host says otherwise.

    \b
    Example:
        phiguard serve                  then open http://127.0.0.1:8765
        phiguard serve --port 9000 --allow-list staff.txt
    """
    import uvicorn

    from phiguard.engine import build_engine
    from phiguard.server import Limits, create_app, keep_temp_files_in_memory
    from phiguard.webguard import is_loopback

    if not is_loopback(host):
        click.secho(
            f"warning: listening on {host}, not only this computer: anyone who can reach "
            "this address can upload photos and read the results.",
            fg="yellow",
            err=True,
        )
    keep_temp_files_in_memory()
    cfg = build_config(**opts)
    click.echo("loading the language model...", err=True)
    engine = build_engine(cfg)
    app = create_app(cfg, engine, Limits(max_bytes=max_mb * 1024 * 1024), host=host)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"phiguard is ready: open http://{shown}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


# --jobs belongs to the batch commands; the server scans one upload at a time.
serve.params = [p for p in serve.params if p.name != "jobs"]


def register(group: click.Group) -> None:
    group.add_command(serve)

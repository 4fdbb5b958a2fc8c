"""`phiguard cache`: where the result cache lives, and clearing it."""

from __future__ import annotations

import click


@click.group()
def cache() -> None:
    """The result cache: photos already checked with the same settings are not read again.

    Entries hold masked reports only (no matched text), keyed by each file's SHA-256 and
    the settings; errors are never cached. Location: $XDG_CACHE_HOME/phiguard, else
    ~/.cache/phiguard. `phiguard scan --no-cache` skips it for one run.
    """


@cache.command("clear")
def cache_clear() -> None:
    """Delete every cached result.

    \b
    Example:
        phiguard cache clear
    """
    from phiguard.cache import cache_root, clear

    n = clear()
    click.echo(f"removed {n} cached result(s) from {cache_root()}")


@cache.command("path")
def cache_path() -> None:
    """Print the cache folder.

    \b
    Example:
        du -sh "$(phiguard cache path)"
    """
    from phiguard.cache import cache_root

    click.echo(str(cache_root()))


def register(group: click.Group) -> None:
    group.add_command(cache)

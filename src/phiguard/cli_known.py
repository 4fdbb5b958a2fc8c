"""`phiguard hash-list`: today's census as salted hashes, for `scan --known`."""

from __future__ import annotations

import sys

import click


@click.command("hash-list")
@click.argument("census", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def hash_list(census: str) -> None:
    """Turn a census CSV (names, MRNs) into a file of salted hashes.

    The CSV needs a header row; columns named name (or first + last) and mrn are
    used. Each file gets its own random salt; no name or MRN is written in the
    clear. Keep the output confidential all the same: short values can be guessed.

    \b
    Example:
        phiguard hash-list census.csv > known.hashes
        phiguard scan --known known.hashes caption.txt photos/
    """
    from phiguard import load
    from phiguard.known import KnownListError, hash_census

    try:
        text = load.load(census).text
        if text is None:
            raise KnownListError("the census must be a CSV text file, not an image")
        click.echo(hash_census(text), nl=False)
    except (load.LoadError, KnownListError) as exc:
        click.echo(f"error: {census}: {exc}", err=True)
        sys.exit(2)


def register(group: click.Group) -> None:
    group.add_command(hash_list)

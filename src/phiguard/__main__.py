"""`python -m phiguard` is the same as the `phiguard` command."""

from phiguard.cli import main

main()

"""`python -m callwarden` runs the CLI."""

from callwarden.cli import main

main()

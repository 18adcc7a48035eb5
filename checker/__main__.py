"""``python -m checker``: the command-line shell (see :func:`checker.cli.run`)."""
from .cli import run

run()

"""`python -m cantiere_placements`: the service's command line."""

from cantiere_placements.entrypoints.cli import app

app()

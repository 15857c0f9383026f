"""`python -m cantiere_monitoring`: the service's command line."""

from cantiere_monitoring.entrypoints.cli import app

app()

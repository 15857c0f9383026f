"""`python -m cantiere_referrals`: the service's command line."""

from cantiere_referrals.entrypoints.cli import app

app()

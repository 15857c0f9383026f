"""``python -m cantiere_simulator``: the simulator's command line."""

from cantiere_simulator.cli import app

app()

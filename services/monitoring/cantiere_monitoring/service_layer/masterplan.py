"""Render the Masterplan from a database, as the command line does."""

from __future__ import annotations

from datetime import date

from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate

from cantiere_monitoring.bootstrap import COMPONENT, Settings, load_settings_territory
from cantiere_monitoring.report.masterplan import render_masterplan
from cantiere_monitoring.report.texts import Lang
from cantiere_monitoring.service_layer.figures import Figures


async def masterplan_html(settings: Settings, start: date | None, end: date | None, lang: Lang) -> str:
    """The report of the settings' database and territory."""
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine, COMPONENT)
        territory = load_settings_territory(settings)
        return await render_masterplan(Figures(engine, territory), start, end, lang, settings.territory_file)
    finally:
        await engine.dispose()

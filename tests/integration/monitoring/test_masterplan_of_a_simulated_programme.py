"""End to end through the bus: a realistic invented programme history becomes a Masterplan with safe figures."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import nats
from cantiere_events import Event
from cantiere_events.codes import AgeBand, ContractType
from cantiere_monitoring.bootstrap import COMPONENT
from cantiere_monitoring.service_layer.figures import Figures
from cantiere_monitoring.service_layer.masterplan import masterplan_document
from cantiere_runtime.migrate import migrate
from cantiere_runtime.territory import territory_by_code
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.unit.monitoring.history import host_registered, journey, withdrawal
from tests.unit.monitoring.test_api_and_disclosure import shown_counts as shown_counts_of
from tests.unit.monitoring.test_masterplan_pdf import read_back, shown_counts, today

from .test_projections_from_the_bus import projectors, publish

BARI = territory_by_code("bari-pilot")
TOWNS = ["bari"] * 6 + ["mola-di-bari", "triggiano", "noicattaro", "capurso", "adelfia"]


def simulated_programme(people: int = 45, seed: int = 2008) -> list[Event]:
    """An invented pilot: hosts, then people referred through 2008 with a mix of paths and outcomes."""
    rng = random.Random(seed)
    events: list[Event] = [host_registered(h, date(2008, 1, 7) + timedelta(days=3 * h)) for h in range(1, 13)]
    for n in range(1, people + 1):
        until = rng.choices(["completed", "interrupted", "running", "referred"], weights=[6, 2, 1, 1])[0]
        hired = rng.choice([ContractType.PERMANENT, ContractType.FIXED_TERM, None, None])
        referred = date(2008, 2, 1) + timedelta(days=rng.randrange(0, 270))
        events += journey(n, referred, municipality=rng.choice(TOWNS), until=until, host=rng.randrange(1, 13),
                          age=rng.choice([AgeBand.FROM_25_TO_34, AgeBand.FROM_35_TO_44, AgeBand.FROM_45_TO_54]),
                          hired=hired if until == "completed" else None)  # fmt: skip
    return [*events, withdrawal(3, date(2009, 3, 1))]


async def test_a_simulated_programme_renders_a_masterplan_with_only_safe_counts(
    engine: AsyncEngine, nc: nats.NATS, tmp_path: Path
) -> None:
    await migrate(engine, COMPONENT)
    await publish(nc, simulated_programme())
    for projector in projectors(engine, nc):
        await projector.catch_up()
    figures = Figures(engine, BARI)
    indicators = await figures.indicators(figures.release())  # the whole programme period
    assert indicators["flows"]["referrals"]["total"] == {"value": 44}  # 45 invented people, one withdrew
    assert "cells" in indicators["flows"]["referrals"]["by"]["quarter"]
    html = (await masterplan_document(figures, figures.release(), "it", "html", today)).decode("utf-8")
    (tmp_path / "report.html").write_text(html, encoding="utf-8")
    counts = [int(c) for c in re.findall(r'data-count="(\d+)"', html)]
    assert len(counts) > 20 and all(c == 0 or c >= BARI.disclosure_threshold for c in counts)
    assert "Mediana" in html and "Colli di bottiglia" in html and "puglia-2008-pilot" in html
    pdf = await masterplan_document(figures, figures.release(), "it", "pdf", today)
    (tmp_path / "report.pdf").write_bytes(pdf)
    text, runs = read_back(pdf)
    assert sorted(shown_counts(runs)) == sorted(counts)  # one template: the PDF shows what the HTML shows
    assert "Mediana" in text and "Colli di bottiglia" in text and "puglia-2008-pilot" in text


async def test_year_and_quarter_releases_of_a_simulated_programme_show_only_safe_counts(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    await migrate(engine, COMPONENT)
    await publish(nc, simulated_programme())
    for projector in projectors(engine, nc):
        await projector.catch_up()
    figures = Figures(engine, BARI)
    year = await figures.indicators(figures.release("2008"))
    assert year["release"] == "2008" and year["flows"]["referrals"]["total"] == {"value": 44}  # all referred in 2008
    for name in ("2007", "2007-Q4", "2008-Q1", "2008-Q2", "2008-Q3", "2008-Q4", "2009", "2009-Q3"):
        release = figures.release(name)
        for document in (await figures.indicators(release), await figures.procedure(release)):
            counts = list(shown_counts_of(document))
            assert all(c == 0 or c >= BARI.disclosure_threshold for c in counts), (name, counts)
    html = (await masterplan_document(figures, figures.release("2008-Q2"), "en", "html", today)).decode("utf-8")
    assert "2008-04-01" in html and "2008-06-30" in html

"""An ambito's referrals process in the programme: the consortium and the Region see each municipality as if it
ran its own service.

One process serves Triggiano and Capurso (Ambito 5); social workers of each refer invented people through it;
the consortium receives candidates of each municipality, and monitoring counts them by municipality and by
ambito, as with separate services.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from cantiere_runtime.auth import Role

from .people import Invented
from .processes import fleet, until
from .programme import (
    ANALYST,
    CONSORTIUM,
    EMPLOYMENT_CENTRE,
    MONITORING,
    OPERATOR,
    PROGRAMME_KEY,
    TERRITORY,
    Api,
    bearer,
    running_today,
    trusting,
)

pytestmark = pytest.mark.slow

TRIGGIANO, CAPURSO = "triggiano", "capurso"
NAMES = ["Alloro", "Borragine", "Cedrina", "Dittamo", "Erisimo"]


async def refer(api: Api, municipality: str, n: int) -> str:
    worker = bearer(Role.SOCIAL_WORKER, municipality, f"sw-{municipality}")
    who = Invented(n, municipality, NAMES[n % len(NAMES)], f"Invent{municipality[:4]}{n}", date(1990, 1, n + 1), True)
    person_id: str = (await api.post("/people", worker, {"personal_data": who.personal_data()}, expect=201))["id"]
    for scope in ("share_with_consortium", "aggregate_statistics"):
        await api.post(f"/people/{person_id}/consents", worker, {"scope": scope, "form_version": "2026-1"})
    eligibility = {"taken_into_care_on": "2026-01-12", "category": "stalking", "referring_service": "shelter"}
    await api.post(f"/people/{person_id}/eligibility", worker, eligibility)
    await api.post(f"/people/{person_id}/referrals", worker, expect=201)
    return person_id


async def test_an_ambito_process_looks_like_separate_municipalities_to_the_consortium_and_the_region(
    nats_url: str, tmp_path: Path
) -> None:
    common: dict[str, Any] = {"CANTIERE_NATS__URL": nats_url, "CANTIERE_TERRITORY": TERRITORY.code}
    issuers = [json.loads(trusting(m)["CANTIERE_OIDC_ISSUERS"])[0] for m in (TRIGGIANO, CAPURSO)]
    with fleet(tmp_path) as processes:
        processes.start("ambito-triggiano", "cantiere_referrals", {
            **common, "CANTIERE_PARTNER": "ambito-triggiano", "CANTIERE_PROGRAMME_KEY": PROGRAMME_KEY,
            "CANTIERE_MUNICIPALITIES": json.dumps([TRIGGIANO, CAPURSO]),
            "CANTIERE_OIDC_ISSUERS": json.dumps(issuers),
            **{f"CANTIERE_MUNICIPALITY__{m.upper()}__VAULT_KEY": base64.b64encode(secrets.token_bytes(32)).decode()
               for m in (TRIGGIANO, CAPURSO)},
        })  # fmt: skip
        processes.start("placements", "cantiere_placements", {
            **common, **trusting(CONSORTIUM, EMPLOYMENT_CENTRE), "CANTIERE_PARTNER": CONSORTIUM,
        })  # fmt: skip
        processes.start("monitoring", "cantiere_monitoring", {
            **common, **trusting(MONITORING), "CANTIERE_PARTNER": MONITORING,
            "CANTIERE_TERRITORY_FILE": str(running_today(processes.directory, date.today())),
        })  # fmt: skip
        await processes.healthy(timeout=40)
        s = processes.services
        async with httpx.AsyncClient(timeout=10) as http:
            ambito = Api(http, s["ambito-triggiano"].url)
            placements, monitoring = Api(http, s["placements"].url), Api(http, s["monitoring"].url)
            referred = {m: [await refer(ambito, m, n) for n in range(5)] for m in (TRIGGIANO, CAPURSO)}

            async def candidates() -> dict[str, str]:
                rows = await placements.get("/candidates", OPERATOR)
                return {row["person_id"]: row["municipality"] for row in rows}

            async def all_arrived() -> dict[str, str]:
                found = await candidates()
                return found if len(found) == 10 else {}

            found = await until(all_arrived, 30, "every referral in the consortium's candidates")
            assert found == {pid: m for m, pids in referred.items() for pid in pids}  # each as its own partner

            async def counted() -> dict[str, Any]:
                figures = await monitoring.get("/indicators", ANALYST)
                return figures if figures["flows"]["referrals"]["total"] == {"value": 10} else {}

            figures = await until(counted, 30, "monitoring counts the ten referrals")
            by = figures["flows"]["referrals"]["by"]
            assert by["municipality"]["cells"][TRIGGIANO] == {"value": 5}
            assert by["municipality"]["cells"][CAPURSO] == {"value": 5}
            assert by["ambito"]["cells"]["ambito-triggiano"] == {"value": 10}
    assert {p.name for p in tmp_path.glob("ambito-triggiano*.db")} == {
        "ambito-triggiano-triggiano.db",
        "ambito-triggiano-capurso.db",
    }

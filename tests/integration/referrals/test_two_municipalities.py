"""Two municipalities on one NATS, each with its own database: each sees and answers for its own people only."""

from __future__ import annotations

from pathlib import Path

import nats
from cantiere_referrals.entrypoints import views
from cantiere_runtime.bus import PUBLIC_STREAM

from .instance import running, settled
from .test_consortium_requests import ask


async def test_bari_and_mola_di_bari_keep_their_people_apart(tmp_path: Path, nats_url: str, nc: nats.NATS) -> None:
    async with running(tmp_path, nats_url, "bari") as bari, running(tmp_path, nats_url, "mola-di-bari") as mola:
        in_bari = await bari.referred()
        in_mola = await mola.referred(first_name="Ginestra", surname="Pervinchi")
        for instance in (bari, mola):
            await settled(instance)
            await instance.drain()
        assert [
            r["person_id"] for r in await views.caseload(bari.runtime.engine, district=None, social_worker=None)
        ] == [in_bari]
        assert [
            r["person_id"] for r in await views.caseload(mola.runtime.engine, district=None, social_worker=None)
        ] == [in_mola]
        assert (await bari.svc.load(in_mola))[0] is None
        unknown_here = {"person_id": in_mola, "host_vat": "00012340725", "municipality": "capurso"}
        assert await ask(nc, "bari", "clearance", unknown_here) == {"cleared": False}
    js = nc.jetstream()
    for partner, pid in (("bari", in_bari), ("mola-di-bari", in_mola)):
        sub = await js.pull_subscribe(
            f"cantiere.public.referrals.{partner}.ReferralSubmitted", stream=PUBLIC_STREAM.name
        )
        msgs = await sub.fetch(10, timeout=2)
        assert len(msgs) == 1 and pid.encode() in msgs[0].data

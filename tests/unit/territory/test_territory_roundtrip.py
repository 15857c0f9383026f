"""Any valid territory written as YAML loads back to the same configuration."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from cantiere_runtime.rules import load_rule_sets
from cantiere_runtime.territory import load_territory
from hypothesis import given, settings
from hypothesis import strategies as st

RULE_SETS = load_rule_sets()
LATEST_VALID_FROM = max(r.valid_from for r in RULE_SETS.values())

slugs = st.from_regex(r"[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
names = st.text(alphabet=st.characters(categories=["L", "N", "Zs", "Pd", "Po"]), min_size=1, max_size=24).filter(
    lambda s: s.strip()
)
istat_codes = st.none() | st.from_regex(r"[0-9]{6}", fullmatch=True)
phase = st.one_of(
    st.builds(lambda n: {"days": n}, st.integers(1, 400)),
    st.builds(lambda n: {"months": n}, st.integers(1, 36)),
)
days = st.dates(min_value=LATEST_VALID_FROM, max_value=date(2040, 12, 31))


@st.composite
def districts(draw: st.DrawFn) -> list[dict[str, Any]]:
    codes = draw(st.lists(slugs, max_size=4, unique=True))
    return [{"code": code, "name": draw(names)} for code in codes]


@st.composite
def territories(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(st.lists(slugs, min_size=4, max_size=10, unique=True))
    town_codes, partner_codes = codes[:-3], codes[-3:]
    municipalities = [
        {"code": c, "name": draw(names), "istat_code": draw(istat_codes), "districts": draw(districts())}
        for c in town_codes
    ]
    starts = sorted(draw(st.lists(days, min_size=1, max_size=4, unique=True)))
    rule_sets = [{"from": d, "rule_set": draw(st.sampled_from(sorted(RULE_SETS)))} for d in starts]
    programme_start = starts[0] + timedelta(days=draw(st.integers(0, 400)))
    budget: dict[str, Any] = draw(
        st.one_of(
            st.builds(lambda c: {"budget_cents": c}, st.integers(0, 10**10)),
            st.builds(lambda c: {"budget_eur": f"{c // 100}.{c % 100:02d}"}, st.integers(0, 10**10)),
        )
    )
    roles = ("consortium", "employment_centre", "monitoring")
    return {
        "format_version": 1,
        "version": draw(
            st.one_of(st.dates().map(date.isoformat), st.from_regex(r"[0-9]\.[0-9]\.[0-9]", fullmatch=True))
        ),
        "code": draw(slugs),
        "name": draw(names),
        "lead_municipality": draw(st.sampled_from(town_codes)),
        "municipalities": municipalities,
        "partners": {
            role: {"code": code, "name": draw(names)} for role, code in zip(roles, partner_codes, strict=True)
        },
        "target_internships": draw(st.integers(0, 10_000)),
        **budget,
        "phases": {
            p: draw(phase)
            for p in ("referral", "intake", "matching", "agreement", "running", "completion", "follow_up")
        },
        "follow_up_after_months": sorted(draw(st.sets(st.integers(1, 36), max_size=4))),
        "rule_sets": rule_sets,
        "disclosure_threshold": draw(st.integers(3, 50)),
        "programme_period": {
            "start": programme_start,
            "end": programme_start + timedelta(days=draw(st.integers(0, 2000))),
        },
    }


@settings(max_examples=60, deadline=None)
@given(territories())
def test_any_valid_territory_round_trips_through_yaml(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{data['code']}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        loaded = load_territory(path)
    assert loaded.code == data["code"]
    assert [m.code for m in loaded.municipalities] == [m["code"] for m in data["municipalities"]]
    assert [m.name for m in loaded.municipalities] == [m["name"] for m in data["municipalities"]]
    assert [[d.code for d in m.districts] for m in loaded.municipalities] == [
        [d["code"] for d in m["districts"]] for m in data["municipalities"]
    ]
    assert loaded.lead.code == data["lead_municipality"]
    expected_cents = data.get("budget_cents")
    if expected_cents is None:
        euro, cents = data["budget_eur"].split(".")
        expected_cents = int(euro) * 100 + int(cents)
    assert loaded.budget_cents == expected_cents
    assert [(p.starts_on, p.rule_set) for p in loaded.rule_sets] == [
        (r["from"], r["rule_set"]) for r in data["rule_sets"]
    ]
    assert loaded.rule_set_id_on(data["programme_period"]["start"]) in RULE_SETS
    dumped = loaded.model_dump(mode="json", by_alias=True)
    assert load_territory_from_dict(dumped) == loaded


def load_territory_from_dict(data: dict[str, Any]) -> Any:
    """Write a dumped territory back to YAML and load it again."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "again.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return load_territory(path)

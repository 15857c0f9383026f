"""The Region rebuild bench, small: a programme published, monitoring rebuilt in a child process, figures returned."""

from __future__ import annotations

import os

import pytest

from tests.bench.rebuild import bench_rebuild


def _check(figures: dict[str, object], database: str) -> None:
    assert figures["events"] == 5_000
    assert figures["database"] == database
    assert isinstance(figures["seconds"], float) and figures["seconds"] > 0
    assert isinstance(figures["peak_rss_mb"], float) and figures["peak_rss_mb"] > 0
    applied = figures["applied"]
    assert isinstance(applied, dict)
    # Every projection got events; journeys and consents most of them (a programme's mix).
    assert set(applied) == {"monitoring_person_journeys", "monitoring_statistics_consent", "monitoring_hosts"}
    assert all(count > 0 for count in applied.values())
    assert sum(applied.values()) < 5_000  # events monitoring does not read are never delivered to it


def test_the_rebuild_bench_rebuilds_monitoring_from_a_small_programme_on_sqlite() -> None:
    news: list[str] = []
    _check(bench_rebuild(5_000, None, lambda *said: news.append(" ".join(map(str, said)))), "sqlite")
    assert any("applied" in line for line in news)


@pytest.mark.postgres
def test_the_rebuild_bench_rebuilds_monitoring_from_a_small_programme_on_postgresql() -> None:
    url = os.environ.get("CANTIERE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("CANTIERE_TEST_POSTGRES_URL is not set")
    _check(bench_rebuild(5_000, url), "postgresql")

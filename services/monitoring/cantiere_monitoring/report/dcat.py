"""The open data's metadata: a DCAT-AP_IT catalogue (JSON-LD) of the closed releases' files (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cantiere_runtime.territory import Territory

from cantiere_monitoring.domain.releases import Release

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}


def _text(it: str, en: str) -> list[dict[str, str]]:
    return [{"@value": it, "@language": "it"}, {"@value": en, "@language": "en"}]


def _day(value: date) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def release_title(release: Release) -> tuple[str, str]:
    """A release's name in Italian and English."""
    if release.kind == "programme":
        return "intero programma", "whole programme"
    if release.kind == "year":
        return f"anno {release.name}", f"year {release.name}"
    year, quarter = release.name.split("-Q")
    return f"{quarter}° trimestre {year}", f"{year} quarter {quarter}"


def file_url(base: str, release: Release, kind: str) -> str:
    """Where a release's file is served."""
    return f"{base}/open-data/{release.name.lower()}.{kind}"


def _agent(territory: Territory) -> dict[str, Any]:
    monitoring = territory.partners.monitoring
    return {"@type": ["dcatapit:Agent", "foaf:Agent"], "dct:identifier": monitoring.code, "foaf:name": monitoring.name}


def _dataset(territory: Territory, release: Release, base: str, issued: date) -> dict[str, Any]:
    it, en = release_title(release)
    distributions = [
        {
            "@id": file_url(base, release, kind),
            "@type": ["dcat:Distribution", "dcatapit:Distribution"],
            "dct:title": _text(f"Indicatori, {it} ({label})", f"Indicators, {en} ({label})"),
            "dct:format": {"@id": f"{EU}/file-type/{label}"},
            "dcat:mediaType": media,
            "dcat:accessURL": {"@id": f"{base}/dati-aperti"},
            "dcat:downloadURL": {"@id": file_url(base, release, kind)},
            "dct:license": {"@id": LICENCE, "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"]},
        }
        for kind, (label, media) in FORMATS.items()
    ]
    return {
        "@id": f"{base}/open-data/{release.name.lower()}",
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": f"{territory.code}:{release.name}",
        "dct:title": _text(f"{territory.name}: indicatori del programma, {it}", f"{territory.name}: indicators, {en}"),
        "dct:description": _text(
            "Conteggi aggregati del programma di tirocini di inclusione (segnalazioni, avvii, esiti, tempi delle "
            f"fasi); nessun conteggio inferiore a {territory.disclosure_threshold} è pubblicato, tranne lo zero.",
            "Aggregated counts of the inclusion internship programme (referrals, starts, outcomes, phase timings); "
            f"no count below {territory.disclosure_threshold} is published, except zero.",
        ),
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _day(release.period.start),
            "dcat:endDate": _day(release.period.end),
        },
        "dct:issued": _day(issued),
        "dct:modified": _day(issued),
        "dct:language": {"@id": f"{EU}/language/ITA"},
        "dct:accrualPeriodicity": {"@id": f"{EU}/frequency/IRREG"},
        "dcat:theme": {"@id": f"{EU}/data-theme/SOCI"},
        "dct:publisher": _agent(territory),
        "dct:rightsHolder": _agent(territory),
        "dcat:contactPoint": {
            "@type": ["vcard:Organization", "dcatapit:Organization"],
            "vcard:fn": territory.partners.monitoring.name,
        },
        "dcat:distribution": distributions,
    }


def catalogue(territory: Territory, closed: Sequence[Release], base: str, issued: date) -> dict[str, Any]:
    """The DCAT-AP_IT catalogue of the open data: one dataset per closed release, CSV and JSON each."""
    return {
        "@context": CONTEXT,
        "@id": f"{base}/open-data/catalogo.jsonld",
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": _text(f"Dati aperti — {territory.name}", f"Open data — {territory.name}"),
        "dct:description": _text(
            "Le cifre pubblicate dei periodi chiusi del programma, dopo la protezione delle celle piccole.",
            "The published figures of the programme's closed periods, after small-cell protection.",
        ),
        "dct:publisher": _agent(territory),
        "dct:issued": _day(issued),
        "dct:modified": _day(issued),
        "dct:language": {"@id": f"{EU}/language/ITA"},
        "foaf:homepage": {"@id": f"{base}/dati-aperti"},
        "dcat:dataset": [_dataset(territory, release, base, issued) for release in closed],
    }

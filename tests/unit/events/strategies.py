"""Hypothesis strategies built from the contract's models: every field within its constraints."""

from __future__ import annotations

import functools
import types
import typing
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from cantiere_events import Actor, Envelope, Event, wrap
from cantiere_events.envelope import TENANT_PATTERN
from cantiere_events.values import UUID_TEXT
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

_CONSTRAINTS = ("pattern", "ge", "gt", "le", "lt", "min_length", "max_length", "max_digits", "decimal_places")


def constraints_of(metadata: typing.Iterable[Any]) -> dict[str, Any]:
    """The constraints carried by pydantic / annotated-types metadata objects."""
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            found.update(constraints_of(item.metadata))
        for name in _CONSTRAINTS:
            value = getattr(item, name, None)
            if value is not None and not isinstance(item, FieldInfo):
                found[name] = value
    return found


def _bounds(c: dict[str, Any], low: Any, high: Any, step: Any) -> tuple[Any, Any]:
    lo = c.get("ge", c["gt"] + step if "gt" in c else low)
    hi = c.get("le", c["lt"] - step if "lt" in c else high)
    return lo, hi


def for_type(tp: Any, c: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """A strategy for one annotation and its constraints."""
    c = dict(c or {})
    origin = typing.get_origin(tp)
    if origin is Annotated:
        base, *meta = typing.get_args(tp)
        return for_type(base, {**c, **constraints_of(meta)})
    if origin in (typing.Union, types.UnionType):
        return st.one_of([for_type(arg, c) for arg in typing.get_args(tp)])
    if origin is Literal:
        return st.sampled_from(typing.get_args(tp))
    if origin is tuple:
        item, _ = typing.get_args(tp)
        size = min(c.get("max_length", 4), 4)
        return st.lists(for_type(item), min_size=c.get("min_length", 0), max_size=size).map(tuple)
    if tp is type(None):
        return st.none()
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return models(tp)
    if tp is bool:
        return st.booleans()
    if tp is int:
        lo, hi = _bounds(c, -(10**6), 10**9, 1)
        return st.integers(min_value=lo, max_value=min(hi, 10**9))
    if tp is Decimal:
        lo, hi = _bounds(c, -(10**6), 10**6, Decimal("0.01"))
        return st.decimals(
            min_value=lo, max_value=hi, places=c.get("decimal_places", 2), allow_nan=False, allow_infinity=False
        )
    if tp is str:
        if "pattern" in c:
            fast = _FAST_PATTERNS.get(c["pattern"])
            return fast if fast is not None else _regex(c["pattern"])
        return st.text(min_size=c.get("min_length", 0), max_size=c.get("max_length", 40))
    if tp is date:
        return st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
    if tp is datetime:
        return aware_datetimes()
    if tp is time:
        return st.times()
    raise NotImplementedError(f"no strategy for {tp!r}")


@functools.cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


_FAST_PATTERNS = {  # the same sets as the patterns, drawn faster than from_regex does
    UUID_TEXT: st.uuids().map(str),
    r"^[0-9a-f]{64}$": st.binary(min_size=32, max_size=32).map(bytes.hex),
}


def _build(model: type[BaseModel]) -> Any:
    def build(data: dict[str, Any]) -> BaseModel | None:
        try:
            return model.model_validate(data)
        except ValidationError:
            return None  # a cross-field rule refused this combination

    return build


_MODELS: dict[type[BaseModel], st.SearchStrategy[Any]] = {}


def models(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    """Valid instances of a model, every field drawn within its declared constraints."""
    if model not in _MODELS:
        fields = {name: for_type(f.annotation, constraints_of(f.metadata)) for name, f in model.model_fields.items()}
        _MODELS[model] = st.fixed_dictionaries(fields).map(_build(model)).filter(lambda m: m is not None)
    return _MODELS[model]


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Aware datetimes in UTC or a fixed offset of whole minutes."""
    offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC) | offsets
    )


partners = st.from_regex(TENANT_PATTERN, fullmatch=True)
ids = st.uuids().map(str)
actors = st.builds(Actor, user_id=ids, role=st.from_regex(r"^[a-z_]{1,40}$", fullmatch=True))


def envelopes(model: type[Event]) -> st.SearchStrategy[Envelope]:
    """Envelopes around valid payloads of one contract event, with random but valid metadata."""

    def envelope(payload: Event, d: dict[str, Any]) -> Envelope:
        return wrap(payload, **d)

    metadata = st.fixed_dictionaries(
        {
            "partner": partners,
            "aggregate_id": ids,
            "aggregate_version": st.integers(min_value=1, max_value=2**40),
            "occurred_at": aware_datetimes(),
            "correlation_id": st.none() | st.uuids(),
            "causation_id": st.none() | st.uuids(),
            "actor": st.none() | actors,
            "event_id": st.uuids(),
        }
    )
    return st.builds(envelope, models(model), metadata)


def fixed_uuid(letter: str) -> uuid.UUID:
    """A UUID made of one hex letter, which no payload value can be mistaken for."""
    return uuid.UUID(letter * 32)

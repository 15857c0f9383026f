"""Schemathesis over a service's OpenAPI, in process: every operation, positive and negative data, no 5xx.

Each operation gets its own seeded, derandomized Hypothesis run; path ids are drawn half the time from data the
test seeded first, so operations are reached beyond 404. The app runs in schemathesis' ASGI transport (one event
loop thread for its lifespan and its requests), so no port is opened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi

SEED = 20080303
Headers = Callable[[APIOperation], dict[str, str]]


@dataclass
class Report:
    """What the fuzzer saw: status codes per operation and mode, and every server error with its case."""

    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)

    def reached(self, label: str) -> set[int]:
        """Every status an operation answered, in either mode."""
        return {s for key, seen in self.statuses.items() if key.startswith(f"{label} [") for s in seen}

    def summary(self) -> str:
        return "\n".join(f"{key}: {dict(sorted(seen.items()))}" for key, seen in self.statuses.items())


@contextmanager
def serving(app: FastAPI) -> Iterator[schemathesis.BaseSchema]:
    """The app's OpenAPI as a schemathesis schema, its lifespan running until the block ends."""
    config = schemathesis.Config.from_dict({"seed": SEED})
    with asgi.get_client(app):  # starts the lifespan in schemathesis' event loop thread
        pass
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    finally:
        asgi.shutdown_lifespans()


def client(app: FastAPI) -> Any:
    """A requests-like client on the running app, for seeding data through the API itself."""
    return asgi.get_client(app)


def use_known_ids(schema: schemathesis.BaseSchema, known: dict[str, list[str]]) -> None:
    """Draw each path parameter named in ``known`` from its seeded values three times in four."""

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
        names = [name for name in path_parameters or {} if known.get(name)]
        if not path_parameters or not names:
            return st.just(path_parameters)
        generated = path_parameters
        choices = {
            name: st.one_of(
                st.sampled_from(known[name]),
                st.sampled_from(known[name]),
                st.sampled_from(known[name]),
                st.just(generated[name]),
            )
            for name in names
        }
        return st.fixed_dictionaries(choices).map(lambda chosen: {**generated, **chosen})


def fuzz(schema: schemathesis.BaseSchema, headers: Headers, *, max_examples: int) -> Report:
    """Every operation of the schema, in both generation modes; a 5xx (or an exception) is a server error."""
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            key = f"{operation.label} [{mode.value}]"
            seen = report.statuses.setdefault(key, Counter())
            try:
                _fuzz_operation(operation, mode, headers(operation), seen, max_examples)
            except Unsatisfiable:
                pass  # nothing to make invalid (an operation without parameters, in negative mode)
            except InvalidArgument:
                raise
            except (FailureGroup, Exception) as exc:  # a 5xx answer, or an exception the app let escape
                report.server_errors.append(f"{key}: {_describe(exc)}")
    return report


def _fuzz_operation(
    operation: APIOperation, mode: GenerationMode, headers: dict[str, str], seen: Counter[int], max_examples: int
) -> None:
    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(mode))
    def one(case: Case) -> None:
        response = case.call(headers=headers)
        seen[response.status_code] += 1
        case.validate_response(response, checks=[not_a_server_error])

    one()


def _describe(exc: BaseException) -> str:
    """The failure, with the cases and answers schemathesis or Hypothesis grouped under it."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, BaseExceptionGroup):
        text += "".join(f"\n  - {_describe(inner)}" for inner in exc.exceptions)
    return text

"""Reading versioned YAML configuration files and explaining their mistakes in plain words.

Shared by the territory configuration and the internship rules table: both are data
files that people edit by hand, so every error names the file, the field and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

M = TypeVar("M", bound=BaseModel)

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_PROBLEM = "config_problem"


class ConfigError(Exception):
    """A configuration file is missing or wrong; the message says where and what, one problem a line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


class FrozenModel(BaseModel):
    """Base of every configuration model: immutable, and unknown fields are mistakes."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


def problem(path: str, message: str) -> PydanticCustomError:
    """An error to raise from a validator: ``path`` is relative to the model being validated."""
    return PydanticCustomError(_PROBLEM, "{path}: {message}", {"path": path, "message": message})


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise problem("", f"{value!r} must be lowercase letters, digits or '-' (like 'mola-di-bari')")
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise problem("", "must not be empty")
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
"""A code made of lowercase letters, digits and single dashes: safe in NATS subjects, URLs and file names."""

Text = Annotated[str, AfterValidator(_check_text)]
"""A non-empty human-readable text (a name, a legal reference)."""


def read_yaml_mapping(path: Path, error: type[ConfigError]) -> dict[str, Any]:
    """The top-level mapping of a YAML file, or ``error`` saying plainly why it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error([f"{path.name}: file not found (looked for {path})"]) from None
    except OSError as exc:
        raise error([f"{path.name}: the file cannot be read ({exc.strerror or exc})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f"line {mark.line + 1}, column {mark.column + 1}: "
        what = getattr(exc, "problem", None) or str(exc)
        raise error([f"{path.name}: {where}this is not valid YAML ({what})"]) from None
    if data is None:
        raise error([f"{path.name}: the file is empty"])
    if not isinstance(data, dict):
        raise error([f"{path.name}: the file must hold a mapping of fields (name: value), not a {type(data).__name__}"])
    return data


def validate(model: type[M], data: Any, source: str, error: type[ConfigError], context: Any = None) -> M:
    """``data`` validated as ``model``, or ``error`` listing every problem with its file and field path."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise error([f"{source}: {_describe(e)}" for e in exc.errors()]) from None


def _describe(err: Any) -> str:
    loc = list(err["loc"])
    ctx = err.get("ctx") or {}
    if err["type"] == _PROBLEM:
        path = _join(loc, str(ctx["path"]))
        return f"{path}: {ctx['message']}" if path else str(ctx["message"])
    path = _join(loc, "")
    message = _plain(err)
    return f"{path}: {message}" if path else message


def _join(loc: list[Any], extra: str) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    if extra:
        out += extra if extra.startswith("[") or not out else f".{extra}"
    return out


def _plain(err: Any) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    shown = f" (got {got!r})"
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind == "string_type":
        return f"must be text; write it in quotes{shown}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number{shown}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false{shown}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"must be a date written as YYYY-MM-DD{shown}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()))
        if kind == "greater_than_equal" and limit == 0:
            return f"must not be negative{shown}"
        return f"must be {words} {limit}{shown}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind in {"list_type", "tuple_type"}:
        return f"must be a list{shown}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"must be a mapping of fields{shown}"
    if kind in {"literal_error", "enum"}:
        return f"must be {ctx.get('expected')}{shown}"
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")

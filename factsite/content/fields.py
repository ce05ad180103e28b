"""Field-level validation: each kind of value is read once, checked with file and line, and
described the same way to editors (JSON Schema)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .model import MONTHS, DateSpan, PartialDate
from .yaml_flat import Mapping

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE_PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_QUOTE_IT = "put it in quotes if it is meant as text"


class FieldError(Exception):
    """A value that does not fit its field; the message says what would."""

    def __init__(self, message: str, code: str = "field-value") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FieldType:
    """One kind of value: how it is read from YAML and how JSON Schema describes it."""

    parse: Callable[[Any], Any]
    """Returns the value for the model, or raises FieldError saying what would fit."""
    schema: dict[str, Any]
    """The JSON Schema of the value as written in YAML."""


@dataclass(frozen=True)
class Field:
    """How one key of a record is read."""

    type: FieldType
    required: bool = False
    description: str = ""
    """One line for authors: shown by editors that read the JSON Schemas."""

    @property
    def parse(self) -> Callable[[Any], Any]:
        return self.type.parse


def parse_text(value: Any) -> str:
    """Text: a YAML string, never a number, true/false, list or mapping read as one."""
    if not isinstance(value, str):
        raise FieldError(f"expected text, got {_describe(value)}{_text_hint(value)}", "field-type")
    text = value.strip()
    if not text:
        raise FieldError("is empty; write some text or leave the field out")
    return text


def _text_hint(value: Any) -> str:
    if isinstance(value, bool):
        return f" (YAML reads yes, no, on, off, true and false so); {_QUOTE_IT}"
    if isinstance(value, (int, float)):
        return f"; {_QUOTE_IT}"
    if isinstance(value, dict):
        return "; text with ': ' in it must be in quotes"
    if isinstance(value, list):
        return "; write the text on one line (a line starting with '- ' is a list item)"
    return ""


def parse_id(value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise FieldError(
            f"{value!r} is not a valid id: use lowercase letters, digits and single hyphens (e.g. 'ivo-daalder')"
        )
    return value


def parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        hint = "; write true or false, without quotes" if isinstance(value, str) else ""
        raise FieldError(f"expected true or false, got {_describe(value)}{hint}", "field-type")
    return value


def parse_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        hint = "; write the number without quotes" if isinstance(value, str) else ""
        raise FieldError(f"expected a whole number, got {_describe(value)}{hint}", "field-type")
    return int(value)


def parse_url(value: Any) -> str:
    url = parse_text(value)
    if not re.fullmatch(r"https?://[^\s<>\"]+", url):
        raise FieldError(f"{url!r} is not an http(s) URL; write the full address, https://...")
    return url


def parse_archive_path(value: Any) -> str:
    """A file in the content folder, as a relative path with forward slashes, outside pages/
    (whose files would be published)."""
    path = parse_text(value)
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or ".." in parts or "" in parts or "." in parts:
        raise FieldError(f"{path!r} is not a path inside the content folder; write it as archives/name.md")
    if not path.endswith(ARCHIVE_SUFFIXES):
        raise FieldError(f"{path!r} is not a text, Markdown or HTML file ({', '.join(ARCHIVE_SUFFIXES)})")
    if parts[0] == "pages":
        raise FieldError(f"{path!r} is in pages/, whose files are published; keep archives in archives/")
    return path


def parse_area(value: Any) -> tuple[float, float, float, float]:
    """[west, south, east, north] in degrees: a box on the map, west of east and south of north."""
    numbers = value if isinstance(value, list) else []
    if len(numbers) != 4 or not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
        raise FieldError("expected [west, south, east, north] in degrees, e.g. [12, 42, 42, 62]", "field-type")
    west, south, east, north = (float(n) for n in numbers)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise FieldError(f"{value} is not a box: west must be less than east, south less than north")
    return west, south, east, north


def parse_base_url(value: Any) -> str:
    url = parse_text(value)
    if not re.fullmatch(r"(https?://[^/\s<>\"?#]+)?/?([^\s<>\"?#]*)", url):
        raise FieldError(f"{url!r} is not a base URL such as https://user.github.io/repo/ or /")
    return url


def parse_domain(value: Any) -> str:
    text = parse_text(value).lower()
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", text):
        raise FieldError(f"{text!r} is not a domain name such as 'explainer.example.org' (no https://, no path)")
    return text


def parse_language(value: Any) -> str:
    text = parse_text(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", text):
        raise FieldError(f"{text!r} is not a language tag such as 'en', 'en-GB' or 'uk'")
    return text


def parse_date(value: Any) -> PartialDate:
    """YYYY, YYYY-MM or YYYY-MM-DD, checked against the calendar (no 2022-02-30)."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    match = _DATE_PATTERN.fullmatch(text)
    if not match:
        raise FieldError(f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        raise FieldError(f"{text} has no month {month}; months run 01 to 12")
    if day is not None and month is not None:
        last = _days_in_month(year, month)
        if not 1 <= day <= last:
            raise FieldError(f"{text} is not a real date: {MONTHS[month - 1]} {year} has {last} days")
    return PartialDate(year, month, day)


def parse_date_span(value: Any) -> DateSpan:
    """A date, or 'start/end' (both dates, start first)."""
    if isinstance(value, str) and "/" in value:
        start_text, _, end_text = value.partition("/")
        start, end = parse_date(start_text), parse_date(end_text)
        if end.sort_key < start.sort_key:
            raise FieldError(f"range {value!r} ends before it starts")
        return DateSpan(start, end)
    return DateSpan(parse_date(value))


def parse_labels(value: Any) -> tuple[tuple[str, str], ...]:
    """A mapping of id -> label, e.g. topics: {us-aid: US aid}."""
    if not isinstance(value, dict):
        raise FieldError(f"expected a mapping of id: label, got {_describe(value)}", "field-type")
    return tuple((parse_id(key), parse_text(label)) for key, label in value.items())


_ID_SCHEMA = {"type": "string", "pattern": f"^{ID_PATTERN.pattern}$"}
_DATE_TEXT = r"\d{4}(-\d{2}(-\d{2})?)?"
_DATE_SCHEMA = {
    "anyOf": [{"type": "string", "pattern": f"^{_DATE_TEXT}$"}, {"type": "integer", "minimum": 0, "maximum": 9999}]
}

TEXT = FieldType(parse_text, {"type": "string", "minLength": 1})
ID = FieldType(parse_id, _ID_SCHEMA)
BOOL = FieldType(parse_bool, {"type": "boolean"})
INT = FieldType(parse_int, {"type": "integer"})
URL = FieldType(parse_url, {"type": "string", "pattern": "^https?://"})
ARCHIVE_SUFFIXES = (".txt", ".md", ".html", ".htm")
ARCHIVE_PATH = FieldType(
    parse_archive_path, {"type": "string", "pattern": r"^(?!/)(?!pages/)(?!.*(^|/)\.\.?(/|$))[^\\]+\.(txt|md|html?)$"}
)
BASE_URL = FieldType(parse_base_url, {"type": "string"})
DOMAIN = FieldType(parse_domain, {"type": "string"})
LANGUAGE = FieldType(parse_language, {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"})
DATE = FieldType(parse_date, _DATE_SCHEMA)
DATE_SPAN = FieldType(
    parse_date_span,
    {"anyOf": [{"type": "string", "pattern": f"^{_DATE_TEXT}(/{_DATE_TEXT})?$"}, _DATE_SCHEMA["anyOf"][1]]},
)
AREA = FieldType(parse_area, {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4})
LABELS = FieldType(
    parse_labels, {"type": "object", "propertyNames": _ID_SCHEMA, "additionalProperties": {"type": "string"}}
)


def list_of(item: FieldType) -> FieldType:
    """A list of `item`s, none twice."""

    def parse_list(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            hint = "; write [a, b] or one '- item' per line" if isinstance(value, str) else ""
            raise FieldError(f"expected a list, got {_describe(value)}{hint}", "field-type")
        items = tuple(item.parse(element) for element in value)
        if len(set(items)) != len(items):
            raise FieldError("lists the same item twice")
        return items

    return FieldType(parse_list, {"type": "array", "items": item.schema, "uniqueItems": True})


def one_of(*allowed: str) -> FieldType:
    """Text that must be one of `allowed`."""

    def parse(value: Any) -> str:
        text = parse_text(value)
        if text not in allowed:
            raise FieldError(f"{text!r} is not one of: {', '.join(allowed)}")
        return text

    return FieldType(parse, {"enum": list(allowed)})


def records_of(fields: dict[str, Field]) -> FieldType:
    """A list of records (mappings), each read by the loader with `fields`: taken as written here."""
    return FieldType(lambda value: value, {"type": "array", "items": record_schema(fields)})


def record_schema(fields: dict[str, Field]) -> dict[str, Any]:
    """The JSON Schema of a record with these fields."""
    properties = {
        name: {**declared.type.schema, "description": declared.description} for name, declared in fields.items()
    }
    required = [name for name, declared in fields.items() if declared.required]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


Report = Callable[[int, str, str], None]
"""Notes a problem: (line, message, code)."""


def read_fields(mapping: Mapping, spec: dict[str, Field], what: str, report: Report) -> dict[str, Any] | None:
    """Parse `mapping` against `spec`; report every problem; None if any field failed."""
    values: dict[str, Any] = {}
    ok = True
    for key in mapping:
        if key not in spec:
            report(mapping.line_of(key), _unknown_field_message(key, spec, what), "field-unknown")
            ok = False
    for name, declared in spec.items():
        if name not in mapping or mapping[name] is None:
            if declared.required:
                report(mapping.line, f"{what} is missing required field '{name}'", "field-missing")
                ok = False
            continue
        try:
            values[name] = declared.parse(mapping[name])
        except FieldError as error:
            report(mapping.line_of(name), f"field '{name}': {error}", error.code)
            ok = False
    return values if ok else None


def _days_in_month(year: int, month: int) -> int:
    """As calendar.monthrange gives it (the proleptic Gregorian calendar)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTHS[month - 1]


_DAYS_IN_MONTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _unknown_field_message(key: str, spec: dict[str, Field], what: str) -> str:
    import difflib  # (only for a mistake)

    close = difflib.get_close_matches(key, list(spec), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown field '{key}' in {what}; {hint}fields are: {', '.join(sorted(spec))}"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{type(value).__name__} {value!r}"

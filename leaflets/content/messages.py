"""Schema errors explained in the author's terms: what is wrong here, and how to fix it."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from leaflets.content.loading import Document, KeyPath, format_key
from leaflets.content.schema import (
    ID_PATTERN, LANG_PATTERN, LOCALE_PATTERN, SOURCE_HASH_PATTERN, STRING_KEY_PATTERN, Bullets,
    Locale, Paragraph, PluralText, Steps,
)
from leaflets.errors import ErrorList

M = TypeVar("M", bound=BaseModel)

# Discriminated unions name their branch in an error's location with these tags.
TAGGED: dict[str, Any] = {"<p>": Paragraph, "<bullets>": Bullets, "<steps>": Steps,
                          "<text>": str, "<plural>": PluralText}
_BLOCK_KEYS = ("p", "bullets", "steps")
_PATTERNS = {
    ID_PATTERN: "is not a valid id: use lowercase letters, digits and single hyphens "
                "(like night-leg-cramps)",
    LANG_PATTERN: "is not a language code: use 2 or 3 lowercase letters (like en or nl)",
    STRING_KEY_PATTERN: "is not a valid key: use lowercase letters, digits and underscores, "
                        "starting with a letter",
    LOCALE_PATTERN: "is not a locale: write a language code, optionally with a country "
                    "(like en or en_GB)",
    SOURCE_HASH_PATTERN: "is not a source hash: copy the 12 characters that leaflets check "
                         "reports",
}


def key_path_of(location: tuple[Any, ...]) -> KeyPath:
    """Pydantic's location without its union tags and dict-key markers: a path in the file."""
    return tuple(p for p in location if not (isinstance(p, str) and (p in TAGGED or p == "[key]")))


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _child_type(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(part, str) and part in TAGGED:
        return TAGGED[part]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    origin = typing.get_origin(annotation)
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, dict) and arguments:
        return arguments[-1]
    if origin in (typing.Union, types.UnionType) and arguments:
        return _child_type(arguments[0], part)
    return None


def model_at(model: type[BaseModel], location: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that a location inside `model` points into, if it is one."""
    annotation: Any = model
    for part in location:
        annotation = _child_type(annotation, part)
        if annotation is None:
            return None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def required_keys(model: type[BaseModel]) -> list[str]:
    return [name for name, field in model.model_fields.items() if field.is_required()]


def describe(value: Any) -> str:
    """A value as an author would name it: `the number 12`, `a list`, `nothing`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40] + '...' if len(value) > 40 else value!r}"
    if isinstance(value, list):
        return "a list"
    return "keys with values"


def close_match(value: str, known: typing.Iterable[str]) -> str | None:
    known = list(known)
    matches = difflib.get_close_matches(value, known, n=1) or \
        difflib.get_close_matches(value.lower(), known, n=1)
    return matches[0] if matches else None


def _unknown_key(model: type[BaseModel], error: Any, key: str) -> str:
    parent = model_at(model, error["loc"][:-1])
    if parent in (Paragraph, Bullets, Steps) and key in _BLOCK_KEYS:
        return (f"a block holds only one of p, bullets or steps; start a new block (a new "
                f"`- {key}:` line) for this one")
    if parent is Locale and key == "services":
        return ("services are no longer set per language: they come from the region that "
                "leaflets.yaml pairs with the language (`region:`, see docs/content.md#regions); "
                "move these names into a region file and remove `services:` here")
    allowed = list(parent.model_fields) if parent else []
    close = close_match(key, allowed)
    if close:
        return f"unknown key {key!r}; did you mean {close!r}?"
    listing = f"; the keys allowed here are: {', '.join(allowed)}" if allowed else ""
    return f"unknown key {key!r}{listing}"


def _type_message(kind: str, value: Any) -> str | None:
    found = describe(value)
    if kind == "string_type":
        if value is None:
            return "the text is missing; write it after the colon"
        quote = "; put it in quotes" if isinstance(value, (int, float)) else ""
        return f"expected text, found {found}{quote}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        quoted = "; write it without quotes" if isinstance(value, str) else ""
        return f"expected a whole number, found {found}{quoted}"
    if kind in ("float_type", "float_parsing"):
        quoted = "; write it without quotes" if isinstance(value, str) else ""
        return f"expected a number, found {found}{quoted}"
    if kind == "bool_type":
        return f"expected true or false, found {found}"
    if kind == "list_type":
        return f"expected a list, found {found}; write each item on its own line after '- '"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (f"expected keys with values (`key: value` lines indented under this one), "
                f"found {found}")
    return None


def explain(model: type[BaseModel], error: Any) -> str:
    """One pydantic error as a sentence that says what to do."""
    kind, value, context = error["type"], error["input"], error.get("ctx") or {}
    key_path = key_path_of(error["loc"])
    key = str(key_path[-1]) if key_path else ""
    if kind == "extra_forbidden":
        return _unknown_key(model, error, key)
    if kind == "missing":
        return f"the required key {key!r} is missing; add `{key}: ...`"
    if kind == "string_too_short":
        return "this text is empty; write the text"
    if kind == "string_too_long":
        return (f"this text has {len(value)} characters, over the limit of "
                f"{context['max_length']}; shorten it or split it")
    if kind == "too_short":
        what = "list" if context.get("field_type") == "List" else "mapping"
        return f"this {what} is empty; add at least {context['min_length']} item"
    if kind == "too_long":
        return (f"at most {context['max_length']} items are allowed here, found "
                f"{context['actual_length']}; remove some")
    if kind == "string_pattern_mismatch":
        rule = _PATTERNS.get(context.get("pattern", ""), "is not in the expected form")
        return f"{value!r} {rule}"
    if kind in ("literal_error", "enum"):
        expected = context.get("expected", "")
        close = close_match(str(value), [e.strip(" '") for e in
                                         expected.replace(" or ", ", ").split(",")])
        hint = f"did you mean {close!r}?" if close else f"use one of {expected}"
        return f"{value!r} is not allowed here; {hint}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {context.get('ge', context.get('gt'))}, found {value}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {context.get('le', context.get('lt'))}, found {value}"
    if kind == "finite_number":
        return f"expected an ordinary number, found {value}; write a number such as 60"
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    typed = _type_message(kind, value)
    if typed:
        return typed
    message = error["msg"]
    return message[0].lower() + message[1:]


def suggested_keys(model: type[BaseModel], errors: list[Any]) -> set[KeyPath]:
    """Required keys that an unknown key nearby probably meant (`heding` for `heading`)."""
    suggested: set[KeyPath] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent = model_at(model, error["loc"][:-1])
            key_path = key_path_of(error["loc"])
            close = close_match(str(key_path[-1]), parent.model_fields if parent else [])
            if close:
                suggested.add(key_path[:-1] + (close,))
    return suggested


def validate_model(model: type[M], document: Document, errors: ErrorList) -> M | None:
    """Validate a document against a model, recording each problem with its position."""
    if document.data is None:
        errors.add(document.path, 1, 1, "", "the file is empty; it needs the keys "
                   f"{', '.join(required_keys(model))}")
        return None
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        found = exc.errors()
        meant = suggested_keys(model, found)
        for error in found:
            key_path = key_path_of(error["loc"])
            if document.is_refused(key_path) or (error["type"] == "missing" and key_path in meant):
                continue
            line, column = document.position(key_path)
            errors.add(document.path, line, column, format_key(key_path),
                       explain(model, error))
        return None

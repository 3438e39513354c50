"""A serializer's output, rendered without building the serializer on every request.

`Serializer(instance).data` deep-copies and binds every declared field (and every nested
serializer's fields) each time it is called, then walks them through generic machinery: for
the attempt document of an 18-question exam that is about a millisecond of a start's six,
every time a learner starts, reloads or resumes. Output needs none of that per request: the
fields are the same each time and their `to_representation` keeps no state.

`render(SerializerClass, instance)` walks the fields of one instance of the class, bound once
per process, with DRF's own rules: a missing key is the field's default, else None for a
field that allows null, else left out for a field that is not required; None is written as
None; every other value goes through the field's own `to_representation` (so decimals,
dates and choices read exactly as DRF writes them). The serializers stay the one
description of the shapes (the OpenAPI schema is built from them) and the contract tests
hold `render` equal to `.data`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models.manager import BaseManager
from rest_framework import fields, serializers
from rest_framework.fields import SkipField, empty

Renderer = Callable[[Any], Any]
# `to_representation` of these is the identity or a plain conversion: called directly.
_PLAIN: dict[type[fields.Field], Renderer] = {
    fields.IntegerField: int,
    fields.CharField: str,
}


def render(serializer_class: type[serializers.Serializer], instance: Any) -> dict[str, Any]:
    """What `serializer_class(instance).data` holds, as a plain dict."""
    return _renderer(serializer_class)(instance)


@functools.cache
def _renderer(serializer_class: type[serializers.Serializer]) -> Renderer:
    return _compile(serializer_class())


def _compile(serializer: serializers.Serializer) -> Renderer:
    steps = [_step(field) for field in serializer._readable_fields]

    def represent(instance: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, read, convert in steps:
            try:
                value = read(instance)
            except SkipField:
                continue
            out[name] = None if value is None else convert(value)
        return out

    return represent


def _step(field: fields.Field) -> tuple[str, Renderer, Renderer]:
    return field.field_name, _reader(field), _converter(field)


def _converter(field: fields.Field) -> Renderer:
    if isinstance(field, serializers.ListSerializer):
        item = _compile(field.child)
        # A related manager is read as DRF reads it: all its rows.
        return lambda items: [
            item(each) for each in (items.all() if isinstance(items, BaseManager) else items)
        ]
    if isinstance(field, serializers.Serializer):
        return _compile(field)
    if isinstance(field, fields.ListField):
        child = _converter(field.child)
        return lambda items: [None if each is None else child(each) for each in items]
    if type(field) in _PLAIN:
        return _PLAIN[type(field)]
    if type(field) is fields.JSONField and not field.binary:
        return lambda value: value
    return field.to_representation


def _reader(field: fields.Field) -> Renderer:
    """The field's value from an instance: a dict's key read directly, anything else (an
    attribute, a dotted source, a method) through DRF's own `get_attribute`."""
    if len(field.source_attrs) != 1:
        return field.get_attribute
    key = field.source_attrs[0]
    missing = _when_missing(field)

    def read(instance: Any) -> Any:
        # A plain dict first: `isinstance(…, Mapping)` goes through the ABC machinery, and an
        # attempt document of 60 questions reads some 1,300 values.
        if type(instance) is dict or isinstance(instance, Mapping):
            try:
                return instance[key]
            except KeyError:
                return missing()
        return field.get_attribute(instance)

    return read


def _when_missing(field: fields.Field) -> Callable[[], Any]:
    """DRF's rule for a key that is not there (`Field.get_attribute`)."""
    if field.default is not empty:
        return field.get_default
    if field.allow_null:
        return lambda: None
    if not field.required:

        def skip() -> Any:
            raise SkipField()

        return skip

    def fail() -> Any:
        raise KeyError(f"{field.parent.__class__.__name__}.{field.field_name} is missing")

    return fail

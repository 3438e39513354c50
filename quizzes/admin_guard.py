"""The base of the project's admin pages: a hostile query string or action POST is refused
with a 4xx (or the admin's own "bad filter" page), never a 500.

Django's admin lets two such inputs through to the database or to `datetime`:
- an action's selection (`_selected_action`) is filtered on unchecked, so "abc" raises
  ValueError and an id past 64 bits OverflowError (on SQLite);
- the date drill-down (`date_hierarchy`) computes the end of a year, month or day past 9999-12-31
  (or of a year past any integer) outside its own try, raising OverflowError or ValueError.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, ValidationError
from django.db import connections
from django.db.models import Model
from django.utils.translation import gettext as _


class GuardedChangeList(ChangeList):
    """A change list whose date drill-down past the calendar's end is a bad filter."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:  # the drill-down's end: year 10000
            raise IncorrectLookupParameters(error) from error


def is_stored_key(model: type[Model], value: str, using: str) -> bool:
    """Whether `value` could be the primary key of a row of `model` (its type and range)."""
    field = model._meta.pk
    while field.is_relation:  # a primary key that is another model's (one-to-one)
        field = field.target_field
    try:
        key = field.to_python(value)
    except ValidationError:
        return False
    if not isinstance(key, int):
        return True
    try:
        low, high = connections[using].ops.integer_field_range(field.get_internal_type())
    except KeyError:  # not a column type the backend bounds
        return True
    return (low is None or key >= low) and (high is None or key <= high)


class GuardedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose actions and date drill-down refuse input that names nothing."""

    def get_changelist(self, request, **kwargs: Any) -> type[ChangeList]:
        return GuardedChangeList

    def response_action(self, request, queryset, *args: Any, **kwargs: Any):
        """Run the chosen action, or refuse (400) a selection naming no possible record."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_stored_key(queryset.model, value, queryset.db) for value in selected):
            raise BadRequest(_("The selection names records that cannot exist: nothing was done."))
        return super().response_action(request, queryset, *args, **kwargs)


def guard_registered_admins(site: admin.AdminSite) -> None:
    """Put every admin registered on `site` behind the guard, Django's and other apps' too
    (users and groups, sign-in records, the task queue): the project's own derive from
    GuardedAdmin already, the others are registered again as a guarded subclass of their own."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, GuardedAdmin):
            continue
        original = type(model_admin)
        guarded = type(f"Guarded{original.__name__}", (GuardedAdmin, original), {})
        site.unregister(model)
        site.register(model, guarded)

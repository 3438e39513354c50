"""Instructor pages: a course's accommodations (extra time, extra attempts, a later close date
for a learner or a group, on one quiz or all of them) and its accommodation groups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from ...errors import DomainError
from ...forms.accommodations import AccommodationForm, AccommodationGroupForm
from ...models import Accommodation, AccommodationGroup, Course
from ...selectors.accommodations import course_accommodation_groups, course_accommodations
from ...services.accommodations import (
    AccommodationInvalid,
    AccommodationNotAllowed,
    accommodation_change,
    accommodation_grant,
    accommodation_group_delete,
    accommodation_group_save,
    accommodation_remove,
    adjustments_from,
)
from .common import instructor_required


def _refused(form, error: DomainError) -> None:
    """Show a service's refusal on the form, each reason by its field."""
    if isinstance(error, AccommodationNotAllowed):
        raise PermissionDenied(error.message)
    errors = error.errors if isinstance(error, AccommodationInvalid) else {"": error.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


def _list_page(
    request: HttpRequest,
    course: Course,
    *,
    form: AccommodationForm | None = None,
    group_form: AccommodationGroupForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        learner = request.GET.get("learner", "")
        initial = {"learner": learner} if learner.isdigit() else {}
        form = AccommodationForm(course=course, initial=initial)
    return render(
        request,
        "quizzes/teach/accommodations.html",
        {
            "course": course,
            "accommodations": course_accommodations(course=course),
            "groups": course_accommodation_groups(course=course),
            "form": form,
            "group_form": group_form or AccommodationGroupForm(course=course),
            "refused": status != 200,
            "teach_area": "accommodations",
        },
        status=status,
    )


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def accommodation_list(request: HttpRequest, course: Course) -> HttpResponse:
    """The course's accommodations and groups; POST grants a new accommodation."""
    if request.method != "POST":
        return _list_page(request, course)
    form = AccommodationForm(request.POST, course=course)
    if form.is_valid():
        data = form.cleaned_data
        try:
            accommodation_grant(
                actor=request.user,
                course=course,
                learner=data["learner"],
                group=data["group"],
                quiz=data["quiz"],
                adjustments=adjustments_from(data),
                note=data["note"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, "Accommodation saved; open attempts have their new time.")
            return redirect("teach:accommodations", course=course.slug)
    return _list_page(request, course, form=form, status=400)


def _accommodation_or_404(course: Course, accommodation_id: int) -> Accommodation:
    found = (
        Accommodation.objects.select_related("learner", "group", "quiz", "course")
        .filter(course=course, pk=accommodation_id)
        .first()
    )
    if found is None:
        raise Http404("No such accommodation in this course.")
    return found


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def accommodation_edit(request: HttpRequest, course: Course, accommodation: int) -> HttpResponse:
    """Change what an accommodation gives."""
    found = _accommodation_or_404(course, accommodation)
    fields = ("extra_minutes", "time_multiplier", "extra_attempts", "closes_at", "note")
    initial = {name: getattr(found, name) for name in fields}
    form = AccommodationForm(request.POST or None, course=course, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accommodation_change(
                actor=request.user,
                accommodation=found,
                adjustments=adjustments_from(form.cleaned_data),
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, "Accommodation changed; open attempts have their new time.")
            return redirect("teach:accommodations", course=course.slug)
    return render(
        request,
        "quizzes/teach/accommodation_form.html",
        {"course": course, "accommodation": found, "form": form, "teach_area": "accommodations"},
        status=400 if form.errors else 200,
    )


@instructor_required
@require_POST
def accommodation_delete(request: HttpRequest, course: Course, accommodation: int) -> HttpResponse:
    """Take an accommodation back."""
    found = _accommodation_or_404(course, accommodation)
    try:
        accommodation_remove(actor=request.user, accommodation=found)
    except AccommodationNotAllowed as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, "Accommodation removed.")
    return redirect("teach:accommodations", course=course.slug)


@instructor_required
@require_POST
def group_add(request: HttpRequest, course: Course) -> HttpResponse:
    """Create an accommodation group."""
    form = AccommodationGroupForm(request.POST, course=course)
    if form.is_valid():
        try:
            accommodation_group_save(
                actor=request.user,
                course=course,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, "Group saved.")
            return redirect("teach:accommodations", course=course.slug)
    return _list_page(request, course, group_form=form, status=400)


def _group_or_404(course: Course, group_id: int) -> AccommodationGroup:
    found = AccommodationGroup.objects.filter(course=course, pk=group_id).first()
    if found is None:
        raise Http404("No such group in this course.")
    return found


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_edit(request: HttpRequest, course: Course, group: int) -> HttpResponse:
    """Rename a group and choose its members."""
    found = _group_or_404(course, group)
    initial = {"name": found.name, "members": list(found.members.all())}
    form = AccommodationGroupForm(request.POST or None, course=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accommodation_group_save(
                actor=request.user,
                course=course,
                group=found,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, "Group saved; its members' open attempts have their time.")
            return redirect("teach:accommodations", course=course.slug)
    return render(
        request,
        "quizzes/teach/accommodation_group_form.html",
        {"course": course, "group": found, "form": form, "teach_area": "accommodations"},
        status=400 if form.errors else 200,
    )


@instructor_required
@require_POST
def group_delete(request: HttpRequest, course: Course, group: int) -> HttpResponse:
    """Delete a group and its accommodations."""
    found = _group_or_404(course, group)
    try:
        accommodation_group_delete(actor=request.user, group=found)
    except AccommodationNotAllowed as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, "Group and its accommodations removed.")
    return redirect("teach:accommodations", course=course.slug)


urlpatterns = [
    path("accommodations/", accommodation_list, name="accommodations"),
    path("accommodations/<int:accommodation>/", accommodation_edit, name="accommodation_edit"),
    path(
        "accommodations/<int:accommodation>/delete/",
        accommodation_delete,
        name="accommodation_delete",
    ),
    path("accommodations/groups/", group_add, name="accommodation_group_add"),
    path("accommodations/groups/<int:group>/", group_edit, name="accommodation_group_edit"),
    path(
        "accommodations/groups/<int:group>/delete/",
        group_delete,
        name="accommodation_group_delete",
    ),
]

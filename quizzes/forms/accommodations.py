"""Forms of the staff's accommodations page: an accommodation (for a learner or a group, on one
quiz or every quiz of the course) and an accommodation group. The choices offered are the
course's own; `services.accommodations` checks every rule again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..models import AccommodationGroup, Course, Quiz
from ..models.accommodations import MAX_TIME_MULTIPLIER
from ..services.accommodations import MAX_EXTRA_ATTEMPTS, MAX_EXTRA_MINUTES

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MemberChoiceField(forms.ModelChoiceField):
    """A course member, named by username and full name."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{obj.get_username()} ({name})" if name else obj.get_username()


class MembersField(forms.ModelMultipleChoiceField):
    """Course members, named as in `MemberChoiceField`."""

    label_from_instance = MemberChoiceField.label_from_instance


def course_members(course: Course):
    """The people enrolled in the course, by username."""
    return get_user_model().objects.filter(enrolments__course=course).order_by("username")


def course_quizzes(course: Course):
    """Every quiz the course offers, drafts included (an accommodation may be set up first)."""
    return Quiz.objects.offered_in(course).order_by("title")


class AccommodationForm(forms.Form):
    """Who (a learner or a group), where (a quiz or all of them) and what they get. Editing
    leaves out who and where: those make another accommodation."""

    learner = MemberChoiceField(queryset=None, required=False, label=_("Learner"))
    group = forms.ModelChoiceField(
        queryset=None, required=False, label=_("or a group"), empty_label=_("(no group)")
    )
    quiz = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Quiz"),
        empty_label=_("Every quiz of the course, including quizzes added later"),
    )
    extra_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_EXTRA_MINUTES, label=_("Extra minutes")
    )
    time_multiplier = forms.DecimalField(
        required=False,
        min_value=Decimal("1.01"),
        max_value=MAX_TIME_MULTIPLIER,
        max_digits=3,
        decimal_places=2,
        label=_("or a time multiplier"),
        help_text=_("For example 1.25 for a quarter more time."),
    )
    extra_attempts = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_EXTRA_ATTEMPTS, label=_("Extra attempts")
    )
    closes_at = forms.DateTimeField(
        required=False,
        label=_("Closes for them at"),
        help_text=_("Later than the quiz's own close date."),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    note = forms.CharField(
        required=False, max_length=300, label=_("Note (staff only)"), help_text=_("Why, briefly.")
    )

    def __init__(self, *args: Any, course: Course, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("learner", "group", "quiz"):
                del self.fields[name]
            return
        self.fields["learner"].queryset = course_members(course)
        self.fields["group"].queryset = AccommodationGroup.objects.filter(course=course)
        self.fields["quiz"].queryset = course_quizzes(course)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        who = (data.get("learner"), data.get("group"))
        if "learner" in self.fields and not self.errors and (who[0] is None) == (who[1] is None):
            self.add_error("learner", _("Choose one learner or one group."))
        if data.get("extra_minutes") and data.get("time_multiplier"):
            self.add_error(
                "time_multiplier", _("Give extra minutes or a time multiplier, not both.")
            )
        return data


class AccommodationGroupForm(forms.Form):
    """A named list of the course's members."""

    name = forms.CharField(max_length=120, label=_("Group name"))
    members = MembersField(
        queryset=None,
        required=False,
        label=_("Members"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = course_members(course)

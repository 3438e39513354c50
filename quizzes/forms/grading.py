"""Forms of the staff's attempt page: a question's mark (or a comment) and the attempt's grade,
given by hand. The services check the rules again (range, two decimals, who may)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.grading import COMMENT_MAX_LENGTH

COMMENT_HELP = _("The learner sees this comment with their result.")


class MarkForm(forms.Form):
    """A question's mark given by hand, or only a comment (mark left empty)."""

    mark = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2, label=_("New mark")
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        label=_("Comment"),
        help_text=COMMENT_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean()
        empty = data.get("mark") is None and not (data.get("comment") or "").strip()
        if empty and not self.errors:
            raise forms.ValidationError(_("Give a mark, a comment, or both."), code="empty")
        return data


class GradeForm(forms.Form):
    """The attempt's grade given by hand; `withdraw` returns it to the sum of the marks."""

    score = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2, label=_("Grade (points)")
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        label=_("Comment"),
        help_text=COMMENT_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    withdraw = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("score") is None and not data.get("withdraw") and not self.errors:
            raise forms.ValidationError(_("Give the grade in points."), code="empty")
        return data

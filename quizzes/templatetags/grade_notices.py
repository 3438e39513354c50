"""The notices on a submitted attempt that its grade changed after submission."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Attempt
from ..presenters import review_history

register = template.Library()


@register.inclusion_tag("quizzes/includes/grade_notices.html")
def grade_notices(attempt: Attempt, for_staff: bool = False) -> dict[str, Any]:
    """ "Regraded on <date>: your mark changed from X to Y", and grades given by hand, oldest
    first (the page's review has read them already when it shows the questions)."""
    return {"notices": review_history(attempt).notices, "for_staff": for_staff}

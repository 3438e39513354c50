"""Writes for question tags: bank metadata, so setting them never makes a new version."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..errors import QuestionInvalid
from ..models import Question, Tag
from ..tagging import parse_tags
from .authorization import Actor, require_question_editor


def tags_for_names(*, names: Iterable[str]) -> list[Tag]:
    """The tags with these names (normalised: `Week 3` is `week-3`), created when new.

    Raises QuestionInvalid for a name that is no tag, so nothing is half saved. Not a person's
    write of its own: only services that have checked their actor (question_create, the
    content loader) call it; a tag nobody uses changes nothing anyone sees.
    """
    wanted, problems = parse_tags(names)
    if problems:
        raise QuestionInvalid([f"tags: {problem}." for problem in problems])
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    for name in wanted:
        if name not in existing:
            # get_or_create: another request may create the same tag at the same moment.
            existing[name] = Tag.objects.get_or_create(name=name)[0]
    return [existing[name] for name in wanted]


@transaction.atomic
def question_tags_set(*, question: Question, names: Iterable[str], actor: Actor) -> bool:
    """Give a question exactly these tags; whether that changed anything. NotAllowed unless
    the actor may change the question."""
    require_question_editor(actor, question, what="tag it")
    tags = tags_for_names(names=names)
    if {t.pk for t in tags} == set(question.tags.values_list("pk", flat=True)):
        return False
    question.tags.set(tags)
    return True

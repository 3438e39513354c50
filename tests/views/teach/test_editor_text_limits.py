"""A question as long as any door lets it be opens in the editor and saves again unchanged.

Before, the API, imports and content packs took answer texts of any length and 20 tags of 50
characters, while the editor's fields stopped at 1,000 characters: such a question could be
stored but never saved again from the editor, which refused its own page as sent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Question
from quizzes.qtypes.text_limits import (
    ANSWER_TEXT_MAX,
    EXPLANATION_MAX,
    SOURCE_QUOTE_MAX,
    STEM_MAX,
    UNIT_MAX,
)
from quizzes.tagging import MAX_TAG_LENGTH, MAX_TAGS
from tests.api.helpers import client_for
from tests.api.test_teach_api import create
from tests.factories import ArticleFactory, SectionFactory, course_with_learner, enrol
from tests.views.teach.helpers import posted_form

pytestmark = pytest.mark.django_db


def longest(n: int) -> str:
    """The `n`-th distinct text of the longest length an answer text may have."""
    return f"{n} " + "w" * (ANSWER_TEXT_MAX - len(f"{n} "))


LONGEST_DATA = {
    "single_choice": {
        "choices": [
            {"text": longest(1), "correct": True, "feedback": longest(2)},
            {"text": longest(3), "feedback": longest(4)},
            {"text": longest(5)},
        ]
    },
    "multiple_response": {
        "choices": [
            {"text": longest(1), "correct": True, "feedback": longest(2)},
            {"text": longest(3)},
            {"text": longest(4)},
        ]
    },
    "true_false": {"answer": False, "feedback": longest(1)},
    "short_answer": {"accepted": [longest(1), longest(2)]},
    "numeric": {"answer": 2050, "tolerance": 0, "unit": "u" * UNIT_MAX},
    "matching": {
        "pairs": [{"left": longest(n), "right": longest(n + 10)} for n in range(1, 4)],
        "distractors": [longest(20)],
    },
    "ordering": {"items": [longest(n) for n in range(1, 4)]},
}


@pytest.mark.parametrize("qtype", sorted(LONGEST_DATA))
def test_a_question_at_every_length_limit_saves_again_unchanged_in_the_editor(client, qtype):
    article = ArticleFactory()
    section = SectionFactory(article=article)
    course = course_with_learner(article=article)[0]
    teacher = enrol(course, role="instructor")
    tags = [f"{n:02d}" + "t" * (MAX_TAG_LENGTH - 2) for n in range(MAX_TAGS)]
    made = create(
        client_for(teacher),
        course,
        type=qtype,
        section=section.slug,
        concepts=[],
        stem="s" * STEM_MAX,
        explanation="e" * EXPLANATION_MAX,
        source_quote="q" * SOURCE_QUOTE_MAX,
        data=LONGEST_DATA[qtype],
        tags=tags,
    )
    assert made.status_code == 201, made.json()
    question = Question.objects.get(pk=made.json()["id"])

    client.force_login(teacher)
    edit = reverse("teach:question_edit", args=[course.slug, question.pk])
    page = client.get(edit).content.decode()
    saved = client.post(edit, posted_form(page, "stem"))

    assert saved.status_code == 302, saved.content.decode()
    question.refresh_from_db()
    assert question.current_version.number == 1  # nothing changed, so no new version
    assert sorted(question.tags.values_list("name", flat=True)) == tags

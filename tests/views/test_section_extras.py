"""Section pages link glossary terms and the practice quiz; instructor text is sanitised."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Quiz, Section
from tests.factories import course_with_learner, fixed_quiz, make_question

pytestmark = pytest.mark.django_db
ARTICLE = "human-rights-reforms-in-kazakhstan"


def section_html(client, slug):
    return client.get(
        reverse("quizzes:section", kwargs={"article": ARTICLE, "section": slug})
    ).content.decode()


def test_concepts_named_in_the_summary_link_to_their_glossary_entries(client):
    html = section_html(client, "freedom-of-expression-and-media")
    assert 'href="#concept-article-130" class="glossary-link"' in html
    assert 'id="concept-article-130"' in html


@pytest.mark.needs_article
def test_concepts_of_other_sections_link_to_their_section(client, imported_article):
    html = section_html(client, "freedom-of-religion")
    assert (
        'href="/articles/human-rights-reforms-in-kazakhstan/freedom-of-expression-and-media/#concept-article-174"'
        in html
    )


def test_a_member_sees_the_sections_practice_quiz(client):
    course, learner = course_with_learner()
    assert "Practice:" not in section_html(client, "womens-rights")
    client.force_login(learner)
    quiz = Quiz.objects.get(key="practice-womens-rights")
    assert reverse("quizzes:quiz", args=[course.slug, quiz.pk]) in section_html(
        client, "womens-rights"
    )


def test_a_courses_own_practice_quiz_for_the_section_is_offered_there_only(client):
    course, learner = course_with_learner()
    other, _ = course_with_learner()
    section = Section.objects.get(article__slug=ARTICLE, slug="womens-rights")
    own = fixed_quiz([make_question(section=section)], course=course, section=section)
    theirs = fixed_quiz([make_question(section=section)], course=other, section=section)
    client.force_login(learner)
    html = section_html(client, "womens-rights")
    assert reverse("quizzes:quiz", args=[course.slug, own.pk]) in html
    assert f"/quizzes/{theirs.pk}/" not in html


def test_instructor_text_is_sanitised_before_it_is_shown(client):
    course, learner = course_with_learner()
    section = Section.objects.get(article__slug=ARTICLE, slug="introduction")
    question = make_question(
        section=section,
        stem='Which <em>year</em>?<script>alert("x")</script><img src=x onerror="alert(1)">',
        explanation="<b>Because</b><iframe src=//evil></iframe>",
    )
    quiz = fixed_quiz([question], article=course.article)
    client.force_login(learner)
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "Which <em>year</em>?" in page
    assert "<script>alert" not in page and "<img src=x" not in page and "onerror" not in page
    client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]))
    review = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    assert "<b>Because</b>" in review and "<iframe" not in review

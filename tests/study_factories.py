"""Builders for the flashcard and progress tests (on top of tests.factories)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from quizzes import models
from tests.factories import CourseFactory, SectionFactory, UserFactory, enrol

SHIPPED_ARTICLE = "human-rights-reforms-in-kazakhstan"
# What the exam guard costs a learner of one course while one graded quiz protects questions:
# their courses, the protecting quizzes, their slots, their attempts there, the pool's questions.
GUARD_QUERIES = 5


def shipped_article() -> models.Article:
    """The article of the shipped content pack (loaded into every test database)."""
    return models.Article.objects.get(slug=SHIPPED_ARTICLE)


def enrolled_learner(course: models.Course, **kwargs):
    """A new user enrolled as a learner in the course."""
    user = UserFactory(**kwargs)
    models.Enrolment.objects.create(course=course, user=user, role=models.CourseRole.LEARNER)
    return user


def course_on_shipped_article() -> models.Course:
    """A course that studies the shipped article."""
    return CourseFactory(article=shipped_article())


def submit(attempt: models.Attempt, grades: list[tuple[str, str | None]]) -> models.Attempt:
    """Mark the attempt submitted with (state, fraction) per response, in position order."""
    total = Decimal(0)
    for response, (state, fraction) in zip(
        attempt.responses.order_by("position"), grades, strict=True
    ):
        response.state = state
        response.fraction = None if fraction is None else Decimal(fraction)
        response.score = response.fraction
        response.save()
        total += response.fraction or 0
    attempt.state = models.AttemptState.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.score = total
    attempt.save()
    return attempt


def concept_card(user, concept: models.Concept, *, due: datetime, reviews: int = 0):
    """A concept card with the given due time and number of past reviews."""
    return models.ReviewCard.objects.create(
        user=user,
        kind=models.CardKind.CONCEPT,
        concept=concept,
        due=due,
        review_count=reviews,
        last_review=due if reviews else None,
    )


def question_card(user, question: models.Question, *, due: datetime, version=None):
    """A question card holding the version reviewed (the question's current one by default)."""
    return models.ReviewCard.objects.create(
        user=user,
        kind=models.CardKind.QUESTION,
        question=question,
        question_version=version or question.current_version,
        due=due,
    )


def card_and_history(card: models.ReviewCard) -> tuple[dict, list]:
    """The card's schedule and its review log, to show that a refusal changed neither."""
    return (
        models.ReviewCard.objects.values().get(pk=card.pk),
        list(models.ReviewLog.objects.filter(card=card).values()),
    )


def article_with_concepts(count: int = 4) -> models.Article:
    """A new one-section article whose glossary has `count` concepts."""
    section = SectionFactory()
    for n in range(count):
        models.Concept.objects.create(
            article=section.article,
            section=section,
            slug=f"{section.slug}-concept-{n}",
            term=f"Concept {n}",
            definition=f"Definition {n}.",
        )
    return section.article


def new_cards(user, count: int, *, due: datetime) -> list[models.ReviewCard]:
    """`count` new concept cards of the user on a new one-section article, in creation order;
    the user is a learner of a course on it, so may rate them (`permissions.cards_as_member`)."""
    section = SectionFactory()
    enrol(CourseFactory(article=section.article), user)
    return [
        concept_card(
            user,
            models.Concept.objects.create(
                article=section.article,
                section=section,
                slug=f"{section.slug}-c{n}",
                term=f"Term {n}",
                definition=f"Definition {n}.",
            ),
            due=due,
        )
        for n in range(count)
    ]

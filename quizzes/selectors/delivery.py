"""Reads for delivery: quizzes a course offers, a learner's attempts, an attempt's page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, JSONField, OuterRef, QuerySet, Subquery, Sum

from ..models import (
    AccommodationTerms,
    Attempt,
    AttemptState,
    Course,
    Quiz,
    QuizGrade,
    Response,
    ResponseStep,
    StepKind,
)
from ..models.attempts import SAVED_STATES
from ..permissions import courses_as_member, is_site_admin, with_role
from .accommodations import learner_terms_in
from .offer_rows import quiz_offer_row_sent
from .response_rows import open_attempt_responses


def quiz_list_for_course(*, course: Course) -> QuerySet[Quiz]:
    """Published quizzes offered in a course: its own, and shared ones for its article."""
    return (
        Quiz.objects.published()
        .offered_in(course)
        .select_related("section")
        .order_by("section__position", "title")
    )


def attempt_get_for_user(*, attempt_id: int, user: AbstractBaseUser) -> Attempt | None:
    """The user's own attempt with its quiz and course, or None (another's looks the same)."""
    return (
        Attempt.objects.select_related("quiz__section", "quiz__article", "course")
        .filter(pk=attempt_id, user=user)
        .first()
    )


def with_last_step(responses: QuerySet[Response]) -> QuerySet[Response]:
    """Responses annotated with their last step (seq, kind, state, data).

    While an attempt is open, answers and flags live only in its append-only steps: a save is
    one INSERT, and the response row keeps what was last graded (a practice check, the
    submission). Each annotation is one probe of the (response, seq) unique index.
    """
    last = ResponseStep.objects.filter(response=OuterRef("pk")).order_by("-seq")
    return responses.annotate(
        last_seq=Subquery(last.values("seq")[:1]),
        last_kind=Subquery(last.values("kind")[:1]),
        last_state=Subquery(last.values("state")[:1]),
        last_data=Subquery(last.values("data")[:1], output_field=JSONField()),
    )


def as_live(response: Response) -> Response:
    """The response as it stands now: a saved answer and flag after the last grading replace
    the row's (call on responses from `with_last_step`)."""
    if response.last_kind == StepKind.SAVE:
        data = response.last_data or {}
        response.answer = data.get("answer")
        response.is_flagged = data.get("flagged", response.is_flagged)
        response.state = response.last_state
        if response.state in SAVED_STATES:
            response.fraction = response.score = None
    return response


def attempt_responses(*, attempt: Attempt, for_review: bool = False) -> list[Response]:
    """The attempt's responses in order, as they stand now, each with the exact version it
    showed (one query); `for_review` adds each question's section and article, for links to
    the passage."""
    if attempt.state == AttemptState.IN_PROGRESS and not for_review:
        return [as_live(response) for response in open_attempt_responses(attempt)]
    related = ["question_version"] + (["question__section__article"] if for_review else [])
    responses = with_last_step(attempt.responses.select_related(*related)).order_by("position")
    return [as_live(response) for response in responses]


@dataclass(frozen=True)
class StartOffer:
    """A quiz as one user may start it: in which of their courses, and their attempts there."""

    quiz: Quiz
    # The course to start in: the one asked for, or the user's only course offering the quiz.
    course_id: int | None
    # How many of the user's courses offer it (more than one: the user must say which).
    course_count: int
    # When a course was asked for: whether the user belongs to it.
    is_member: bool
    attempts_used: int
    open_attempt_id: int | None
    started_recently: int
    # The user's accommodations for the quiz in that course (`selectors.accommodations`).
    accommodations: tuple[AccommodationTerms, ...] = ()


def start_offer(
    *,
    user: AbstractBaseUser,
    quiz_id: int,
    course_id: int | None = None,
    course_slug: str | None = None,
    since: datetime,
) -> StartOffer | None:
    """What starting a quiz needs to know, in one query: the published quiz, the user's
    courses that offer it, and their attempts at it there (how many, the open one, how many
    began after `since`). None when no published quiz has that id."""
    return start_offer_sent(
        user=user, quiz_id=quiz_id, course_id=course_id, course_slug=course_slug, since=since
    )()


def start_offer_sent(
    *,
    user: AbstractBaseUser,
    quiz_id: int,
    course_id: int | None = None,
    course_slug: str | None = None,
    since: datetime,
) -> Callable[[], StartOffer | None]:
    """Send the query of `start_offer` now and return what fetches it: sent inside a
    `services.pipelined` block, it travels with the block's other statements."""
    fetch = quiz_offer_row_sent(
        quiz_id=quiz_id,
        user_id=user.pk,
        all_courses=is_site_admin(user),
        course_id=course_id,
        course_slug=course_slug,
        since=since,
    )

    def offer() -> StartOffer | None:
        found = fetch()
        if found is None:
            return None
        quiz, terms = found
        return StartOffer(quiz=quiz, **terms)

    return offer


@dataclass(frozen=True)
class QuizHistory:
    """A learner's attempts at one quiz with their quiz grade (stored, by the quiz's grading
    method), whether it passes, and the last score (percent)."""

    quiz: Quiz
    attempts: list[Attempt]
    grade: Decimal | None
    passed: bool | None
    last: Decimal | None


def attempt_history(*, user: AbstractBaseUser, course: Course | None = None) -> list[QuizHistory]:
    """The user's attempts grouped by quiz, newest first, with the quiz grade and last score
    (two queries). Without a course, the grade is that of the newest attempt's course."""
    attempts = (
        Attempt.objects.filter(user=user)
        .select_related("quiz", "course")
        .order_by("quiz__title", "-number")
    )
    grades = QuizGrade.objects.filter(user=user)
    if course is not None:
        attempts = attempts.filter(course=course)
        grades = grades.filter(course=course)
    grouped: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        grouped.setdefault(attempt.quiz_id, []).append(attempt)
    by_place = (
        {(g.quiz_id, g.course_id): g for g in grades.filter(quiz_id__in=grouped)} if grouped else {}
    )
    history = []
    for items in grouped.values():
        scored = [a.percent for a in items if a.state == AttemptState.SUBMITTED]
        grade = by_place.get((items[0].quiz_id, items[0].course_id))
        history.append(
            QuizHistory(
                items[0].quiz,
                items,
                grade.percent if grade else None,
                grade.passed if grade else None,
                scored[0] if scored else None,
            )
        )
    return history


def member_courses(user) -> list[Course]:
    """The courses a user belongs to (`permissions.courses_as_member`; every course for site
    admins), each with the user's `role` in it (`permissions.with_role`)."""
    return list(with_role(courses_as_member(user), user).order_by("title"))


def offered_quizzes(user) -> list[dict]:
    """Every (quiz, course) the user can take, with question counts and attempts used."""
    courses = member_courses(user)
    if not courses:
        return []
    quizzes = list(
        Quiz.objects.published()
        .offered_in(*courses)
        .select_related("section")
        .annotate(question_count=Sum("slots__pool_count"))
        .order_by("section__position", "title")
    )
    used = {
        (row["quiz"], row["course"]): row["n"]
        for row in Attempt.objects.filter(user=user)
        .values("quiz", "course")
        .annotate(n=Count("id"))
    }
    terms_for = learner_terms_in(learner_id=user.pk, courses=courses)
    offered = []
    for course in courses:
        for quiz in quizzes:
            if quiz.is_offered_in(course):
                quiz.section_slug = quiz.section.slug if quiz.section else None
                terms = terms_for(quiz, course)
                offered.append(
                    {
                        **{
                            f: getattr(quiz, f)
                            for f in (
                                "id",
                                "title",
                                "description",
                                "mode",
                                "layout",
                                "section_slug",
                                "pass_mark",
                                "grading_method",
                                "opens_at",
                            )
                        },
                        # The learner's own limits: their accommodations applied.
                        "time_limit_minutes": terms.time_limit_minutes,
                        "max_attempts": terms.max_attempts,
                        "closes_at": terms.closes_at,
                        "question_count": quiz.question_count or 0,
                        "course": {"id": course.pk, "slug": course.slug, "title": course.title},
                        "attempts_used": used.get((quiz.pk, course.pk), 0),
                    }
                )
    return offered

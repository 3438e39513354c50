"""Reads for the quiz builder: a course's quizzes, one quiz with its slots, and the bank it uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from ..models import (
    Article,
    Attempt,
    Concept,
    Course,
    Question,
    QuestionStatus,
    Quiz,
    QuizSlot,
    Section,
)


def _shared_for(course: Course) -> Q:
    """Shared quizzes a course offers: those of its article, and those of no article."""
    return Q(course__isnull=True) & (Q(article__isnull=True) | Q(article_id=course.article_id))


def quiz_list_for_teaching(*, course: Course) -> QuerySet[Quiz]:
    """Every quiz of a course, published or not, and the shared ones it offers, with counts.

    `question_count` is the number of questions an attempt gets; `attempt_count` counts the
    attempts made in this course. Subqueries keep both exact (two joins would multiply rows).
    """
    questions = (
        QuizSlot.objects.filter(quiz=OuterRef("pk"))
        .values("quiz")
        .annotate(total=Sum("pool_count"))
        .values("total")
    )
    attempts = (
        Attempt.objects.filter(quiz=OuterRef("pk"), course=course)
        .values("quiz")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        Quiz.objects.filter(Q(course=course) | _shared_for(course))
        .select_related("section")
        .annotate(
            question_count=Coalesce(Subquery(questions, output_field=IntegerField()), 0),
            attempt_count=Coalesce(Subquery(attempts, output_field=IntegerField()), 0),
        )
        .order_by("section__position", "title", "pk")
    )


def quiz_get_for_teaching(*, course: Course, quiz_id: int) -> Quiz | None:
    """A quiz of the course or a shared one it offers; None for any other (such as another's)."""
    return (
        Quiz.objects.select_related("article", "section")
        .filter(Q(course=course) | _shared_for(course), pk=quiz_id)
        .first()
    )


def quiz_slot_list(*, quiz: Quiz) -> list[QuizSlot]:
    """A quiz's slots in order (one query; the builder's bank holds what the rows show)."""
    return list(quiz.slots.order_by("position"))


def quiz_attempt_count(*, quiz: Quiz) -> int:
    """How many attempts, in any course, have been started at a quiz."""
    return Attempt.objects.filter(quiz=quiz).count()


@dataclass(frozen=True)
class BankQuestion:
    """What the builder needs to know of a question: where it sits, how hard it is, its stem."""

    id: int
    section_id: int
    difficulty: int
    status: str
    qtype: str
    stem: str
    course_id: int | None
    has_version: bool
    in_scope: bool
    concept_ids: frozenset[int] = frozenset()

    @property
    def is_drawable(self) -> bool:
        """Published with a version: what a learner may be given."""
        return self.status == QuestionStatus.PUBLISHED and self.has_version


@dataclass(frozen=True)
class QuizBank:
    """The questions, sections and concepts a quiz may draw on (loaded once per request)."""

    article: Article | None
    course_id: int | None
    questions: dict[int, BankQuestion]
    sections: list[Section]
    concepts: list[Concept] = field(default_factory=list)


BANK_COLUMNS = (
    "id",
    "section_id",
    "difficulty",
    "status",
    "qtype",
    "current_version__stem",
    "course_id",
    "section__article_id",
)


def _bank_scope(course: Course | None, article: Article | None) -> Q:
    """A course quiz uses its course's bank and the shared bank; a shared quiz the shared bank."""
    shared = Q(course__isnull=True, section__article=article) if article else Q(pk__in=[])
    return shared | Q(course=course) if course is not None else shared


def _bank_questions(
    course: Course | None, article: Article | None, also: frozenset[int]
) -> dict[int, BankQuestion]:
    """The bank's questions with their concepts, in section order (two queries)."""
    scope = _bank_scope(course, article)
    links: dict[int, set[int]] = {}
    through = Question.concepts.through.objects.filter(question__in=Question.objects.filter(scope))
    for question_id, concept_id in through.values_list("question_id", "concept_id"):
        links.setdefault(question_id, set()).add(concept_id)
    rows = (
        Question.objects.filter(scope | Q(pk__in=also))
        .order_by("section__position", "key", "pk")
        .values(*BANK_COLUMNS)
    )
    article_id, course_id = (article.pk if article else None), (course.pk if course else None)
    questions = {}
    for row in rows:
        owner, stem = row["course_id"], row["current_version__stem"]
        questions[row["id"]] = BankQuestion(
            id=row["id"],
            section_id=row["section_id"],
            difficulty=row["difficulty"],
            status=row["status"],
            qtype=row["qtype"],
            stem=stem or "",
            course_id=owner,
            has_version=stem is not None,
            in_scope=owner == course_id
            if owner is not None
            else row["section__article_id"] == article_id,
            concept_ids=frozenset(links.get(row["id"], ())),
        )
    return questions


def quiz_bank(
    *, course: Course | None, article: Article | None, also: frozenset[int] = frozenset()
) -> QuizBank:
    """The bank a quiz of `course` (None: a shared quiz) on `article` draws on (four queries).

    `also` adds question ids already in the quiz even if out of scope now, so an edit page can
    show them and say what is wrong with them.
    """
    questions = _bank_questions(course, article, also)
    section_ids = {q.section_id for q in questions.values()}
    sections = list(
        Section.objects.filter(Q(article=article) | Q(pk__in=section_ids)).order_by(
            "article_id", "position"
        )
    )
    concepts = list(Concept.objects.filter(article=article).order_by("term")) if article else []
    return QuizBank(article, course.pk if course else None, questions, sections, concepts)

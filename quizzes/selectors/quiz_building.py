"""Reads for the quiz builder: a course's quizzes, one quiz with its slots, and the bank it uses."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import NamedTuple, Protocol

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
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
    Tag,
)
from . import prepared
from .subqueries import count_of


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
    attempts = Attempt.objects.filter(quiz=OuterRef("pk"), course=course)
    return (
        Quiz.objects.offered_in(course)
        .select_related("section")
        .annotate(
            question_count=Coalesce(Subquery(questions, output_field=IntegerField()), 0),
            attempt_count=count_of(attempts, per="quiz"),
        )
        .order_by("section__position", "title", "pk")
    )


def quiz_get_for_teaching(*, course: Course, quiz_id: int) -> Quiz | None:
    """A quiz of the course or a shared one it offers; None for any other (such as another's)."""
    return (
        Quiz.objects.select_related("article", "section")
        .offered_in(course)
        .filter(pk=quiz_id)
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
    in_pool_scope: bool = False
    tag_ids: frozenset[int] = frozenset()

    @property
    def is_drawable(self) -> bool:
        """Published with a version: what a learner may be given."""
        return self.status == QuestionStatus.PUBLISHED and self.has_version


@dataclass(frozen=True)
class QuizBank:
    """The questions, sections, concepts and tags a quiz may draw on (loaded once per request)."""

    article: Article | None
    course_id: int | None
    questions: dict[int, BankQuestion]
    sections: list[Section]
    concepts: list[Concept] = field(default_factory=list)
    # The tags of the bank's questions, by name: what a pool can usefully filter on.
    tags: list[Tag] = field(default_factory=list)


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


def quiz_article_id(quiz: Quiz) -> int | None:
    """The article a quiz is about: its own, or its course's."""
    if quiz.article_id:
        return quiz.article_id
    return quiz.course.article_id if quiz.course_id else None


def pool_scope(*, course_id: int | None, article_id: int | None) -> Q:
    """The questions a random pool of a quiz may draw: only the quiz's article's, from the
    shared bank or the quiz's own course bank (never another course's, never another article's).

    The one home of this rule: attempts draw with it and the builder counts pools with it.
    """
    if article_id is None:
        # No article to keep to: only the course's own bank, which is the course's by definition.
        return Q(course_id=course_id) if course_id is not None else Q(pk__in=[])
    owner = Q(course__isnull=True) | (Q(course_id=course_id) if course_id else Q(pk__in=[]))
    return Q(section__article_id=article_id) & owner


class PoolFilters(Protocol):
    """A random slot's filters (a saved QuizSlot or the builder's SlotSpec)."""

    pool_section_id: int | None
    pool_difficulty: int | None
    pool_concept_id: int | None
    pool_tag_id: int | None


class PoolQuestion(Protocol):
    """What a pool's filters look at in a question."""

    section_id: int
    difficulty: int
    concept_ids: frozenset[int]
    tag_ids: frozenset[int]


def in_pool(slot: PoolFilters, question: PoolQuestion) -> bool:
    """Whether a question (already in the pool's scope) matches every filter the slot sets."""
    return (
        slot.pool_section_id in (None, question.section_id)
        and slot.pool_difficulty in (None, question.difficulty)
        and (slot.pool_concept_id is None or slot.pool_concept_id in question.concept_ids)
        and (slot.pool_tag_id is None or slot.pool_tag_id in question.tag_ids)
    )


class PoolCandidate(NamedTuple):
    """A published question some random slot could draw (a tuple: a start builds dozens)."""

    id: int
    section_id: int
    difficulty: int
    concept_ids: frozenset[int]
    tag_ids: frozenset[int] = frozenset()
    current_version_id: int | None = None


def _with_tags(questions: QuerySet[Question], tag_ids: set[int]) -> QuerySet[Question]:
    """Annotate `tag_<id>` (whether the question has that tag) for each wanted tag, in the
    same query: the exam guard runs on every practice page and must not grow with the tags."""
    through = Question.tags.through.objects.filter(question_id=OuterRef("pk"))
    return questions.annotate(
        **{f"tag_{tag_id}": Exists(through.filter(tag_id=tag_id)) for tag_id in tag_ids}
    )


def pool_candidates(*, quiz: Quiz, slots: Sequence[PoolFilters]) -> list[PoolCandidate]:
    """The published questions (with a version) in the quiz's pool scope that `slots` could
    draw, with the concepts and tags those slots filter on (at most two queries)."""
    if not slots:
        return []
    article_id = quiz_article_id(quiz)
    sections = (
        frozenset(s.pool_section_id for s in slots)
        if all(s.pool_section_id for s in slots)
        else None
    )
    tags = tuple(sorted({s.pool_tag_id for s in slots if s.pool_tag_id}))
    tagged_only = bool(tags) and all(s.pool_tag_id for s in slots)

    def build() -> QuerySet[Question]:
        scope = pool_scope(course_id=quiz.course_id, article_id=article_id)
        questions = Question.objects.published().filter(scope, current_version__isnull=False)
        if sections is not None:
            questions = questions.filter(section_id__in=sections)
        questions = _with_tags(questions, set(tags))
        if tagged_only:
            has_a_tag = reduce(operator.or_, (Q(**{f"tag_{t}": True}) for t in tags))
            questions = questions.filter(has_a_tag)
        columns = ["id", "section_id", "difficulty", "current_version_id"]
        columns += [f"tag_{t}" for t in tags]
        return questions.order_by().values_list(*columns)

    # Run at every start: compiled once per shape (prepared.py), keyed by all it depends on.
    key = ("pool", quiz.course_id, article_id, sections, tags, tagged_only)
    rows = prepared.values(Question, key, build)
    concept_ids: dict[int, set[int]] = {}
    wanted = {s.pool_concept_id for s in slots if s.pool_concept_id}
    if wanted:
        links = Question.concepts.through.objects.filter(
            concept_id__in=wanted, question_id__in=[r[0] for r in rows]
        ).values_list("question_id", "concept_id")
        for question_id, concept_id in links:
            concept_ids.setdefault(question_id, set()).add(concept_id)
    return [
        PoolCandidate(
            id=row[0],
            section_id=row[1],
            difficulty=row[2],
            concept_ids=frozenset(concept_ids.get(row[0], ())),
            tag_ids=frozenset(t for t, has in zip(tags, row[4:], strict=True) if has),
            current_version_id=row[3],
        )
        for row in rows
    ]


def _bank_scope(course: Course | None, article: Article | None) -> Q:
    """A course quiz uses its course's bank and the shared bank; a shared quiz the shared bank."""
    shared = Q(course__isnull=True, section__article=article) if article else Q(pk__in=[])
    return shared | Q(course=course) if course is not None else shared


def _bank_tags(scope: Q) -> tuple[dict[int, set[int]], list[Tag]]:
    """Question id → its tag ids, and the tags in use, by name (one query)."""
    links: dict[int, set[int]] = {}
    tags: dict[int, Tag] = {}
    through = Question.tags.through.objects.filter(question__in=Question.objects.filter(scope))
    for question_id, tag_id, name in through.values_list("question_id", "tag_id", "tag__name"):
        links.setdefault(question_id, set()).add(tag_id)
        tags.setdefault(tag_id, Tag(pk=tag_id, name=name))
    return links, sorted(tags.values(), key=lambda t: t.name)


def _bank_questions(
    course: Course | None, article: Article | None, also: frozenset[int]
) -> tuple[dict[int, BankQuestion], list[Tag]]:
    """The bank's questions with their concepts and tags, in section order, and the tags in
    use (three queries)."""
    scope = _bank_scope(course, article)
    links: dict[int, set[int]] = {}
    through = Question.concepts.through.objects.filter(question__in=Question.objects.filter(scope))
    for question_id, concept_id in through.values_list("question_id", "concept_id"):
        links.setdefault(question_id, set()).add(concept_id)
    tag_links, tags = _bank_tags(scope | Q(pk__in=also))
    article_id, course_id = (article.pk if article else None), (course.pk if course else None)
    poolable = pool_scope(course_id=course_id, article_id=article_id)
    rows = (
        Question.objects.filter(scope | Q(pk__in=also))
        .annotate(in_pool_scope=ExpressionWrapper(poolable, output_field=BooleanField()))
        .order_by("section__position", "key", "pk")
        .values(*BANK_COLUMNS, "in_pool_scope")
    )
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
            in_pool_scope=bool(row["in_pool_scope"]),
            tag_ids=frozenset(tag_links.get(row["id"], ())),
        )
    return questions, tags


def quiz_bank(
    *,
    course: Course | None,
    article: Article | None,
    also: frozenset[int] = frozenset(),
    also_tags: frozenset[int] = frozenset(),
) -> QuizBank:
    """The bank a quiz of `course` (None: a shared quiz) on `article` draws on (five queries).

    `also` adds question ids already in the quiz even if out of scope now, so an edit page can
    show them and say what is wrong with them; `also_tags` the tags its pools filter on even if
    no question has them now (an edit page that left one out would widen the pool unseen).
    """
    questions, tags = _bank_questions(course, article, also)
    missing = also_tags - {t.pk for t in tags}
    if missing:
        tags = sorted([*tags, *Tag.objects.filter(pk__in=missing)], key=lambda t: t.name)
    section_ids = {q.section_id for q in questions.values()}
    sections = list(
        Section.objects.filter(Q(article=article) | Q(pk__in=section_ids)).order_by(
            "article_id", "position"
        )
    )
    concepts = list(Concept.objects.filter(article=article).order_by("term")) if article else []
    return QuizBank(article, course.pk if course else None, questions, sections, concepts, tags)

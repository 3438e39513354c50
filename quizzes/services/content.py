"""Writes for content packs: loading the project's study material into the database.

Not a person's write: the operator's `load_content` command and the test database load packs,
so the authoring services are called as SYSTEM (services/authorization.py) and check no one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from ..content_pack import ContentPack, PackQuestion, PackQuiz
from ..errors import ContentInvalid
from ..models import (
    Article,
    Concept,
    Question,
    QuestionStatus,
    Quiz,
    QuizSlot,
    Section,
    SlotKind,
    Summary,
    Tag,
)
from .authoring import question_create, question_revise
from .authorization import SYSTEM
from .tags import question_tags_set, tags_for_names

QUIZ_DEFAULTS: dict[str, Any] = {
    "description": "",
    "mode": "graded",
    "layout": "one_per_page",
    "max_attempts": None,
    "time_limit_minutes": None,
    "pass_mark": Decimal(60),
    "shuffle_questions": True,
    "shuffle_choices": True,
    "review_timing": "after_submit",
    "review_shows_correct": True,
    "review_shows_explanation": True,
    "review_key_after_last_attempt": False,
    "exam_protection": "key_free",
}


@dataclass
class LoadReport:
    """Counts of what a load changed, by kind of row and what happened to it."""

    counts: Counter = field(default_factory=Counter)

    def add(self, what: str) -> None:
        self.counts[what] += 1

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return any(not key.endswith("unchanged") for key in self.counts)

    def __str__(self) -> str:
        return ", ".join(f"{key}: {n}" for key, n in sorted(self.counts.items())) or "nothing"


def _update(instance, values: dict[str, Any], report: LoadReport, what: str) -> None:
    """Save only the fields that differ, so a second load writes nothing."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save()
        report.add(f"{what} updated")
    else:
        report.add(f"{what} unchanged")


@transaction.atomic
def content_pack_load(*, pack: ContentPack) -> LoadReport:
    """Load a validated pack: idempotent; a changed question gets a new version (changed
    tags, concepts or difficulty do not: they are bank metadata); a question gone from the pack
    is archived (never deleted, as attempts may refer to it)."""
    report = LoadReport()
    article, created = Article.objects.get_or_create(
        slug=pack.slug, defaults={"title": pack.title, "author": pack.author}
    )
    if created:
        report.add("article created")
    _update(
        article,
        {
            "title": pack.title,
            "author": pack.author,
            "published_on": pack.published_on,
            "source": pack.source,
        },
        report,
        "article",
    )
    sections = _load_sections(article, pack, report)
    concepts = _load_concepts(article, pack, sections, report)
    questions = {q.key: _load_question(q, sections, concepts, report) for q in pack.questions}
    gone = (
        Question.objects.filter(section__article=article, key__isnull=False, course__isnull=True)
        .exclude(key__in=list(questions))
        .exclude(status=QuestionStatus.ARCHIVED)
    )
    for question in gone:
        question.status = QuestionStatus.ARCHIVED
        question.save(update_fields=["status", "updated_at"])
        report.add("question archived")
    tags = _pool_tags(pack)
    for quiz in pack.quizzes:
        _load_quiz(
            article,
            quiz,
            {"sections": sections, "concepts": concepts, "tags": tags},
            questions,
            report,
        )
    return report


def _pool_tags(pack: ContentPack) -> dict[str, Tag]:
    """The tags the pack's pools filter on, by name (validation made sure questions have them)."""
    names = {
        slot["pool"]["tag"]
        for quiz in pack.quizzes
        for slot in quiz.slots
        if "pool" in slot and slot["pool"].get("tag")
    }
    return {tag.name: tag for tag in tags_for_names(names=sorted(names))}


def _load_sections(article: Article, pack: ContentPack, report: LoadReport) -> dict[str, Section]:
    existing = {s.position: s for s in article.sections.all()}
    # A section is its place in the article: a pack may rename it, not move it elsewhere.
    position_of = {s.slug: s.position for s in existing.values()}
    moved = [
        f"{item.origin}: section {item.slug} is section {position_of[item.slug]} of the loaded "
        f"article, not {item.position}: sections follow the article's order."
        for item in pack.sections
        if position_of.get(item.slug, item.position) != item.position
    ]
    if moved:
        raise ContentInvalid(moved)
    sections: dict[str, Section] = {}
    for item in pack.sections:
        section = existing.get(item.position)
        if section is None:
            section = Section.objects.create(
                article=article, position=item.position, slug=item.slug, heading=item.heading
            )
            report.add("section created")
        else:
            _update(section, {"slug": item.slug, "heading": item.heading}, report, "section")
        summary = Summary.objects.filter(section=section).first()
        values = {"overview": item.overview, "key_points": item.key_points}
        if summary is None:
            Summary.objects.create(section=section, **values)
            report.add("summary created")
        else:
            _update(summary, values, report, "summary")
        sections[item.slug] = section
    return sections


def _load_concepts(
    article: Article, pack: ContentPack, sections: dict[str, Section], report: LoadReport
) -> dict[str, Concept]:
    existing = {c.slug: c for c in article.concepts.all()}
    concepts: dict[str, Concept] = {}
    for item in pack.concepts:
        values = {
            "term": item.term,
            "definition": item.definition,
            "aliases": item.aliases,
            "section": sections[item.section],
        }
        concept = existing.pop(item.slug, None)
        if concept is None:
            concept = Concept.objects.create(article=article, slug=item.slug, **values)
            report.add("concept created")
        else:
            _update(concept, values, report, "concept")
        concepts[item.slug] = concept
    for concept in existing.values():
        try:
            concept.delete()
            report.add("concept removed")
        except ProtectedError:
            report.add("concept kept (a quiz pool uses it)")
    return concepts


def _load_question(
    item: PackQuestion,
    sections: dict[str, Section],
    concepts: dict[str, Concept],
    report: LoadReport,
) -> Question:
    question = (
        Question.objects.filter(key=item.key, course__isnull=True)
        .select_related("current_version")
        .first()
    )
    wanted_concepts = [concepts[slug] for slug in item.concepts]
    text = {
        "stem": item.stem,
        "data": item.data,
        "explanation": item.explanation,
        "source_quote": item.source_quote,
    }
    if question is None:
        report.add("question created")
        return question_create(
            key=item.key,
            section=sections[item.section],
            qtype=item.qtype,
            difficulty=item.difficulty,
            bloom_level=item.bloom,
            concepts=wanted_concepts,
            status=QuestionStatus.PUBLISHED,
            tags=item.tags,
            actor=SYSTEM,
            **text,
        )
    if question.qtype != item.qtype:
        raise ContentInvalid([f"{item.origin}: question {item.key} cannot change its type."])
    before = question.current_version_id
    question_revise(question=question, actor=SYSTEM, **text)
    question.refresh_from_db()
    report.add(
        "question revised" if question.current_version_id != before else "question unchanged"
    )
    _update(
        question,
        {
            "section": sections[item.section],
            "difficulty": item.difficulty,
            "bloom_level": item.bloom,
            "status": QuestionStatus.PUBLISHED,
        },
        report,
        "question metadata",
    )
    if {c.pk for c in question.concepts.all()} != {c.pk for c in wanted_concepts}:
        question.concepts.set(wanted_concepts)
        report.add("question concepts updated")
    if question_tags_set(question=question, names=item.tags, actor=SYSTEM):
        report.add("question tags updated")
    return question


def _load_quiz(
    article: Article,
    item: PackQuiz,
    named: dict[str, dict[str, Any]],
    questions: dict[str, Question],
    report: LoadReport,
) -> None:
    """Create or update a quiz; its slots are replaced only when they differ.

    `named` holds the pack's sections, concepts and pool tags by slug or name."""
    sections = named["sections"]
    fields = {**QUIZ_DEFAULTS, **item.fields}
    section_slug = fields.pop("section", None)
    if fields.get("pass_mark") is not None:
        fields["pass_mark"] = Decimal(str(fields["pass_mark"]))
    values = {**fields, "article": article, "section": sections.get(section_slug)}
    quiz = Quiz.objects.filter(key=item.key).first()
    if quiz is None:
        quiz = Quiz.objects.create(key=item.key, **values)
        report.add("quiz created")
    else:
        _update(quiz, values, report, "quiz")
    wanted = [_slot_values(slot, named, questions) for slot in item.slots]
    current = (
        [
            {name: getattr(slot, name) for name in wanted[0]}
            for slot in quiz.slots.order_by("position")
        ]
        if wanted
        else []
    )
    if current != wanted:
        quiz.slots.all().delete()
        QuizSlot.objects.bulk_create(
            QuizSlot(quiz=quiz, position=n, **values) for n, values in enumerate(wanted, start=1)
        )
        report.add("quiz slots replaced")


def _slot_values(
    slot: dict[str, Any], named: dict[str, dict[str, Any]], questions: dict[str, Question]
) -> dict[str, Any]:
    if "question" in slot:
        return {
            "kind": SlotKind.FIXED,
            "question": questions[slot["question"]],
            "pool_section": None,
            "pool_concept": None,
            "pool_difficulty": None,
            "pool_tag": None,
            "pool_count": 1,
            "mark": Decimal(str(slot.get("mark", 1))),
        }
    pool = slot["pool"]
    return {
        "kind": SlotKind.RANDOM,
        "question": None,
        "pool_section": named["sections"].get(pool.get("section")),
        "pool_concept": named["concepts"].get(pool.get("concept")),
        "pool_difficulty": pool.get("difficulty"),
        "pool_tag": named["tags"].get(pool.get("tag")),
        "pool_count": pool["count"],
        "mark": Decimal(str(slot.get("mark", 1))),
    }

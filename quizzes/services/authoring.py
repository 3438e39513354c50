"""Writes for the question bank: creating questions and revising them into new versions.

Each public write checks its `actor` first (services/authorization.py): a course's bank is its
teachers', the shared bank the site admins'; SYSTEM is the content loader and fixtures."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..errors import QuestionInvalid, QuestionNotCopyable, QuestionTypeChange
from ..models import Concept, Course, Question, QuestionStatus, QuestionVersion, Section
from ..permissions import course_may_use, teaches
from ..qtypes import registry
from ..qtypes.text_limits import question_text_errors
from .authorization import Actor, require_bank_writer, require_question_editor
from .tags import question_tags_set, tags_for_names


def version_content_hash(
    *, qtype: str, stem: str, data: Mapping[str, Any], explanation: str, source_quote: str
) -> str:
    """SHA-256 of what a version shows and grades by, in a canonical form."""
    canonical = json.dumps(
        {
            "type": qtype,
            "stem": stem,
            "data": data,
            "explanation": explanation,
            "quote": source_quote,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _canonical_data(qtype: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Authoring data, already valid, in canonical form (defaults filled, text trimmed)."""
    question_type = registry.get(qtype)
    return question_type.authoring_data(question_type.build_payload(data))


@dataclass(frozen=True)
class VersionDraft:
    """A version's content, validated and canonicalised once, with its hash."""

    stem: str
    data: dict[str, Any]
    explanation: str
    source_quote: str
    digest: str


def version_draft(
    qtype: str, *, stem: str, data: Mapping[str, Any], explanation: str, source_quote: str
) -> VersionDraft:
    """Validate an edit and put it in canonical form; QuestionInvalid, with every problem,
    when it is not valid."""
    stem, explanation, source_quote = stem.strip(), explanation.strip(), source_quote.strip()
    errors = registry.get(qtype).validate(data)
    if not stem:
        errors.append("stem: write the question.")
    errors += question_text_errors(stem=stem, explanation=explanation, source_quote=source_quote)
    if errors:
        raise QuestionInvalid(errors)
    canonical = _canonical_data(qtype, data)
    digest = version_content_hash(
        qtype=qtype, stem=stem, data=canonical, explanation=explanation, source_quote=source_quote
    )
    return VersionDraft(stem, canonical, explanation, source_quote, digest)


def _new_version(
    *,
    question: Question,
    number: int,
    draft: VersionDraft,
    previous: QuestionVersion | None,
    actor: AbstractBaseUser | None,
) -> QuestionVersion:
    payload = registry.get(question.qtype).build_payload(
        draft.data, previous.payload if previous else None
    )
    return QuestionVersion.objects.create(
        question=question,
        number=number,
        qtype=question.qtype,
        stem=draft.stem,
        payload=payload,
        explanation=draft.explanation,
        source_quote=draft.source_quote,
        content_hash=draft.digest,
        created_by=actor if actor and actor.is_authenticated else None,
    )


@transaction.atomic
def question_create(
    *,
    section: Section,
    qtype: str,
    stem: str,
    data: Mapping[str, Any],
    explanation: str = "",
    source_quote: str = "",
    difficulty: int = 2,
    bloom_level: str = "remember",
    concepts: Iterable[Concept] = (),
    status: str = QuestionStatus.DRAFT,
    key: str | None = None,
    course: Course | None = None,
    actor: Actor,
    tags: Iterable[str] = (),
) -> Question:
    """Create a question with its first version (in a course's bank, or the shared one);
    `tags` are tag names, created when new. NotAllowed unless the actor may write that bank."""
    require_bank_writer(actor, course, what="add questions to this bank")
    return _create(
        section=section,
        qtype=qtype,
        stem=stem,
        data=data,
        explanation=explanation,
        source_quote=source_quote,
        difficulty=difficulty,
        bloom_level=bloom_level,
        concepts=concepts,
        status=status,
        key=key,
        course=course,
        actor=actor,
        tags=tags,
    )


def _create(
    *,
    section: Section,
    qtype: str,
    stem: str,
    data: Mapping[str, Any],
    explanation: str,
    source_quote: str,
    difficulty: int,
    bloom_level: str,
    concepts: Iterable[Concept],
    status: str,
    key: str | None,
    course: Course | None,
    actor: Actor,
    tags: Iterable[str],
) -> Question:
    if qtype not in registry.all_keys():
        raise QuestionInvalid([f"type: {qtype!r} is not a question type."])
    question = Question.objects.create(
        key=key,
        qtype=qtype,
        section=section,
        course=course,
        difficulty=difficulty,
        bloom_level=bloom_level,
        status=status,
        created_by=actor if actor and actor.is_authenticated else None,
    )
    question.concepts.set(concepts)
    names = list(tags)
    if names:  # a new question has no tags to compare with: skip the query when none come
        question.tags.set(tags_for_names(names=names))
    draft = version_draft(
        qtype, stem=stem, data=data, explanation=explanation, source_quote=source_quote
    )
    question.current_version = _new_version(
        question=question, number=1, draft=draft, previous=None, actor=actor
    )
    question.save(update_fields=["current_version", "updated_at"])
    return question


@transaction.atomic
def question_revise(
    *,
    question: Question,
    stem: str,
    data: Mapping[str, Any],
    explanation: str = "",
    source_quote: str = "",
    qtype: str | None = None,
    actor: Actor,
) -> QuestionVersion:
    """Save an edit as version n+1; an edit that changes nothing returns the current version.

    Past attempts keep the version they showed, so their display and grading never change.
    NotAllowed unless the actor may change the question.
    """
    require_question_editor(actor, question, what="revise it")
    return _revise(
        question=question,
        stem=stem,
        data=data,
        explanation=explanation,
        source_quote=source_quote,
        qtype=qtype,
        actor=actor,
    )


def _revise(
    *,
    question: Question,
    stem: str,
    data: Mapping[str, Any],
    explanation: str,
    source_quote: str,
    qtype: str | None,
    actor: Actor,
) -> QuestionVersion:
    question = Question.objects.select_for_update().get(pk=question.pk)
    if qtype is not None and qtype != question.qtype:
        raise QuestionTypeChange(f"{question.qtype} cannot become {qtype}.")
    current = question.current_version
    draft = version_draft(
        question.qtype, stem=stem, data=data, explanation=explanation, source_quote=source_quote
    )
    if current is not None and current.content_hash == draft.digest:
        return current
    version = _new_version(
        question=question,
        number=(current.number if current else 0) + 1,
        draft=draft,
        previous=current,
        actor=actor,
    )
    question.current_version = version
    question.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def question_edit(
    *,
    question: Question,
    actor: Actor,
    stem: str,
    data: Mapping[str, Any],
    explanation: str,
    source_quote: str,
    section: Section,
    difficulty: int,
    bloom_level: str,
    status: str,
    concepts: Iterable[Concept],
    tags: Iterable[str] | None = None,
) -> QuestionVersion:
    """An editor's save: a new version when the content changed, and the classification
    (tags included, unless None: they are bank metadata and make no version), publishing
    included. NotAllowed unless the actor may change the question."""
    require_question_editor(actor, question, what="edit it")
    version = _revise(
        question=question,
        stem=stem,
        data=data,
        explanation=explanation,
        source_quote=source_quote,
        qtype=None,
        actor=actor,
    )
    question.refresh_from_db()
    question.section, question.difficulty = section, difficulty
    question.bloom_level, question.status = bloom_level, status
    question.save(update_fields=["section", "difficulty", "bloom_level", "status", "updated_at"])
    question.concepts.set(concepts)
    if tags is not None:
        question_tags_set(question=question, names=tags, actor=actor)
    return version


@transaction.atomic
def question_duplicate(*, question: Question, course: Course, actor: AbstractBaseUser) -> Question:
    """Copy a question (its current version) into a course's bank as an editable draft.

    This is how an instructor changes shared content: the shared question stays as the site
    admins keep it, and the copy is the course's own. QuestionNotCopyable unless the actor
    teaches the course and the course may use the question.
    """
    if not teaches(actor, course) or not course_may_use(question, course):
        raise QuestionNotCopyable()
    version = question.current_version
    qtype = registry.get(version.qtype)
    return _create(
        section=question.section,
        qtype=version.qtype,
        stem=version.stem,
        data=qtype.authoring_data(version.payload),
        explanation=version.explanation,
        source_quote=version.source_quote,
        difficulty=question.difficulty,
        bloom_level=question.bloom_level,
        concepts=question.concepts.all(),
        status=QuestionStatus.DRAFT,
        key=None,
        course=course,
        actor=actor,
        tags=question.tags.values_list("name", flat=True),
    )


@transaction.atomic
def question_archive(*, question: Question, actor: AbstractBaseUser) -> Question:
    """Archive a question (the bank's delete): no new attempt draws it; past attempts keep
    showing it. NotAllowed unless the actor may change the question."""
    require_question_editor(actor, question, what="archive it")
    question.status = QuestionStatus.ARCHIVED
    question.save(update_fields=["status", "updated_at"])
    return question

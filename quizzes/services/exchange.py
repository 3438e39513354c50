"""Question-bank exchange: export a bank as JSON, GIFT, Moodle XML or Canvas QTI; import a file
into a course's bank, all of it or nothing.

The formats themselves are pure code in `quizzes.exchange`; this module maps questions to and
from their format-neutral items and writes through the authoring services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from ..errors import ImportInvalid, NotAllowed, QuestionInvalid, QuestionTypeChange
from ..exchange import (
    PARSERS,
    ExchangeItem,
    ParseResult,
    UploadRejected,
    WriteResult,
    decode_upload,
    detect_format,
    is_zip_upload,
    key_from_name,
    parse_canvas_qti,
    write_canvas_qti,
    write_gift,
    write_json,
    write_moodle_xml,
)
from ..models import BloomLevel, Concept, Course, Question, QuestionStatus, Section
from ..permissions import course_may_use
from ..qtypes import registry
from ..qtypes.text_limits import question_text_errors
from ..tagging import parse_tags
from .authoring import question_create, question_edit, question_revise
from .authorization import SYSTEM, Actor, require_teacher

_ID_NAME = re.compile(r"^Q(\d+)$")


@dataclass
class ImportSummary:
    """What an import did, by question key."""

    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Keys ----------------------------------------------------------------------------------------
# A key is unique within its bank (the shared bank, or one course's), so two courses can import
# the same file and keep its keys as they are.


def public_key(question: Question) -> str:
    """The key a file shows for a question: its key (unique within its bank), or "Q<id>"."""
    return question.key or f"Q{question.pk}"


# Export --------------------------------------------------------------------------------------


def question_to_exchange_item(question: Question) -> ExchangeItem:
    """A question's current version and classification as a format-neutral item."""
    version = question.current_version
    return ExchangeItem(
        qtype=version.qtype,
        stem=version.stem,
        data=version.type.authoring_data(version.payload),
        name=public_key(question),
        explanation=version.explanation,
        source_quote=version.source_quote,
        section=question.section.slug,
        difficulty=question.difficulty,
        bloom=question.bloom_level,
        concepts=sorted(c.slug for c in question.concepts.all()),
        tags=sorted(t.name for t in question.tags.all()),
    )


def question_to_json_item(question: Question) -> dict[str, Any]:
    """One question in the JSON bank format (docs/content-pack.md); `data` makes it exact."""
    version = question.current_version
    qtype = version.type
    return {
        "id": question.pk,
        "key": public_key(question) if question.key else None,
        "version": version.number,
        "type": version.qtype,
        "stem": version.stem,
        "choices": qtype.option_texts(version.payload),
        "correct": qtype.correct_texts(version.payload),
        "section": question.section.heading,
        "section_slug": question.section.slug,
        "concepts": sorted(c.slug for c in question.concepts.all()),
        "tags": sorted(t.name for t in question.tags.all()),
        "difficulty": question.difficulty,
        "bloom": question.bloom_level,
        "explanation": version.explanation,
        "source_quote": version.source_quote,
        "data": qtype.authoring_data(version.payload),
    }


def bank_to_json_items(questions: Iterable[Question]) -> list[dict[str, Any]]:
    """The JSON export of a bank: a list of items."""
    return [question_to_json_item(q) for q in questions]


def bank_export(
    *, questions: Iterable[Question], fmt: str, course: Course | None, actor: Actor
) -> WriteResult:
    """A bank written in a format; `skipped` lists what the format cannot hold (GIFT and
    Canvas QTI: ordering). Canvas QTI is written as bytes (a zip), the others as text.

    An export holds every answer key, so a person exports only through a course they teach,
    and only questions that course uses (its own bank, its article's shared bank): NotAllowed
    otherwise. SYSTEM (the `export_bank` command) may export any bank, with no course.
    """
    if actor is not SYSTEM:
        if course is None:
            raise NotAllowed("Export a bank through a course you teach.")
        require_teacher(actor, course, what="export its bank")
        questions = list(questions)
        if not all(course_may_use(question, course) for question in questions):
            raise NotAllowed("Only the course's own bank and its article's shared bank.")
    if fmt == "json":
        return write_json(bank_to_json_items(questions))
    items = [question_to_exchange_item(q) for q in questions]
    if fmt == "canvas-qti":
        return write_canvas_qti(items)
    return write_gift(items) if fmt == "gift" else write_moodle_xml(items)


# Import --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """One valid item and what it becomes: a new question, or a revision of `existing`."""

    item: ExchangeItem
    key: str
    section: Section
    concepts: list[Concept]
    existing: Question | None


@dataclass
class _Context:
    """What validation looks items up in: the course's sections, concepts and questions."""

    course: Course
    sections: dict[str, Section]
    concepts: dict[str, Concept]
    default_section: str
    existing: dict[str, Question]
    elsewhere: set[str]


def _existing(course: Course, keys: list[str]) -> tuple[dict[str, Question], set[str]]:
    """The course's questions by file key, and keys whose stored form another bank holds."""
    found, elsewhere = {}, set()
    questions = Question.objects.filter(course=course, key__in=keys).prefetch_related(
        "concepts", "tags"
    )
    for question in questions:
        found[question.key] = question
    by_id = {int(m.group(1)): k for k in keys if k not in found and (m := _ID_NAME.match(k))}
    keyless = Q(key__isnull=True) | Q(key="")
    for question in Question.objects.filter(keyless, course=course, pk__in=by_id).prefetch_related(
        "concepts", "tags"
    ):
        found[by_id[question.pk]] = question
    return found, elsewhere


def _metadata_errors(item: ExchangeItem, ctx: _Context) -> list[str]:
    errors = []
    slug = item.section or ctx.default_section
    if not slug:
        errors.append("no section: add one to the file or choose a default section.")
    elif slug not in ctx.sections and slug != ctx.default_section:  # that one is reported once
        errors.append(f"section {slug!r} is not a section of this course's article.")
    errors += [
        f"concept {slug!r} is not in this course's article."
        for slug in item.concepts
        if slug not in ctx.concepts
    ]
    if item.difficulty is not None and item.difficulty not in (1, 2, 3):
        errors.append(f"difficulty must be 1, 2 or 3, not {item.difficulty}.")
    if item.bloom and item.bloom not in BloomLevel.values:
        errors.append(f"Bloom level {item.bloom!r} is not one of {', '.join(BloomLevel.values)}.")
    errors += [f"{problem}." for problem in parse_tags(item.tags)[1]]
    return errors


def _item_errors(item: ExchangeItem, key: str, ctx: _Context) -> list[str]:
    if item.qtype not in registry.all_keys():
        return [f"{item.qtype!r} is not a question type."]
    errors = registry.get(item.qtype).validate(item.data)
    if not item.stem.strip():
        errors.append("stem: the question text is empty.")
    errors += question_text_errors(
        stem=item.stem, explanation=item.explanation, source_quote=item.source_quote
    )
    errors += _metadata_errors(item, ctx)
    existing = ctx.existing.get(key)
    if existing is not None and existing.qtype != item.qtype:
        errors.append(f"{key!r} is a {existing.qtype} question here; a type cannot change.")
    if key in ctx.elsewhere or len(key) > 100:
        errors.append(f"key {key!r} cannot be used in this course; rename the question.")
    return errors


def _context(course: Course, keys: list[str], default_section: str) -> _Context:
    article = course.article_id
    existing, elsewhere = _existing(course, keys)
    return _Context(
        course=course,
        sections={s.slug: s for s in Section.objects.filter(article_id=article)},
        concepts={c.slug: c for c in Concept.objects.filter(article_id=article)},
        default_section=default_section,
        existing=existing,
        elsewhere=elsewhere,
    )


def _keys(items: list[ExchangeItem]) -> list[str]:
    """Each item's bank key. Unnamed questions take theirs from the stem, and GIFT files often
    repeat a stem (Moodle's own examples do): the second becomes "<key>-2", and so on, in file
    order, so importing the file again finds the same questions. Names are the author's: a name
    used twice stays an error."""
    keys, used = [], {}
    for item in items:
        key = key_from_name(item.name, item.stem)
        if not item.name.strip():
            used[key] = used.get(key, 0) + 1
            key = key if used[key] == 1 else f"{key}-{used[key]}"
        keys.append(key)
    return keys


def _plan(
    course: Course, items: list[ExchangeItem], default_section: str
) -> tuple[list[_Plan], list[str]]:
    """Check every item against the course: the plans, and every problem found."""
    if course.article_id is None:
        return [], ["This course has no article, so its questions have no sections."]
    keys = _keys(items)
    ctx = _context(course, keys, default_section)
    errors, plans, seen = [], [], {}
    if default_section and default_section not in ctx.sections:
        errors.append(f"The default section {default_section!r} is not in this course's article.")
    for item, key in zip(items, keys, strict=True):
        item_errors = _item_errors(item, key, ctx)
        if key in seen:
            item_errors.append(f"the key {key!r} is used twice (first at {seen[key]}).")
        seen.setdefault(key, item.where)
        errors += [f"{item.where}: {error}" for error in item_errors]
    if errors:
        return [], errors
    for item, key in zip(items, keys, strict=True):
        section = ctx.sections[item.section or default_section]
        concepts = [ctx.concepts[slug] for slug in item.concepts]
        plans.append(_Plan(item, key, section, concepts, ctx.existing.get(key)))
    return plans, []


def _classification_changes(plan: _Plan) -> dict[str, Any]:
    """The classification the file sets and the question does not have yet (absent = keep)."""
    question, item = plan.existing, plan.item
    changes: dict[str, Any] = {}
    if item.section and plan.section.pk != question.section_id:
        changes["section"] = plan.section
    if item.difficulty is not None and item.difficulty != question.difficulty:
        changes["difficulty"] = item.difficulty
    if item.bloom and item.bloom != question.bloom_level:
        changes["bloom_level"] = item.bloom
    if item.concepts and {c.pk for c in plan.concepts} != {c.pk for c in question.concepts.all()}:
        changes["concepts"] = plan.concepts
    tags = parse_tags(item.tags)[0]
    if tags and set(tags) != {t.name for t in question.tags.all()}:
        changes["tags"] = tags
    return changes


def _update(plan: _Plan, actor: Actor) -> bool:
    """Revise an existing question from its item; whether anything changed."""
    question, item = plan.existing, plan.item
    before = question.current_version_id
    content = {
        "stem": item.stem,
        "data": item.data,
        "explanation": item.explanation,
        "source_quote": item.source_quote,
    }
    changes = _classification_changes(plan)
    if not changes:
        version = question_revise(question=question, qtype=item.qtype, actor=actor, **content)
        return version.pk != before
    question_edit(
        question=question,
        actor=actor,
        section=changes.get("section", question.section),
        difficulty=changes.get("difficulty", question.difficulty),
        bloom_level=changes.get("bloom_level", question.bloom_level),
        status=question.status,
        concepts=changes.get("concepts", question.concepts.all()),
        tags=changes.get("tags"),
        **content,
    )
    return True


def _create(plan: _Plan, course: Course, status: str, actor: Actor) -> None:
    item = plan.item
    question_create(
        section=plan.section,
        qtype=item.qtype,
        stem=item.stem,
        data=item.data,
        explanation=item.explanation,
        source_quote=item.source_quote,
        difficulty=item.difficulty or 2,
        bloom_level=item.bloom or BloomLevel.REMEMBER,
        concepts=plan.concepts,
        status=status,
        key=plan.key,
        course=course,
        actor=actor,
        tags=parse_tags(item.tags)[0],
    )


def _parse(content: bytes, fmt: str | None, filename: str) -> ParseResult:
    """The parsed file: a zip (Canvas QTI, named .zip or starting with the zip signature)
    from its bytes, any other format from its UTF-8 text."""
    try:
        if fmt == "canvas-qti" or (fmt is None and is_zip_upload(filename, content)):
            return parse_canvas_qti(content)
        text = decode_upload(content)
    except UploadRejected as exc:
        raise ImportInvalid([str(exc)], code="import_file_rejected") from None
    parsed = PARSERS[fmt or detect_format(filename, text)](text)
    return parsed


def _in_file_order(errors: list[str]) -> list[str]:
    """Errors sorted by the line or question number they start with (stable otherwise)."""

    def place(error: str) -> int:
        match = re.match(r"(?:line|question) (\d+)", error)
        return int(match.group(1)) if match else 0

    return sorted(errors, key=place)


@transaction.atomic
def bank_import(
    *,
    course: Course,
    content: bytes,
    actor: Actor,
    fmt: str | None = None,
    filename: str = "",
    default_section: str = "",
    publish: bool = False,
) -> ImportSummary:
    """Import a GIFT, Moodle XML, JSON or Canvas QTI (.zip) file into the course's bank, all of
    it or nothing.

    The whole file is validated first; any error raises ImportInvalid listing every error
    with its line or question, and nothing is written. Questions whose key the course's bank
    already holds are revised (a new version only when their content changed).
    NotAllowed, before the file is read, unless the actor teaches the course; SYSTEM is the
    `import_bank` command run without `--user`.
    """
    require_teacher(actor, course, what="import questions into its bank")
    parsed = _parse(content, fmt, filename)
    plans, errors = _plan(course, parsed.items, default_section)
    if parsed.errors or errors:
        raise ImportInvalid(_in_file_order(parsed.errors + errors))
    summary = ImportSummary(notes=parsed.notes)
    status = QuestionStatus.PUBLISHED if publish else QuestionStatus.DRAFT
    for plan in plans:
        try:
            if plan.existing is None:
                _create(plan, course, status, actor)
                summary.created.append(plan.key)
            elif _update(plan, actor):
                summary.revised.append(plan.key)
            else:
                summary.unchanged.append(plan.key)
        except (QuestionInvalid, QuestionTypeChange) as exc:  # validated above; kept as a guard
            raise ImportInvalid([f"{plan.item.where}: {exc.message}"]) from None
    return summary

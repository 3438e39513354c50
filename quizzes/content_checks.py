"""Cross-file checks of a content pack, its source quotes against the article, and the rule
every value the pack gives a column follows (`column_problem`).

A pack is input from outside (`load_content --pack DIR`), so what it gives a column is checked
against the model before anything is written: a value the database would refuse must be an
error naming its file, line, object and field, never a traceback halfway through a load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from .content_cues import HIGHER_ORDER, Finding
from .models import QuizSlot
from .services.quiz_rules import MAX_MARK, MAX_TOTAL, marks_fit_an_attempt
from .tagging import tag_problem
from .textnorm import normalize_for_quote

if TYPE_CHECKING:
    from .article_markdown import ParsedArticle
    from .content_pack_data import ContentPack, PackQuestion, PackQuiz


POOL_FILTERS = {"section", "concept", "difficulty", "tag", "count"}
SLOT_FIELDS = {"question", "pool", "mark"}
# A pool of this tag fixes its questions: every attempt of the quiz asks them.
ANCHOR_TAG = "exam-anchor"
# At most this many whole numbers are spelled out ("1, 2 or 3"); more are a range.
SPELLED_OUT = 4
# Comparisons a CHECK constraint may put on one column, read as bounds.
BOUNDS = ("gt", "gte", "lt", "lte")


def column_problem(
    model: type[models.Model], name: str, value: Any, *, highest: Decimal | None = None
) -> str | None:
    """What `value` must be to be stored as the model's field `name` (None when it can be):
    the one rule for a pack's values, read from the model rather than restated.

    The field says the type (true/false, whole number, decimal, text), its choices, its
    max_length, its decimal digits and whether it may be null; an integer's range is its
    column's on every database Django supports (a PositiveSmallIntegerField is at most 32767,
    which SQLite would not enforce but PostgreSQL does), narrowed by the model's CHECK
    constraints on that column (`time_limit_minutes__gte=1`). `highest` narrows a decimal
    further (a slot's mark must also fit a response's column). Values are taken as YAML gives
    them: "2" is no number and 1.5 no whole number.
    """
    field = model._meta.get_field(name)
    if value is None:
        fits = field.null
    elif field.choices:
        fits = isinstance(value, str) and value in _choices(field)
    elif isinstance(field, models.BooleanField):
        fits = isinstance(value, bool)
    elif isinstance(field, models.IntegerField):
        low, high = integer_range(model, name)
        fits = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    elif isinstance(field, models.DecimalField):
        fits = _decimal_fits(model, field, value, highest)
    elif isinstance(field, models.CharField | models.TextField):
        fits = isinstance(value, str) and (
            field.max_length is None or len(value) <= field.max_length
        )
    else:
        raise TypeError(f"{model.__name__}.{name}: a pack gives no value of this kind.")
    return None if fits else _rule(model, field, highest)


def integer_range(model: type[models.Model], name: str) -> tuple[int, int]:
    """The smallest and largest whole number a model's integer column holds."""
    field = model._meta.get_field(name)
    low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
    for op, bound in _constraint_bounds(model, name):
        if op in ("gt", "gte"):
            low = max(low, int(bound) + (op == "gt"))
        else:
            high = min(high, int(bound) - (op == "lt"))
    return low, high


def _decimal_range(
    model: type[models.Model], field: models.DecimalField, highest: Decimal | None
) -> tuple[Decimal, bool, Decimal]:
    """(lowest, whether the lowest itself is refused, highest) of a decimal column."""
    step = Decimal(1).scaleb(-field.decimal_places)
    high = Decimal(10) ** (field.max_digits - field.decimal_places) - step
    low, above = -high, False
    for op, bound in _constraint_bounds(model, field.name):
        if op in ("gt", "gte"):
            low, above = Decimal(bound), op == "gt"
        else:
            high = min(high, Decimal(bound) - (step if op == "lt" else 0))
    if highest is not None:
        high = min(high, highest)
    return low, above, high


def _decimal_fits(
    model: type[models.Model], field: models.DecimalField, value: Any, highest: Decimal | None
) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return False
    low, above, high = _decimal_range(model, field, highest)
    if not number.is_finite() or number < low or (above and number == low) or number > high:
        return False
    return number == number.quantize(Decimal(1).scaleb(-field.decimal_places))


def _rule(model: type[models.Model], field: models.Field, highest: Decimal | None) -> str:
    """The rule `column_problem` holds a value to, as the pack's author reads it."""
    if field.choices:
        rule = "must be " + _spelled(_choices(field))
    elif isinstance(field, models.BooleanField):
        rule = "must be true or false"
    elif isinstance(field, models.IntegerField):
        low, high = integer_range(model, field.name)
        rule = (
            "must be " + _spelled([str(n) for n in range(low, high + 1)], one_of=False)
            if high - low < SPELLED_OUT
            else f"must be a whole number from {low} to {high}"
        )
    elif isinstance(field, models.DecimalField):
        low, above, high = _decimal_range(model, field, highest)
        start = f"more than {low} and at most" if above else f"from {low} to"
        places = field.decimal_places
        rule = f"must be a number {start} {high}, with at most {places} decimal places"
    elif field.max_length is not None:
        rule = f"must be text of at most {field.max_length} characters"
    else:
        rule = "must be text"
    # A pack gives text as text ("" for none); only other values may be null.
    text = isinstance(field, models.CharField | models.TextField)
    return rule + (" (or null)" if field.null and not text else "")


def _choices(field: models.Field) -> list[str]:
    return [str(value) for value, _ in field.flatchoices]


def _spelled(values: list[str], *, one_of: bool = True) -> str:
    """ "a or b", "one of a, b or c" ("1, 2 or 3" without `one_of`)."""
    listed = f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else values[0]
    return f"one of {listed}" if one_of and len(values) > 2 else listed


def _constraint_bounds(model: type[models.Model], name: str) -> list[tuple[str, Any]]:
    """(comparison, bound) for each plain bound a CHECK constraint of the model puts on the
    column (`pass_mark__lte=100`); a bound of another column (F("opens_at")) is not one."""
    found = []
    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if not isinstance(condition, models.Q):
            continue
        for lookup, bound in _lookups(condition):
            column, _, op = lookup.rpartition("__")
            if column == name and op in BOUNDS and isinstance(bound, int | Decimal):
                found.append((op, bound))
    return found


def _lookups(condition: models.Q) -> Iterator[tuple[str, Any]]:
    for child in condition.children:
        if isinstance(child, models.Q):
            yield from _lookups(child)
        elif isinstance(child, tuple):
            yield child


def check_references(pack: ContentPack, errors: list[str]) -> None:
    """Cross-file rules: unique ids and stems, known concepts, satisfiable quiz slots, and
    practice quizzes left enough questions by the exam-only quizzes."""
    concepts = {c.slug for c in pack.concepts}
    seen_keys: set[str] = set()
    seen_stems: dict[str, str] = {}
    for question in pack.questions:
        if question.key in seen_keys:
            errors.append(f"{question.origin}: question id {question.key!r} is used twice.")
        seen_keys.add(question.key)
        stem = normalize_for_quote(question.stem).casefold()
        if stem and stem in seen_stems:
            errors.append(f"{question.origin}: same stem as {seen_stems[stem]}.")
        seen_stems.setdefault(stem, question.origin)
        for slug in question.concepts:
            if slug not in concepts:
                errors.append(
                    f"{question.origin}: question {question.key}: unknown concept {slug!r}."
                )
    for quiz in pack.quizzes:
        _check_quiz(pack, quiz, seen_keys, errors)
    _check_practice_supply(pack, errors)


def _check_quiz(pack: ContentPack, quiz: PackQuiz, keys: set[str], errors: list[str]) -> None:
    section = quiz.fields.get("section")
    if section is not None and pack.section(section) is None:
        errors.append(f"{quiz.origin}: quiz {quiz.key}: unknown section {section!r}.")
    total: Decimal | None = Decimal(0)
    first_slot: dict[str, int] = {}
    for number, slot in enumerate(quiz.slots, start=1):
        where = f"{quiz.origin}: quiz {quiz.key} slot {number}"
        problems = _slot_problems(pack, slot, keys)
        question = slot.get("question") if isinstance(slot, Mapping) else None
        if not problems and question in first_slot:
            problems.append(f"question {question!r} is already in slot {first_slot[question]}.")
        elif isinstance(question, str):
            first_slot.setdefault(question, number)
        errors += [f"{where}: {problem}" for problem in problems]
        if total is not None and not problems:
            draws = slot["pool"]["count"] if "pool" in slot else 1
            total += Decimal(str(slot.get("mark", 1))) * draws
        else:
            total = None  # a slot's own error first: its mark or count means nothing yet
    if total is not None and not marks_fit_an_attempt(total):
        errors.append(
            f"{quiz.origin}: quiz {quiz.key}: the marks add up to {total} (a pool counts its "
            f"mark once per question drawn); an attempt holds at most {MAX_TOTAL}."
        )


def _slot_problems(pack: ContentPack, slot: Any, keys: set[str]) -> list[str]:
    """What is wrong with one slot of a quiz: its shape, its mark, its question or its pool."""
    shape = "give a question id or a pool {section, concept, difficulty, tag, count}."
    if not isinstance(slot, Mapping) or len({"question", "pool"} & set(slot)) != 1:
        return [shape]
    problems = [f"unknown field {name!r}." for name in slot if name not in SLOT_FIELDS]
    if "mark" in slot:
        problem = column_problem(QuizSlot, "mark", slot["mark"], highest=MAX_MARK)
        problems += [f"mark {problem}."] if problem else []
    if "question" in slot:
        if not isinstance(slot["question"], str) or slot["question"] not in keys:
            problems.append(f"unknown question {slot['question']!r}.")
        return problems
    pool = slot["pool"]
    if not isinstance(pool, Mapping) or set(pool) - POOL_FILTERS:
        return [*problems, shape]
    filters = _pool_filter_problems(pack, pool)
    if filters:
        return problems + filters
    count = pool.get("count")
    problem = column_problem(QuizSlot, "pool_count", count)
    if problem:
        problems.append(f"count {problem}.")
    elif count > len(matching := pool_candidates(pack, pool)):
        problems.append(f"draws {count} but the pool has {len(matching)} questions.")
    return problems


def _pool_filter_problems(pack: ContentPack, pool: Mapping[str, Any]) -> list[str]:
    """A pool's filters must name what the pack holds (its count is judged once they do)."""
    problems = []
    section, concept = pool.get("section"), pool.get("concept")
    if section is not None and (not isinstance(section, str) or pack.section(section) is None):
        problems.append(f"unknown section {section!r}.")
    if concept is not None and (
        not isinstance(concept, str) or concept not in {c.slug for c in pack.concepts}
    ):
        problems.append(f"unknown concept {concept!r}.")
    problem = column_problem(QuizSlot, "pool_difficulty", pool.get("difficulty"))
    if problem:
        problems.append(f"difficulty {problem}.")
    tag = pool.get("tag")
    if tag is not None and not isinstance(tag, str):
        problems.append("tag must be a tag name.")
    elif tag is not None and tag_problem(tag):
        problems.append(f"{tag_problem(tag)}.")
    return problems


def pool_candidates(pack: ContentPack, pool: Mapping[str, Any]) -> list[PackQuestion]:
    """Questions of the pack that a pool draws from."""
    return [
        q
        for q in pack.questions
        if pool.get("section") in (None, q.section)
        and (pool.get("concept") is None or pool["concept"] in q.concepts)
        and pool.get("difficulty") in (None, q.difficulty)
        and (pool.get("tag") is None or pool["tag"] in q.tags)
    ]


def _pools(quiz: PackQuiz) -> list[Mapping[str, Any]]:
    return [
        slot["pool"]
        for slot in quiz.slots
        if isinstance(slot, Mapping) and isinstance(slot.get("pool"), Mapping)
    ]


def _exam_only_keys(pack: ContentPack) -> dict[str, str]:
    """Question key → the key of an exam-only graded quiz that may draw it (practice pools
    leave these out for every learner who has yet to take that quiz)."""
    kept: dict[str, str] = {}
    for quiz in pack.quizzes:
        fields = quiz.fields
        if fields.get("mode") != "graded" or fields.get("exam_protection") != "exam_only":
            continue
        for slot in quiz.slots:
            if isinstance(slot, Mapping) and isinstance(slot.get("question"), str):
                kept.setdefault(slot["question"], quiz.key)
        for pool in _pools(quiz):
            for question in pool_candidates(pack, pool):
                kept.setdefault(question.key, quiz.key)
    return kept


def _check_practice_supply(pack: ContentPack, errors: list[str]) -> None:
    """A practice pool must fill its count without the exam-only quizzes' questions: a learner
    who has yet to take the exam would otherwise get a shorter quiz than it says."""
    kept = _exam_only_keys(pack)
    if not kept:
        return
    for quiz in pack.quizzes:
        if quiz.fields.get("mode") != "practice":
            continue
        for number, slot in enumerate(quiz.slots, start=1):
            pool = slot.get("pool") if isinstance(slot, Mapping) else None
            if not isinstance(pool, Mapping) or not isinstance(pool.get("count"), int):
                continue
            matching = pool_candidates(pack, pool)
            left = [q for q in matching if q.key not in kept]
            # More than the whole pool is the shape check's error; here only what exams take.
            if len(left) < pool["count"] <= len(matching):
                exams = ", ".join(sorted({kept[q.key] for q in matching if q.key in kept}))
                errors.append(
                    f"{quiz.origin}: quiz {quiz.key} slot {number}: draws {pool['count']} but "
                    f"only {len(left)} of its {len(matching)} questions are left to practise; "
                    f"the others are kept for the exam-only quiz {exams}."
                )


def check_exam_draws(pack: ContentPack) -> list[Finding]:
    """What makes two attempts at a graded quiz comparable and different: an anchor pool
    (tag exam-anchor) matches exactly its count, so every attempt asks the same; any other pool
    of a quiz with more than one attempt holds more than its count, so a second attempt can
    differ; and an anchor is a hard, higher-order question. Practice pools without a tag must
    fill their count from untagged questions: tagged ones are kept for exams."""
    findings = []
    for quiz in pack.quizzes:
        attempts = quiz.fields.get("max_attempts")
        retakes = attempts is None or (isinstance(attempts, int) and attempts > 1)
        graded, practice = (
            quiz.fields.get("mode") == "graded",
            quiz.fields.get("mode") == "practice",
        )
        for number, pool in _numbered_pools(quiz):
            where = f"quiz {quiz.key} slot {number}"
            matching, count = pool_candidates(pack, pool), pool["count"]
            if pool.get("tag") == ANCHOR_TAG and len(matching) != count:
                findings.append(
                    _exam(
                        quiz.origin,
                        f"{where}: {len(matching)} questions tagged {ANCHOR_TAG} "
                        f"match, the slot asks {count}; tag exactly {count}.",
                    )
                )
            elif graded and retakes and pool.get("tag") != ANCHOR_TAG and len(matching) <= count:
                findings.append(
                    _exam(
                        quiz.origin,
                        f"{where}: draws {count} of {len(matching)} questions, so "
                        "every attempt asks the same; give the pool more questions.",
                    )
                )
            untagged = [q for q in matching if not q.tags]
            if practice and pool.get("tag") is None and len(untagged) < count:
                findings.append(
                    _exam(
                        quiz.origin,
                        f"{where}: draws {count} but only {len(untagged)} of its "
                        "questions are untagged (tagged questions are kept for exams).",
                    )
                )
    findings += _tagged_but_never_drawn(pack)
    for question in pack.questions:
        if ANCHOR_TAG in question.tags and (
            question.bloom not in HIGHER_ORDER or question.difficulty != 3
        ):
            findings.append(
                _exam(
                    question.origin,
                    f"question {question.key}: an {ANCHOR_TAG} question is "
                    "higher-order (apply or above) and of difficulty 3.",
                )
            )
    return findings


def _tagged_but_never_drawn(pack: ContentPack) -> list[Finding]:
    """A question with a tag that pools filter on (exam, exam-anchor), which no such pool can
    draw: an exam question of the wrong difficulty is asked by neither the exam nor practice."""
    pools = [pool for quiz in pack.quizzes for _, pool in _numbered_pools(quiz) if pool.get("tag")]
    pooled_tags = {pool["tag"] for pool in pools}
    drawn = {q.key for pool in pools for q in pool_candidates(pack, pool)}
    return [
        _exam(
            q.origin,
            f"question {q.key}: tagged {', '.join(sorted(set(q.tags) & pooled_tags))} but no "
            "quiz's pool of that tag can draw it (check its difficulty and tags).",
        )
        for q in pack.questions
        if set(q.tags) & pooled_tags and q.key not in drawn
    ]


def _exam(origin: str, message: str) -> Finding:
    return Finding(origin, "exam-draws", message, kind="error")


def _numbered_pools(quiz: PackQuiz) -> list[tuple[int, Mapping[str, Any]]]:
    """(slot number, pool) for the well-formed pools of a quiz (the shape check reports others)."""
    return [
        (number, slot["pool"])
        for number, slot in enumerate(quiz.slots, start=1)
        if isinstance(slot, Mapping)
        and isinstance(slot.get("pool"), Mapping)
        and isinstance(slot["pool"].get("count"), int)
        and not isinstance(slot["pool"]["count"], bool)
        and slot["pool"]["count"] > 0
        and isinstance(slot["pool"].get("tag"), str | None)
    ]


def check_quotes(pack: ContentPack, article: ParsedArticle) -> list[str]:
    """Every source quote must be verbatim in one paragraph of the article's body text."""
    paragraphs = [
        normalize_for_quote(p.text)
        for s in article.sections
        for p in s.paragraphs
        if p.kind == "text"
    ]
    errors = []
    for question in pack.questions:
        quote = normalize_for_quote(question.source_quote)
        if quote and not any(quote in paragraph for paragraph in paragraphs):
            errors.append(
                f"{question.origin}: question {question.key}: source_quote is not verbatim in the "
                f"article: {question.source_quote[:70]!r}"
            )
    if normalize_for_quote(article.title) != normalize_for_quote(pack.title):
        errors.append(f"{pack.directory.name}/article.yaml: title differs from the article's.")
    headings = [s.heading for s in article.sections]
    if len(headings) != len(pack.sections):
        errors.append(
            f"{pack.directory.name}/article.yaml: {len(pack.sections)} sections, "
            f"the article has {len(headings)}."
        )
    for section, heading in zip(pack.sections, headings, strict=False):
        if (
            normalize_for_quote(section.heading).casefold()
            != normalize_for_quote(heading).casefold()
        ):
            errors.append(
                f"{section.origin}: heading {section.heading!r} differs from {heading!r}."
            )
    return errors

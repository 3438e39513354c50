"""Cross-file checks of a content pack, and its source quotes against the article."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .content_cues import HIGHER_ORDER, Finding
from .textnorm import normalize_for_quote

if TYPE_CHECKING:
    from .article_markdown import ParsedArticle
    from .content_pack_data import ContentPack, PackQuestion, PackQuiz


POOL_FILTERS = {"section", "concept", "difficulty", "tag", "count"}
# A pool of this tag fixes its questions: every attempt of the quiz asks them.
ANCHOR_TAG = "exam-anchor"


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
    for number, slot in enumerate(quiz.slots, start=1):
        where = f"{quiz.origin}: quiz {quiz.key} slot {number}"
        if isinstance(slot, Mapping) and isinstance(slot.get("question"), str):
            if slot["question"] not in keys:
                errors.append(f"{where}: unknown question {slot['question']!r}.")
            continue
        pool = slot.get("pool") if isinstance(slot, Mapping) else None
        if not isinstance(pool, Mapping) or set(pool) - POOL_FILTERS:
            errors.append(
                f"{where}: give a question id or a pool {{section, concept, difficulty, tag, "
                "count}."
            )
            continue
        if pool.get("tag") is not None and not isinstance(pool["tag"], str):
            errors.append(f"{where}: tag must be a tag name.")
            continue
        matching = pool_candidates(pack, pool)
        count = pool.get("count")
        if not isinstance(count, int) or count < 1:
            errors.append(f"{where}: count must be a positive number.")
        elif count > len(matching):
            errors.append(f"{where}: draws {count} but the pool has {len(matching)} questions.")


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
        and slot["pool"]["count"] > 0
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

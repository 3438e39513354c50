"""The shipped content pack: what it must hold, and that its keys are true to the article."""

from __future__ import annotations

from collections import Counter

import pytest

from quizzes.article_markdown import parse_article
from quizzes.content_pack import available_packs, check_quotes, read_pack
from quizzes.textnorm import word_count

REQUIRED_CONCEPTS = {
    "state-building model",
    "listening state",
    "rentier state",
    "transition paradigm",
    "bolashak",
    "militsiya",
    "istanbul convention",
    "article 130",
    "article 174",
    "national council of public trust",
}
TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
}


@pytest.fixture(scope="module")
def pack():
    (directory,) = [p for p in available_packs() if p.name == "human-rights-reforms-in-kazakhstan"]
    pack, errors = read_pack(directory)
    assert errors == []
    return pack


def test_every_section_has_a_summary_of_150_to_300_words_and_3_to_6_key_points(pack):
    assert len(pack.sections) == 9
    for section in pack.sections:
        assert 150 <= word_count(section.overview) <= 300, section.slug
        assert 3 <= len(section.key_points) <= 6, section.slug


def test_the_glossary_has_at_least_35_concepts_with_the_required_terms(pack):
    assert len(pack.concepts) >= 35
    terms = {c.term.casefold() for c in pack.concepts} | {
        a.casefold() for c in pack.concepts for a in c.aliases
    }
    missing = {t for t in REQUIRED_CONCEPTS if not any(t in term for term in terms)}
    assert missing == set()
    slugs = {c.slug for c in pack.concepts}
    assert {
        "three-tiered-division",
        "notification-regime",
        "different-opinions-one-nation",
    } <= slugs
    assert all(c.definition and c.section for c in pack.concepts)


def test_the_bank_has_120_questions_10_per_section_in_all_seven_types(pack):
    assert len(pack.questions) >= 120
    per_section = Counter(q.section for q in pack.questions)
    assert set(per_section) == {s.slug for s in pack.sections}
    assert min(per_section.values()) >= 10
    assert {q.qtype for q in pack.questions} == TYPES
    for question in pack.questions:
        assert 1 <= question.difficulty <= 3 and question.bloom and question.explanation
        assert 8 <= word_count(question.source_quote) <= 40


def test_quizzes_are_a_practice_quiz_per_section_and_the_final_exam(pack):
    practice = [q for q in pack.quizzes if q.fields["mode"] == "practice"]
    assert sorted(q.fields["section"] for q in practice) == sorted(s.slug for s in pack.sections)
    assert all(q.fields.get("max_attempts") is None for q in practice)
    (final,) = [q for q in pack.quizzes if q.key == "final-exam"]
    assert final.fields["mode"] == "graded"
    assert (
        final.fields["time_limit_minutes"],
        final.fields["max_attempts"],
        final.fields["pass_mark"],
    ) == (36, 2, 60)
    draws = Counter(
        slot["pool"]["section"] for slot in final.slots for _ in range(slot["pool"]["count"])
    )
    assert draws == {s.slug: 2 for s in pack.sections}


@pytest.mark.needs_article
def test_every_source_quote_is_verbatim_in_the_article(pack, article_source):
    assert check_quotes(pack, parse_article(article_source)) == []


@pytest.mark.needs_article
def test_a_quote_that_is_not_in_the_article_is_reported_with_file_and_line(pack, article_source):
    fresh, _ = read_pack(pack.directory)
    fresh.questions[
        0
    ].source_quote = "Kazakhstan adopted a brand new constitution in the year of this test."
    errors = check_quotes(fresh, parse_article(article_source))
    assert len(errors) == 1
    assert errors[0].startswith("human-rights-reforms-in-kazakhstan/01-introduction.yaml:")
    assert "not verbatim" in errors[0]

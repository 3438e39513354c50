"""bank_import: the whole file is checked first, then questions are created or revised by key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizzes.models import Question, QuestionStatus
from quizzes.services.authoring import question_create
from quizzes.services.exchange import ImportInvalid, bank_export, bank_import, public_key
from tests.factories import CourseFactory, enrol, shipped_article

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

GIFT = """// kz: section=introduction; difficulty=3; bloom=apply; concept=oecd-membership
::first::Which club is the benchmark?{=OECD =the OECD####It is the OECD.}

::second::Astana became the capital in 1997.{TRUE#It did, in 1997.}
"""


@pytest.fixture
def course():
    return CourseFactory(article=shipped_article())


def run(course, text: str | bytes, fmt: str | None = "gift", **kwargs):
    content = text.encode() if isinstance(text, str) else text
    kwargs.setdefault("default_section", "introduction")
    return bank_import(course=course, content=content, actor=None, fmt=fmt, **kwargs)


def errors_of(course, text, fmt="gift", **kwargs) -> list[str]:
    with pytest.raises(ImportInvalid) as caught:
        run(course, text, fmt, **kwargs)
    return caught.value.errors


def test_questions_are_created_in_the_course_bank_with_their_classification(course):
    author = enrol(course, role="instructor")
    summary = bank_import(
        course=course,
        content=GIFT.encode(),
        actor=author,
        fmt="gift",
        default_section="state-building-model",
        publish=True,
    )
    assert summary.created == ["first", "second"]
    first = Question.objects.get(course=course, key="first")
    assert first.section.slug == "introduction" and first.status == QuestionStatus.PUBLISHED
    assert (first.difficulty, first.bloom_level) == (3, "apply")
    assert [c.slug for c in first.concepts.all()] == ["oecd-membership"]
    assert first.current_version.explanation == "It is the OECD."
    assert first.created_by == author and public_key(first) == "first"
    second = Question.objects.get(course=course, key="second")
    assert second.section.slug == "state-building-model" and second.difficulty == 2


def test_nothing_is_imported_when_one_question_is_invalid(course):
    text = GIFT + "\n::third::Pick one{~a ~b ~c}\n"
    assert errors_of(course, text) == [
        "line 6: choices: mark at least one choice correct.",
    ]
    assert not Question.objects.filter(course=course).exists()


def test_every_problem_of_a_file_is_listed_in_file_order(course):
    text = (FIXTURES / "gift" / "errors.txt").read_text(encoding="utf-8")
    assert errors_of(course, text) == [
        "line 3: choices: mark at least one choice correct.",
        "line 5: essay questions (empty {}) cannot be imported.",
        "line 7: no answers in {...}; descriptions cannot be imported.",
        "line 9: 'many' is not a number (write 2050 or 2050:1).",
        "line 11: difficulty must be 1, 2 or 3, not 'hard'.",
        "line 14: no answers in {...}; descriptions cannot be imported.",
    ]


def test_unknown_sections_concepts_and_levels_are_errors(course):
    text = (
        "// kz: section=nowhere; concept=no-such-concept; bloom=memorise; difficulty=5\n"
        "::q::True?{T}\n\n::r::No section here{F}\n"
    )
    assert errors_of(course, text, default_section="") == [
        "line 2: section 'nowhere' is not a section of this course's article.",
        "line 2: concept 'no-such-concept' is not in this course's article.",
        "line 2: difficulty must be 1, 2 or 3, not 5.",
        "line 2: Bloom level 'memorise' is not one of remember, understand, apply, analyze, "
        "evaluate, create.",
        "line 4: no section: add one to the file or choose a default section.",
    ]


def test_an_unknown_default_section_is_an_error(course):
    assert errors_of(course, GIFT, default_section="nowhere") == [
        "The default section 'nowhere' is not in this course's article."
    ]


def test_a_key_used_twice_in_one_file_is_an_error(course):
    text = "::same::One?{T}\n\n::same::Two?{F}\n"
    assert errors_of(course, text) == ["line 3: the key 'same' is used twice (first at line 1)."]


def test_reimporting_revises_only_changed_questions_and_never_duplicates(course):
    run(course, GIFT)
    changed = GIFT.replace("Which club is the benchmark?", "Which club sets the benchmark?")
    summary = run(course, changed)
    assert (summary.created, summary.revised, summary.unchanged) == ([], ["first"], ["second"])
    first = Question.objects.get(course=course, key="first")
    assert first.current_version.number == 2
    assert first.versions.get(number=1).stem == "Which club is the benchmark?"
    assert Question.objects.filter(course=course).count() == 2


def test_reimport_updates_the_classification_the_file_gives(course):
    run(course, GIFT)
    summary = run(course, GIFT.replace("difficulty=3", "difficulty=1"))
    first = Question.objects.get(course=course, key="first")
    assert summary.revised == ["first"] and first.difficulty == 1
    assert first.current_version.number == 1


def test_reimport_keeps_classification_the_file_does_not_give(course):
    run(course, GIFT)
    plain = GIFT.replace(
        "// kz: section=introduction; difficulty=3; bloom=apply; concept=oecd-membership\n", ""
    )
    summary = run(course, plain, default_section="the-way-forward")
    first = Question.objects.get(course=course, key="first")
    assert summary.unchanged == ["first", "second"]
    assert (first.section.slug, first.difficulty, first.concepts.count()) == ("introduction", 3, 1)


def test_a_question_cannot_change_type_on_reimport(course):
    run(course, GIFT)
    errors = errors_of(course, "::second::Which year?{#1997}\n")
    assert errors == ["line 1: 'second' is a true_false question here; a type cannot change."]


def test_two_courses_import_the_same_file_without_clashing(course):
    other = CourseFactory(article=shipped_article())
    assert run(course, GIFT).created == ["first", "second"]
    assert run(other, GIFT).created == ["first", "second"]
    assert Question.objects.filter(key="first").count() == 2


def test_the_shared_bank_keys_can_be_imported_into_a_course(course):
    shared = Question.objects.filter(key="introduction-01")
    text = bank_export(questions=shared, fmt="json", course=None, actor=None).text
    assert run(course, text, "json").created == ["introduction-01"]
    assert Question.objects.get(key="introduction-01", course__isnull=True).course is None
    assert Question.objects.get(key="introduction-01", course=course).current_version.stem == (
        Question.objects.get(key="introduction-01", course__isnull=True).current_version.stem
    )


def test_a_question_written_in_the_editor_is_found_again_by_its_q_id(course):
    question = question_create(
        section=shipped_article().sections.get(slug="introduction"),
        qtype="true_false",
        stem="Written here?",
        data={"answer": True},
        course=course,
        actor=None,
    )
    text = bank_export(questions=[question], fmt="gift", course=None, actor=None).text
    assert f"::Q{question.pk}::" in text
    summary = run(course, text.replace("Written here?", "Written here, then edited?"))
    assert summary.revised == [f"Q{question.pk}"]
    question.refresh_from_db()
    assert question.current_version.number == 2 and question.key is None


def test_oversized_and_non_utf8_files_are_rejected_with_a_clear_error(course):
    with pytest.raises(ImportInvalid) as big:
        run(course, b"x" * (5 * 1024 * 1024 + 1))
    assert big.value.code == "import_file_rejected"
    assert big.value.errors == [
        "The file is 5.0 MB; the limit is 5 MB. Split it into smaller files."
    ]
    with pytest.raises(ImportInvalid) as latin:
        run(course, "::q::Caf\u00e9?{T}".encode("latin-1"))
    assert latin.value.errors == [
        "The file is not UTF-8 text (byte 9 cannot be read). Save it as UTF-8 and upload it again."
    ]
    assert not Question.objects.filter(course=course).exists()


def test_a_course_without_an_article_cannot_import():
    errors = errors_of(CourseFactory(article=None), GIFT)
    assert errors == ["This course has no article, so its questions have no sections."]


def test_the_format_is_detected_from_the_file_name_or_content(course):
    data = [{"key": "j", "type": "true_false", "stem": "JSON?", "data": {"answer": True}}]
    assert run(course, json.dumps(data), fmt=None).created == ["j"]
    assert run(course, GIFT, fmt=None, filename="bank.txt").created == ["first", "second"]
    xml = (FIXTURES / "moodle" / "truefalse.xml").read_text(encoding="utf-8")
    assert run(course, xml, fmt=None).created == ["notification-regime"]


def test_hand_written_moodle_samples_import_as_questions(course):
    names = []
    for path in sorted((FIXTURES / "moodle").glob("*.xml")):
        names += run(course, path.read_bytes(), "moodle-xml").created
    assert len(names) == 7
    types = set(Question.objects.filter(course=course).values_list("qtype", flat=True))
    assert len(types) == 7


def test_unnamed_questions_with_the_same_stem_get_numbered_keys_that_a_reimport_finds(course):
    text = "Who is buried here?{=Grant}\n\nWho is buried here?{=Grant =nobody}\n"
    assert run(course, text).created == ["who-is-buried-here", "who-is-buried-here-2"]
    again = run(course, text.replace("=nobody", "=no one"))
    assert (again.revised, again.unchanged) == (["who-is-buried-here-2"], ["who-is-buried-here"])

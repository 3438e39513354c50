"""Question tags in a content pack: read and checked (validate_content), loaded as bank
metadata (load_content), and the pools that filter on them, the Final exam's among them."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from quizzes.content_pack import PACKS_DIR, read_pack
from quizzes.models import Question, Quiz, Tag
from quizzes.services.content import content_pack_load
from tests.content.test_pack_validation import GOOD, write_pack

PACK = PACKS_DIR / "human-rights-reforms-in-kazakhstan"


def question(key: str, *, tags: str = "", stem: str = "") -> str:
    """A valid pack question with these tags (YAML text)."""
    text = GOOD.replace("one-01", key).replace("The sky is blue.", stem or f"Is {key} true?")
    return text.replace(
        "  concepts: [sky]\n",
        f"  concepts: [sky]\n  tags: {tags}\n" if tags else "  concepts: [sky]\n",
    )


def quizzes(*items: str) -> str:
    return "quizzes:\n" + "".join(items)


def quiz(key: str, mode: str, pool: str, protection: str = "") -> str:
    extra = f"    exam_protection: {protection}\n" if protection else ""
    return (
        f"  - key: {key}\n    title: {key}\n    mode: {mode}\n{extra}"
        f"    slots:\n      - pool: {pool}\n"
    )


def test_a_questions_tags_are_read_from_the_pack(tmp_path):
    pack, errors = read_pack(write_pack(tmp_path, question("one-01", tags="[exam, week-3]")))
    assert errors == []
    assert pack.questions[0].tags == ["exam", "week-3"]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("exam", "question one-01: tags must be a list of tag names."),
        ("[Exam]", "question one-01: tag 'Exam': use lowercase letters, digits and hyphens."),
        ("[exam, exam]", "question one-01: a tag is listed twice."),
        ("[{name: exam}]", "question one-01: tags must be a list of tag names."),
        (f"[{'x' * 51}]", "at most 50 characters"),
    ],
)
def test_a_bad_tag_is_reported_with_file_and_line(tmp_path, tags, expected):
    _, errors = read_pack(write_pack(tmp_path, question("one-01", tags=tags)))
    assert any(error.startswith("tiny/01-one.yaml:") and expected in error for error in errors), (
        errors
    )


def test_a_pool_draws_only_the_questions_with_its_tag(tmp_path):
    questions = question("one-01", tags="[exam]") + question("one-02")
    text = quizzes(quiz("final", "graded", "{section: one, tag: exam, count: 2}"))
    _, errors = read_pack(write_pack(tmp_path, questions, quizzes=text))
    assert errors == [
        "tiny/quizzes.yaml:2: quiz final slot 1: draws 2 but the pool has 1 questions."
    ]


def test_a_pool_tag_must_be_a_tag_name(tmp_path):
    text = quizzes(quiz("final", "graded", "{tag: [exam], count: 1}"))
    _, errors = read_pack(write_pack(tmp_path, question("one-01", tags="[exam]"), quizzes=text))
    assert errors == ["tiny/quizzes.yaml:2: quiz final slot 1: tag must be a tag name."]


def test_a_practice_pool_left_short_by_an_exam_only_quiz_is_reported(tmp_path):
    questions = question("one-01", tags="[exam]") + question("one-02") + question("one-03")
    practice = quiz("practice", "practice", "{section: one, count: 3}")
    key_free = quiz("final", "graded", "{tag: exam, count: 1}", "key_free")
    # Key-free practice may still ask the exam's question: three to draw, nothing to report.
    _, errors = read_pack(write_pack(tmp_path, questions, quizzes=quizzes(practice, key_free)))
    assert errors == []
    exam_only = key_free.replace("key_free", "exam_only")
    (tmp_path / "again").mkdir()
    _, errors = read_pack(
        write_pack(tmp_path / "again", questions, quizzes=quizzes(practice, exam_only))
    )
    assert errors == [
        "tiny/quizzes.yaml:2: quiz practice slot 1: draws 3 but only 2 of its 3 questions are "
        "left to practise; the others are kept for the exam-only quiz final."
    ]


def test_the_shipped_final_exam_keeps_an_anchor_and_four_medium_questions_a_section():
    pack, errors = read_pack(PACK)
    assert errors == []
    exam = [q for q in pack.questions if "exam" in q.tags]
    anchors = Counter(q.section for q in exam if "exam-anchor" in q.tags)
    medium = Counter(q.section for q in exam if q.tags == ["exam"] and q.difficulty == 2)
    assert anchors == {s.slug: 1 for s in pack.sections}
    assert all(medium[s.slug] >= 4 for s in pack.sections), medium
    assert len(exam) == sum(anchors.values()) + sum(medium.values())  # nothing else is "exam"
    # A spread of types, leaning to understanding and analysis rather than recall.
    assert len({q.qtype for q in exam}) >= 5
    assert sum(q.bloom != "remember" for q in exam) >= 30
    (final,) = [q for q in pack.quizzes if q.key == "final-exam"]
    assert final.fields["exam_protection"] == "exam_only"
    assert [slot["pool"] for slot in final.slots] == [
        pool
        for s in pack.sections
        for pool in (
            {"section": s.slug, "tag": "exam-anchor", "count": 1},
            {"section": s.slug, "tag": "exam", "difficulty": 2, "count": 1},
        )
    ]
    # Every practice quiz can still draw its ten from what the exam leaves: the untagged rest.
    practice = [q for q in pack.quizzes if q.fields["mode"] == "practice"]
    assert all(slot["pool"]["count"] == 10 for q in practice for slot in q.slots)
    untagged = Counter(q.section for q in pack.questions if not q.tags)
    assert all(untagged[s.slug] >= 10 for s in pack.sections), untagged


@pytest.mark.django_db
def test_load_content_stores_the_shipped_tags_and_the_final_exams_pool_tag():
    pack, _ = read_pack(PACK)
    for name in ("exam", "exam-anchor"):
        tagged = Question.objects.filter(tags__name=name, course__isnull=True)
        assert set(tagged.values_list("key", flat=True)) == {
            q.key for q in pack.questions if name in q.tags
        }
    final = Quiz.objects.get(key="final-exam")
    assert final.exam_protection == "exam_only"
    slots = final.slots.select_related("pool_tag").order_by("position")
    assert [(s.pool_tag.name, s.pool_difficulty) for s in slots] == [
        ("exam-anchor", None),
        ("exam", 2),
    ] * 9


@pytest.mark.django_db
def test_changed_tags_are_loaded_without_a_new_version_and_a_second_load_changes_nothing(
    tmp_path,
):
    copy = tmp_path / PACK.name
    shutil.copytree(PACK, copy)
    section_file = copy / "01-introduction.yaml"
    text = section_file.read_text()
    start = text.index("  - id: introduction-01")
    marker = "    concepts: "
    at = text.index(marker, start)
    section_file.write_text(text[:at] + "    tags: [week-1]\n" + text[at:])
    question = Question.objects.get(key="introduction-01", course__isnull=True)
    versions = question.versions.count()
    pack, errors = read_pack(copy)
    assert errors == []
    report = content_pack_load(pack=pack)
    assert report.counts["question tags updated"] == 1
    assert report.counts["question revised"] == 0
    assert list(question.tags.values_list("name", flat=True)) == ["week-1"]
    assert question.versions.count() == versions
    again = content_pack_load(pack=read_pack(copy)[0])
    assert not again.changed
    assert Tag.objects.filter(name="week-1").count() == 1


@pytest.mark.django_db
def test_load_content_refuses_a_pack_with_a_bad_tag_and_changes_nothing(tmp_path):
    copy = tmp_path / PACK.name
    shutil.copytree(PACK, copy)
    section_file = copy / "01-introduction.yaml"
    exam = Question.objects.filter(tags__name="exam").count()
    text = section_file.read_text()
    assert "tags: [exam]" in text
    section_file.write_text(text.replace("tags: [exam]", "tags: [Exam!]", 1))
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_content", "--pack", str(copy))
    assert not Tag.objects.filter(name__iexact="exam!").exists()
    assert Question.objects.filter(tags__name="exam").count() == exam

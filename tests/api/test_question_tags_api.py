"""Question tags over the instructors' API: read, written, filtered on; never a new version."""

from __future__ import annotations

import pytest

from quizzes.models import Question, Tag
from tests.api.test_teach_api import create, questions_url

pytestmark = pytest.mark.django_db


def test_a_question_is_created_with_tags_and_shows_them(teacher, course):
    reply = create(teacher, course, tags=["Week 1", "exam"])
    assert reply.status_code == 201, reply.json()
    assert reply.json()["tags"] == ["exam", "week-1"]
    question = Question.objects.get(pk=reply.json()["id"])
    assert sorted(question.tags.values_list("name", flat=True)) == ["exam", "week-1"]


def test_changing_only_tags_keeps_the_version_and_leaving_them_out_keeps_them(teacher, course):
    created = create(teacher, course, tags=["exam"]).json()
    url = questions_url(course, created["id"])
    patched = teacher.patch(url, {"tags": ["week-2"]}, format="json")
    assert patched.status_code == 200 and patched.json()["tags"] == ["week-2"]
    assert patched.json()["version"] == 1
    kept = teacher.patch(url, {"status": "draft"}, format="json")
    assert kept.json()["tags"] == ["week-2"]


def test_a_bad_tag_is_a_400_and_changes_nothing(teacher, course):
    created = create(teacher, course, tags=["exam"]).json()
    url = questions_url(course, created["id"])
    reply = teacher.patch(url, {"tags": ["exam", "no spaces/or slashes"]}, format="json")
    assert reply.status_code == 400
    assert reply.json()["error"]["field"] == "tags"
    for bad in ("exam", [["nested"]], ["x" * 51], ["nul\x00"]):
        assert teacher.patch(url, {"tags": bad}, format="json").status_code == 400
    assert teacher.get(url).json()["tags"] == ["exam"]
    assert not Tag.objects.filter(name__contains="slash").exists()


def test_the_shared_exam_questions_show_their_tag_and_the_list_filters_by_it(teacher, course):
    listed = teacher.get(questions_url(course), {"tag": "exam", "page_size": 100}).json()
    # Counted from the shipped bank: an anchor and at least four medium questions a section.
    tagged = Question.objects.filter(tags__name="exam", course__isnull=True)
    assert listed["count"] == tagged.count() >= 45
    assert {q["id"] for q in listed["results"]} == set(tagged.values_list("pk", flat=True))
    shared = teacher.get(questions_url(course, listed["results"][0]["id"])).json()
    assert "exam" in shared["tags"]
    assert shared["tags"] == sorted(
        Tag.objects.filter(questions=shared["id"]).values_list("name", flat=True)
    )
    nothing = teacher.get(questions_url(course), {"tag": "no-such-tag"}).json()
    assert nothing["count"] == 0

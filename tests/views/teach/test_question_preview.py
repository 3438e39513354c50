"""Previews that can be answered and graded, recording nothing: the editor's unsaved draft and
a saved version (issue #14 item 10)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import signing
from django.urls import reverse

from quizzes.models import Question, QuestionVersion, Response, ResponseStep
from quizzes.services.authoring import question_revise
from tests.factories import SectionFactory, course_with_learner, enrol, question_of_each_type
from tests.views.teach.helpers import THREE_CHOICES, formset, question_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def editing(client):
    section = SectionFactory()
    question_of_each_type(section)  # the section's shared bank
    course, _ = course_with_learner(article=section.article)
    client.force_login(enrol(course, role="instructor"))
    return course, section


def draft(section, **extra: Any) -> dict[str, Any]:
    """The editor's POST for a three-choice draft whose key is "2009"."""
    return {**question_fields(section), **formset("choices", THREE_CHOICES, correct=0), **extra}


def shown_keys(html: str, question_id: int = 0) -> dict[str, str]:
    """Choice text -> key, as the preview's radio buttons show them."""
    found = re.findall(
        rf'name="q{question_id}-choice" id="[^"]*" value="([0-9a-f]+)"[^>]*>\s*'
        r'<label class="form-check-label" for="[^"]*">([^<]*)</label>',
        html,
    )
    return {text: key for key, text in found}


def token(html: str) -> str:
    return re.search(r'name="preview-draft" value="([^"]+)"', html).group(1)


def nothing_recorded() -> tuple[int, int, int, int]:
    return (
        Question.objects.count(),
        QuestionVersion.objects.count(),
        Response.objects.count(),
        ResponseStep.objects.count(),
    )


def test_the_editor_shows_the_unsaved_draft_as_a_learner_sees_it(client, editing):
    course, section = editing
    before = nothing_recorded()
    url = reverse("teach:question_new", args=[course.slug, "single_choice"])
    html = client.post(url, draft(section, preview="show")).content.decode()
    assert set(shown_keys(html)) == {"2009", "2017", "2020"}
    assert "Right answer" not in html  # the key stays hidden until a check
    assert nothing_recorded() == before


def test_checking_the_draft_grades_it_as_a_quiz_would_and_records_nothing(client, editing):
    course, section = editing
    before = nothing_recorded()
    url = reverse("teach:question_new", args=[course.slug, "single_choice"])
    shown = client.post(url, draft(section, preview="show")).content.decode()
    keys = shown_keys(shown)
    wrong = client.post(
        url,
        draft(
            section, preview="check", **{"preview-draft": token(shown), "q0-choice": keys["2017"]}
        ),
    ).content.decode()
    assert "Incorrect: 0 of 1 mark." in wrong
    assert "That is when it became an administrative offense." in wrong  # the choice's feedback
    assert re.search(r'value="' + keys["2017"] + r'"\s+checked', wrong)  # the answer stays
    right = client.post(
        url,
        draft(
            section, preview="check", **{"preview-draft": token(shown), "q0-choice": keys["2009"]}
        ),
    ).content.decode()
    assert "Correct: 1 of 1 mark." in right and "The article dates the law to 2009." in right
    assert nothing_recorded() == before


def test_a_check_still_fits_when_another_choice_was_reworded(client, editing):
    course, section = editing
    url = reverse("teach:question_new", args=[course.slug, "single_choice"])
    shown = client.post(url, draft(section, preview="show")).content.decode()
    keys = shown_keys(shown)
    reworded = draft(section, preview="check", **{"preview-draft": token(shown)})
    reworded["choices-2-text"] = "2021"
    reworded["q0-choice"] = keys["2009"]
    html = client.post(url, reworded).content.decode()
    assert "Correct: 1 of 1 mark." in html and shown_keys(html)["2009"] == keys["2009"]


def test_a_forged_preview_token_is_ignored_and_the_answer_is_refused_politely(client, editing):
    course, section = editing
    url = reverse("teach:question_new", args=[course.slug, "single_choice"])
    forged = signing.dumps({"type": "single_choice", "payload": {"choices": "nonsense"}})
    for bad in ("not-a-token", forged):
        reply = client.post(
            url, draft(section, preview="check", **{"preview-draft": bad, "q0-choice": "abc"})
        )
        assert reply.status_code == 200
        assert "Choose one of the question&#x27;s choices." in reply.content.decode()


def test_a_check_without_an_answer_says_so(client, editing):
    course, section = editing
    url = reverse("teach:question_new", args=[course.slug, "single_choice"])
    html = client.post(url, draft(section, preview="check")).content.decode()
    assert "Answer the question before checking it." in html


def test_an_incomplete_draft_lists_what_is_missing_instead_of_a_preview(client, editing):
    course, section = editing
    url = reverse("teach:question_new", args=[course.slug, "single_choice"])
    data = {
        **question_fields(section, stem=""),
        **formset("choices", THREE_CHOICES[:2], correct=0),
        "preview": "show",
    }
    html = client.post(url, data).content.decode()
    assert 'id="preview-problems"' in html and "give at least two wrong choices" in html
    assert "Question: This field is required." in html
    assert not Question.objects.exists() or not Question.objects.filter(course=course).exists()


def test_previewing_an_edit_keeps_the_saved_versions_keys(client, editing):
    course, section = editing
    client.post(reverse("teach:question_new", args=[course.slug, "single_choice"]), draft(section))
    question = Question.objects.get(course=course)
    saved = {c["text"]: c["key"] for c in question.current_version.payload["choices"]}
    edit = reverse("teach:question_edit", args=[course.slug, question.pk])
    html = client.post(edit, draft(section, preview="show")).content.decode()
    assert shown_keys(html, question.pk) == saved
    assert question.versions.count() == 1


# One way to answer each type rightly through the page's fields, from the version's payload.
def right_answer(version: QuestionVersion) -> dict[str, Any]:
    p, field = version.payload, f"q{version.question_id}-"
    if version.qtype == "single_choice":
        return {f"{field}choice": next(c["key"] for c in p["choices"] if c["correct"])}
    if version.qtype == "multiple_response":
        return {f"{field}choices": [c["key"] for c in p["choices"] if c["correct"]]}
    if version.qtype == "true_false":
        return {f"{field}value": "true" if p["answer"] else "false"}
    if version.qtype == "short_answer":
        return {f"{field}text": p["accepted"][0]}
    if version.qtype == "numeric":
        return {f"{field}value": str(p["answer"])}
    if version.qtype == "matching":
        return {f"{field}pair-{left['key']}": left["match"] for left in p["lefts"]}
    return {f"{field}pos-{item['key']}": str(n) for n, item in enumerate(p["items"], start=1)}


@pytest.mark.parametrize(
    "qtype",
    [
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "ordering",
    ],
)
def test_a_saved_question_of_every_type_can_be_answered_and_checked(client, editing, qtype):
    course, section = editing
    question = Question.objects.get(section=section, course=None, qtype=qtype)
    url = reverse("teach:question_preview", args=[course.slug, question.pk])
    before = nothing_recorded()
    html = client.post(url, right_answer(question.current_version)).content.decode()
    assert "Correct: 1 of 1 mark." in html, html[html.find("preview-result") - 200 :][:1500]
    assert nothing_recorded() == before


def test_an_earlier_version_is_checked_against_its_own_key(client, editing):
    course, section = editing
    client.post(reverse("teach:question_new", args=[course.slug, "single_choice"]), draft(section))
    question = Question.objects.get(course=course)
    first = question.current_version
    data = {"choices": [{**c, "correct": c["text"] == "2017"} for c in THREE_CHOICES]}
    question_revise(question=question, stem=first.stem, data=data, actor=None)
    url = reverse("teach:question_preview", args=[course.slug, question.pk])
    old_key = right_answer(first)
    assert "Correct: 1 of 1 mark." in client.post(url, {"version": "1", **old_key}).content.decode()
    assert (
        "Incorrect: 0 of 1 mark." in client.post(url, {"version": "2", **old_key}).content.decode()
    )

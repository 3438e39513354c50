"""Instructor previews of a question that can be answered and graded, recording nothing: a
saved version on its preview page, and the editor's unsaved draft in the editor's panel.

Both build an unsaved response (`services.question_preview`) and show it with the presenters
an attempt uses: `learner_question` for what a learner sees, `review_item` for the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ...answer_forms import raw_answer
from ...errors import InvalidAnswer, QuestionInvalid
from ...forms.bank import QuestionForm, TypeEditor
from ...models import Course, Question, QuestionVersion, Response
from ...permissions import can_edit_question, is_site_admin
from ...presenters import QuestionView, ReviewItem, learner_question, review_item
from ...selectors import question_get_for_course, question_versions
from ...services.question_preview import preview_response, question_draft, question_try
from .common import instructor_required

DRAFT_FIELD = "preview-draft"
# Signed so that the payload a check grades against is the one this server showed.
DRAFT_SALT = "kzstudy.teach.question-preview"


def question_or_404(course: Course, question_id: int) -> Question:
    """A question the course may use (its own or its article's shared bank), or 404."""
    question = question_get_for_course(course=course, question_id=question_id)
    if question is None:
        raise Http404("No such question in this course's bank.")
    return question


@dataclass
class Tried:
    """A question shown for a try, and (after a check) the verdict or what was wrong."""

    view: QuestionView | None = None
    checked: ReviewItem | None = None
    error: str = ""
    problems: list[str] = field(default_factory=list)
    token: str = ""


def _tried(response: Response, post: Any, *, check: bool) -> Tried:
    """Show `response` as a learner would; with `check`, grade the posted answer first."""
    tried = Tried()
    if check:
        try:
            question_try(response=response, raw=raw_answer(post, response.question_id))
        except InvalidAnswer as error:
            tried.error = error.message
        else:
            tried.checked = review_item(response, show_correct=True, show_explanation=True)
    tried.view = QuestionView(
        response=response, question=learner_question(response), answer=response.answer
    )
    return tried


def _token_payload(post: Any, qtype: str) -> dict[str, Any] | None:
    """The payload the previous preview showed, if the page sent back a valid token for it."""
    try:
        shown = signing.loads(post.get(DRAFT_FIELD, ""), salt=DRAFT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(shown, dict) or shown.get("type") != qtype:
        return None
    return shown.get("payload")


def editor_preview(
    post: Any,
    course: Course,
    *,
    qtype: str,
    form: QuestionForm,
    editor: TypeEditor,
    question: Question | None,
) -> Tried:
    """The editor's draft, previewed (and checked when the page asks): call after validating."""
    if form.errors or editor.errors:
        problems = [
            f"{form.fields[name].label or name.capitalize()}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        ]
        return Tried(problems=problems + [str(error) for error in editor.errors])
    previous = _token_payload(post, qtype)
    if previous is None and question is not None:
        previous = question.current_version.payload
    fields = form.cleaned_data
    try:
        version = question_draft(
            qtype=qtype,
            section=fields["section"],
            stem=fields["stem"],
            data=editor.authoring_data(),
            explanation=fields["explanation"],
            source_quote=fields["source_quote"],
            course=course,
            question_id=question.pk if question else None,
            previous_payload=previous,
        )
    except QuestionInvalid as error:
        return Tried(problems=error.errors)
    response = preview_response(question=version.question, version=version)
    tried = _tried(response, post, check=post.get("preview") == "check")
    tried.token = signing.dumps({"type": qtype, "payload": version.payload}, salt=DRAFT_SALT)
    return tried


@instructor_required
def question_preview(request: HttpRequest, course: Course, question: int) -> HttpResponse:
    """A saved version as a learner sees it, to answer and check, and as the review shows it.

    A check (POST) grades the answer against that version and records nothing.
    """
    question_obj = question_or_404(course, question)
    versions = question_versions(question=question_obj)
    number = request.POST.get("version") or request.GET.get("version")
    version: QuestionVersion = next((v for v in versions if str(v.number) == number), versions[0])
    response = preview_response(question=question_obj, version=version)
    tried = _tried(response, request.POST, check=request.method == "POST")
    key = review_item(
        preview_response(question=question_obj, version=version),
        show_correct=True,
        show_explanation=True,
    )
    return render(
        request,
        "quizzes/teach/question_preview.html",
        {
            "course": course,
            "question": question_obj,
            "version": version,
            "versions": versions,
            "tried": tried,
            "review": key,
            "can_edit": can_edit_question(request.user, question_obj),
            "is_shared": question_obj.course_id is None,
            "is_site_admin": is_site_admin(request.user),
            "teach_area": "bank",
        },
    )

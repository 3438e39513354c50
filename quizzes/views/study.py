"""Study pages: home, a course's home with progress, and a section's study page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import clock
from ..glossary import glossary_terms
from ..models import Concept, Course, Quiz, Section
from ..permissions import courses_as_member
from ..selectors import (
    article_list_with_sections,
    member_courses,
    quiz_list_for_course,
    section_get_for_page,
    section_neighbours,
)
from ..selectors.study import card_due_count, section_progress, study_next
from ..textnorm import normalize_for_quote
from .common import course_for_member

MAX_HIGHLIGHT_LENGTH = 600


def home(request: HttpRequest) -> HttpResponse:
    """The front page: a member of one course goes straight to it; others see a list."""
    courses = []
    if request.user.is_authenticated:
        courses = member_courses(request.user)
        if len(courses) == 1:
            return redirect("quizzes:course", course=courses[0].slug)
    return render(
        request, "quizzes/home.html", {"articles": article_list_with_sections(), "courses": courses}
    )


@login_required
def course_home(request: HttpRequest, course: str) -> HttpResponse:
    """A course's home: its article's sections with the learner's progress, and its quizzes."""
    course_obj, role = course_for_member(request.user, course)
    quizzes = list(quiz_list_for_course(course=course_obj))
    progress, due = [], 0
    if course_obj.article is not None:
        now = clock.now()
        progress = section_progress(user=request.user, article=course_obj.article, now=now)
        due = card_due_count(user=request.user, article=course_obj.article, now=now)
    practice = {q.section_id: q for q in quizzes if q.section_id}
    rows = [(p, practice.get(p.section.pk)) for p in progress]
    return render(
        request,
        "quizzes/course_home.html",
        {
            "course": course_obj,
            "role": role,
            "rows": rows,
            "next": study_next(progress),
            "due_count": due,
            "exams": [q for q in quizzes if not q.section_id],
        },
    )


def section_detail(request: HttpRequest, article: str, section: str) -> HttpResponse:
    """A section's study page: summary, key points, concepts and the footnoted full text.

    `?highlight=<passage>` marks the paragraph holding that passage (review links use it).
    """
    try:
        section_obj = section_get_for_page(article_slug=article, section_slug=section)
    except Section.DoesNotExist:
        raise Http404("No such section.") from None
    highlight = request.GET.get("highlight", "")[:MAX_HIGHLIGHT_LENGTH]
    wanted = normalize_for_quote(highlight)
    paragraphs = list(section_obj.paragraphs.all())
    marked = next(
        (p.pk for p in paragraphs if wanted and wanted in normalize_for_quote(p.text)), None
    )
    previous, following = section_neighbours(section_obj)
    concepts = Concept.objects.filter(article=section_obj.article).select_related(
        "section__article"
    )
    footnotes = [f for p in paragraphs for f in p.footnotes.all()]
    return render(
        request,
        "quizzes/section.html",
        {
            "section": section_obj,
            "article": section_obj.article,
            "summary": getattr(section_obj, "summary", None),
            "paragraphs": paragraphs,
            "highlighted": marked,
            "highlight": highlight if marked else "",
            "footnotes": sorted(footnotes, key=lambda f: f.number),
            "previous": previous,
            "next": following,
            "terms": glossary_terms(concepts, page_section_id=section_obj.pk),
            "practice": _practice_quizzes(request, section_obj),
        },
    )


def _practice_quizzes(request: HttpRequest, section: Section) -> list[tuple[Course, Quiz]]:
    """The section's practice quizzes each of the user's courses on this article offers (the
    shared ones, and a course's own); the user's courses are `permissions.courses_as_member`."""
    if not request.user.is_authenticated:
        return []
    courses = list(courses_as_member(request.user).filter(article=section.article))
    if not courses:
        return []
    quizzes = list(Quiz.objects.published().offered_in(*courses).filter(section=section))
    return [(c, q) for c in courses for q in quizzes if q.is_offered_in(c)]

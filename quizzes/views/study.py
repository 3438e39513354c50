"""Pages. Views stay thin: they read through selectors and render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import Section
from ..selectors import article_list_with_sections, section_get_for_page, section_neighbours


def home(request: HttpRequest) -> HttpResponse:
    """The course home: every article and its sections."""
    return render(request, "quizzes/home.html", {"articles": article_list_with_sections()})


def section_detail(request: HttpRequest, article: str, section: str) -> HttpResponse:
    """A section's study page: summary, key points, concepts and the footnoted full text."""
    try:
        section_obj = section_get_for_page(article_slug=article, section_slug=section)
    except Section.DoesNotExist:
        raise Http404("No such section.") from None
    siblings = section_neighbours(section_obj)
    footnotes = [f for p in section_obj.paragraphs.all() for f in p.footnotes.all()]
    return render(
        request,
        "quizzes/section.html",
        {
            "section": section_obj,
            "article": section_obj.article,
            "summary": getattr(section_obj, "summary", None),
            "footnotes": sorted(footnotes, key=lambda f: f.number),
            "previous": siblings[0],
            "next": siblings[1],
        },
    )

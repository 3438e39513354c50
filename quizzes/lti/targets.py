"""What a resource link opens: `quiz:<id>`, `section:<slug>` or `home` (the course home)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from ..models import Course, Quiz, Section
from ..selectors.delivery import quiz_list_for_course

HOME = "home"
_TARGET = re.compile(
    r"^(?:(?P<home>home)|quiz:(?P<quiz>[1-9][0-9]{0,17})|section:(?P<section>[-a-z0-9_]{1,120}))$"
)


class TargetError(ValueError):
    """A target that is malformed or names nothing this course offers."""


@dataclass(frozen=True)
class Placement:
    """Something an instructor can place in the course (deep linking)."""

    target: str
    title: str
    kind: str
    quiz: Quiz | None = None


def parse(target: str | None) -> tuple[str, str | int | None]:
    """`("home", None)`, `("quiz", id)` or `("section", slug)`; none given means home."""
    if target is None or (isinstance(target, str) and target.strip() == ""):
        return HOME, None
    match = _TARGET.match(target.strip()) if isinstance(target, str) else None
    if match is None:
        raise TargetError(
            f"The link's target {str(target)[:80]!r} is not 'home', 'quiz:<id>' "
            "or 'section:<slug>'."
        )
    if match["quiz"]:
        return "quiz", int(match["quiz"])
    if match["section"]:
        return "section", match["section"]
    return HOME, None


def quiz_for(course: Course, quiz_id: int) -> Quiz | None:
    return quiz_list_for_course(course=course).filter(pk=quiz_id).first()


def check(course: Course, target: str | None) -> str:
    """The canonical target, after checking it names something this course offers."""
    kind, value = parse(target)
    if kind == "quiz" and quiz_for(course, value) is None:
        raise TargetError(f"The link opens quiz {value}, which this course does not offer.")
    if (
        kind == "section"
        and not Section.objects.filter(article_id=course.article_id, slug=value).exists()
    ):
        raise TargetError(f"The link opens section {value!r}, which this course's article lacks.")
    return HOME if kind == HOME else f"{kind}:{value}"


def url_for(course: Course, target: str) -> str:
    """Where a checked target lands."""
    kind, value = parse(target)
    if kind == "quiz":
        return reverse("quizzes:quiz", kwargs={"course": course.slug, "quiz": value})
    if kind == "section":
        section = Section.objects.select_related("article").get(
            article_id=course.article_id, slug=value
        )
        return reverse(
            "quizzes:section", kwargs={"article": section.article.slug, "section": section.slug}
        )
    return reverse("quizzes:course", kwargs={"course": course.slug})


def placements(course: Course) -> list[Placement]:
    """Everything deep linking may place: the course home, each section, each quiz."""
    items = [Placement(target=HOME, title=f"{course.title}: course home", kind="home")]
    sections = Section.objects.filter(article_id=course.article_id).order_by("position")
    items += [
        Placement(target=f"section:{s.slug}", title=f"Study: {s.heading}", kind="section")
        for s in sections
    ]
    items += [
        Placement(target=f"quiz:{q.pk}", title=q.title, kind="quiz", quiz=q)
        for q in quiz_list_for_course(course=course)
    ]
    return items

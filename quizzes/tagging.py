"""Question tags as text: what a tag name may be, and how typed or imported tags are read.

Pure (no database), so the content pack reader, the forms, the importers and the services
share one rule. A tag is a short slug (`exam`, `week-3`): it is what a quiz pool filters on,
so two spellings of one tag would split a pool without anyone noticing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TAG_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TAG_LENGTH = 50
MAX_TAGS = 20
# The tags as one comma-separated text, as the editor shows them: room for every tag at its
# longest and the ", " between them.
MAX_TAGS_TEXT = MAX_TAGS * (MAX_TAG_LENGTH + len(", "))
EXAM_TAG = "exam"


def normalise_tag(text: str) -> str:
    """A typed tag as stored: lowercase, spaces and underscores as hyphens (`Week 3` → `week-3`)."""
    return re.sub(r"[\s_]+", "-", text.strip().casefold()).strip("-")


def tag_problem(name: str) -> str | None:
    """Why a (normalised) tag name is not allowed, or None when it is."""
    if not name:
        return "a tag cannot be empty"
    if len(name) > MAX_TAG_LENGTH:
        return f"tag {name[:MAX_TAG_LENGTH]!r}…: at most {MAX_TAG_LENGTH} characters"
    if not TAG_NAME.match(name):
        return f"tag {name!r}: use lowercase letters, digits and hyphens"
    return None


def parse_tags(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """Normalised, de-duplicated tag names (in the order given) and the problems found."""
    names: list[str] = []
    problems: list[str] = []
    for text in texts:
        name = normalise_tag(text)
        problem = tag_problem(name)
        if problem:
            problems.append(problem)
        elif name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        problems.append(f"at most {MAX_TAGS} tags")
    return names, problems


def split_tags(text: str) -> list[str]:
    """The tags of a comma-separated field (`exam, week 3`); blanks between commas are skipped."""
    return [part for part in text.split(",") if part.strip()]

"""A content pack as data: what `read_pack` (content_pack.py) builds from a pack's files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass
class PackSection:
    """A section's summary as the pack states it."""

    slug: str
    heading: str
    position: int
    overview: str = ""
    key_points: list[str] = field(default_factory=list)
    origin: str = ""


@dataclass
class PackConcept:
    """A glossary entry."""

    slug: str
    term: str
    definition: str
    aliases: list[str]
    section: str
    origin: str


@dataclass
class PackQuestion:
    """A question: shared fields plus the type's authoring data."""

    key: str
    qtype: str
    section: str
    difficulty: int
    bloom: str
    concepts: list[str]
    stem: str
    data: dict[str, Any]
    explanation: str
    source_quote: str
    origin: str
    # Bank metadata, as on Question: a pool may draw only the questions with a tag.
    tags: list[str] = field(default_factory=list)


@dataclass
class PackQuiz:
    """A quiz definition."""

    key: str
    fields: dict[str, Any]
    slots: list[dict[str, Any]]
    origin: str


@dataclass
class ContentPack:
    """Everything a pack holds, in file order."""

    directory: Path
    slug: str = ""
    title: str = ""
    author: str = ""
    published_on: date | None = None
    source: str = ""
    sections: list[PackSection] = field(default_factory=list)
    concepts: list[PackConcept] = field(default_factory=list)
    questions: list[PackQuestion] = field(default_factory=list)
    quizzes: list[PackQuiz] = field(default_factory=list)

    def section(self, slug: str) -> PackSection | None:
        """The section with this slug, if any."""
        return next((s for s in self.sections if s.slug == slug), None)

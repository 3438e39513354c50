"""Link glossary terms wherever a section's text names them (on already-rendered, safe HTML)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

_TAG = re.compile(r"(<[^>]+>)")


@dataclass(frozen=True)
class GlossaryTerm:
    """A name under which a concept may appear in the text, and the anchor of its entry."""

    text: str
    slug: str
    href: str


def glossary_terms(concepts: Iterable, *, page_section_id: int) -> list[GlossaryTerm]:
    """Every term and alias of the concepts, longest first so "Article 174" wins over "Article".

    Entries of the page's own section are anchors on the page; others link to their section.
    """
    terms = set()
    for concept in concepts:
        href = f"#concept-{concept.slug}"
        if concept.section_id != page_section_id:
            href = concept.section.get_absolute_url() + href
        for name in [concept.term, *concept.aliases]:
            if len(name.strip()) >= 4:
                terms.add(GlossaryTerm(name.strip(), concept.slug, href))
    return sorted(terms, key=lambda term: (-len(term.text), term.text))


def link_terms(rendered: str, terms: list[GlossaryTerm]) -> SafeString:
    """Link the first mention of each concept in a piece of safe HTML to its glossary entry.

    Only text between tags is touched, never inside an existing link, and each concept is
    linked once, so the text stays readable.
    """
    if not terms:
        return mark_safe(rendered)  # the input is already safe HTML
    patterns = [
        (
            re.compile(rf"(?<![\w-])({_term_pattern(t.text)})(?![\w-])", re.IGNORECASE),
            t,
        )
        for t in terms
    ]
    linked: set[str] = set()
    out, link_depth = [], 0
    for part in _TAG.split(rendered):
        if _TAG.fullmatch(part):
            link_depth += part.startswith("<a") - part.startswith("</a")
            out.append(part)
            continue
        if link_depth == 0:
            part = _link_segment(part, patterns, linked)
        out.append(part)
    return mark_safe("".join(out))  # only anchors built here are added


_EQUIVALENT = {
    "'": "(?:'|’|‘|&\\#x27;|&\\#39;)",
    "’": "(?:'|’|‘|&\\#x27;|&\\#39;)",
    '"': '(?:"|“|”|&quot;|&\\#34;)',
    "“": '(?:"|“|”|&quot;|&\\#34;)',
    "”": '(?:"|“|”|&quot;|&\\#34;)',
    "-": "(?:-|–|—)",
    "–": "(?:-|–|—)",
    "—": "(?:-|–|—)",
    "&": "&amp;",
    " ": r"\s+",
}


def _term_pattern(term: str) -> str:
    """A regex for a term as it may appear in escaped HTML: quote, dash and space variants."""
    return "".join(_EQUIVALENT.get(char, re.escape(char)) for char in term)


def _link_segment(text: str, patterns: list, linked: set[str]) -> str:
    """Link first mentions in one text segment; longer terms first, never overlapping."""
    taken: list[tuple[int, int, GlossaryTerm]] = []
    for pattern, term in patterns:
        if term.slug in linked:
            continue
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end, _ in taken):
                continue
            taken.append((match.start(), match.end(), term))
            linked.add(term.slug)
            break
    out, position = [], 0
    for start, end, term in sorted(taken, key=lambda item: item[0]):
        out.append(text[position:start])
        out.append(f'<a href="{term.href}" class="glossary-link">{text[start:end]}</a>')
        position = end
    out.append(text[position:])
    return "".join(out)

"""Text normalisation shared by the importer, the content validator and the pages."""

from __future__ import annotations

import re

FOOTNOTE_MARKER = re.compile(r"<sup>(\d+)</sup>")
ORDINAL_SUFFIX = re.compile(r"<sup>([a-z]{1,3})</sup>")
_TYPOGRAPHIC = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_EMPHASIS = re.compile(r"\*+")
_SUP_TAG = re.compile(r"</?sup>")


def plain_text(markdown: str) -> str:
    """The article's inline Markdown as plain text: no footnote markers, no emphasis marks."""
    text = ORDINAL_SUFFIX.sub(r"\1", FOOTNOTE_MARKER.sub("", markdown))
    text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def normalize_for_quote(text: str) -> str:
    """Fold what may differ between a quote and its source: markup, quotes, dashes, spacing."""
    return plain_text(text).translate(_TYPOGRAPHIC)


def word_count(text: str) -> int:
    """Words in a text, as a reader counts them."""
    return len(plain_text(text).split())


def _normalized_with_positions(markdown: str) -> tuple[str, list[int]]:
    """The text as `normalize_for_quote` sees it, with each character's index in the source."""
    skipped = [False] * len(markdown)
    for pattern in (FOOTNOTE_MARKER, _SUP_TAG, _EMPHASIS):
        for match in pattern.finditer(markdown):
            skipped[match.start() : match.end()] = [True] * (match.end() - match.start())
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(markdown):
        if skipped[index]:
            continue
        if char.isspace():
            if not chars or chars[-1] == " ":
                continue
            char = " "
        chars.append(char.translate(_TYPOGRAPHIC))
        positions.append(index)
    return "".join(chars), positions


def locate_quote(markdown: str, quote: str) -> tuple[int, int] | None:
    """Where a quote sits in the article's Markdown (start, end), comparing normalised text."""
    wanted = normalize_for_quote(quote)
    if not wanted:
        return None
    text, positions = _normalized_with_positions(markdown)
    start = text.find(wanted)
    if start < 0:
        return None
    return positions[start], positions[start + len(wanted) - 1] + 1

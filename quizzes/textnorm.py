"""Text normalisation shared by the importer, the content validator and the pages."""

from __future__ import annotations

import re

FOOTNOTE_MARKER = re.compile(r"<sup>(\d+)</sup>")
ORDINAL_SUFFIX = re.compile(r"<sup>([a-z]{1,3})</sup>")
_TYPOGRAPHIC = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_EMPHASIS = re.compile(r"\*+")


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

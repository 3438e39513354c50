"""Reads: querysets and values with what their callers need already joined or prefetched.

Split by domain like the models; import from here.
"""

from .content import (
    article_list_with_sections,
    question_list_published,
    section_get_for_page,
    section_neighbours,
)

__all__ = [
    "article_list_with_sections",
    "question_list_published",
    "section_get_for_page",
    "section_neighbours",
]

"""Strings from a platform before they reach the database: ids with control characters are
refused, names and titles lose them.

PostgreSQL cannot store or even compare a text holding NUL (0x00), so a claim carrying one
would end a launch in a 500 there; the other control characters have no place in an id or a
name either. (Request parameters are refused earlier, by kzstudy/nul_guard.py; claims arrive
inside the signed id_token, where that guard cannot see them.)
"""

from __future__ import annotations

import re
from typing import Any

# Control characters, and the halves of a UTF-16 surrogate pair, which JSON's \uD800 escapes can
# carry alone: no database or page can encode one (a UnicodeEncodeError, a 500 on every page
# showing it).
CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
LINE_BREAKS = re.compile(r"[\t\n\r]+")


def has_control(value: str) -> bool:
    """Whether the text holds a control character (NUL, line breaks, escapes…)."""
    return CONTROL.search(value) is not None


def is_clean_id(value: Any, limit: int = 255) -> bool:
    """A usable id: a non-blank string, at most `limit` long, without control characters."""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        return False
    return not has_control(value)


def display_text(value: Any, limit: int) -> str:
    """A name or title to store: line breaks and tabs become spaces, other control characters
    go, spaces at the ends go, and it is cut to `limit`; anything but a string is ""."""
    if not isinstance(value, str):
        return ""
    return CONTROL.sub("", LINE_BREAKS.sub(" ", value)).strip()[:limit]

"""Helpers of the staff page tests: what the question editor posts."""

from __future__ import annotations

from html.parser import HTMLParser

from quizzes.models import Section


def formset(
    prefix: str, rows: list[dict], extra: int = 0, correct: int | None = None
) -> dict[str, str]:
    """A formset's POST data; `correct` marks a single-choice row (its radio group)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{k}": v for k, v in row.items()})
    if correct is not None:
        data[f"{prefix}-correct"] = str(correct)
    return data


def question_fields(
    section: Section, stem: str = "In which year was the law on domestic violence adopted?"
) -> dict[str, str]:
    return {
        "section": str(section.pk),
        "difficulty": "2",
        "bloom_level": "remember",
        "status": "published",
        "stem": stem,
        "explanation": "The article dates the law to 2009.",
        "source_quote": "adopted a law on the prevention of domestic violence in 2009",
    }


THREE_CHOICES = [
    {"text": "2009", "feedback": ""},
    {"text": "2017", "feedback": "That is when it became an administrative offense."},
    {"text": "2020", "feedback": ""},
]


class _FormReader(HTMLParser):
    """What a browser would post for the page's form holding `marker` (a field's name)."""

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marker, self.forms, self.fields = marker, [], None
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "template":  # a blank row for the page's script: a browser posts none of it
            self._in_template += 1
        if tag == "form":
            self.fields = []
            self.forms.append(self.fields)
        elif self.fields is None or self._in_template:
            return
        elif tag == "option":
            if self._select and "selected" in a and "disabled" not in a:
                self.fields.append((self._select, a.get("value", "")))
        elif "disabled" in a or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._in_template -= 1
        elif tag == "textarea" and self._textarea is not None:
            name, text = self.fields[-1]
            # A browser drops the one newline that follows <textarea> (Django writes it).
            self.fields[-1] = (name, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.fields = None


def posted_form(html: str, marker: str) -> dict[str, list[str]]:
    """The fields, as a browser would post them unchanged, of the form with a `marker` field."""
    reader = _FormReader(marker)
    reader.feed(html)
    for fields in reader.forms:
        if any(name == marker for name, _ in fields):
            posted: dict[str, list[str]] = {}
            for name, value in fields:
                posted.setdefault(name, []).append(value)
            return posted
    raise AssertionError(f"no form with a {marker!r} field on the page")

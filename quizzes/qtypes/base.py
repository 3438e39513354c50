"""What every question type provides, and the value a grader returns."""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext

from .text_limits import ANSWER_TEXT_MAX, too_long

if TYPE_CHECKING:
    from django.http import QueryDict

    from .exchange_mapping import ExchangeMapping

# Sorts a payload's keyed items into the order an attempt shows them, as `{"id", "text"}`.
Ordered = Callable[[list[dict[str, Any]]], list[dict[str, str]]]
# Option key → (text as shown, whether the key holds it), for item analysis.
OptionTable = dict[str, tuple[str, bool]]

ZERO = Decimal(0)
ONE = Decimal(1)


class GradeState(StrEnum):
    """Outcome of grading one response."""

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    GAVE_UP = "gave_up"
    NEEDS_GRADING = "needs_grading"


@dataclass(frozen=True)
class Grade:
    """A grader's verdict: a fraction in [0, 1], its state and feedback texts to show."""

    fraction: Decimal
    state: GradeState
    feedback: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_fraction(cls, fraction: Decimal, feedback: Iterable[str] = ()) -> Grade:
        """Clamp a fraction into [0, 1] and derive the state from it."""
        fraction = min(ONE, max(ZERO, fraction)).quantize(Decimal("0.00001"))
        if fraction == ONE:
            state = GradeState.CORRECT
        elif fraction == ZERO:
            state = GradeState.WRONG
        else:
            state = GradeState.PARTIAL
        return cls(fraction=fraction, state=state, feedback=tuple(f for f in feedback if f))

    @classmethod
    def gave_up(cls) -> Grade:
        """No answer was given."""
        return cls(fraction=ZERO, state=GradeState.GAVE_UP)


@dataclass(frozen=True)
class FaceList:
    """A list a flashcard shows: what a question offers on the front, or its key on the back."""

    label: str
    items: list[str]
    is_ordered: bool = False


class InvalidResponse(ValueError):
    """A learner's answer does not have the shape the question type expects."""


def new_key(taken: Iterable[str] = ()) -> str:
    """An opaque key for a choice or item: it must not reveal order or correctness."""
    taken = set(taken)
    while True:
        key = secrets.token_hex(4)
        if key not in taken:
            return key


def reuse_keys(
    texts: list[str], previous: Mapping[str, str], taken: Iterable[str] = ()
) -> list[str]:
    """Keys for texts: the previous version's key where the text is unchanged, else new ones.

    Keeping keys stable across versions lets a regrade carry a response over to a new version.
    """
    reserved = set(taken)
    keys: list[str] = []
    for text in texts:
        key = previous.get(text)
        if key is None or key in keys or key in reserved:
            key = new_key(set(keys) | set(previous.values()) | reserved)
        keys.append(key)
    return keys


class QuestionType:
    """Base class of a question type, registered under a stable string key.

    Subclasses are stateless: every method is a pure function of its arguments.
    """

    key: ClassVar[str]
    label: ClassVar[str]
    # The fields of this type's answer object: anything else is refused, never ignored.
    answer_keys: ClassVar[frozenset[str]]
    # The fields of its authoring data (content packs, exchange, the editor).
    authoring_fields: ClassVar[frozenset[str]]

    def validate(self, data: Mapping[str, Any]) -> list[str]:
        """Errors in the authoring data of this type (the content-pack/editor fields).

        Every door (editor, API, imports, content packs) relies on it: a value of the wrong
        kind or a field the type does not have is reported, never dropped or converted, and
        no input makes it raise.
        """
        raise NotImplementedError

    def field_errors(self, data: Any) -> list[str]:
        """The start of every `validate`: the data is an object of this type's fields only."""
        if not isinstance(data, Mapping):
            return [NOT_AN_OBJECT]
        fields = listed_names(self.authoring_fields)
        return [
            f"unknown field {name!r}: {self.label.lower()} questions take {fields}."
            for name in unknown_fields(data, self.authoring_fields)
        ]

    def build_payload(
        self, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The stored payload of a new version, built from valid authoring data."""
        raise NotImplementedError

    def authoring_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The authoring fields of a stored payload (inverse of build_payload)."""
        raise NotImplementedError

    def shuffle_keys(self, payload: Mapping[str, Any]) -> list[str]:
        """Keys whose display order an attempt may shuffle (empty when nothing shuffles)."""
        return []

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """Turn POST or API data into the plain dict stored as the answer, or raise."""
        raise NotImplementedError

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Whether the response answers the whole question."""
        raise NotImplementedError

    def read_answer(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any] | None:
        """A learner's raw answer (API or page) as stored: a normalised dict, or None for "no
        answer" (null, blank or empty); InvalidResponse for anything else.

        The one door every answer goes through, so the rules hold for pages and API alike:
        unknown fields and NUL characters are refused, and an answer that gives nothing
        clears the response instead of counting as answered.
        """
        if raw is None:
            return None
        raw = require_dict(raw)
        unknown = unknown_fields(raw, self.answer_keys)
        if unknown:
            takes = listed_names(self.answer_keys)
            raise InvalidResponse(f"Unknown field {unknown[0]!r}: this question takes {takes}.")
        if contains_nul(raw):
            raise InvalidResponse("The answer contains a NUL character.")
        if is_empty(raw):
            return None
        answer = self.normalize_response(payload, raw)
        return None if is_empty(answer) else answer

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """Grade a response: a pure function of the payload and the response."""
        raise NotImplementedError

    def correct_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The key, as texts exactly as the learner sees them."""
        raise NotImplementedError

    def option_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The choices offered, as texts (empty for types without choices)."""
        return []

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """A one-line human-readable version of a response, for reports and review."""
        raise NotImplementedError

    # Hooks: what the rest of the app asks a type instead of branching on its key. Each type's
    # package (`qtypes/<key>/`) implements them; tests/qtypes/test_plugin_layout.py checks that
    # every registered type does.

    # Types whose authoring order gives the answer away (ordering items, matching options) are
    # shuffled whatever the quiz says.
    always_shuffle: ClassVar[bool] = False
    # Traits the content-pack cue checks read (quizzes/content_cues.py): the learner picks
    # among authored choices; exactly one of them is right; the stem is a statement to judge.
    offers_choices: ClassVar[bool] = False
    one_right_choice: ClassVar[bool] = False
    stem_is_statement: ClassVar[bool] = False
    # Staff read an answer of this type as the picked options' letters and texts ("B. …", in
    # the order the learner saw them) instead of its summary.
    answers_by_letter: ClassVar[bool] = False

    @property
    def template_name(self) -> str:
        """The learner's inputs, included by the attempt, preview and try pages by this name."""
        return f"quizzes/includes/answers/{self.key}.html"

    @property
    def editor(self) -> ModuleType:
        """The type's editor, `qtypes/<key>/editor.py`: its PARTS (forms and row formsets),
        `authoring_data(parts)` from the bound parts and `initial(prefix, data)` for a part.
        Loaded on first use, so grading never loads Django's forms."""
        return importlib.import_module(f"{type(self).__module__}.editor")

    @property
    def exchange(self) -> ExchangeMapping:
        """The type's part of the exchange formats, `qtypes/<key>/exchange.py`'s MAPPING
        (loaded on first use, like the editor)."""
        return importlib.import_module(f"{type(self).__module__}.exchange").MAPPING

    def study_faces(self, payload: Mapping[str, Any]) -> tuple[list[FaceList], FaceList]:
        """A question's flashcard: what its front offers to answer from memory (choices,
        pairs, items: none for a typed answer) and its key on the back."""
        raise NotImplementedError

    def learner_fields(self, payload: Mapping[str, Any], ordered: Ordered) -> dict[str, Any]:
        """The type's part of the learner view (choices, items, a unit…), from an allow-list of
        payload fields: never the key."""
        raise NotImplementedError

    def answer_widget(self, question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict:
        """The learner view's inputs with a saved answer filled in (no logic in templates)."""
        raise NotImplementedError

    def read_post(self, post: QueryDict, prefix: str) -> dict[str, Any]:
        """The raw answer fields this type's inputs post (names `prefix` + part), as the API
        takes them; {} when none of its fields were sent. InvalidResponse for input that
        cannot make an answer."""
        raise NotImplementedError

    def staff_key_rows(
        self, question: Mapping[str, Any], payload: Mapping[str, Any], answer: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """For staff: the options or items in the order shown, with what the learner gave and
        what the key (of `payload`, the version that made the mark) holds."""
        raise NotImplementedError

    # The staff's table of `staff_key_rows` (none is drawn when the rows are empty).
    staff_template: ClassVar[str] = "quizzes/includes/staff_keys/options.html"

    def option_table(self, payloads: Sequence[Mapping[str, Any]]) -> OptionTable | None:
        """Item analysis's option table from a question's payloads (oldest first); None: the
        type has no options to count (see `no_option_table`)."""
        raise NotImplementedError

    @property
    def counts_options(self) -> bool:
        """Whether item analysis counts the picks of this type's options."""
        return type(self).option_table is not no_option_table

    def picked_options(self, answer: Any) -> list[str]:
        """The option keys one stored answer picked (none for a blank or foreign answer)."""
        return []


def no_option_table(payloads: Sequence[Mapping[str, Any]]) -> None:
    """The analysis hook of a type without options: item analysis counts no options."""
    return None


def key_only_faces(
    question_type: QuestionType, payload: Mapping[str, Any]
) -> tuple[list[FaceList], FaceList]:
    """The flashcard of a typed answer: nothing on the front but the stem, the key behind."""
    answers = question_type.correct_texts(payload)
    label = gettext("Accepted answers") if len(answers) > 1 else gettext("Right answer")
    return [], FaceList(label, answers)


def scrambled_texts(items: list[dict[str, Any]]) -> list[str]:
    """Items in an order that is stable for the version and never the right one: by their
    opaque keys, reversed when that happens to be the right order."""
    shuffled = sorted(items, key=lambda item: item["key"])
    if len(items) > 1 and shuffled == items:
        shuffled.reverse()
    return [item["text"] for item in shuffled]


def text_widget(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The widget of a typed answer: the saved text or number."""
    return {"value": answer.get("text", answer.get("value", "")) or ""}


def positions_of(order: list[str], item_id: str) -> int | None:
    """An item's 1-based position in an order, None when it is not placed."""
    return order.index(item_id) + 1 if item_id in order else None


def require_dict(raw: Any) -> Mapping[str, Any]:
    """The raw answer as a mapping, or InvalidResponse."""
    if not isinstance(raw, Mapping):
        raise InvalidResponse("The answer must be an object.")
    return raw


def contains_nul(value: Any) -> bool:
    """Whether a NUL character hides in a string, a key or a nested value (PostgreSQL refuses
    NUL in text and JSON, so it must be caught before the database sees it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def is_empty(answer: Mapping[str, Any]) -> bool:
    """Whether an answer gives nothing: every field null, blank, or an empty list or object.

    `false` and `0` are answers (true/false, numeric), so only these four count as empty.
    """
    return all(
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, list | dict) and not value)
        for value in answer.values()
    )


def clean_text(value: Any) -> str:
    """A stripped string from authoring data, or the empty string (for a value `validate`
    has let through: a string, or nothing where the field is optional)."""
    return value.strip() if isinstance(value, str) else ""


# Authoring data that is not an object at all (a list, a string, null).
NOT_AN_OBJECT = "data: must be an object of the question type's fields."


def kind_of(value: Any) -> str:
    """What a value from authoring data is, as a message names it ("a number", "a list")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"  # a YAML date, say


def not_text(where: str, value: Any) -> str:
    """The message for a value that must be text and is not: `where` names the field."""
    # YAML reads an unquoted 1995, yes or 2024-01-01 as a number, true or a date.
    hint = "" if isinstance(value, list | tuple | Mapping) or value is None else " (quote it)"
    return f"{where} must be text, not {kind_of(value)}{hint}."


def optional_text_error(where: str, value: Any, limit: int = ANSWER_TEXT_MAX) -> list[str]:
    """An optional text field (feedback, a unit): left out, null or text of at most `limit`
    characters; else its message."""
    if value is None:
        return []
    return too_long(where, value, limit) if isinstance(value, str) else [not_text(where, value)]


def listed_text_errors(
    where: str, value: Any, empty: str, filled: Callable[[str], Any] = clean_text
) -> list[str]:
    """One text of a list in authoring data (an ordering item, an accepted answer, a
    distractor): text, `filled` (else the `empty` message) and not too long."""
    if not isinstance(value, str):
        return [not_text(where, value)]
    return ([] if filled(value) else [f"{where} {empty}"]) + too_long(where, value)


def unknown_fields(value: Mapping[Any, Any], allowed: frozenset[str]) -> list[str]:
    """The names in a mapping that are not among `allowed`, sorted (keys need not be text)."""
    return sorted(str(name) for name in value if name not in allowed)


def listed_names(names: frozenset[str]) -> str:
    """'a', 'b' and 'c'."""
    quoted = [repr(name) for name in sorted(names)]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def duplicates(values: list[str]) -> list[str]:
    """Values that occur more than once, in order of first repeat."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated

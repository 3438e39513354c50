"""Matching: pair each left-hand item with a right-hand one, scored per pair."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..base import (
    Grade,
    InvalidResponse,
    QuestionType,
    clean_text,
    duplicates,
    kind_of,
    listed_names,
    listed_text_errors,
    not_text,
    require_dict,
    reuse_keys,
    unknown_fields,
)
from ..text_limits import too_long

ARROW = " -> "
# The fields of one pair object.
PAIR_FIELDS = frozenset({"left", "right"})


def _filled(texts: list[str]) -> list[str]:
    """The texts that are not empty (an empty one is reported once, not as a repeat)."""
    return [text for text in texts if text]


class MatchingGrader(QuestionType):
    """Left items and right options carry separate opaque keys, so ids never reveal the pairs."""

    key = "matching"
    label = "Matching"
    answer_keys = frozenset({"pairs"})
    authoring_fields = frozenset({"pairs", "distractors"})

    def validate(self, data: Mapping[str, Any]) -> list[str]:
        """At least three pairs; lefts unique, rights (with distractors) unique; all text."""
        errors = self.field_errors(data)
        if not isinstance(data, Mapping):
            return errors
        pairs = data.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 3:
            return [*errors, "pairs: give at least three pairs."]
        lefts, rights = [], []
        for number, pair in enumerate(pairs, start=1):
            errors += self._pair_errors(f"pairs[{number}]", pair)
            if isinstance(pair, Mapping):
                lefts.append(clean_text(pair.get("left")))
                rights.append(clean_text(pair.get("right")))
        distractors = data.get("distractors")
        if distractors is None:  # left out: none
            distractors = []
        elif not isinstance(distractors, list):
            errors.append("distractors: must be a list of texts.")
            distractors = []
        for number, distractor in enumerate(distractors, start=1):
            where = f"distractors[{number}]:"
            errors += listed_text_errors(where, distractor, "the distractor is empty.")
        rights += [clean_text(d) for d in distractors]
        errors += [f"pairs: the left {t!r} appears twice." for t in duplicates(_filled(lefts))]
        errors += [f"pairs: the right {t!r} appears twice." for t in duplicates(_filled(rights))]
        return errors

    @staticmethod
    def _pair_errors(where: str, pair: Any) -> list[str]:
        """What is wrong with one pair: its kind, its fields, its two texts."""
        if not isinstance(pair, Mapping):
            return [f"{where}: must be an object with a left and a right, not {kind_of(pair)}."]
        errors = [
            f"{where}: unknown field {name!r} (a pair has {listed_names(PAIR_FIELDS)})."
            for name in unknown_fields(pair, PAIR_FIELDS)
        ]
        wrong_kind = [
            not_text(f"{where}: {side}", pair[side])
            for side in ("left", "right")
            if pair.get(side) is not None and not isinstance(pair[side], str)
        ]
        if wrong_kind:
            return errors + wrong_kind
        if not clean_text(pair.get("left")) or not clean_text(pair.get("right")):
            errors.append(f"{where}: needs a left and a right text.")
        for side in ("left", "right"):
            errors += too_long(f"{where}: {side}", pair.get(side))
        return errors

    def build_payload(
        self, data: Mapping[str, Any], previous: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Lefts with keys, rights (answers then distractors) with separate keys."""
        previous = previous or {}
        lefts = [clean_text(p["left"]) for p in data["pairs"]]
        answers = [clean_text(p["right"]) for p in data["pairs"]]
        distractors = [clean_text(d) for d in data.get("distractors") or []]
        left_keys = reuse_keys(lefts, {p["text"]: p["key"] for p in previous.get("lefts", [])})
        right_keys = reuse_keys(
            answers + distractors,
            {r["text"]: r["key"] for r in previous.get("rights", [])},
            taken=left_keys,
        )
        return {
            "lefts": [
                {"key": key, "text": text, "match": right_keys[i]}
                for i, (key, text) in enumerate(zip(left_keys, lefts, strict=True))
            ],
            "rights": [
                {"key": key, "text": text}
                for key, text in zip(right_keys, answers + distractors, strict=True)
            ],
        }

    def authoring_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Pairs and distractors."""
        rights = {r["key"]: r["text"] for r in payload["rights"]}
        matched = {left["match"] for left in payload["lefts"]}
        return {
            "pairs": [
                {"left": lf["text"], "right": rights[lf["match"]]} for lf in payload["lefts"]
            ],
            "distractors": [r["text"] for r in payload["rights"] if r["key"] not in matched],
        }

    def shuffle_keys(self, payload: Mapping[str, Any]) -> list[str]:
        """The right-hand options are shown shuffled."""
        return [r["key"] for r in payload["rights"]]

    def normalize_response(self, payload: Mapping[str, Any], raw: Any) -> dict[str, Any]:
        """`{"pairs": {left key: right key}}`; unanswered lefts may be left out."""
        pairs = require_dict(raw).get("pairs")
        if not isinstance(pairs, Mapping):
            raise InvalidResponse("Give the pairs as an object of left id to right id.")
        lefts = [left["key"] for left in payload["lefts"]]
        rights = {r["key"] for r in payload["rights"]}
        cleaned = {}
        for left, right in pairs.items():
            if not isinstance(left, str) or left not in lefts:
                raise InvalidResponse("A pair names an unknown left-hand item.")
            if right in ("", None):
                continue
            if not isinstance(right, str) or right not in rights:
                raise InvalidResponse("A pair names an unknown right-hand option.")
            cleaned[left] = right
        return {"pairs": {key: cleaned[key] for key in lefts if key in cleaned}}

    def is_complete(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
        """Complete when every left item has a right option."""
        return len(response.get("pairs", {})) == len(payload["lefts"])

    def grade(self, payload: Mapping[str, Any], response: Mapping[str, Any] | None) -> Grade:
        """The share of left items given their right option."""
        pairs = (response or {}).get("pairs") or {}
        if not pairs:
            return Grade.gave_up()
        right = sum(1 for left in payload["lefts"] if pairs.get(left["key"]) == left["match"])
        return Grade.from_fraction(Decimal(right) / len(payload["lefts"]))

    def option_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """The right-hand options."""
        return [r["text"] for r in payload["rights"]]

    def correct_texts(self, payload: Mapping[str, Any]) -> list[str]:
        """Each pair as "left -> right"."""
        rights = {r["key"]: r["text"] for r in payload["rights"]}
        return [f"{left['text']}{ARROW}{rights[left['match']]}" for left in payload["lefts"]]

    def summarise_response(self, payload: Mapping[str, Any], response: Mapping[str, Any]) -> str:
        """The learner's pairs as "left -> right"."""
        rights = {r["key"]: r["text"] for r in payload["rights"]}
        pairs = response.get("pairs", {})
        return "; ".join(
            f"{lf['text']}{ARROW}{rights[pairs[lf['key']]]}"
            for lf in payload["lefts"]
            if pairs.get(lf["key"]) in rights
        )

"""Test-wise cues in a content pack's items: what lets a learner answer without reading.

Pure functions, no database. Each looks at one question (or, for the copy checks, one
question and the article's words) and returns a message, or None when the item gives nothing
away. `item_cues` runs them all over a pack; validate_content reports the findings with their
file and line. docs/content-pack.md, "Validation and cue checks", gives each threshold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .qtypes import registry
from .textnorm import normalize_for_quote, plain_text

if TYPE_CHECKING:
    from .content_pack_data import ContentPack, PackQuestion

# A key this much longer than every distractor stands out; the characters floor keeps two
# short options ("2014" and "In 2019") from counting as a cue.
LONGEST_KEY_RATIO = 1.15
KEYED_MEAN_RATIO = 1.25
CLEAR_MARGIN_CHARS = 6
# Consecutive words shared with the article's body text: anywhere but source_quote, and
# (stricter) in a true/false statement, which a learner can match against the page.
COPIED_WORDS = 12
COPIED_WORDS_TRUE_FALSE = 8

ABSOLUTE_WORDS = ("only", "all", "entirely", "never", "always", "none", "every", "completely")
_ABSOLUTE = re.compile(
    r"\b(?:" + "|".join(ABSOLUTE_WORDS) + r")\b|\bno\b[^.;:]*?\bat all\b", re.IGNORECASE
)
# A word as a reader counts it: "Kazakhstan's" and "state-building" are one word each.
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


@dataclass(frozen=True)
class Finding:
    """One problem validate_content reports: where, which check, and what to change."""

    origin: str
    check: str
    message: str
    kind: str = "cue"

    def __str__(self) -> str:
        return f"{self.origin}: {self.kind} [{self.check}]: {self.message}"


def _trait(question: PackQuestion, name: str) -> bool:
    """A trait of the question's type (`QuestionType.offers_choices`, `one_right_choice`,
    `stem_is_statement`); False for a type that does not exist (the shape check reports it)."""
    if question.qtype not in registry.all_keys():
        return False
    return bool(getattr(registry.get(question.qtype), name))


def _length(text: Any) -> int:
    return len(plain_text(str(text)))


def _options(question: PackQuestion) -> tuple[list[str], list[str]]:
    """The keyed and the wrong option texts of a choice question (malformed entries skipped:
    the shape check reports those)."""
    choices = question.data.get("choices")
    keyed: list[str] = []
    wrong: list[str] = []
    for choice in choices if isinstance(choices, list) else []:
        if isinstance(choice, dict) and isinstance(choice.get("text"), str | int | float):
            (keyed if choice.get("correct") is True else wrong).append(str(choice["text"]))
    return keyed, wrong


def longest_key_cue(question: PackQuestion) -> str | None:
    """Single choice: the key is the longest option by a clear margin."""
    if not _trait(question, "one_right_choice"):
        return None
    keyed, wrong = _options(question)
    if len(keyed) != 1 or not wrong:
        return None
    key, longest = _length(keyed[0]), max(_length(t) for t in wrong)
    if key >= LONGEST_KEY_RATIO * longest and key - longest >= CLEAR_MARGIN_CHARS:
        return (
            f"question {question.key}: the key is the longest option ({key} characters, the "
            f"longest distractor {longest}); make the options similar in length."
        )
    return None


def key_length_ranks(pack: ContentPack) -> dict[int, int]:
    """Single-choice items by where the key's length ranks among their options (1 = the
    longest; a tie counts for the key), ranks in order. A bank-wide figure: a learner who finds
    the key is seldom the longest, or mostly the second longest, has a rule to guess by."""
    ranks: dict[int, int] = {}
    for question in pack.questions:
        keyed, wrong = _options(question) if _trait(question, "one_right_choice") else ([], [])
        if len(keyed) == 1 and wrong:
            key = _length(keyed[0])
            rank = 1 + sum(_length(text) > key for text in wrong)
            ranks[rank] = ranks.get(rank, 0) + 1
    return dict(sorted(ranks.items()))


# A rank of the key's length holding more than this share of the single-choice items is a
# pattern worth breaking (with four options each rank holds about a quarter).
KEY_RANK_WATCH_SHARE = 0.4


def key_length_summary(ranks: dict[int, int]) -> str:
    """The ranks as validate_content prints them, with a note when one rank dominates."""
    total = sum(ranks.values())
    shown = ", ".join(f"{_ordinal(rank)} {count}" for rank, count in ranks.items())
    line = f"Single choice: the key's length ranks {shown} among the options ({total} items)."
    crowded = [r for r, n in ranks.items() if total >= 20 and n > KEY_RANK_WATCH_SHARE * total]
    if crowded:
        rank = crowded[0]
        line += (
            f" Note: the key is the {_ordinal(rank)} longest option in {ranks[rank] / total:.0%} "
            "of them; vary which option is the longest."
        )
    return line


def _ordinal(rank: int) -> str:
    return {1: "longest", 2: "2nd", 3: "3rd"}.get(rank, f"{rank}th")


def keyed_length_cue(question: PackQuestion) -> str | None:
    """Multiple response: the keyed options are on average clearly longer than the others."""
    if not _trait(question, "offers_choices") or _trait(question, "one_right_choice"):
        return None
    keyed, wrong = _options(question)
    if not keyed or not wrong:
        return None
    keyed_mean = sum(map(_length, keyed)) / len(keyed)
    wrong_mean = sum(map(_length, wrong)) / len(wrong)
    if keyed_mean >= KEYED_MEAN_RATIO * wrong_mean and keyed_mean - wrong_mean >= (
        CLEAR_MARGIN_CHARS
    ):
        return (
            f"question {question.key}: keyed options average {keyed_mean:.0f} characters, the "
            f"others {wrong_mean:.0f} ({keyed_mean / wrong_mean:.2f}×); make them similar."
        )
    return None


def absolute_words(text: str) -> list[str]:
    """The absolute words ("only", "never", "no … at all") in a text, lowercased."""
    return [" ".join(m.group(0).lower().split()) for m in _ABSOLUTE.finditer(plain_text(text))]


def absolute_word_cue(question: PackQuestion) -> str | None:
    """Choice questions: absolute words in distractors while no key has any (test-wise learners
    rule out "never" and "only" without reading)."""
    if not _trait(question, "offers_choices"):
        return None
    keyed, wrong = _options(question)
    if any(absolute_words(text) for text in keyed):
        return None
    found = [(text, words) for text in wrong if (words := absolute_words(text))]
    if not found:
        return None
    shown = "; ".join(f"{', '.join(words)!s} in {text[:50]!r}" for text, words in found)
    return (
        f"question {question.key}: absolute words in distractors only ({shown}); reword them, "
        "or use such words in a key too."
    )


def words_of(text: str) -> list[str]:
    """A text's words for comparing with the article: case, punctuation, quote marks, dashes,
    footnote markers and emphasis folded away."""
    return _WORD.findall(normalize_for_quote(text).casefold())


class ArticleWords:
    """The article's body paragraphs as word sequences, to find runs copied from them."""

    def __init__(self, paragraphs: Iterable[str]) -> None:
        self._paragraphs = [words_of(p) for p in paragraphs]
        self._grams: dict[int, set[tuple[str, ...]]] = {}

    def _ngrams(self, size: int) -> set[tuple[str, ...]]:
        if size not in self._grams:
            self._grams[size] = {
                tuple(words[i : i + size])
                for words in self._paragraphs
                for i in range(len(words) - size + 1)
            }
        return self._grams[size]

    def longest_copy(self, text: str, at_least: int) -> list[str]:
        """The longest run of `at_least` or more consecutive words of `text` that the article
        also has in one paragraph (runs of overlapping shared windows); [] when none."""
        words, grams = words_of(text), self._ngrams(at_least)
        best: tuple[int, int] = (0, 0)
        start = None
        for i in range(len(words) - at_least + 2):
            shared = i <= len(words) - at_least and tuple(words[i : i + at_least]) in grams
            if shared and start is None:
                start = i
            elif not shared and start is not None:
                end = i - 1 + at_least
                best = max(best, (end - start, start))
                start = None
        length, first = best
        return words[first : first + length]


def learner_texts(question: PackQuestion) -> Iterator[tuple[str, str]]:
    """(field, text) for everything of a question a learner reads, except its source_quote."""
    yield "stem", question.stem
    data = question.data
    for number, choice in enumerate(_listed(data, "choices"), start=1):
        if isinstance(choice, dict):
            yield f"choice {number}", str(choice.get("text") or "")
            yield f"choice {number} feedback", str(choice.get("feedback") or "")
    for number, pair in enumerate(_listed(data, "pairs"), start=1):
        if isinstance(pair, dict):
            yield f"pair {number} left", str(pair.get("left") or "")
            yield f"pair {number} right", str(pair.get("right") or "")
    for name in ("accepted", "items", "distractors"):
        for number, text in enumerate(_listed(data, name), start=1):
            yield f"{name} {number}", str(text)
    if isinstance(data.get("feedback"), str):
        yield "feedback", data["feedback"]
    yield "explanation", question.explanation


def _listed(data: dict[str, Any], name: str) -> Sequence[Any]:
    value = data.get(name)
    return value if isinstance(value, list) else ()


def copied_text_cues(question: PackQuestion, article: ArticleWords) -> list[str]:
    """Fields that copy COPIED_WORDS or more consecutive words of the article (a true/false
    statement: COPIED_WORDS_TRUE_FALSE, true and false alike). Only source_quote may quote."""
    cues = []
    for name, text in learner_texts(question):
        statement = name == "stem" and _trait(question, "stem_is_statement")
        at_least = COPIED_WORDS_TRUE_FALSE if statement else COPIED_WORDS
        copied = article.longest_copy(text, at_least)
        if copied:
            what = "the statement" if statement else f"the {name}"
            excerpt = " ".join(copied[:10]) + (" …" if len(copied) > 10 else "")
            cues.append(
                f"question {question.key}: {what} copies {len(copied)} consecutive words of the "
                f"article ({excerpt!r}); put it in the project's own words."
            )
    return cues


ITEM_CHECKS = {
    "longest-key": longest_key_cue,
    "keyed-length": keyed_length_cue,
    "absolute-words": absolute_word_cue,
}


def item_cues(pack: ContentPack, article: ArticleWords | None = None) -> list[Finding]:
    """Every item cue of the pack, in file order; the copy checks only with the article."""
    findings = []
    for question in pack.questions:
        for check, function in ITEM_CHECKS.items():
            message = function(question)
            if message:
                findings.append(Finding(question.origin, check, message))
        if article is not None:
            findings += [
                Finding(question.origin, "copied-text", message)
                for message in copied_text_cues(question, article)
            ]
    return findings


def uncovered_concepts(pack: ContentPack) -> list[Finding]:
    """Glossary entries no question is about: a learner is never asked about them."""
    asked = {slug for q in pack.questions for slug in q.concepts}
    return [
        Finding(c.origin, "concept-coverage", f"concept {c.slug}: no question is about it.")
        for c in pack.concepts
        if c.slug not in asked
    ]


HIGHER_ORDER = ("apply", "analyze", "evaluate", "create")
# At least this share of the bank asks learners to use the argument, not find a sentence.
HIGHER_ORDER_SHARE = 0.25


@dataclass(frozen=True)
class BloomBalance:
    """How many questions a pack has at each Bloom level, and whether enough are higher-order."""

    counts: dict[str, int]
    total: int

    @property
    def higher_order(self) -> int:
        return sum(self.counts.get(level, 0) for level in HIGHER_ORDER)

    @property
    def needed(self) -> int:
        """The fewest higher-order questions a bank of this size may have (a quarter, up)."""
        return -(-self.total * int(HIGHER_ORDER_SHARE * 100) // 100)

    def __str__(self) -> str:
        levels = ", ".join(f"{level} {count}" for level, count in self.counts.items())
        share = self.higher_order / self.total if self.total else 0
        return (
            f"Bloom levels: {levels}; {self.higher_order} of {self.total} at apply or above "
            f"({share:.0%}; at least {self.needed} needed)."
        )


def bloom_balance(pack: ContentPack, levels: Sequence[str]) -> BloomBalance:
    """Questions per Bloom level (every level listed, in `levels` order)."""
    counts = dict.fromkeys(levels, 0)
    for question in pack.questions:
        if question.bloom in counts:
            counts[question.bloom] += 1
    return BloomBalance(counts, len(pack.questions))


def bloom_finding(pack: ContentPack, balance: BloomBalance) -> Finding | None:
    """An error when under a quarter of the bank is at apply, analyze, evaluate or create."""
    if balance.higher_order >= balance.needed:
        return None
    return Finding(
        pack.directory.name,
        "bloom-balance",
        f"{balance.higher_order} of {balance.total} questions are at apply, analyze, evaluate "
        f"or create; at least {balance.needed} (a quarter) must be.",
        kind="error",
    )

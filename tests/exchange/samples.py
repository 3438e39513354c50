"""One format-neutral item of each question type, with metadata, for the exchange tests."""

from __future__ import annotations

from quizzes.exchange import ExchangeItem

META = {
    "section": "introduction",
    "difficulty": 2,
    "bloom": "understand",
    "concepts": ["oecd-membership"],
    "source_quote": "a short quote; with = and # in it",
}


def _item(qtype: str, name: str, data: dict, stem: str) -> ExchangeItem:
    return ExchangeItem(
        qtype=qtype, stem=stem, data=data, name=name, explanation=f"Why: {name}.", **META
    )


SAMPLE_ITEMS = {
    "single_choice": _item(
        "single_choice",
        "sample-single",
        {
            "choices": [
                {"text": "1997", "correct": True, "feedback": "Yes."},
                {"text": "1991", "correct": False, "feedback": "Independence."},
                {"text": "2019", "correct": False, "feedback": ""},
            ]
        },
        "When did the capital move?",
    ),
    "multiple_response": _item(
        "multiple_response",
        "sample-multi",
        {
            "choices": [
                {"text": "a", "correct": True, "feedback": "fa"},
                {"text": "b", "correct": True, "feedback": ""},
                {"text": "c", "correct": True, "feedback": ""},
                {"text": "d", "correct": False, "feedback": "fd"},
                {"text": "e", "correct": False, "feedback": ""},
            ]
        },
        "Pick the right ones.",
    ),
    "true_false": _item(
        "true_false", "sample-tf", {"answer": False, "feedback": "It is false."}, "True?"
    ),
    "short_answer": _item(
        "short_answer", "sample-short", {"accepted": ["OECD", "the OECD"]}, "Which club?"
    ),
    "numeric": _item(
        "numeric",
        "sample-numeric",
        {"answer": 2050, "tolerance": 1, "unit": "years"},
        "Which year?",
    ),
    "matching": _item(
        "matching",
        "sample-matching",
        {
            "pairs": [
                {"left": "Police", "right": "Investigate"},
                {"left": "Prosecutors", "right": "Charge"},
                {"left": "Courts", "right": "Decide"},
            ],
            "distractors": ["Elect"],
        },
        "Match them.",
    ),
    "ordering": _item(
        "ordering",
        "sample-ordering",
        {"items": ["First", "Second", "Third"]},
        "Order them.",
    ),
}


# Bank files whose difficulty is no number a file should hold ("²" passes str.isdigit(), which
# int() refuses; thousands of digits are past int()'s limit): an import error, never a crash.
MALFORMED_DIFFICULTY_FILES = [
    ("bank.txt", "// kz: difficulty=²\n::Q:: Sky is blue {T}\n".encode()),
    ("bank.txt", b"// kz: difficulty=" + b"9" * 5000 + b"\n::Q:: Sky is blue {T}\n"),
    (
        "bank.xml",
        '<quiz><question type="truefalse"><name><text>Q</text></name>'
        '<questiontext format="html"><text>Sky is blue</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer>'
        "<tags><tag><text>kz:difficulty=²</text></tag></tags></question></quiz>".encode(),
    ),
]

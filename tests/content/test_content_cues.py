"""The cue checks of validate_content, each on small in-memory items: a cue a test-wise learner
could use is reported, and a well-written item passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quizzes.content_cues import (
    ArticleWords,
    absolute_word_cue,
    bloom_balance,
    bloom_finding,
    copied_text_cues,
    item_cues,
    key_length_ranks,
    key_length_summary,
    keyed_length_cue,
    longest_key_cue,
    uncovered_concepts,
)
from quizzes.content_pack import BLOOM_LEVELS
from quizzes.content_pack_data import ContentPack, PackConcept, PackQuestion

PARAGRAPHS = [
    "The leadership has placed a bet on the government's ability to deliver reforms "
    "gradually, without upheaval, while keeping the “listening state” at the centre of policy.",
    "A second paragraph about the militsiya and its reform.",
]


def question(qtype: str = "single_choice", **fields: Any) -> PackQuestion:
    values: dict[str, Any] = {
        "key": "one-01",
        "qtype": qtype,
        "section": "one",
        "difficulty": 2,
        "bloom": "understand",
        "concepts": ["sky"],
        "stem": "Which of these does the author argue?",
        "data": {},
        "explanation": "Because the article says so in its own words.",
        "source_quote": "",
        "origin": "tiny/01-one.yaml:7",
    }
    return PackQuestion(**{**values, **fields})


def choices(key: str | list[str], *wrong: str) -> dict[str, Any]:
    keys = [key] if isinstance(key, str) else key
    return {"choices": [{"text": k, "correct": True} for k in keys] + [{"text": w} for w in wrong]}


def pack_of(*questions: PackQuestion, concepts: list[str] = ("sky",)) -> ContentPack:
    pack = ContentPack(directory=Path("tiny"))
    pack.questions = list(questions)
    pack.concepts = [
        PackConcept(slug, slug.title(), "A definition.", [], "one", f"tiny/01-one.yaml:{n}")
        for n, slug in enumerate(concepts, start=2)
    ]
    return pack


# (a) single choice: the key the longest option by a clear margin


def test_a_key_clearly_longer_than_every_distractor_is_a_cue():
    item = question(
        data=choices(
            "Reform at the centre, with weak implementation by local officials and courts",
            "Reform pushed by local officials alone",
            "No reform of any kind is planned",
        )
    )
    cue = longest_key_cue(item)
    assert cue is not None and "one-01" in cue and "longest" in cue


def test_a_key_as_long_as_a_distractor_is_no_cue():
    item = question(
        data=choices(
            "Reform at the centre, weak implementation by local officials",
            "Reform by local officials, resisted by the centre in Astana",
            "No reform",
        )
    )
    assert longest_key_cue(item) is None


def test_a_few_characters_more_on_a_short_key_is_no_cue():
    # 1.5 times as long, but three characters: no learner notices.
    assert longest_key_cue(question(data=choices("Saryagash", "Almaty", "Astana"))) is None


def test_where_the_keys_length_ranks_is_counted_across_the_bank():
    longest = question(data=choices("The longer key", "Short", "Shorter"))
    second = question(key="one-02", data=choices("Shorter", "The longer one", "Short"))
    tied = question(key="one-03", data=choices("Same", "Same", "S"))
    ranks = key_length_ranks(pack_of(longest, second, tied, question("true_false")))
    assert ranks == {1: 2, 2: 1}


def test_a_bank_whose_keys_are_mostly_the_second_longest_gets_a_note():
    assert "Note: the key is the 2nd longest option in 45%" in key_length_summary(
        {1: 1, 2: 9, 3: 5, 4: 5}
    )
    assert "Note" not in key_length_summary({1: 5, 2: 6, 3: 4, 4: 5})
    # Too few items to call a pattern.
    assert "Note" not in key_length_summary({2: 3, 3: 1})


# (b) multiple response: keyed options on average clearly longer


def test_keyed_options_a_quarter_longer_on_average_are_a_cue():
    item = question(
        "multiple_response",
        data=choices(
            ["Courts acquit almost no one who is charged", "Local police resist the new rules"],
            "Torture ended in 2019",
            "Prisons closed",
        ),
    )
    cue = keyed_length_cue(item)
    assert cue is not None and "one-01" in cue


def test_keyed_and_wrong_options_of_similar_length_are_no_cue():
    item = question(
        "multiple_response",
        data=choices(
            ["Courts acquit almost no one", "Local police resist reform"],
            "Torture ended in 2019 for good",
            "Every prison was closed",
        ),
    )
    assert keyed_length_cue(item) is None
    assert longest_key_cue(item) is None  # a single-choice check, not this type's


# (c) absolute words in distractors only


def test_absolute_words_in_distractors_only_are_a_cue():
    item = question(
        data=choices(
            "Reform depends on local implementation",
            "Reform is only a matter of new laws",
            "Reform has no support at all in the capital",
            "Reform comes from abroad",
        )
    )
    cue = absolute_word_cue(item)
    assert cue is not None
    assert "only" in cue and "no support at all" in cue


def test_absolute_words_in_a_key_too_are_no_cue():
    item = question(
        data=choices(
            "Only the courts can enforce the new law",
            "Reform is only a matter of new laws",
            "Reform comes from abroad",
        )
    )
    assert absolute_word_cue(item) is None


def test_words_that_merely_contain_an_absolute_word_are_no_cue():
    item = question(
        data=choices("A gradual reform", "A commonly cited allegation", "A recall vote", "A ballot")
    )
    assert absolute_word_cue(item) is None


# (d) text copied from the article


def test_twelve_words_copied_from_the_article_are_a_cue_whatever_the_case_and_quotes():
    article = ArticleWords(PARAGRAPHS)
    item = question(
        stem="Why, in the author's view, has the leadership PLACED A BET on the Government's "
        "ability to deliver reforms gradually, without upheaval?"
    )
    (cue,) = copied_text_cues(item, article)
    assert "the stem copies 13 consecutive words" in cue  # from "placed" to "upheaval"


def test_copied_text_in_an_option_or_explanation_is_a_cue_and_names_the_field():
    article = ArticleWords(PARAGRAPHS)
    copied = "Without upheaval, while keeping the 'listening state' at the centre of policy"
    item = question(
        data=choices(copied, "Another option", "A third option"),
        explanation="It has placed a bet on the government's ability to deliver reforms gradually.",
    )
    cues = copied_text_cues(item, article)
    assert [c.split(" copies ")[0] for c in cues] == [
        "question one-01: the choice 1",
        "question one-01: the explanation",
    ]


def test_eleven_copied_words_or_a_source_quote_are_no_cue():
    article = ArticleWords(PARAGRAPHS)
    item = question(
        stem="Has the leadership placed a bet on the government's ability to deliver reforms, "
        "according to the author?",
        source_quote="The leadership has placed a bet on the government's ability to deliver "
        "reforms gradually, without upheaval",
    )
    assert copied_text_cues(item, article) == []


def test_words_running_across_two_paragraphs_are_no_copy():
    article = ArticleWords(["one two three four five six", "seven eight nine ten eleven twelve"])
    item = question(stem="one two three four five six seven eight nine ten eleven twelve")
    assert copied_text_cues(item, article) == []


# (e) a true/false statement copied from the article, true or false


def test_a_true_false_statement_copying_eight_words_is_a_cue_true_or_false():
    article = ArticleWords(PARAGRAPHS)
    for answer in (True, False):
        item = question(
            "true_false",
            stem="The author writes that the leadership has placed a bet on the government.",
            data={"answer": answer},
        )
        (cue,) = copied_text_cues(item, article)
        assert "the statement copies 8 consecutive words" in cue


def test_a_paraphrased_true_false_statement_is_no_cue():
    article = ArticleWords(PARAGRAPHS)
    item = question(
        "true_false",
        stem="The author says the leaders are betting that the state can reform step by step.",
        data={"answer": True},
    )
    assert copied_text_cues(item, article) == []


def test_item_cues_name_each_check_with_the_question_file_and_line():
    article = ArticleWords(PARAGRAPHS)
    item = question(
        stem="The leadership has placed a bet on the government's ability to deliver reforms",
        data=choices("A long, long key that stands out at once", "Short one", "Never this"),
    )
    found = item_cues(pack_of(item), article)
    assert [(f.origin, f.check) for f in found] == [
        ("tiny/01-one.yaml:7", "longest-key"),
        ("tiny/01-one.yaml:7", "absolute-words"),
        ("tiny/01-one.yaml:7", "copied-text"),
    ]
    assert str(found[0]).startswith("tiny/01-one.yaml:7: cue [longest-key]: question one-01")
    # Without the article the copy checks cannot run; the others still do.
    assert [f.check for f in item_cues(pack_of(item))] == ["longest-key", "absolute-words"]


# (f) every concept has a question


def test_a_concept_no_question_is_about_is_reported_at_its_line():
    pack = pack_of(question(concepts=["sky"]), concepts=["sky", "sea"])
    (finding,) = uncovered_concepts(pack)
    assert (finding.origin, finding.check) == ("tiny/01-one.yaml:3", "concept-coverage")
    assert "concept sea" in finding.message


def test_concepts_each_with_a_question_are_no_finding():
    pack = pack_of(question(concepts=["sky", "sea"]), concepts=["sky", "sea"])
    assert uncovered_concepts(pack) == []


# (g) Bloom balance: a quarter at apply or above


def test_a_bank_under_a_quarter_higher_order_is_an_error_with_the_counts():
    pack = pack_of(
        *(question(key=f"one-{n}", bloom="remember") for n in range(4)),
        question(key="one-9", bloom="evaluate"),
    )
    balance = bloom_balance(pack, BLOOM_LEVELS)
    assert balance.counts["remember"] == 4 and balance.counts["evaluate"] == 1
    assert (balance.higher_order, balance.needed) == (1, 2)
    finding = bloom_finding(pack, balance)
    assert finding is not None and finding.kind == "error"
    assert "1 of 5 questions" in finding.message and "at least 2" in finding.message


def test_a_bank_a_quarter_higher_order_passes():
    pack = pack_of(
        *(question(key=f"one-{n}", bloom="understand") for n in range(3)),
        question(key="one-9", bloom="apply"),
    )
    balance = bloom_balance(pack, BLOOM_LEVELS)
    assert bloom_finding(pack, balance) is None
    assert "1 of 4 at apply or above (25%" in str(balance)

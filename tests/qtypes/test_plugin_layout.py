"""Question types are plugins: each registered type is a package `quizzes/qtypes/<key>/` with
every hook the app calls, and no module outside the types branches on a type's key.

Adding a type is then a new package and one line in `quizzes/qtypes/__init__.py`; this test
names what the package must provide.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.http import QueryDict
from django.template.loader import get_template

from quizzes.answer_forms import raw_answer
from quizzes.qtypes import QuestionType, registry
from quizzes.qtypes.base import no_option_table
from quizzes.qtypes.exchange_mapping import ExchangeMapping
from tests.factories import key_answer, question_of_each_type
from tests.views.helpers import form_fields

QTYPES = Path(settings.BASE_DIR) / "quizzes" / "qtypes"
KEYS = registry.all_keys()

# Hooks each type must implement itself (the base class only raises NotImplementedError).
GRADER = (
    "validate",
    "build_payload",
    "authoring_data",
    "normalize_response",
    "is_complete",
    "grade",
    "correct_texts",
    "summarise_response",
)
PRESENTER = ("learner_fields", "answer_widget", "staff_key_rows", "study_faces")
PARSE = ("read_post",)
ANALYSIS = ("option_table",)
EXCHANGE = (
    "write_moodle",
    "read_moodle",
    "gift_lines",
    "claims_gift",
    "read_gift",
    "from_texts",
)

# Places outside the types that must name a type's key, each with why. Nothing else may.
ALLOWED = {
    # The OpenAPI document's examples are data: a sample question of each type, as sent.
    "quizzes/api/examples.py": {"*": "the API schema's example documents (data)"},
    # `?ordering=` is DRF's sort parameter, a word that happens to be a type's key.
    "quizzes/api/views_attempts.py": {"ordering": "the list's ?ordering= parameter"},
    "quizzes/api/views_bank.py": {"ordering": "the list's ?ordering= parameter"},
}
SEARCHED = ("quizzes", "templates", "static/kzstudy")
EXCLUDED = ("quizzes/qtypes/", "quizzes/migrations/", "quizzes/content/")


def implemented(qtype: QuestionType, name: str) -> bool:
    return getattr(type(qtype), name) is not getattr(QuestionType, name)


@pytest.mark.parametrize("key", KEYS)
def test_every_type_is_a_package_of_its_own(key):
    qtype = registry.get(key)
    assert type(qtype).__module__ == f"quizzes.qtypes.{key}"
    folder = QTYPES / key
    assert {"__init__.py", "grader.py", "editor.py", "exchange.py"} <= {
        path.name for path in folder.iterdir()
    }


@pytest.mark.parametrize("key", KEYS)
def test_every_type_grades_presents_parses_and_analyses(key):
    qtype = registry.get(key)
    missing = [n for n in GRADER + PRESENTER + PARSE + ANALYSIS if not implemented(qtype, n)]
    assert missing == []
    assert qtype.label and qtype.answer_keys and qtype.authoring_fields
    # The analysis hook is explicit: an option table, or the named "no options to count".
    assert qtype.counts_options == (type(qtype).option_table is not no_option_table)


@pytest.mark.parametrize("key", KEYS)
def test_every_type_has_its_templates(key):
    qtype = registry.get(key)
    assert get_template(qtype.template_name)
    assert get_template(qtype.staff_template)


@pytest.mark.parametrize("key", KEYS)
def test_every_type_has_an_editor_of_forms(key):
    editor = registry.get(key).editor
    assert editor.PARTS and callable(editor.authoring_data) and callable(editor.initial)
    for part in editor.PARTS:
        assert issubclass(part.form_class, forms.Form | forms.BaseFormSet)


@pytest.mark.parametrize("key", KEYS)
def test_every_type_maps_to_each_exchange_format_or_says_it_cannot(key):
    mapping = registry.get(key).exchange
    assert isinstance(mapping, ExchangeMapping)
    missing = [n for n in EXCHANGE if getattr(type(mapping), n) is getattr(ExchangeMapping, n)]
    assert missing == []
    assert mapping.moodle_type in mapping.moodle_reads
    assert isinstance(mapping.gift_order, int)


def test_gift_tries_the_types_in_a_fixed_order():
    orders = [registry.get(key).exchange.gift_order for key in KEYS]
    claims_everything = [k for k in KEYS if registry.get(k).exchange.claims_gift("\ue000")]
    # One catch-all (short answer), tried after every other type.
    assert len(claims_everything) == 1
    assert registry.get(claims_everything[0]).exchange.gift_order == max(orders)


@pytest.mark.django_db
def test_a_key_answer_posted_from_the_page_reads_back_as_itself_for_every_type():
    questions = question_of_each_type()
    assert set(questions) == set(KEYS)
    for question in questions.values():
        version = question.current_version
        answer = key_answer(version)
        post = QueryDict(mutable=True)
        for name, value in form_fields(version, answer).items():
            post.setlist(name, value if isinstance(value, list) else [value])
        read = version.type.read_answer(version.payload, raw_answer(post, question.pk))
        assert read == version.type.read_answer(version.payload, answer), question.qtype
        assert version.type.is_complete(version.payload, read)


def quoted_keys() -> re.Pattern[str]:
    """A type's key in quotes, as a branch on it would write it."""
    alternatives = "|".join(map(re.escape, KEYS))
    return re.compile(rf"""["']({alternatives})["']""")


def test_the_search_finds_a_branch_on_a_type_key():
    pattern = quoted_keys()
    assert pattern.search("    if version.qtype in ('ordering', \"matching\"):")
    assert not pattern.search("def reorder_matchings(ordering_key):")


def test_no_module_outside_the_types_branches_on_a_type_key():
    root = Path(settings.BASE_DIR)
    pattern = quoted_keys()
    found = []
    for top in SEARCHED:
        for path in sorted((root / top).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.suffix not in (".py", ".html", ".js") or relative.startswith(EXCLUDED):
                continue
            allowed = ALLOWED.get(relative, {})
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in pattern.finditer(line):
                    if "*" not in allowed and match.group(1) not in allowed:
                        found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []

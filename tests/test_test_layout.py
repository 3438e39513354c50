"""The domain's tests build their own data: none of them reads the shipped content pack.

Every test database loads the shipped pack (tests/conftest.py), for the pages, API, LTI and
browser tests that show its article and quizzes on purpose. Tests of the domain must not lean on
it, or editing the study material would break them: they build their data with
tests/factories.py, and tests about the shipped material itself live in tests/content/. This scan
keeps that true.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from quizzes.content_pack import available_packs, read_pack

TESTS = Path(__file__).resolve().parent
# Folders of domain tests, scanned whole but for the files named in SHOWS_THE_SHIPPED_PACK.
DOMAIN_FOLDERS = (
    "services",
    "selectors",
    "models",
    "qtypes",
    "outbound",
    "views/teach",  # the staff pages: the bank, the quiz builder, results and grading
)
# Domain tests and their shared builders outside those folders.
DOMAIN_FILES = (
    "quiz_builder_fixtures.py",
    "submitted_attempts.py",
    "test_admin_review.py",
    "test_analysis.py",
    "lti/test_override_grades.py",
)
# Staff page tests of tests/views/teach/ that were written on the shipped pack before the scan
# reached that folder. A file leaves this list once it builds its own data.
SHOWS_THE_SHIPPED_PACK = (
    "views/teach/test_accommodations_pages.py",
    "views/teach/test_staff_attempt.py",
    "views/teach/test_staff_key_tables.py",
)
# Helpers that reach the shipped pack: any name that says so (shipped_article,
# shipped_pack_counts, SHIPPED_ARTICLE, course_on_shipped_article, a local shipped_question...)
# and the fixture that opens the shipped Final exam.
SHIPPED_HELPER = re.compile(r"\b\w*(?:shipped|SHIPPED)_\w+|\bfinal_exam_unprotected\b")
# `course_with_learner()` builds its course on the shipped article unless given another one.
COURSE_ON_SHIPPED = re.compile(r"course_with_learner\((?![^()]*\barticle=)")


def domain_test_files() -> list[Path]:
    in_folders = {path for folder in DOMAIN_FOLDERS for path in (TESTS / folder).rglob("*.py")}
    left_out = {TESTS / name for name in SHOWS_THE_SHIPPED_PACK}
    return sorted((in_folders - left_out) | {TESTS / name for name in DOMAIN_FILES})


@functools.cache
def shipped_keys() -> frozenset[str]:
    """Every name the shipped packs give: article and section slugs, concept slugs, question
    ids and quiz keys."""
    keys: set[str] = set()
    for directory in available_packs():
        pack, _ = read_pack(directory)
        keys.add(pack.slug)
        keys.update(section.slug for section in pack.sections)
        keys.update(concept.slug for concept in pack.concepts)
        keys.update(question.key for question in pack.questions)
        keys.update(quiz.key for quiz in pack.quizzes)
    return frozenset(keys)


def shipped_content_in(path: Path) -> list[str]:
    """What in a test file reaches the shipped pack: string literals that are its keys (not
    substrings: "q-1" or a docstring naming a section is fine), its helpers, and
    `course_with_learner()` left on the shipped article."""
    text = path.read_text(encoding="utf-8")
    literals = {
        node.value
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    found = sorted(literals & shipped_keys())
    found += sorted(set(SHIPPED_HELPER.findall(text)))
    if COURSE_ON_SHIPPED.search(text):
        found.append("course_with_learner() without article=")
    return found


def test_the_scan_sees_the_domain_tests_and_the_shipped_keys():
    # A scan of nothing passes for the wrong reason: both sides must be there.
    assert len(domain_test_files()) >= 65
    assert all(path.is_file() for path in domain_test_files())
    assert {"final-exam", "introduction-01", "womens-rights"} <= shipped_keys()


def test_the_scan_finds_each_way_of_reaching_the_shipped_pack(tmp_path):
    leaning = tmp_path / "test_leaning.py"
    leaning.write_text(
        "quiz = Quiz.objects.get(key='final-exam')\n"
        "article = shipped_article()\n"
        "course, learner = course_with_learner()\n"
        "own, _ = course_with_learner(article=ArticleFactory())\n"
        "question = make_question(section, key='q-1')\n"
        "def shipped_question(qtype): ...\n"
    )

    assert shipped_content_in(leaning) == [
        "final-exam",
        "shipped_article",
        "shipped_question",
        "course_with_learner() without article=",
    ]


@pytest.mark.parametrize("name", SHOWS_THE_SHIPPED_PACK)
def test_a_file_left_out_of_the_scan_still_reads_the_shipped_pack(name: str):
    assert shipped_content_in(TESTS / name), (
        f"tests/{name} no longer reads the shipped content pack: take it out of "
        "SHOWS_THE_SHIPPED_PACK so the scan keeps it that way"
    )


@pytest.mark.parametrize("path", domain_test_files(), ids=lambda p: str(p.relative_to(TESTS)))
def test_domain_tests_do_not_read_the_shipped_content_pack(path: Path):
    found = shipped_content_in(path)

    assert not found, (
        f"{path.relative_to(TESTS)} reads the shipped content pack ({', '.join(found)}): build "
        "the data with tests/factories.py, or move a test of the shipped material to "
        "tests/content/"
    )

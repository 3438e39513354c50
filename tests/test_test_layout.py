"""The layout of tests/: its folders mirror the code, and the domain's tests build their own data.

A folder of tests/ is named after the package or module of the code its tests test:
tests/<name>/ for quizzes/<name>/ (or quizzes/<name>.py), tests/kzstudy/<name>/ for
kzstudy/<name>/, and tests of a top-level module sit loose in tests/ or tests/kzstudy/. Only the
folders in NOT_MIRRORED mirror nothing: the end-to-end runs on live servers (browser,
reliability), the tests of the shipped content pack (content) and test data (fixtures).

None of the domain's tests reads the shipped content pack. Every test database loads the shipped pack (tests/conftest.py), for the pages, API, LTI and
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
CODE = TESTS.parent
# Folders of tests/ that mirror no package of the code.
NOT_MIRRORED = ("browser", "reliability", "content", "fixtures")
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


def folders_of(root: Path) -> list[Path]:
    """The folders under `root` that hold files, relative to it (caches left out)."""
    return sorted(
        folder.relative_to(root)
        for folder in root.rglob("*")
        if folder.is_dir()
        and not any(part.startswith((".", "__")) for part in folder.relative_to(root).parts)
        and any(
            path.is_file() and "__pycache__" not in path.relative_to(root).parts
            for path in folder.rglob("*")
        )
    )


def mirrored_code(folder: Path) -> Path:
    """The package of the code a folder of tests/ mirrors: kzstudy/... or quizzes/..."""
    if folder.parts[0] == "kzstudy":
        return CODE.joinpath(*folder.parts)
    return CODE.joinpath("quizzes", *folder.parts)


def unmirrored_folders(root: Path) -> list[str]:
    """The folders under `root` that mirror no package or module of the code."""
    return [
        folder.as_posix()
        for folder in folders_of(root)
        if folder.parts[0] not in NOT_MIRRORED
        and not mirrored_code(folder).is_dir()
        and not mirrored_code(folder).with_suffix(".py").is_file()
    ]


def test_the_folder_check_tells_a_mirrored_folder_from_a_feature_folder(tmp_path):
    for folder in ("views/teach", "kzstudy/user_sessions", "outbound", "browser", "grading"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").touch()
    (tmp_path / "pages" / "__pycache__").mkdir(parents=True)  # a cache left by a move
    (tmp_path / "pages" / "__pycache__" / "test_x.pyc").touch()

    assert unmirrored_folders(tmp_path) == ["grading"]


def test_every_folder_of_tests_mirrors_a_package_of_the_code():
    assert {"views/teach", "kzstudy/user_sessions", "management/commands"} <= {
        folder.as_posix() for folder in folders_of(TESTS)
    }
    unmirrored = unmirrored_folders(TESTS)

    assert not unmirrored, (
        f"{', '.join(f'tests/{name}/' for name in unmirrored)} mirrors no package of the code: "
        "put each test in the folder of the code it tests (tests/<name>/ for quizzes/<name>, "
        "tests/kzstudy/<name>/ for kzstudy/<name>), or add an end-to-end or data folder to "
        "NOT_MIRRORED in tests/test_test_layout.py"
    )


def test_every_folder_of_tests_with_python_files_is_a_package():
    # Test modules share basenames across folders (test_settings.py, test_query_counts.py...):
    # pytest tells them apart by their package.
    missing = [
        folder.as_posix()
        for folder in folders_of(TESTS)
        if any((TESTS / folder).glob("*.py")) and not (TESTS / folder / "__init__.py").is_file()
    ]

    assert not missing, f"add an __init__.py to tests/{', tests/'.join(missing)}"

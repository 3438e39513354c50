"""Every domain error's text lives in `quizzes.errors.MESSAGES`, written once and read-only: no
module adds to it on import, so a text never depends on which module was imported last."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import quizzes
from quizzes import errors
from quizzes.errors import MESSAGES, DomainError, QuizNotEditable


def all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(all_subclasses(c) for c in found))


def test_the_messages_cannot_be_changed_by_a_module():
    with pytest.raises(TypeError):
        MESSAGES["quiz_not_editable"] = "another text"  # type: ignore[index]


def test_importing_every_module_leaves_the_messages_as_written():
    before = dict(MESSAGES)
    for module in pkgutil.walk_packages(quizzes.__path__, "quizzes."):
        if ".migrations." not in module.name and ".tests" not in module.name:
            importlib.import_module(module.name)
    assert dict(MESSAGES) == before


def test_every_error_class_of_quizzes_errors_has_a_message():
    classes = [c for c in all_subclasses(DomainError) if c.__module__ == errors.__name__]
    assert len(classes) >= 20
    assert all(c.code in MESSAGES for c in classes), [c.code for c in classes]


def test_a_shared_quiz_refusal_says_to_duplicate_it_whatever_was_imported_first():
    # Two modules used to write this code's text on import; the later import won.
    assert "Duplicate a shared quiz into your course" in QuizNotEditable().message

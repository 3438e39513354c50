"""Matching: pair each left-hand item with a right-hand one, scored per pair.

The registered type: the grader (`grader.py`) with its page and staff hooks (`hooks.py`); item
analysis counts no options for it. Its options are always shuffled: in authoring order they
would line up with their left items.
"""

from ..base import no_option_table
from . import hooks
from .grader import ARROW, MatchingGrader


class Matching(MatchingGrader):
    """Matching, as registered."""

    always_shuffle = True
    learner_fields = staticmethod(hooks.learner_fields)
    answer_widget = staticmethod(hooks.answer_widget)
    read_post = staticmethod(hooks.read_post)
    staff_key_rows = staticmethod(hooks.staff_key_rows)
    staff_template = "quizzes/includes/staff_keys/matching.html"
    option_table = staticmethod(no_option_table)
    study_faces = hooks.study_faces


__all__ = ["ARROW", "Matching"]

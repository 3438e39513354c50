"""Numeric: a number within a tolerance of the answer.

The registered type: the grader (`grader.py`) with its page and staff hooks (`hooks.py`); item
analysis counts no options for it.
"""

from ..base import key_only_faces, no_option_table, text_widget
from . import hooks
from .grader import NumericGrader


class Numeric(NumericGrader):
    """Numeric, as registered."""

    learner_fields = staticmethod(hooks.learner_fields)
    answer_widget = staticmethod(text_widget)
    read_post = staticmethod(hooks.read_post)
    study_faces = key_only_faces
    staff_key_rows = staticmethod(hooks.staff_key_rows)
    option_table = staticmethod(no_option_table)


__all__ = ["Numeric"]

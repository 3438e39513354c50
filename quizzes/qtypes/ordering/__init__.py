"""Ordering: put the items in the right order, with partial credit per adjacent pair.

The registered type: the grader (`grader.py`) with its page and staff hooks (`hooks.py`); item
analysis counts no options for it. Its items are always shuffled: the authoring order is the
answer.
"""

from ..base import no_option_table
from . import hooks
from .grader import OrderingGrader


class Ordering(OrderingGrader):
    """Ordering, as registered."""

    always_shuffle = True
    learner_fields = staticmethod(hooks.learner_fields)
    answer_widget = staticmethod(hooks.answer_widget)
    read_post = staticmethod(hooks.read_post)
    staff_key_rows = staticmethod(hooks.staff_key_rows)
    staff_template = "quizzes/includes/staff_keys/ordering.html"
    option_table = staticmethod(no_option_table)
    study_faces = hooks.study_faces


__all__ = ["Ordering"]

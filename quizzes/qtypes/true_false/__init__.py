"""True/false: a statement the learner judges.

The registered type: the grader (`grader.py`) with its page, staff and analysis hooks
(`hooks.py`).
"""

from ..base import key_only_faces
from . import hooks
from .grader import TrueFalseGrader


class TrueFalse(TrueFalseGrader):
    """True/false, as registered."""

    stem_is_statement = True
    learner_fields = staticmethod(hooks.learner_fields)
    answer_widget = staticmethod(hooks.answer_widget)
    read_post = staticmethod(hooks.read_post)
    study_faces = key_only_faces
    staff_key_rows = staticmethod(hooks.staff_key_rows)
    option_table = staticmethod(hooks.option_table)
    picked_options = staticmethod(hooks.picked_options)


__all__ = ["TrueFalse"]

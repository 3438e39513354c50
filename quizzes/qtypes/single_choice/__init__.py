"""Single choice: exactly one right answer among the choices (Moodle multichoice, single).

The registered type: the grader (`grader.py`) with its page and analysis hooks (`hooks.py`); the
learner view, the staff's key table and the option table are the choice types' (`choices.py`).
"""

from . import hooks
from .grader import SingleChoiceGrader


class SingleChoice(SingleChoiceGrader):
    """Single choice, as registered."""

    answer_widget = staticmethod(hooks.answer_widget)
    read_post = staticmethod(hooks.read_post)
    picked_options = staticmethod(hooks.picked_options)


__all__ = ["SingleChoice"]

"""Question types: one package per type (`qtypes/<key>/`: its grader and its hooks for pages,
staff, analysis, the editor and exchange), registered here, the one place that lists them."""

from . import registry
from .base import Grade, GradeState, InvalidResponse, QuestionType
from .matching import Matching
from .multiple_response import MultipleResponse
from .numeric import Numeric
from .ordering import Ordering
from .short_answer import ShortAnswer
from .single_choice import SingleChoice
from .true_false import TrueFalse

for _type in (SingleChoice, MultipleResponse, TrueFalse, ShortAnswer, Numeric, Matching, Ordering):
    registry.register(_type)

__all__ = ["Grade", "GradeState", "InvalidResponse", "QuestionType", "registry"]

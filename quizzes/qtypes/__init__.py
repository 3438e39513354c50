"""Question types: one module per type, registered explicitly here (easy to grep)."""

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

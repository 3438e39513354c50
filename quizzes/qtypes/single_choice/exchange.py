"""Single choice in the exchange formats: Moodle's multichoice with <single>true, GIFT's `=`."""

from ..choice_exchange import ChoiceExchange


class SingleChoiceExchange(ChoiceExchange):
    """One right answer, full credit."""

    single = True
    canvas_type = "multiple_choice_question"


MAPPING = SingleChoiceExchange()

"""Multiple response in the exchange formats: Moodle's multichoice with <single>false, GIFT's
`~%share%` answers."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ...exchange.moodle_xml import fraction_of
from ..choice_exchange import ChoiceExchange


class MultipleResponseExchange(ChoiceExchange):
    """Right answers share the credit equally."""

    single = False
    canvas_type = "multiple_answers_question"

    def moodle_notes(self, question: Element, fmt: str) -> list[str]:
        """Unequal weights on the right choices become equal shares here."""
        weights = sorted(
            {round(f, 4) for f in map(fraction_of, question.findall("answer")) if f > 0}
        )
        if len(weights) > 1:
            shown = ", ".join(f"{w:g}%" for w in weights)
            return [f"the right choices' unequal weights ({shown}) become equal shares."]
        return []


MAPPING = MultipleResponseExchange()

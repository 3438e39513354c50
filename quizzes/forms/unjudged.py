"""A form mixin shared by editors that re-show a posted form without judging it yet."""

from __future__ import annotations

from typing import Any

from django.forms.utils import ErrorDict


class Unjudged:
    """Form mixin: with `judge=False` a bound form shows what was typed and reports nothing.

    Without JavaScript, "Add a row" in the question editor and the quiz builder posts the form
    and shows it again with more rows; half-written rows are not errors until the author saves
    (or previews).
    """

    def __init__(self, *args: Any, judge: bool = True, **kwargs: Any) -> None:
        self.judge = judge
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        """Validate, unless told not to judge yet."""
        if self.judge:
            super().full_clean()  # type: ignore[misc]
        else:
            self._errors, self.cleaned_data = ErrorDict(), {}

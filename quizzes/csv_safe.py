"""CSV files a spreadsheet opens as data, never as formulas (OWASP's "CSV Injection").

Every CSV the project writes is written by `csv_lines`, so no export can forget the guard.
Following OWASP's advice, and going one step further where it says to "take care of the field
separator":

- a cell that starts with a formula character (`=`, `+`, `-`, `@`, tab, carriage return, line
  feed, or the full-width `＝ ＋ － ＠` some locales also read as formulas), possibly after
  spaces or quotes, gets a leading `'`, which spreadsheets read as "this is text";
- inside a cell, a field separator (`,` `;` tab, a line break) followed (after spaces or quotes)
  by a formula character gets a `'` before that character. A spreadsheet set to split on `;`
  reads our `,`-separated lines with their quotes out of step and starts a new cell at every
  `;`: `Ann ;=cmd|' /C calc'!A0;` held the formula `=cmd|...` there, even quoted and prefixed,
  so the guard has to sit where the new cell would start;
- every field is quoted, with its quotes doubled, so no separator inside a cell splits it for a
  reader that uses our separator.

A plain number (`-2`, `-0.50`) is left as it is: it is not a formula, and spreadsheets should keep
reading it as a number. OWASP notes that Excel may drop these guards when a user saves the file
and opens it again; they protect the file as downloaded.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

FORMULA_STARTS = "=+-@\t\r\n＝＋－＠"
_FORMULA_START = re.compile(rf"""[ "]*[{re.escape(FORMULA_STARTS)}]""")
# A separator, spaces or quotes, then (looked at, not taken) what starts a formula.
_FORMULA_AFTER_SEPARATOR = re.compile(r"""([,;\t\r\n][ "]*)(?=[=+\-@＝＋－＠])""")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value: object) -> str:
    """A cell's text, with a ' wherever a spreadsheet could start running a formula."""
    text = "" if value is None else str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if _FORMULA_START.match(text) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """A CSV file as lines: a byte-order mark, then every row with its cells made safe and quoted.

    The byte-order mark lets spreadsheet programs read the file as UTF-8 (names in Kazakh).
    Lines are produced one at a time, so a response can stream a large file.
    """
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield BYTE_ORDER_MARK
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])

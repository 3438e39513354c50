"""quizzes.csv_safe: what a spreadsheet could run as a formula is neutralised in every cell."""

from __future__ import annotations

import csv
import io

import pytest

from quizzes.csv_safe import csv_lines, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r'=1"),
        ("\n=1", "'\n'=1"),
        ("＝1+2", "'＝1+2"),
        ("Ayan", "Ayan"),
        ("Anne-Marie", "Anne-Marie"),
        ("2026-03-01T09:00:00+05:00", "2026-03-01T09:00:00+05:00"),
        (12, "12"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_a_quote(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ann ;=cmd|' /C calc'!A0;", "Ann ;'=cmd|' /C calc'!A0;"),
        ("Ann,=1+2", "Ann,'=1+2"),
        ("Ann ; @SUM(A1)", "Ann ; '@SUM(A1)"),
        ('x;"=1+2', "x;\"'=1+2"),
        ("Ann\t-2+3", "Ann\t'-2+3"),
        ("Ann\n+1", "Ann\n'+1"),
        ("a; b, c", "a; b, c"),
    ],
)
def test_a_formula_after_a_separator_gets_a_quote_where_a_new_cell_would_start(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(" =1+2", "' =1+2"), ('"=1+2"', '\'"=1+2"'), ("=1;=2", "'=1;'=2")],
)
def test_a_formula_behind_spaces_or_quotes_at_the_start_gets_a_quote(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("number", ["-2", "-0.50", "66.67", "0"])
def test_plain_numbers_stay_numbers(number):
    assert safe_cell(number) == number


def test_every_field_is_quoted_so_no_separator_splits_a_cell():
    lines = list(csv_lines([["name", "score"], ["Ann, Bota", -1]]))
    assert lines == ["\ufeff", '"name","score"\r\n', '"Ann, Bota","-1"\r\n']


def test_owasp_examples_are_quoted_prefixed_and_have_their_quotes_doubled():
    # OWASP writes =1+2";=1+2 as "'=1+2"";=1+2"; the formula after ";" is guarded here as well.
    lines = list(csv_lines([['=1+2";=1+2'], ["=1+2'\" ;,=1+2"]]))
    assert lines[1:] == ['"\'=1+2"";\'=1+2"\r\n', '"\'=1+2\'"" ;,\'=1+2"\r\n']


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_cell_starts_a_formula_whatever_separator_the_reader_splits_on(delimiter):
    hostile = ["Ann ;=cmd|' /C calc'!A0;", "=1+2", 'x";@SUM(A1)', "a,\t+1", "b\n-2+3"]
    text = "".join(csv_lines([["ayan", *hostile, "-1"]])).removeprefix("\ufeff")
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        for cell in row:
            assert not cell.strip(' "').startswith(tuple("=+-@")) or cell == "-1"

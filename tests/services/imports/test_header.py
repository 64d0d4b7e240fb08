"""Finding the header row under titles, notes and blank rows."""

from __future__ import annotations

import datetime as dt

from crm_desktop.services.imports.header import detect_header


def test_header_on_the_first_row() -> None:
    rows = [["Name", "Email", "Phone"], ["Anna", "a@example.com", 13800138000.0]]
    assert detect_header(rows) == 0


def test_blank_rows_above() -> None:
    rows = [[], [None, None], ["", ""], ["a", "b", "c"], ["1", "2", "3"]]
    assert detect_header(rows) == 3


def test_merged_title_and_notes_above() -> None:
    rows = [
        ["Customer list 2024", None, None, None],
        ["Exported by Anna on 05-06-2019", None, None, None],
        [None, None, None, None],
        ["Name", "Company", "Phone", "City"],
        ["Ben", "ACME", "0301234", "Berlin"],
        ["Cleo", "Initech", "0407777", "Hamburg"],
    ]
    assert detect_header(rows) == 3


def test_notes_in_a_csv() -> None:
    rows = [
        ["Notes:"],
        ["This is a sample export", " with a comma"],
        [],
        ["First Name", "Last Name", "Email", "Company", "Position"],
        ["Alice", "Johnson", "alice@example.com", "TechCorp", "CTO"],
    ]
    assert detect_header(rows) == 3


def test_a_row_of_numbers_is_not_a_header() -> None:
    rows = [
        ["Report", None, None],
        ["1", "2", "3"],
        ["Name", "Score", "Day"],
        ["Anna", 3.0, dt.date(2021, 3, 4)],
    ]
    assert detect_header(rows) == 2


def test_numeric_column_names_are_allowed() -> None:
    assert detect_header([["Country", 2013.0, None], ["Canada", 35160000, "value"]]) == 0


def test_single_column() -> None:
    assert detect_header([["Primary Email"], ["a@example.com"]]) == 0
    assert detect_header([[None], ["Email"], ["a@example.com"]]) == 1


def test_data_without_a_header_gives_the_first_filled_row() -> None:
    rows = [[None], [1.0, "x", 1234.5, dt.date(2017, 12, 16)], [2.0, "y", 2.5, None]]
    assert detect_header(rows) == 1
    assert detect_header([]) == 0
    assert detect_header([[None, ""]]) == 0

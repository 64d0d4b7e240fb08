"""Encoding and delimiter detection, and reading text tables, on small samples written here."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crm_desktop.services.imports.textfile import (
    SAMPLE_BYTES,
    detect_delimiter,
    detect_encoding,
    detect_encoding_bytes,
    estimate_rows,
)
from crm_desktop.services.imports.textrows import text_rows

SIMPLIFIED = (
    "姓名,公司,电话\n张三,北京科技有限公司,13800138000\n李四,上海贸易公司,\n王五,深圳市南山区,\n"
)
TRADITIONAL = (
    "姓名,公司,電話\n陳大文,臺北市信義區有限公司,02-2345\n林美麗,香港貿易發展局,\n黃志明,高雄市,\n"
)
JAPANESE = (
    "氏名,会社,電話\n山田太郎,株式会社トヨタ,03-1234\n"
    "佐藤花子,ソニー株式会社,\nすずき,東京都港区,\n"
)
GERMAN = "Name,Straße,Ort\nMüller,Hauptstraße 5,München\nJürgen Größe,Bahnhofstraße,Köln\n"
FRENCH = "Nom,Société,Ville\nLefèvre,Crédit Agricole,Besançon\nGarçon,Hôtel de Ville,Orléans\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "big5"),
        (JAPANESE, "shift_jis"),
        (GERMAN, "cp1252"),
        (FRENCH, "cp1252"),
    ],
)
def test_legacy_encodings(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    found = detect_encoding_bytes(data)
    assert data.decode(found) == text


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("gb18030", "张伟 王芳 李娜 刘洋 陈静 北京 广州市 有限公司 联系人 电话号码 林"),
        ("big5", "陳小明 張偉 黃志強 臺灣 香港 聯絡人 電話號碼 地址 公司 林"),
        ("shift_jis", "鈴木 田中 ひらがな カタカナ 東京都 株式会社 電話番号 山本さん"),
        ("cp1252", "Zoë José Müller Größe François Ærø café naïve Œuvre €5 Ñandú Ölfeld Ärger"),
    ],
)
def test_single_short_words(encoding: str, words: str) -> None:
    for word in words.split():
        data = f"{word},x\n".encode(encoding)
        assert data.decode(detect_encoding_bytes(data)) == f"{word},x\n", word


def test_latin1_bytes_that_cp1252_leaves_undefined() -> None:
    data = "a\x81b,\xe9\n".encode("latin-1")
    assert detect_encoding_bytes(data) == "latin-1"


def test_detection_is_deterministic() -> None:
    data = SIMPLIFIED.encode("gb18030")
    assert {detect_encoding_bytes(data) for _ in range(5)} == {"gb18030"}


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"a,b\n", "utf-8"),
        ("名前,b\n".encode(), "utf-8"),
        ("\ufeffa,b\n".encode(), "utf-8-sig"),
        ("\ufeffa,b\n".encode("utf-16-le"), "utf-16"),
        ("\ufeffa,b\n".encode("utf-16-be"), "utf-16"),
        ("\ufeffa,b\n".encode("utf-32-le"), "utf-32"),
        ("name,city\nAnna,Köln\n".encode("utf-16-le"), "utf-16-le"),
        ("name,city\nAnna,Köln\n".encode("utf-16-be"), "utf-16-be"),
        ("name,city\nAnna,Köln\n".encode("utf-32-le"), "utf-32-le"),
        ("name,city\nAnna,Köln\n".encode("utf-32-be"), "utf-32-be"),
    ],
)
def test_unicode_encodings(data: bytes, encoding: str) -> None:
    assert detect_encoding_bytes(data) == encoding


def test_utf8_is_checked_over_the_whole_file(tmp_path: Path) -> None:
    # The first sample is plain ASCII; a Latin-1 byte comes long after it.
    path = tmp_path / "late.csv"
    path.write_bytes(
        b"name,city\n" + b"Anna,Berlin\n" * (SAMPLE_BYTES // 12 + 10) + b"Zo\xeb,Paris\n"
    )
    assert detect_encoding(path) == "cp1252"
    small = tmp_path / "small.csv"
    small.write_bytes("Zoë,Paris\n".encode())
    assert detect_encoding(small) == "utf-8"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ("name;price\nA;1,5\nB;2,5\nC;3\n", ";"),
        ('"a;b",c\n"1;2",3\n', ","),
        ("Primary Email\nx@example.com\n", ","),
        ("Notes: exported today\n\nname\tphone\nAnna\t123\nBen\t456\n", "\t"),
        ("a,b,c\r1,2,3\r", ","),
        ('a,b\n"line one\nline two",2\n', ","),
    ],
)
def test_delimiters(text: str, delimiter: str) -> None:
    assert detect_delimiter(text) == delimiter


def test_delimiter_ignores_a_cut_last_line() -> None:
    assert detect_delimiter("a;b;c\n1;2;3\n4;5") == ";"


def _rows(data: bytes, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    rows = text_rows(io.BytesIO(data), encoding, delimiter)
    return [[cell or "" for cell in row] for row in rows]  # type: ignore[misc]


def test_rows_with_line_breaks_in_quotes_and_cr_only_endings() -> None:
    assert _rows(b'a,b,c\r1,2,3\r"Once upon\ra time",5,6\r') == [
        ["a", "b", "c"],
        ["1", "2", "3"],
        ["Once upon\ra time", "5", "6"],
    ]
    assert _rows(b'a,b\r\n"x\r\ny",2\r\n') == [["a", "b"], ["x\r\ny", "2"]]


def test_nul_bytes_are_dropped() -> None:
    assert _rows(b"a,b,c\n\x00,2,3\n") == [["a", "b", "c"], ["", "2", "3"]]


def test_bom_never_reaches_the_first_header() -> None:
    assert _rows("\ufeffname,city\n".encode(), "utf-8")[0][0] == "name"
    assert _rows("\ufeffname,city\n".encode(), "utf-8-sig")[0][0] == "name"
    assert _rows("\ufeffname,city\n".encode("utf-16"), "utf-16")[0][0] == "name"


def test_undecodable_bytes_do_not_crash() -> None:
    assert _rows(b"a,\xff\n", "utf-8") == [["a", "\ufffd"]]


def test_estimate_rows(tmp_path: Path) -> None:
    cases = {b"a\nb\n": 2, b"a\nb": 2, b"a\rb\rc\r": 3, b"a\r\nb\r\n": 2, b"x": 1}
    for index, (data, expected) in enumerate(cases.items()):
        path = tmp_path / f"{index}.csv"
        path.write_bytes(data)
        assert estimate_rows(path) == expected, data

"""Writes outlook_quote.msg, the Outlook .msg fixture, as Outlook stores a received e-mail.

A .msg is an OLE compound file of MAPI properties (MS-OXMSG): fixed-size values in
`__properties_version1.0`, strings and binaries in `__substg1.0_<id><type>` streams, one
storage per recipient and per attachment. extract_msg's own OleWriter writes the compound
file. Run with the project's venv: `.venv/bin/python tests/data/email/make_outlook_msg.py`.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

from extract_msg.ole_writer import OleWriter

OUT = Path(__file__).with_name("outlook_quote.msg")
UNICODE, BINARY, INT32, TIME = 0x001F, 0x0102, 0x0003, 0x0040
SENT = dt.datetime(2024, 5, 15, 3, 20, tzinfo=dt.UTC)


def filetime(when: dt.datetime) -> int:
    return int((when - dt.datetime(1601, 1, 1, tzinfo=dt.UTC)).total_seconds()) * 10_000_000


class Properties:
    """One storage's properties: the fixed ones in its property stream, the rest as streams."""

    def __init__(self, header: bytes) -> None:
        self.header = header
        self.entries: list[bytes] = []
        self.streams: dict[str, bytes] = {}

    def text(self, prop_id: int, value: str) -> None:
        data = value.encode("utf-16-le")
        self._variable(prop_id, UNICODE, data, len(data) + 2)

    def binary(self, prop_id: int, data: bytes) -> None:
        self._variable(prop_id, BINARY, data, len(data))

    def fixed(self, prop_id: int, prop_type: int, value: int) -> None:
        self.entries.append(struct.pack("<IIQ", prop_id << 16 | prop_type, 6, value))

    def _variable(self, prop_id: int, prop_type: int, data: bytes, size: int) -> None:
        self.entries.append(struct.pack("<IIII", prop_id << 16 | prop_type, 6, size, 0))
        self.streams[f"__substg1.0_{prop_id:04X}{prop_type:04X}"] = data

    def write(self, writer: OleWriter, storage: list[str]) -> None:
        if storage:
            writer.addEntry(storage, storage=True)
        writer.addEntry([*storage, "__properties_version1.0"], self.header + b"".join(self.entries))
        for name, data in self.streams.items():
            writer.addEntry([*storage, name], data)


def main() -> None:
    recipients = [
        ("Anna Rep", "anna.rep@ourco.example", 1),  # To
        ("李娜", "li.na@huawei-example.cn", 2),  # Cc
    ]
    attachments = [
        ("报价单_第3版.xlsx", b"PK\x03\x04 not a real workbook"),
        ("logo.png", b"\x89PNG"),
    ]
    message = Properties(struct.pack("<8xIIII8x", 2, 2, len(recipients), len(attachments)))
    message.text(0x001A, "IPM.Note")
    message.text(0x0037, "Re: 报价单 第3版")
    message.text(0x0C1A, "王小明")  # sender name
    message.text(0x5D01, "wang.xiaoming@huawei-example.cn")  # sender SMTP address
    message.text(0x0E04, "Anna Rep")  # display To
    message.text(0x0E03, "李娜")  # display Cc
    message.text(0x1000, "Anna，您好：\r\n\r\n新的报价单见附件。\r\n\r\n王小明\r\n")
    message.text(0x1035, "<AM0PR07MB1234.outlook@huawei-example.cn>")  # Internet Message-ID
    message.fixed(0x0039, TIME, filetime(SENT))  # client submit time
    message.fixed(0x0E06, TIME, filetime(SENT))  # delivery time
    message.fixed(0x0E07, INT32, 1)  # message flags: read, not unsent
    writer = OleWriter()
    message.write(writer, [])
    for storage in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        writer.addEntry(["__nameid_version1.0", storage], b"")
    for number, (name, address, kind) in enumerate(recipients):
        recipient = Properties(bytes(8))
        recipient.text(0x3001, name)  # display name
        recipient.text(0x3003, address)  # e-mail address
        recipient.text(0x39FE, address)  # SMTP address
        recipient.text(0x3002, "SMTP")  # address type
        recipient.fixed(0x0C15, INT32, kind)  # recipient type
        recipient.write(writer, [f"__recip_version1.0_#{number:08X}"])
    for number, (name, data) in enumerate(attachments):
        attachment = Properties(bytes(8))
        attachment.text(0x3707, name)  # long file name
        attachment.text(0x3001, name)  # display name
        attachment.binary(0x3701, data)  # the file's bytes
        attachment.fixed(0x3705, INT32, 1)  # attach method: by value
        attachment.write(writer, [f"__attach_version1.0_#{number:08X}"])
    writer.write(str(OUT))


if __name__ == "__main__":
    main()

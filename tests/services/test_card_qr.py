"""Decoding business-card QR codes from PNG and JPEG photos."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from crm_desktop.services.card_qr import CardQRError, card_from_image, decode_qr_text


def qr_image(text: str, fmt: str = "PNG", scale: int = 6, margin: int = 40) -> bytes:
    """A picture of a QR code, as a card photo would show it (white border around it)."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    view = memoryview(barcode.to_image(scale=scale))
    height, width = view.shape
    code = Image.frombytes("L", (width, height), bytes(view))
    photo = Image.new("RGB", (width + 2 * margin, height + 2 * margin), "white")
    photo.paste(code, (margin, margin))
    out = io.BytesIO()
    photo.save(out, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def test_vcard_qr_png_with_chinese_name() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:王;小明;;;\r\nFN:王小明\r\nORG:华为技术有限公司\r\n"
        "TITLE:销售经理\r\nTEL;TYPE=CELL:+86 138 0013 8000\r\nEMAIL:xiaoming@huawei.com\r\n"
        "END:VCARD"
    )
    card = card_from_image(qr_image(text))
    assert card.full_name == "王小明"
    assert card.company == "华为技术有限公司"
    assert card.title == "销售经理"
    assert card.mobiles == ("+86 138 0013 8000",)
    assert card.emails == ("xiaoming@huawei.com",)


def test_mecard_qr_jpeg() -> None:
    card = card_from_image(
        qr_image("MECARD:N:Doe,Jane;ORG:Acme;TEL:+1 415 555 0100;EMAIL:jane@acme.com;;", "JPEG")
    )
    assert (card.full_name, card.company) == ("Jane Doe", "Acme")
    assert card.phones == ("+1 415 555 0100",)


def test_photo_without_a_qr_code() -> None:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(out, "PNG")
    with pytest.raises(CardQRError, match="No QR code was found"):
        decode_qr_text(out.getvalue())


def test_qr_code_that_is_not_a_card() -> None:
    with pytest.raises(CardQRError, match=r"does not hold a contact card.*example\.com"):
        card_from_image(qr_image("https://example.com/promo"))


def test_not_an_image() -> None:
    with pytest.raises(CardQRError, match="not a PNG or JPEG"):
        card_from_image(b"%PDF-1.4 this is no picture")

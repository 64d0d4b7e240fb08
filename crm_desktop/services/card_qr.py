"""Reading the QR code printed on a business card (a vCard or a MeCard) from a photo."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, UnidentifiedImageError

from crm_desktop.services.card_data import CardData, CardParseError, parse_card_text

# Phone photos are large; zxing finds a QR code faster and as well at this size.
MAX_SIDE = 2000


class CardQRError(ValueError):
    """No usable contact QR code in the image; the message says what to do."""


def decode_qr_text(image_bytes: bytes) -> str:
    """The text of the first QR code in a PNG or JPEG image."""
    try:
        opened = Image.open(io.BytesIO(image_bytes))
        opened.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise CardQRError(
            f"This file is not a PNG or JPEG picture that can be read ({exc})."
        ) from None
    image = opened.convert("L")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    formats = zxingcpp.barcode_formats_from_str("QRCode,MicroQRCode")
    barcodes = zxingcpp.read_barcodes(image, formats=formats)
    if not barcodes:
        raise CardQRError(
            "No QR code was found in this picture. Photograph the card's QR code straight on, "
            "sharp and filling a good part of the picture, or type the card in."
        )
    return str(barcodes[0].text)


def card_from_image(image_bytes: bytes) -> CardData:
    """The contact a card's QR code carries (vCard or MeCard)."""
    text = decode_qr_text(image_bytes)
    try:
        return parse_card_text(text)
    except CardParseError as exc:
        preview = text if len(text) <= 60 else text[:57] + "..."
        raise CardQRError(
            f"The QR code does not hold a contact card ({exc}); it says: {preview}"
        ) from None

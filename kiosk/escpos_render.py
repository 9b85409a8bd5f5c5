"""A ticket layout as ESC/POS bytes for one printer profile (pure: no device involved).

The bytes are built with python-escpos' `Dummy` printer under the profile's
capability profile, so the same commands reach a real printer, the virtual
printer and the tests. Text is wrapped here, to the profile's characters per
line, after reducing it to characters the printer's code page has.
"""

import textwrap
import unicodedata
from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw, ImageFont

from . import _escpos
from .profiles import PrinterProfile
from .ticket import TicketLayout

# Typographic characters the kiosk's texts may carry and their plain equivalents.
PLAIN = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
         "\u2026": "...", "\u00a0": " ", "\u2022": "*", "\u00d7": "x"}
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for, above and below an image QR


def render(layout: TicketLayout, profile: PrinterProfile) -> bytes:
    """ESC/POS bytes of one ticket: same layout and profile, same bytes."""
    printer = _Printer(profile)
    columns = profile.chars_per_line
    plain = _Plain(profile.codepage)

    printer.hw("INIT")  # ESC @: a clean state whatever the last job left behind
    printer.select_codepage()  # after ESC @, which resets it
    printer.set(align="center", font="a")

    printer.set(bold=True)
    _wrapped(printer, plain(layout.site_name.upper()), columns)
    printer.set(bold=False)
    printer.textln("=" * columns)
    printer.set(bold=True)
    _wrapped(printer, plain(layout.agency), columns)
    printer.set(bold=False)
    _wrapped(printer, plain(layout.service), columns)
    printer.ln()

    printer.textln(plain(layout.number_label))
    _big_number(printer, plain(layout.code), profile)
    for mark in (layout.priority_mark, layout.appointment_mark):
        if mark:
            printer.set(bold=True, invert=True)
            for line in textwrap.wrap(plain(mark), columns - 2, break_on_hyphens=False):
                printer.textln(f" {line} ")
            printer.set(bold=False, invert=False)
    printer.ln()
    printer.textln("-" * columns)

    issued = plain(layout.issued)
    if len(issued) <= columns:
        printer.textln(issued)
    else:  # 58 mm: the date on one line, the time under it
        _wrapped(printer, plain(layout.issued_date), columns)
        printer.textln(plain(layout.issued_time))
    for line in (layout.ahead, layout.wait):
        if line:
            _wrapped(printer, plain(line), columns)

    if layout.qr_payload and profile.qr != "none":
        _qr(printer, layout.qr_payload, profile)
    for line in layout.footer:
        _wrapped(printer, plain(line), columns)
    _finish(printer, profile)
    return printer.output


class _Printer(_escpos.Dummy):
    """escpos' Dummy, but text goes out in the profile's one code page.

    escpos' automatic code page switching picks the *last* table number listed for a
    code page: CP437 becomes ESC t 52 on the POS-5890, a table cheap printers lack.
    The text is already reduced to the code page, so it is encoded here directly.
    """

    def __init__(self, profile: PrinterProfile):
        super().__init__(profile=profile.escpos_profile)
        self.codepage = profile.codepage
        pages = _escpos.capability(profile.escpos_profile)["codePages"]
        self.table = min(int(number) for number, name in pages.items() if name.upper() == profile.codepage.upper())

    def select_codepage(self) -> None:
        self._raw(b"\x1bt" + bytes([self.table]))

    def text(self, txt: str) -> None:
        self._raw(str(txt).encode(self.codepage))


def _wrapped(printer, text: str, columns: int) -> None:
    for line in textwrap.wrap(text, columns, break_on_hyphens=False) or [""]:
        printer.textln(line)


def _big_number(printer, code: str, profile: PrinterProfile) -> None:
    big = profile.big_number
    if big.mode == "image":
        printer.image(_number_image(code, big.height_px, profile.width_px), impl="bitImageRaster")
        return
    # A long code shrinks rather than wraps: a number split over two lines misleads.
    width = max(1, min(big.width, profile.chars_per_line // len(code)))
    height = max(1, big.height * width // big.width)
    printer.set(custom_size=True, width=width, height=height, bold=True)
    printer.textln(code)
    printer.set(custom_size=True, width=1, height=1, bold=False)


def _number_image(code: str, height_px: int, width_px: int) -> Image.Image:
    """The code drawn by Pillow, centred on a strip as wide as the paper, pure black and white."""
    size = height_px
    font = _font(size)
    while font.getbbox(code, stroke_width=2)[2] > width_px - 16 and size > 24:
        size -= 8
        font = _font(size)
    left, top, right, bottom = font.getbbox(code, stroke_width=2)
    image = Image.new("L", (width_px, bottom - top + 16), 255)
    draw = ImageDraw.Draw(image)
    draw.text(((width_px - (right - left)) // 2 - left, 8 - top), code, font=font, fill=0,
              stroke_width=2, stroke_fill=0)
    return image.point(lambda value: 0 if value < 128 else 255)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled font (Aileron, CC0): the same on every kiosk, no system font needed, and
    # its "0" is an open oval; printers' ROM fonts slash the zero, which reads as θ on a ticket.
    return ImageFont.load_default(size=size)


def _qr(printer, payload: str, profile: PrinterProfile) -> None:
    if profile.qr == "native":
        printer.ln()  # native QR codes print flush against the line above
        printer.qr(payload, ec=_escpos.QR_ECLEVEL_M, size=profile.qr_size, native=True)
        printer.ln()
        return
    printer.image(_qr_image(payload, profile.qr_size, profile.width_px), impl="bitImageRaster")


def _qr_image(payload: str, module: int, width_px: int) -> Image.Image:
    """The QR code as a raster image centred on the paper width (printers without native QR)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=0)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    module = max(1, min(module, width_px // modules))
    side = modules * module
    quiet = QR_QUIET_MODULES * module
    image = Image.new("L", (width_px, side + 2 * quiet), 255)
    draw = ImageDraw.Draw(image)
    left = (width_px - side) // 2
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                x, y = left + column * module, quiet + row * module
                draw.rectangle((x, y, x + module - 1, y + module - 1), fill=0)
    return image


def _finish(printer, profile: PrinterProfile) -> None:
    if profile.cut == "none":
        printer.print_and_feed(5)  # past the tear bar
        return
    # GS V 66/65 0 (function B): the printer itself feeds the last line just past its cutter
    # and cuts there; escpos' cut() feeds six blank lines first, ~180 dots of empty paper.
    printer._raw(b"\x1dV" + bytes([66 if profile.cut == "partial" else 65, 0]))


class _Plain:
    """Text reduced to what the code page can print: kept if it has the character,
    else transliterated (é → e where it's missing), else '?'."""

    def __init__(self, codepage: str):
        self.codepage = codepage

    def __call__(self, text: str) -> str:
        return "".join(self._character(character) for character in text)

    def _character(self, character: str) -> str:
        character = PLAIN.get(character, character)
        if len(character) == 1 and self._printable(character):
            return character
        if len(character) > 1:
            return character  # a PLAIN replacement, ASCII by construction
        if character in "\t\r\n":
            return " "
        ascii_only = unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode("ascii")
        ascii_only = "".join(c for c in ascii_only if c.isprintable())
        return ascii_only or "?"

    def _printable(self, character: str) -> bool:
        if not character.isprintable():
            return False
        try:
            character.encode(self.codepage)
        except UnicodeEncodeError:
            return False
        return True

"""Reading ESC/POS back: split a byte stream into commands, and draw what a thermal
printer would print as a PNG-ready Pillow image.

This understands what `escpos_render.render` emits (and a little more): ESC @,
ESC a, ESC E/G, ESC !, ESC M, ESC t, ESC d, ESC 2/3, GS !, GS B, GS v 0 raster
images, GS ( k QR codes, GS V cut and plain text. It serves the virtual printer
(job previews, and finding real-time status queries between commands) and the
tests (what the paper would show, line by line).
"""

from dataclasses import dataclass, field
from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps

ESC, GS, DLE, FS, LF = 0x1B, 0x1D, 0x10, 0x1C, 0x0A
FONTS = {0: (12, 24), 1: (9, 17)}  # font A and B cells in dots, as on Epson 203 dpi printers
DEFAULT_LINE_SPACING = 30  # dots (≈ 3.75 mm), Epson's default
CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866",
              18: "cp852", 19: "cp858"}
QR_ERROR_LEVELS = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M,
                   50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}
MONOSPACE_FONTS = ("DejaVuSansMono.ttf", "consola.ttf", "cour.ttf")
# ESC x / GS x commands with a fixed length (prefix included); others are handled below.
ESC_LENGTHS = {0x40: 2, 0x32: 2, 0x3C: 2, 0x70: 5, 0x63: 4, 0x24: 4, 0x5C: 4, 0x42: 4}
GS_LENGTHS = {0x4C: 4, 0x57: 4, 0x50: 4, 0x24: 4, 0x5C: 4}


def command_length(data: bytes, start: int) -> int | None:
    """Length of the command (or run of text) at `start`, or None if it isn't complete yet."""
    size = len(data) - start

    def need(count: int) -> int | None:
        return count if size >= count else None

    first = data[start]
    if first >= 0x20:
        end = start
        while end < len(data) and data[end] >= 0x20:
            end += 1
        return end - start
    if first not in (ESC, GS, DLE, FS):
        return 1  # LF, CR, HT … and stray control bytes
    if size < 2:
        return None
    second = data[start + 1]
    if first == DLE:
        return need({0x04: 3, 0x05: 3, 0x14: 5}.get(second, 2))
    if first == FS:
        if second == 0x28:  # FS ( fn pL pH …
            return need(5) and need(5 + data[start + 3] + 256 * data[start + 4])
        return need(2 if second in (0x2E, 0x26) else 3)
    if first == ESC:
        if second == 0x2A:  # ESC * m nL nH d…: column bit image
            if size < 5:
                return None
            columns = data[start + 3] + 256 * data[start + 4]
            return need(5 + columns * (1 if data[start + 2] in (0, 1) else 3))
        return need(ESC_LENGTHS.get(second, 3))
    if second == 0x76:  # GS v 0 m xL xH yL yH d…: raster bit image
        if size < 8:
            return None
        width_bytes = data[start + 4] + 256 * data[start + 5]
        height = data[start + 6] + 256 * data[start + 7]
        return need(8 + width_bytes * height)
    if second == 0x28:  # GS ( fn pL pH …: QR codes, graphics and friends
        return need(5) and need(5 + data[start + 3] + 256 * data[start + 4])
    if second == 0x56:  # GS V m [n]: cut
        return need(3) and need(3 if data[start + 2] in (0, 1, 48, 49) else 4)
    if second == 0x6B:  # GS k m …: barcode, NUL-terminated (m ≤ 6) or with a length (m ≥ 65)
        if size < 3:
            return None
        if data[start + 2] <= 6:
            end = data.find(b"\x00", start + 3)
            return None if end < 0 else end + 1 - start
        return need(4) and need(4 + data[start + 3])
    return need(GS_LENGTHS.get(second, 3))


def split_commands(data: bytes) -> tuple[list[bytes], int]:
    """The complete commands at the start of `data`, and how many bytes they take."""
    commands, position = [], 0
    while position < len(data):
        length = command_length(data, position)
        if length is None:
            break
        commands.append(data[position:position + length])
        position += length
    return commands, position


@dataclass
class PrintedLine:
    text: str
    width: int  # dots used on the paper
    height: int  # dots of the tallest character


@dataclass
class Preview:
    image: Image.Image
    lines: list[PrintedLine] = field(default_factory=list)
    cuts: list[bytes] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)


def preview(data: bytes, width_px: int = 576) -> Preview:
    """What the printer would print for `data`, on paper `width_px` dots wide."""
    paper = _Paper(width_px)
    commands, used = split_commands(data)
    for command in commands:
        paper.run(command)
    paper.run(data[used:])  # an unfinished command at the end is printed as text, like garbage
    return paper.finish()


class _Paper:
    """The printer's state and the strip of paper it has printed so far."""

    def __init__(self, width: int):
        self.width = width
        self.bands: list[Image.Image] = [Image.new("L", (width, 8), 255)]
        self.result = Preview(image=self.bands[0])
        self.qr_store = b""
        self.reset()
        self.line: list[tuple[str, int, int, bool, bool, int]] = []  # char, w, h, bold, invert, font

    def reset(self) -> None:
        self.align, self.bold, self.invert, self.font = 0, False, False, 0
        self.size = (1, 1)
        self.spacing = DEFAULT_LINE_SPACING
        self.codepage = "cp437"
        self.qr_model, self.qr_module, self.qr_level = 50, 3, 48

    def run(self, command: bytes) -> None:
        if not command:
            return
        first = command[0]
        if first >= 0x20:
            for character in command.decode(self.codepage, errors="replace"):
                self.put(character)
        elif first == LF:
            self.flush(feed_empty=True)
        elif first == ESC and len(command) >= 2:
            self.escape(command[1], command[2:])
        elif first == GS and len(command) >= 2:
            self.group(command[1], command[2:])

    def escape(self, code: int, args: bytes) -> None:
        value = args[0] if args else 0
        if code == 0x40:  # ESC @
            self.flush()
            self.reset()
        elif code == 0x61:
            self.align = value % 48
        elif code in (0x45, 0x47):
            self.bold = bool(value & 1)
        elif code == 0x4D:
            self.font = value % 48 if value % 48 in FONTS else 0
        elif code == 0x21:  # ESC !: font, emphasis, double height/width in one byte
            self.font = value & 1
            self.bold = bool(value & 0x08)
            self.size = (2 if value & 0x20 else 1, 2 if value & 0x10 else 1)
        elif code == 0x74:
            self.codepage = CODE_PAGES.get(value, "cp437")
        elif code == 0x64:  # ESC d n: print and feed n lines
            self.flush()
            self.feed(value * self.spacing)
        elif code == 0x4A:
            self.flush()
            self.feed(value)
        elif code == 0x32:
            self.spacing = DEFAULT_LINE_SPACING
        elif code == 0x33:
            self.spacing = value

    def group(self, code: int, args: bytes) -> None:
        if code == 0x21:  # GS !: width and height multipliers
            self.size = ((args[0] >> 4) + 1, (args[0] & 0x0F) + 1)
        elif code == 0x42:
            self.invert = bool(args[0] & 1)
        elif code == 0x76:
            self.raster(args)
        elif code == 0x28 and args[:1] == b"k":
            self.two_d_code(args[3:])
        elif code == 0x56:
            self.flush()
            self.cut(args)

    def put(self, character: str) -> None:
        cell_w, cell_h = FONTS[self.font]
        w, h = cell_w * self.size[0], cell_h * self.size[1]
        if sum(item[1] for item in self.line) + w > self.width:
            self.flush()  # the printer wraps a line that is too long
        self.line.append((character, w, h, self.bold, self.invert, self.font))

    def flush(self, feed_empty: bool = False) -> None:
        if not self.line:
            if feed_empty:
                self.feed(self.spacing)
            return
        used = sum(item[1] for item in self.line)
        tallest = max(item[2] for item in self.line)
        band = Image.new("L", (self.width, max(self.spacing, tallest + 6)), 255)
        x = self.offset(used)
        for character, w, h, bold, invert, font in self.line:
            band.paste(_glyph(character, font, bold, invert).resize((w, h), Image.NEAREST), (x, tallest - h))
            x += w
        self.bands.append(band)
        self.result.lines.append(PrintedLine("".join(item[0] for item in self.line), used, tallest))
        self.line = []

    def offset(self, used: int) -> int:
        return {0: 0, 1: (self.width - used) // 2, 2: self.width - used}.get(self.align, 0)

    def feed(self, dots: int) -> None:
        if dots > 0:
            self.bands.append(Image.new("L", (self.width, dots), 255))

    def place(self, image: Image.Image) -> None:
        self.flush()
        band = Image.new("L", (self.width, image.height), 255)
        band.paste(image.crop((0, 0, min(image.width, self.width), image.height)),
                   (max(0, self.offset(image.width)), 0))
        self.bands.append(band)

    def raster(self, args: bytes) -> None:
        mode = args[1] % 48
        width_bytes, height = args[2] + 256 * args[3], args[4] + 256 * args[5]
        if not width_bytes or not height:
            return
        bits = Image.frombytes("1", (width_bytes * 8, height), bytes(args[6:6 + width_bytes * height]))
        image = ImageOps.invert(bits.convert("L"))  # in ESC/POS a set bit is a black dot
        scale = (2 if mode & 1 else 1, 2 if mode & 2 else 1)
        if scale != (1, 1):
            image = image.resize((image.width * scale[0], image.height * scale[1]), Image.NEAREST)
        self.place(image)

    def two_d_code(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:  # cn 49: QR code
            return
        function, rest = body[1], body[2:]
        if function == 0x41 and rest:
            self.qr_model = rest[0]
        elif function == 0x43 and rest:
            self.qr_module = rest[0]
        elif function == 0x45 and rest:
            self.qr_level = rest[0]
        elif function == 0x50:
            self.qr_store = bytes(rest[1:])
        elif function == 0x51 and self.qr_store:
            payload = self.qr_store.decode("utf-8", errors="replace")
            code = qrcode.QRCode(error_correction=QR_ERROR_LEVELS.get(self.qr_level, 0), box_size=1, border=0)
            code.add_data(payload)
            code.make(fit=True)
            self.result.qr_payloads.append(payload)
            self.place(_matrix_image(code.get_matrix(), max(1, self.qr_module)))

    def cut(self, args: bytes) -> None:
        self.result.cuts.append(bytes(args))
        if args and args[0] in (65, 66):
            self.feed(args[1] if len(args) > 1 else 0)
        band = Image.new("L", (self.width, 9), 255)
        draw = ImageDraw.Draw(band)
        for x in range(0, self.width, 12):
            draw.line((x, 4, x + 6, 4), fill=128)
        self.bands.append(band)

    def finish(self) -> Preview:
        self.flush()
        self.feed(8)
        image = Image.new("L", (self.width, sum(band.height for band in self.bands)), 255)
        y = 0
        for band in self.bands:
            image.paste(band, (0, y))
            y += band.height
        self.result.image = image
        return self.result


def _matrix_image(matrix: list[list[bool]], module: int) -> Image.Image:
    side = len(matrix)
    image = Image.new("L", (side, side), 255)
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    return image.resize((side * module, side * module), Image.NEAREST)


@lru_cache(maxsize=1024)
def _glyph(character: str, font_number: int, bold: bool, invert: bool) -> Image.Image:
    """One character in its font cell, drawn once and cached: what the printer's ROM font holds."""
    w, h = FONTS[font_number]
    scale = 4  # drawn large and shrunk, for clean edges at 12×24
    cell = Image.new("L", (w * scale, h * scale), 0 if invert else 255)
    draw = ImageDraw.Draw(cell)
    font = _cell_font(h * scale)
    left, _, right, _ = draw.textbbox((0, 0), character, font=font)
    x = (w * scale - (right - left)) // 2 - left
    y = int(h * scale * 0.8) - font.getmetrics()[0]
    ink = 255 if invert else 0
    for dx in range(0, scale * 2 if bold else 1, scale // 2 or 1):
        draw.text((x + dx, y), character, font=font, fill=ink)
    return cell.resize((w, h), Image.LANCZOS).point(lambda value: 0 if value < 140 else 255)


@lru_cache(maxsize=4)
def _cell_font(cell_height: int) -> ImageFont.FreeTypeFont:
    size = int(cell_height * 0.8)
    for name in MONOSPACE_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)

"""What an agency's logo may be: a PNG or an SVG, small, and an SVG that cannot run or fetch anything.

The logo is shown on the kiosk's tile and on the management pages, so an SVG is held to what a
picture needs: no script, no event handler (on…), no foreignObject, no DOCTYPE or entity (the
parser never expands one), no reference outside the file except an embedded raster image.
"""

import re
import struct
import zlib
from xml.parsers import expat

from .errors import Invalid

MAX_BYTES = 256 * 1024
MAX_PIXELS = 1024  # each side of a PNG
MAX_ELEMENTS = 5000  # an SVG logo is a few hundred elements; this bounds the work of checking one
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements a picture never needs: they run code, embed other documents, or rewrite attributes later.
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set",
                      "animate", "animatemotion", "animatetransform", "animatecolor", "discard"}
IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)
URL_IN_STYLE = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


class LogoRefused(Invalid):
    """422 naming why the file is not accepted as a logo; `fields: {"logo": message}` like a form's error."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)
        self.extra = {"fields": {"logo": message}}


def check_logo(data: bytes, declared: str | None = None) -> tuple[str, int | None, int | None]:
    """(kind "png"/"svg", width, height) of an acceptable logo, else LogoRefused. `declared`: the
    content type or file name the sender gave (a hint only: the bytes decide)."""
    if not data:
        raise LogoRefused("Berkas logo kosong.", "logo_empty")
    if len(data) > MAX_BYTES:
        raise LogoRefused(f"Logo terlalu besar ({len(data) // 1024} KB); paling besar {MAX_BYTES // 1024} KB.",
                          "logo_too_big")
    if data.startswith(PNG_SIGNATURE):
        width, height = check_png(data)
        return "png", width, height
    if looks_like_svg(data):
        check_svg(data)
        return "svg", None, None
    if declared and "png" in declared.lower():
        raise LogoRefused("Berkas ini bukan PNG (tanda tangan berkasnya salah).", "logo_not_png")
    raise LogoRefused("Logo harus berupa berkas PNG atau SVG.", "logo_wrong_type")


def check_png(data: bytes) -> tuple[int, int]:
    """The PNG's chunks are whole and their checksums right, its header first, its end last; its sides
    at most MAX_PIXELS. (The image's pixels are decoded by the flow, with Pillow.)"""
    if not data.startswith(PNG_SIGNATURE):
        raise LogoRefused("Berkas ini bukan PNG (tanda tangan berkasnya salah).", "logo_not_png")
    position, chunks, size = len(PNG_SIGNATURE), [], None
    while position < len(data):
        if position + 12 > len(data):
            raise LogoRefused("Berkas PNG terpotong.", "logo_broken")
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        crc = data[position + 8 + length:position + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise LogoRefused("Berkas PNG rusak atau terpotong.", "logo_broken")
        if not chunks:
            if kind != b"IHDR" or length != 13:
                raise LogoRefused("Berkas PNG rusak: bagian kepalanya tidak ada.", "logo_broken")
            size = struct.unpack(">II", body[:8])
        chunks.append(kind)
        position += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[-1] != b"IEND" or b"IDAT" not in chunks:
        raise LogoRefused("Berkas PNG terpotong.", "logo_broken")
    width, height = size
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise LogoRefused(f"Ukuran logo {width}×{height} piksel; paling besar {MAX_PIXELS}×{MAX_PIXELS}.",
                          "logo_too_large")
    return width, height


def looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in data[:65536].lower()


def check_svg(data: bytes) -> None:
    """Parse the SVG with expat (namespaces on) and refuse anything a picture does not need."""
    problems: list[tuple[str, str]] = []
    seen = {"elements": 0, "root": None}
    texts: list[str] = []

    def refuse(message: str, code: str = "logo_unsafe"):
        problems.append((message, code))
        raise _Stop()

    def start(name: str, attributes: dict) -> None:
        namespace, _, local = name.rpartition(" ")
        seen["elements"] += 1
        if seen["root"] is None:
            seen["root"] = (namespace, local)
            if local != "svg":
                refuse("Berkas ini bukan SVG: elemen utamanya bukan <svg>.", "logo_wrong_type")
        if seen["elements"] > MAX_ELEMENTS:
            refuse(f"SVG ini terlalu rumit (lebih dari {MAX_ELEMENTS} elemen).", "logo_too_large")
        if local.lower() in FORBIDDEN_ELEMENTS:
            refuse(f"SVG tidak boleh berisi <{local}>.")
        for attribute, value in attributes.items():
            _, _, attr = attribute.rpartition(" ")
            if attr.lower().startswith("on"):
                refuse(f"SVG tidak boleh berisi penangan peristiwa ({attr}).")
            if attr.lower() == "href" and not _internal_or_image(value):
                refuse("SVG tidak boleh merujuk berkas atau alamat lain (href); hanya gambar tertanam.")
            if "javascript:" in value.lower().replace(" ", ""):
                refuse("SVG tidak boleh berisi javascript:.")
            if attr.lower() == "style":
                _check_style(value, refuse)

    def text(content: str) -> None:
        texts.append(content)

    def end(name: str) -> None:
        if name.rpartition(" ")[2].lower() == "style":
            _check_style("".join(texts), refuse)
        texts.clear()

    def doctype(*_args) -> None:
        refuse("SVG tidak boleh berisi DOCTYPE atau ENTITY.", "logo_unsafe")

    def instruction(target: str, _data: str) -> None:
        refuse(f"SVG tidak boleh berisi instruksi pemrosesan (<?{target} …?>).")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    parser.ExternalEntityRefHandler = lambda *args: refuse("SVG tidak boleh merujuk entitas luar.")
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except expat.ExpatError as exc:
        raise LogoRefused(f"SVG tidak dapat dibaca: {expat.errors.messages.get(exc.code, 'XML rusak')} "
                          f"(baris {exc.lineno}).", "logo_broken") from None
    if problems:
        raise LogoRefused(*problems[0])
    if seen["root"] is None:
        raise LogoRefused("Berkas ini bukan SVG.", "logo_wrong_type")


class _Stop(Exception):
    """Ends the parse at the first problem."""


def _internal_or_image(value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or bool(IMAGE_DATA.match(value))


def _check_style(css: str, refuse) -> None:
    lowered = css.lower()
    if "@import" in lowered or "expression(" in lowered:
        refuse("SVG tidak boleh memuat gaya dari luar (@import).")
    for target in URL_IN_STYLE.findall(css):
        if not _internal_or_image(target):
            refuse("SVG tidak boleh merujuk alamat lain di gayanya (url(…)); hanya #id atau gambar tertanam.")

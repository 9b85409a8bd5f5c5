"""Printer profiles: which printer a kiosk drives and how its ticket is drawn.

A profile is one TOML file (the shipped ones live in the `printer_profiles`
package). Every key is checked when the file is loaded, and also against the
python-escpos capability profile it names, because python-escpos itself doesn't:
a native QR code sent to a printer without one, or a cut sent to a printer
without a cutter, is silently dropped or printed as garbage.
"""

import codecs
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import _escpos

PACKAGE = "printer_profiles"
CONNECTION_TYPES = ("network", "usb", "serial", "file", "windows")
DOT_WIDTH_OF_FONT_A = 12  # dots per character of font A on every 203 dpi printer we support


class ProfileError(ValueError):
    """A printer profile that can't be used, naming the file and the key at fault."""

    def __init__(self, source: str, key: str | None, problem: str):
        self.source, self.key, self.problem = source, key, problem
        where = f"{source}: key '{key}'" if key else source
        super().__init__(f"{where}: {problem}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NetworkConnection(_Strict):
    type: Literal["network"]
    host: str = Field(min_length=1)
    port: int = Field(9100, ge=1, le=65535)


class UsbConnection(_Strict):
    type: Literal["usb"]
    vendor_id: int = Field(ge=0, le=0xFFFF)
    product_id: int = Field(ge=0, le=0xFFFF)
    in_ep: int = 0x82
    out_ep: int = 0x01


class SerialConnection(_Strict):
    type: Literal["serial"]
    device: str = Field(min_length=1, description='"COM3" on Windows, "/dev/ttyUSB0" on Linux')
    baudrate: int = 9600


class FileConnection(_Strict):
    type: Literal["file"]
    path: str = Field(min_length=1)


class WindowsConnection(_Strict):
    type: Literal["windows"]
    printer_name: str = Field(min_length=1, description="as in Windows' Printers & scanners")


Connection = Annotated[
    NetworkConnection | UsbConnection | SerialConnection | FileConnection | WindowsConnection,
    Field(discriminator="type"),
]


class BigNumber(_Strict):
    """How the ticket number is drawn: a Pillow image in a face with an open zero (the default),
    or the printer's own font magnified, whose zero is often slashed and reads as θ."""

    mode: Literal["text", "image"] = "image"
    width: int = Field(4, ge=1, le=8, description="text: character width multiplier (GS !)")
    height: int = Field(4, ge=1, le=8, description="text: character height multiplier (GS !)")
    height_px: int = Field(160, ge=24, le=480, description="image: height of the digits in dots")


class PrinterProfile(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    escpos_profile: str
    paper_mm: Literal[58, 80]
    chars_per_line: int = Field(ge=16, le=64)
    dots_per_line: int | None = Field(None, ge=256, le=832,
                                      description="only when the escpos profile doesn't know it")
    connection: Connection
    codepage: str = "CP437"
    big_number: BigNumber = BigNumber()
    qr: Literal["native", "image", "none"]
    qr_size: int = Field(6, ge=1, le=16, description="dots per QR module")
    cut: Literal["full", "partial", "none"]
    timeout_s: float = Field(3.0, gt=0, le=30)
    status_query: bool = Field(True, description="ask paper/online state around each job; "
                                                 "false for printers that never answer DLE EOT")

    @property
    def width_px(self) -> int:
        """Printable width in dots: 384 on 58 mm paper, 576 on 80 mm (at 203 dpi)."""
        if self.dots_per_line is not None:
            return self.dots_per_line
        return int(_escpos.capability(self.escpos_profile)["media"]["width"]["pixels"])


def list_profiles() -> list[str]:
    """Names of the shipped profiles, for a settings screen or `--printer` choices."""
    return sorted(entry.name.removesuffix(".toml") for entry in resources.files(PACKAGE).iterdir()
                  if entry.name.endswith(".toml"))


def load_profile(name_or_path: str | Path) -> PrinterProfile:
    """A shipped profile by bare name ("virtual") or any TOML file by path."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith(".toml") or re.search(r"[/\\]", text):
        path = Path(name_or_path)
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ProfileError(str(path), None, f"can't read the file ({error.strerror or error})") from None
        return parse_profile(content, str(path))
    resource = resources.files(PACKAGE) / f"{text}.toml"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", text) or not resource.is_file():
        raise ProfileError(text, None, f"no such printer profile; shipped: {', '.join(list_profiles())}")
    return parse_profile(resource.read_text(encoding="utf-8"), f"{PACKAGE}/{text}.toml")


def parse_profile(content: str, source: str = "<profile>") -> PrinterProfile:
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(source, None, f"not valid TOML: {error}") from None
    try:
        profile = PrinterProfile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = _key(first["loc"])
        if first["type"].startswith("union_tag"):
            key += ".type"
        raise ProfileError(source, key, _problem(first)) from None
    _check_against_escpos(profile, source)
    return profile


def _key(loc: tuple) -> str:
    # A discriminated union puts the chosen type in the path: connection.network.port
    parts = [str(part) for part in loc if part not in CONNECTION_TYPES]
    return ".".join(parts)


def _problem(error: dict) -> str:
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "is not a known key (typo?)"
    if error["type"] == "union_tag_invalid":
        return f"must be one of {', '.join(CONNECTION_TYPES)} (got {error['ctx']['tag']!r})"
    if error["type"] == "union_tag_not_found":
        return f"is required ({', '.join(CONNECTION_TYPES)})"
    return f"{error['msg']} (got {error['input']!r})"


def _check_against_escpos(profile: PrinterProfile, source: str) -> None:
    known = _escpos.capability_names()
    if profile.escpos_profile not in known:
        raise ProfileError(source, "escpos_profile",
                           f"python-escpos has no profile {profile.escpos_profile!r}; known: {', '.join(known)}")
    capability = _escpos.capability(profile.escpos_profile)
    features = capability.get("features", {})
    pixels = capability.get("media", {}).get("width", {}).get("pixels")
    if profile.dots_per_line is None and not isinstance(pixels, int):
        # escpos would then silently skip centring images; make the width explicit.
        raise ProfileError(source, "dots_per_line", f"required: escpos profile {profile.escpos_profile!r} "
                                                    "doesn't know the paper width (384 for 58 mm, 576 for 80 mm)")
    if profile.chars_per_line * DOT_WIDTH_OF_FONT_A > profile.width_px:
        raise ProfileError(source, "chars_per_line", f"{profile.chars_per_line} characters don't fit in "
                                                     f"{profile.width_px} dots (at most "
                                                     f"{profile.width_px // DOT_WIDTH_OF_FONT_A})")
    code_pages = {str(name).upper() for name in capability.get("codePages", {}).values()}
    if profile.codepage.upper() not in code_pages or not _python_codec(profile.codepage):
        usable = sorted(page for page in code_pages if _python_codec(page))
        raise ProfileError(source, "codepage", f"{profile.codepage!r} isn't a code page of "
                                               f"{profile.escpos_profile}; choose one of {', '.join(usable)}")
    if profile.qr == "native" and not features.get("qrCode"):
        raise ProfileError(source, "qr", f"{profile.escpos_profile} can't draw QR codes itself; use qr = \"image\"")
    if profile.cut != "none" and not (features.get("paperFullCut") or features.get("paperPartCut")):
        raise ProfileError(source, "cut", f"{profile.escpos_profile} has no cutter; use cut = \"none\"")


def _python_codec(codepage: str) -> bool:
    try:
        codecs.lookup(codepage)
    except LookupError:
        return False
    return True

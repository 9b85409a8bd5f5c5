"""What the citizen holds: the printed "0" is an open oval, and the cut follows the content.

Each ticket goes through the real bytes (`render`) and back to paper (`preview`), and the
pixels are measured: blank rows before the cut, and the ink inside the big number's zero.
"""

import pytest
from PIL import Image

from devtools.escpos_preview import preview
from kiosk.escpos_render import render
from kiosk.profiles import load_profile
from kiosk.ticket import build_ticket

from .samples import SITE, ticket

CUTTER_PROFILES = ["virtual", "epson-tm-t82-network", "epson-tm-t82-usb", "windows-printer"]
MAX_BLANK_BEFORE_CUT = 40  # dots (5 mm at 203 dpi); escpos' six-line feed left ~190


def _ink_rows(image: Image.Image) -> list[bool]:
    width = image.width
    data = image.tobytes()
    return [min(data[y * width:(y + 1) * width]) < 100 for y in range(image.height)]


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start, end) of each run of True, end exclusive."""
    runs, start = [], None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _cut_row(image: Image.Image) -> int:
    """The preview draws the cut as a grey dashed line."""
    width = image.width
    data = image.tobytes()
    return next(y for y in range(image.height) if 128 in data[y * width:(y + 1) * width])


@pytest.mark.parametrize("name", CUTTER_PROFILES)
def test_the_cut_follows_the_last_printed_line(name):
    profile = load_profile(name)
    paper = preview(render(build_ticket(ticket(code="A-100"), SITE), profile), profile.width_px).image
    cut = _cut_row(paper)
    last_ink = max(y for y, ink in enumerate(_ink_rows(paper)) if ink and y < cut)
    assert cut - last_ink - 1 <= MAX_BLANK_BEFORE_CUT


def _big_number_glyphs(paper: Image.Image) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The band of ink holding the big number "A-100" (tall, several glyphs; the QR is one block)."""
    for top, bottom in _runs(_ink_rows(paper)):
        if bottom - top < 60:
            continue
        band = paper.crop((0, top, paper.width, bottom))
        columns = [min(band.getpixel((x, y)) for y in range(band.height)) < 100 for x in range(band.width)]
        if len(_runs(columns)) >= 4:  # A - 1 0 0 (at 58 mm the A may touch the hyphen)
            return band, _runs(columns)
    raise AssertionError("no big number on the ticket")


@pytest.mark.parametrize("name", ["virtual", "pos58-usb", "epson-tm-t82-network"])
def test_the_big_zero_is_not_slashed(name):
    profile = load_profile(name)
    paper = preview(render(build_ticket(ticket(code="A-100"), SITE), profile), profile.width_px).image
    band, glyphs = _big_number_glyphs(paper)
    left, right = glyphs[-1]
    rows = [y for y in range(band.height) if min(band.getpixel((x, y)) for x in range(left, right)) < 100]
    zero = band.crop((left, rows[0], right, rows[-1] + 1))
    centre = zero.width // 2
    middle = range(zero.height // 3, 2 * zero.height // 3)
    assert all(zero.getpixel((x, y)) >= 100 for y in middle for x in (centre - 1, centre, centre + 1)), \
        "ink in the middle of the zero: a slash or a dot"

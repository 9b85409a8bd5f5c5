"""ESC/POS bytes of a ticket: what reaches the printer, read back command by command."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
import zxingcpp

from devtools.escpos_preview import preview, split_commands
from kiosk.escpos_render import render
from kiosk.profiles import load_profile
from kiosk.ticket import build_ticket

from .samples import SITE, STATUS_URL, ticket

ESC_INIT = b"\x1b@"
PARTIAL_CUT, FULL_CUT = b"\x1dVB\x00", b"\x1dVA\x00"  # GS V 66/65 0: feed to the cutter, cut

# A ticket that pushes every line to its limits: long names, long code, long priority.
LONG = ticket(code="DK-1234", agency_name="Badan Pelayanan Pajak dan Retribusi Daerah Provinsi Jawa Barat",
              service_name="Pengesahan STNK tahunan dan pembayaran Pajak Kendaraan Bermotor (PKB)",
              priority="disabilitas", priority_name="Penyandang disabilitas", ahead=128, est_wait_min=245)
LONG_SITE = {**SITE, "name": "Mal Pelayanan Publik Kabupaten Kepulauan Seribu Utara Bagian Barat"}


def with_big_number_text(name: str):
    profile = load_profile(name)
    big = {**profile.big_number.model_dump(), "mode": "text"}
    return profile.model_validate({**profile.model_dump(), "big_number": big})


PROFILES = {
    "virtual": load_profile("virtual"),  # 80 mm, native QR, partial cut
    "epson-tm-t82-network": load_profile("epson-tm-t82-network"),
    "pos58-usb": load_profile("pos58-usb"),  # 58 mm, QR as image, no cutter
    "pos58-big-number-text": with_big_number_text("pos58-usb"),
    "virtual-big-number-text": with_big_number_text("virtual"),
}


@pytest.fixture(params=sorted(PROFILES))
def profile(request):
    return PROFILES[request.param]


def commands_of(data: bytes) -> list[bytes]:
    commands, used = split_commands(data)
    assert used == len(data), "render() emitted an incomplete command"
    return commands


def test_starts_by_resetting_the_printer_and_choosing_the_code_page(profile):
    data = render(build_ticket(ticket(), SITE), profile)
    assert data.startswith(ESC_INIT + b"\x1bt\x00")  # ESC t 0: CP437 (not escpos' ESC t 52 on POS-5890)


def test_the_ticket_code_is_printed_big(profile):
    data = render(build_ticket(ticket(), SITE), profile)
    paper = preview(data, profile.width_px)
    if profile.big_number.mode == "text":
        assert b"A-007" in data
        line = next(line for line in paper.lines if line.text == "A-007")
        assert line.height == 24 * profile.big_number.height
    else:
        assert b"A-007" not in data  # drawn as an image
        assert b"\x1dv0" in data


def test_native_qr_carries_the_status_url_in_the_store_command():
    data = render(build_ticket(ticket(), SITE), PROFILES["virtual"])
    payload = STATUS_URL.encode()
    store = b"\x1d(k" + (len(payload) + 3).to_bytes(2, "little") + b"1P0" + payload
    assert store in data
    assert b"\x1d(k\x03\x001Q0" in data[data.index(store):]  # … and prints it


@pytest.mark.parametrize("name", ["virtual", "pos58-usb"])
def test_the_printed_qr_code_scans_to_the_status_url(name):
    profile = PROFILES[name]
    data = render(build_ticket(ticket(), SITE), profile)
    if profile.qr == "image":
        assert b"\x1d(k" not in data
    found = zxingcpp.read_barcodes(preview(data, profile.width_px).image)
    assert [barcode.text for barcode in found] == [STATUS_URL]


def test_no_qr_when_the_profile_says_none():
    profile = PROFILES["virtual"].model_copy(update={"qr": "none"})
    data = render(build_ticket(ticket(), SITE), profile)
    assert b"\x1d(k" not in data and STATUS_URL.encode() not in data


@pytest.mark.parametrize("name, cut", [("virtual", PARTIAL_CUT), ("pos58-usb", None)])
def test_ends_with_the_profiles_cut(name, cut):
    data = render(build_ticket(ticket(), SITE), PROFILES[name])
    commands = commands_of(data)
    if cut:
        assert commands[-1] == cut
    else:
        assert not [command for command in commands if command.startswith(b"\x1dV")]
        assert commands[-1].startswith(b"\x1bd")  # fed past the tear bar


def test_full_cut():
    profile = PROFILES["virtual"].model_copy(update={"cut": "full"})
    assert render(build_ticket(ticket(), SITE), profile).endswith(FULL_CUT)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("ticket_data, site", [(ticket(), SITE), (LONG, LONG_SITE)])
def test_every_line_fits_the_paper(profile, ticket_data, site, language):
    data = render(build_ticket(ticket_data, site, language), profile)
    paper = preview(data, profile.width_px)
    assert paper.image.width == profile.width_px
    for line in paper.lines:
        assert line.width <= profile.width_px, line
        if line.height == 24:  # normal size: counted in characters too
            assert len(line.text) <= profile.chars_per_line, line


def test_a_long_code_shrinks_instead_of_wrapping():
    profile = PROFILES["pos58-big-number-text"]
    paper = preview(render(build_ticket(LONG, LONG_SITE), profile), profile.width_px)
    big = [line for line in paper.lines if line.height > 24]
    assert [line.text for line in big] == ["DK-1234"]
    assert big[0].width <= profile.width_px


def test_the_priority_mark_is_printed_white_on_black():
    data = render(build_ticket(ticket(priority="lansia", priority_name="Lanjut usia"), SITE), PROFILES["virtual"])
    mark = data.index(b" PRIORITAS - Lanjut usia \n")
    assert data[:mark].endswith(b"\x1dB\x01")  # GS B 1: white on black
    assert b"\x1dB\x00" in data[mark:mark + 40]  # … and back to normal after it


@pytest.mark.parametrize("service_name, printed", [
    ("Izin usaha \u2013 \u201ckuliner\u201d", 'Izin usaha - "kuliner"'),  # typographic punctuation
    ("Legalisir ijazah S1 \u2713", "Legalisir ijazah S1 ?"),  # not in CP437 at all
    ("Paspor \U0001d538 Ãngel", "Paspor A Angel"),  # transliterated where CP437 lacks it
    ("Café ± 5 menit", "Café ± 5 menit"),  # CP437 has these: kept
    ("Injeksi \x1b@\x1dV\x00 perintah", "Injeksi ?@?V? perintah"),  # control bytes never pass through
])
def test_text_is_reduced_to_the_code_page(service_name, printed):
    data = render(build_ticket(ticket(service_name=service_name), SITE), PROFILES["virtual"])
    texts = [line.text for line in preview(data).lines]
    assert printed in texts
    assert data.count(b"\x1dV") == 1 and data.count(b"\x1b@") == 1


def test_same_layout_same_bytes(profile):
    layout = build_ticket(ticket(priority="lansia"), SITE)
    assert render(layout, profile) == render(layout, profile)


def test_58mm_header_wraps_and_the_time_goes_under_the_date():
    profile = PROFILES["pos58-usb"]
    texts = [line.text for line in preview(render(build_ticket(ticket(), SITE), profile), 384).lines]
    assert texts[:2] == ["MAL PELAYANAN PUBLIK KOTA", "HARAPAN JAYA"]
    assert "Senin, 23 November 2026" in texts and "09.00 WIB" in texts


@pytest.mark.parametrize("module, forbidden", [
    ("kiosk.ticket", {"escpos", "PySide6", "socket"}),  # the layout is plain Python
    ("kiosk.escpos_render", {"PySide6"}),
    ("kiosk.printers", {"PySide6"}),
])
def test_the_printing_stack_stays_out_of_qt(module, forbidden):
    """A fresh interpreter, so modules imported by other tests don't hide an import."""
    code = f"import sys, {module}; print(sorted({{name.split('.')[0] for name in sys.modules}}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert not forbidden & set(ast.literal_eval(result.stdout))


def test_escpos_caches_its_capabilities_in_the_user_cache_not_a_new_temp_dir():
    code = ("import kiosk.escpos_render, escpos.capabilities as c, os; "
            "print(c.pickle_dir == os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'], c.pickle_dir)")
    env = {key: value for key, value in os.environ.items() if key != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                            env=env)
    same, folder = result.stdout.split(maxsplit=1)
    assert same == "True"
    assert Path(folder.strip()).is_relative_to(platformdirs.user_cache_path("antrian-mpp", appauthor=False))


def test_importing_escpos_leaves_no_empty_folder_in_the_temp_dir(tmp_path):
    """python-escpos calls mkdtemp() at import even when its cache variable is set: one folder per process."""
    temp = tmp_path / "temp"
    temp.mkdir()
    subprocess.run([sys.executable, "-c", "import kiosk.escpos_render, tempfile; tempfile.mkdtemp"], check=True,
                   timeout=60, env={**os.environ, "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)})
    assert not list(temp.iterdir())

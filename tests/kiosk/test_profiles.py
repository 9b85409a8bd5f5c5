"""Printer profiles: the shipped ones load, and a broken one says which file and key is wrong."""

from pathlib import Path

import pytest

from kiosk.profiles import ProfileError, list_profiles, load_profile, parse_profile

SHIPPED = {"epson-tm-t82-network", "epson-tm-t82-usb", "pos58-usb", "virtual", "windows-printer"}


def test_the_shipped_profiles_are_listed():
    assert SHIPPED <= set(list_profiles())


@pytest.mark.parametrize("name", list_profiles())
def test_every_shipped_profile_loads_and_fits_its_paper(name):
    profile = load_profile(name)
    assert profile.name == name  # the name a kiosk's settings use is the file's
    assert profile.description
    assert profile.width_px == {58: 384, 80: 576}[profile.paper_mm]
    assert profile.chars_per_line == {58: 32, 80: 48}[profile.paper_mm]
    assert profile.timeout_s <= 3  # a dead printer must not freeze the kiosk for longer


@pytest.mark.parametrize("name, escpos_profile, connection, qr, cut", [
    ("epson-tm-t82-network", "TM-T20II", {"type": "network", "host": "192.168.1.50", "port": 9100},
     "native", "partial"),
    ("epson-tm-t82-usb", "TM-T20II", {"type": "usb", "vendor_id": 0x04B8, "product_id": 0x0202,
                                      "in_ep": 0x82, "out_ep": 0x01}, "native", "partial"),
    ("pos58-usb", "POS-5890", {"type": "usb", "vendor_id": 0x0416, "product_id": 0x5011,
                               "in_ep": 0x81, "out_ep": 0x03}, "image", "none"),
    ("virtual", "TM-T20II", {"type": "network", "host": "127.0.0.1", "port": 9100}, "native", "partial"),
    ("windows-printer", "TM-T20II", {"type": "windows", "printer_name": "EPSON TM-T82 Receipt"},
     "native", "partial"),
])
def test_shipped_profiles_describe_their_printer(name, escpos_profile, connection, qr, cut):
    profile = load_profile(name)
    assert profile.escpos_profile == escpos_profile
    assert profile.connection.model_dump() == connection
    assert (profile.qr, profile.cut, profile.codepage) == (qr, cut, "CP437")


def test_big_number_is_larger_on_80_mm():
    wide, narrow = load_profile("epson-tm-t82-network").big_number, load_profile("pos58-usb").big_number
    assert wide.mode == narrow.mode == "image"  # an open zero, whatever the printer's ROM font
    assert wide.height_px > narrow.height_px
    assert (wide.width, wide.height) == (6, 6) and (narrow.width, narrow.height) == (4, 4)


def test_load_by_path(tmp_path):
    copy = tmp_path / "kios-lantai-2.toml"
    copy.write_text(Path(__file__).parents[2].joinpath("printer_profiles", "virtual.toml").read_text("utf-8"),
                    encoding="utf-8")
    assert load_profile(copy).name == "virtual"
    assert load_profile(str(copy)).name == "virtual"


def test_an_unknown_name_lists_the_shipped_ones():
    with pytest.raises(ProfileError, match="no such printer profile; shipped: epson-tm-t82-network"):
        load_profile("tm-t99")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ProfileError, match="nope.toml: can't read the file"):
        load_profile(tmp_path / "nope.toml")


GOOD = """\
name = "test"
escpos_profile = "POS-5890"
paper_mm = 58
chars_per_line = 32
qr = "image"
cut = "none"

[connection]
type = "network"
host = "192.168.1.60"
"""


def test_the_minimal_profile_gets_sensible_defaults():
    profile = parse_profile(GOOD)
    assert (profile.timeout_s, profile.codepage, profile.qr_size, profile.status_query) == (3, "CP437", 6, True)
    assert profile.connection.port == 9100
    assert (profile.big_number.mode, profile.big_number.width) == ("image", 4)


@pytest.mark.parametrize("old, new, key, problem", [
    ('qr = "image"', 'qr = "nativ"', "qr", "'native', 'image' or 'none'"),
    ('host = "192.168.1.60"', 'host = "192.168.1.60"\nport = "abc"', "connection.port", "valid integer"),
    ('host = "192.168.1.60"', 'host = "192.168.1.60"\nport = 70000', "connection.port", "65535"),
    ('host = "192.168.1.60"', "", "connection.host", "is required"),
    ('type = "network"', 'type = "bluetooth"', "connection.type", "one of network, usb, serial, file, windows"),
    ('chars_per_line = 32', "", "chars_per_line", "is required"),
    ('cut = "none"', 'cut = "none"\ncolour = "black"', "colour", "not a known key"),
    ('cut = "none"', 'cut = "none"\ntimeout_s = 0', "timeout_s", "greater than 0"),
    ('cut = "none"', 'cut = "none"\n[big_number]\nwidth = 9', "big_number.width", "less than or equal to 8"),
    ('paper_mm = 58', "paper_mm = 76", "paper_mm", "58 or 80"),
    ('escpos_profile = "POS-5890"', 'escpos_profile = "TM-T82"', "escpos_profile", "no profile 'TM-T82'"),
    ('qr = "image"', 'qr = "native"', "qr", "can't draw QR codes itself"),
    ('cut = "none"', 'cut = "partial"', "cut", "has no cutter"),
    ('chars_per_line = 32', "chars_per_line = 48", "chars_per_line", "don't fit in 384 dots"),
    ('chars_per_line = 32', 'chars_per_line = 32\ncodepage = "CP999"', "codepage", "isn't a code page"),
    ('escpos_profile = "POS-5890"', 'escpos_profile = "default"', "dots_per_line", "doesn't know the paper width"),
])
def test_a_bad_profile_names_its_file_and_key(tmp_path, old, new, key, problem):
    assert old in GOOD
    path = tmp_path / "loket-rusak.toml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert error.value.key == key
    assert str(error.value).startswith(f"{path}: key '{key}': ")
    assert problem in error.value.problem


def test_the_default_escpos_profile_works_with_an_explicit_width():
    profile = parse_profile(GOOD.replace('escpos_profile = "POS-5890"', 'escpos_profile = "default"\n'
                                         'dots_per_line = 384'))
    assert profile.width_px == 384


def test_broken_toml_is_named(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text(GOOD.replace('qr = "image"', 'qr = "image'), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"typo\.toml: not valid TOML"):
        load_profile(path)

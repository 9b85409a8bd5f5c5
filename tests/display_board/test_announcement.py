"""The spoken sentence, case by case (DESIGN: Indonesian conventions)."""

import pytest

from display_board.announcement import (
    BadTicketCode,
    sentence,
    spoken_code,
    spoken_counter,
)


@pytest.mark.parametrize(("code", "counter", "expected"), [
    ("A-001", "loket satu", "Nomor antrean, a, satu, silakan menuju loket satu."),
    ("A-004", "loket satu", "Nomor antrean, a, empat, silakan menuju loket satu."),
    ("A-010", "loket dua", "Nomor antrean, a, sepuluh, silakan menuju loket dua."),
    ("A-011", "loket tiga", "Nomor antrean, a, sebelas, silakan menuju loket tiga."),
    ("A-100", "loket tiga", "Nomor antrean, a, seratus, silakan menuju loket tiga."),
    ("A-123", "loket tiga", "Nomor antrean, a, seratus dua puluh tiga, silakan menuju loket tiga."),
    ("A-999", "loket empat", "Nomor antrean, a, sembilan ratus sembilan puluh sembilan, silakan menuju loket empat."),
    ("DK-1000", "loket lima", "Nomor antrean, de, ka, seribu, silakan menuju loket lima."),
    ("Q-007", "Loket 12", "Nomor antrean, ki, tujuh, silakan menuju loket dua belas."),
    ("XZ-021", "Loket 3", "Nomor antrean, eks, zet, dua puluh satu, silakan menuju loket tiga."),
    ("B-002", "Loket 21 Samsat", "Nomor antrean, be, dua, silakan menuju loket dua puluh satu Samsat."),
    ("C-105", "Loket 100", "Nomor antrean, ce, seratus lima, silakan menuju loket seratus."),
])
def test_sentence(code, counter, expected):
    assert sentence(code, counter) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("a-001", "a, satu"), ("DK1000", "de, ka, seribu"), ("HJ-0", "ha, je, nol"), ("015", "lima belas"),
])
def test_spoken_code_tolerates_case_and_missing_dash(code, expected):
    assert spoken_code(code) == expected


@pytest.mark.parametrize("name", ["loket satu", "Loket 1"])
def test_counter_names_with_and_without_digits_say_the_same(name):
    assert spoken_counter(name) == "loket satu"


@pytest.mark.parametrize("code", ["", "A-", "A-1x", "—"])
def test_an_unsayable_code_is_refused(code):
    with pytest.raises(BadTicketCode):
        spoken_code(code)

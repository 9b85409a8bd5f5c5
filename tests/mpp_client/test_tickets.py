"""Ticket codes read once for every app: typed, printed and spoken codes agree."""

import pytest

from mpp_client.tickets import BadTicketCode, TicketCode, normalise_code, parse_code


@pytest.mark.parametrize(("text", "prefix", "number"), [
    ("A-007", "A", 7),
    ("a-7", "A", 7),
    ("a7", "A", 7),
    ("A 007", "A", 7),
    ("  b 12 ", "B", 12),
    ("DK1000", "DK", 1000),
    ("dk.3", "DK", 3),
    ("HJ-0", "HJ", 0),
    ("015", "", 15),
])
def test_codes_people_write_are_read(text, prefix, number):
    assert parse_code(text) == TicketCode(prefix, number)


@pytest.mark.parametrize("text", ["", "   ", None, "A-", "A", "-7x", "A-1x", "A--7", "7A", "A-7-B", "—", "Å-1", "A-٣"])
def test_what_is_not_a_code_is_refused(text):
    with pytest.raises(BadTicketCode):
        parse_code(text)


@pytest.mark.parametrize(("code", "written"), [
    (TicketCode("A", 7), "A-007"), (TicketCode("DK", 1000), "DK-1000"), (TicketCode("", 15), "015"),
])
def test_a_code_is_written_as_the_server_writes_it(code, written):
    assert str(code) == written


@pytest.mark.parametrize(("typed", "code"), [
    ("a7", "A-007"), ("A-007", "A-007"), ("b 12", "B-012"), ("DK3", "DK-003"),
    ("7", "7"), ("a-", "A-"), (" x1y ", "X1Y"),  # not a code: sent as typed, the server names the mistake
])
def test_typed_codes_are_normalised(typed, code):
    assert normalise_code(typed) == code

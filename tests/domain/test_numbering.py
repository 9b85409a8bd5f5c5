"""How a ticket's number reads: `A-007`, and back."""

import pytest

from server.domain.numbering import split_code, ticket_code


@pytest.mark.parametrize(
    "prefix, number, width, code",
    [
        ("A", 7, 3, "A-007"),
        ("A", 1, 3, "A-001"),
        ("A", 999, 3, "A-999"),
        ("A", 1000, 3, "A-1000"),  # wider than the width: never cut
        ("A", 123456, 3, "A-123456"),
        ("DK", 12, 3, "DK-012"),
        ("DK", 5, 4, "DK-0005"),
        ("B", 9, 1, "B-9"),
        ("B", 42, 1, "B-42"),
        ("SM2", 3, 2, "SM2-03"),
    ],
)
def test_ticket_code(prefix, number, width, code):
    assert ticket_code(prefix, number, width) == code


@pytest.mark.parametrize("number", [0, -1, -1000])
def test_ticket_numbers_start_at_one(number):
    with pytest.raises(ValueError, match="start at 1"):
        ticket_code("A", number, 3)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("A-007", ("A", 7)),
        ("A-1000", ("A", 1000)),
        ("DK-012", ("DK", 12)),
        ("dk-012", ("DK", 12)),  # officers type in lower case
        ("  A-7 ", ("A", 7)),
        ("SM2-03", ("SM2", 3)),
        ("A-0", ("A", 0)),
    ],
)
def test_split_code(code, expected):
    assert split_code(code) == expected


@pytest.mark.parametrize(
    "prefix, number, width",
    [("A", 7, 3), ("A", 1000, 3), ("DK", 12, 3), ("B", 1, 1), ("Q", 99999, 5), ("SM2", 3, 2)],
)
def test_split_code_round_trips_ticket_code(prefix, number, width):
    assert split_code(ticket_code(prefix, number, width)) == (prefix, number)


@pytest.mark.parametrize(
    "text",
    ["A007", "-7", "A-", "A-x", "", " ", "-", "A--7", "A-7a", "A-+7", "A- 7", "A-7.0", "A B-7", "x' OR 1=1 --",
     "A-7;", "🎫-1"],
)
def test_split_code_rejects(text):
    assert split_code(text) is None


@pytest.mark.parametrize("text", ["A-²", "A-¹²", "A-①"])
def test_split_code_rejects_digits_int_cannot_read(text):
    assert split_code(text) is None

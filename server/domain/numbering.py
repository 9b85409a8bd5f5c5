"""How a ticket's number reads: prefix, dash, the number padded to the queue's width."""


def ticket_code(prefix: str, number: int, width: int) -> str:
    """`A`, 7, 3 -> `A-007`; a number wider than the width is never cut (`A-1000`)."""
    if number < 1:
        raise ValueError("ticket numbers start at 1")
    return f"{prefix}-{number:0{width}d}"


def split_code(code: str) -> tuple[str, int] | None:
    """`A-007` -> ('A', 7); None when the text is not a ticket code."""
    prefix, dash, digits = code.strip().upper().rpartition("-")
    # isascii: str.isdigit() is also true for '²' and '①', which int() cannot read.
    if not dash or not prefix or not (digits.isascii() and digits.isdigit()) or not prefix.isalnum():
        return None
    return prefix, int(digits)

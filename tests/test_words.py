"""The shipped text follows KBBI: a grep of every string a citizen or operator can read.

Python files are read token by token (string literals only, so identifiers and comments
don't count); pages, scripts and site files line by line. The product name "Antrian MPP"
and file or folder names (`antrian.db`, `antrian-mpp`) are names, not words, and may stay.
"""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "kiosk", "display_board", "counter_client", "mpp_client", "printer_profiles")
SUFFIXES = {".py", ".html", ".js", ".toml"}

# Non-standard form → the KBBI form a person should read instead.
NON_STANDARD = {
    r"antrian(?![-_{*]|\.\w)": "antrean",  # not a file name: antrian.db, antrian-mpp
    r"silahkan": "silakan",
    r"rata2": "rata-rata",
    r"nomer": "nomor",
    r"ijin": "izin",
    r"antri": "antre",
}
PATTERN = re.compile("|".join(rf"\b(?:{form})\b" for form in NON_STANDARD), re.IGNORECASE)


def _python_strings(path: Path):
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            yield token.start[0], token.string


def _lines(path: Path):
    yield from enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)


def non_standard_words(root: Path = ROOT) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix not in SUFFIXES or "__pycache__" in path.parts:
                continue
            pieces = _python_strings(path) if path.suffix == ".py" else _lines(path)
            for line, piece in pieces:
                for match in PATTERN.finditer(piece):
                    if piece.startswith("Antrian MPP", match.start()):  # the product name, as written
                        continue
                    found.append(f"{path.relative_to(root)}:{line}: {match.group(0)!r}")
    return sorted(found)


def test_shipped_text_uses_kbbi_forms():
    assert non_standard_words() == []


def test_the_grep_finds_each_non_standard_form(tmp_path):
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "kiosk" / "t.py").write_text(
        'import antrian_x\n'
        'A = "Nomor antrian"\n'
        'B = "Silahkan tunggu, rata2 5 menit"\n'
        'C = f"Nomer {x} ijin"  # antrian in a comment is fine\n'
        'D = "Antrian MPP"; E = "antrian-mpp"; F = "antrian.db"\n'
        'G = ("Kios antrian MPP", "status antrian.")\n', encoding="utf-8")
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "p.html").write_text("<p>Status antrian</p>\n<title>Antrian MPP</title>\n")
    assert non_standard_words(tmp_path) == [
        "kiosk/t.py:2: 'antrian'", "kiosk/t.py:3: 'Silahkan'", "kiosk/t.py:3: 'rata2'",
        "kiosk/t.py:4: 'Nomer'", "kiosk/t.py:4: 'ijin'", "kiosk/t.py:6: 'antrian'", "kiosk/t.py:6: 'antrian'",
        "server/p.html:1: 'antrian'",
    ]

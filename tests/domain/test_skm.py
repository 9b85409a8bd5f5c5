"""The SKM rules (server/domain/skm.py) against PermenPANRB 14/2017's formula, computed by hand."""

from datetime import datetime
from fractions import Fraction

import pytest

from server.domain import skm
from server.domain.errors import Conflict, Invalid


def answer_sets(respondents: int, total: int) -> list[list[int]]:
    """`respondents` sets of nine answers whose answers add up to `total` (1s, then raised in turn)."""
    sets = [[1] * 9 for _ in range(respondents)]
    left = total - 9 * respondents
    for i in range(9):
        for r in range(respondents):
            step = min(3, left)
            sets[r][i] += step
            left -= step
    assert sum(map(sum, sets)) == total
    return sets


def figures(sets: list[list[int]]) -> dict:
    sums = [sum(s[i] for s in sets) for i in range(9)]
    return skm.index_figures(sums, len(sets))


def test_the_nine_elements_in_the_regulations_order_with_their_own_answers():
    names = [u.unsur for u in skm.UNSUR]
    assert names == ["Persyaratan", "Sistem, mekanisme dan prosedur", "Waktu penyelesaian", "Biaya/tarif",
                     "Produk spesifikasi jenis pelayanan", "Kompetensi pelaksana", "Perilaku pelaksana",
                     "Penanganan pengaduan, saran dan masukan", "Sarana dan prasarana"]
    form = skm.form()
    assert [q["n"] for q in form["questions"]] == list(range(1, 10))
    assert [o["label"] for o in form["questions"][0]["options"]] == ["Tidak sesuai", "Kurang sesuai", "Sesuai",
                                                                     "Sangat sesuai"]
    assert [o["label"] for o in form["questions"][3]["options"]][-1] == "Gratis"
    assert all(o["label_en"] for q in form["questions"] for o in q["options"])
    assert [f["name"] for f in form["respondent_fields"]] == ["gender", "age_group", "education", "occupation"]


def test_a_hand_computed_set():
    # Four respondents. Element sums: 13, 12, 10, 16, 12, 14, 15, 8, 11 → NRR 3.25, 3, 2.5, 4, 3, 3.5, 3.75, 2, 2.75
    sets = [[4, 3, 2, 4, 3, 4, 4, 2, 3],
            [3, 3, 3, 4, 3, 3, 4, 2, 3],
            [3, 3, 2, 4, 3, 3, 3, 2, 2],
            [3, 3, 3, 4, 3, 4, 4, 2, 3]]
    got = figures(sets)
    assert got["nrr"] == [3.25, 3.0, 2.5, 4.0, 3.0, 3.5, 3.75, 2.0, 2.75]
    # Σ NRR = 27.75; 27.75 / 9 × 25 = 77.0833… → 77.08, "Baik"
    assert got["ikm"] == 77.08 and got["category"] == "B" and got["grade"] == "Baik"
    assert skm.ikm(skm.nrr(sets)) == Fraction(2775, 36)
    # below 76.61 once × 25: 3 → 75, 2.5 → 62.5, 2 → 50, 2.75 → 68.75
    assert skm.weak(got["nrr"]) == [2, 3, 5, 8, 9]


def test_nrr_shown_with_three_decimals_half_up():
    # Element 1 of three respondents: 4 + 4 + 3 = 11 → 3.6666… → 3.667
    assert skm.index_figures([11] + [9] * 8, 3)["nrr"][0] == 3.667


@pytest.mark.parametrize("respondents, total, ikm, letter", [
    (5, 117, 65.00, "C"),            # mean 2.6 → 65.00: the lowest "Kurang Baik"
    (2500, 58491, 64.99, "D"),       # mean 2.5996 → 64.99: "Tidak Baik"
    (125, 3447, 76.60, "C"),         # mean 3.064 → 76.60: still "Kurang Baik"
    (2500, 68949, 76.61, "B"),       # mean 3.0644 → 76.61: "Baik"
    (5000, 137889, 76.61, "B"),      # 76.605 exactly: half-up to 76.61, "Baik"
    (250, 7947, 88.30, "B"),         # mean 3.532 → 88.30: still "Baik"
    (2500, 79479, 88.31, "A"),       # mean 3.5324 → 88.31: "Sangat Baik"
    (1, 36, 100.00, "A"),
    (1, 9, 25.00, "D"),
])
def test_category_boundaries(respondents, total, ikm, letter):
    got = figures(answer_sets(respondents, total))
    assert got["ikm"] == ikm
    assert got["category"] == letter
    assert got["grade"] == skm.GRADES[letter]


def test_no_answers_no_index():
    assert skm.index_figures([0] * 9, 0) == {"nrr": None, "ikm": None, "category": None, "grade": None}


@pytest.mark.parametrize("population, minimum", [(100, 80), (1000, 278), (10000, 370), (0, 0), (1, 1), (10, 10)])
def test_krejcie_morgan_minimum_sample(population, minimum):
    assert skm.min_sample(population) == minimum


@pytest.mark.parametrize("answers", [None, [], [3] * 8, [3] * 10, [3] * 8 + [5], [3] * 8 + [0], [3] * 8 + ["3"],
                                     [3] * 8 + [True], [3] * 8 + [None], [3] * 8 + [2.5]])
def test_wrong_answers_refused(answers):
    with pytest.raises(Invalid) as refused:
        skm.check_answers(answers, None, None)
    assert refused.value.code == "wrong_answers"


def test_the_message_names_the_unanswered_questions():
    with pytest.raises(Invalid, match="nomor 2, 9"):
        skm.check_answers([3, None, 3, 3, 3, 3, 3, 3, 0], None, None)


def test_profile_optional_and_checked():
    assert skm.check_answers([4] * 9, "  ", None) == ([4] * 9, None, {})
    assert skm.check_answers([4] * 9, "Bagus", {"gender": "P", "education": ""})[2] == {"gender": "P"}
    for bad in ({"gender": "X"}, {"nik": "123"}, "P"):
        with pytest.raises(Invalid):
            skm.check_answers([4] * 9, None, bad)
    with pytest.raises(Invalid):
        skm.check_answers([4] * 9, "x" * 1001, None)


NOW = datetime.fromisoformat("2026-11-30T09:00:00+07:00")


@pytest.mark.parametrize("status, finished, answered, code", [
    ("waiting", None, False, "not_served"),
    ("no_show", "2026-11-30T08:00:00.000+07:00", False, "not_served"),
    ("done", "2026-11-29T08:00:00.000+07:00", True, "already_answered"),
    ("done", "2026-11-23T08:59:59.000+07:00", False, "expired"),
])
def test_who_may_answer(status, finished, answered, code):
    with pytest.raises(Conflict) as refused:
        skm.check_open(status, finished, answered, NOW)
    assert refused.value.code == code


def test_open_for_seven_days_after_done():
    skm.check_open("done", "2026-11-23T09:00:00.000+07:00", False, NOW)  # exactly 7 days: still open


def test_the_boards_line_writes_the_ikm_with_the_decimal_comma_and_the_month_in_indonesian():
    figures = skm.index_figures([766] * 9, 225)  # NRR 3.404… → IKM 85.11
    assert skm.board_text("2026-10", figures) == "Indeks Kepuasan Masyarakat bulan Oktober 2026: 85,11 (B, Baik)"
    assert skm.board_text("2027-01", {"ikm": 100.0, "category": "A", "grade": "Sangat Baik"}).endswith(
        "Januari 2027: 100,00 (A, Sangat Baik)")

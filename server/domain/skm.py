"""Survei Kepuasan Masyarakat (SKM) as PermenPANRB 14/2017 asks: the nine elements (unsur) with the
four answers of the regulation's sample questionnaire, the index (IKM), its category, the minimum
sample (Krejcie–Morgan), who may answer and when.

Arithmetic: exact fractions throughout; only what is shown is rounded, half-up as the regulation's
tables round (NRR to three decimals, IKM to two). So IKM = mean of the exact NRR × 25, and the
category is read from the IKM as shown (76.605 shows 76.61: "Baik"), since the boundaries are
written with two decimals.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .errors import Conflict, Invalid


@dataclass(frozen=True)
class Unsur:
    n: int
    unsur: str
    unsur_en: str
    text: str
    text_en: str
    labels: tuple[str, str, str, str]  # answers 1..4
    labels_en: tuple[str, str, str, str]


# Lampiran PermenPANRB 14/2017, the sample questionnaire, in its order.
UNSUR = (
    Unsur(1, "Persyaratan", "Requirements",
          "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
          "How well do the service's requirements fit the service?",
          ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
          ("Not suitable", "Less suitable", "Suitable", "Very suitable")),
    Unsur(2, "Sistem, mekanisme dan prosedur", "System, mechanism and procedure",
          "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
          "How easy was the service's procedure here?",
          ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
          ("Not easy", "Less easy", "Easy", "Very easy")),
    Unsur(3, "Waktu penyelesaian", "Completion time",
          "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
          "How fast was the service?",
          ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
          ("Not fast", "Less fast", "Fast", "Very fast")),
    Unsur(4, "Biaya/tarif", "Cost/fee",
          "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
          "How fair was the cost or fee of the service?",
          ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
          ("Very expensive", "Rather expensive", "Cheap", "Free")),
    Unsur(5, "Produk spesifikasi jenis pelayanan", "Product of the service",
          "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
          "pelayanan dengan hasil yang diberikan?",
          "How well does what you received match the service standard?",
          ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
          ("Not suitable", "Less suitable", "Suitable", "Very suitable")),
    Unsur(6, "Kompetensi pelaksana", "Competence of the staff",
          "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
          "How competent was the officer?",
          ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
          ("Not competent", "Less competent", "Competent", "Very competent")),
    Unsur(7, "Perilaku pelaksana", "Conduct of the staff",
          "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
          "How polite and friendly was the officer?",
          ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
          ("Not polite and friendly", "Less polite and friendly", "Polite and friendly",
           "Very polite and friendly")),
    Unsur(8, "Penanganan pengaduan, saran dan masukan", "Handling of complaints and suggestions",
          "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
          "How are complaints of the service's users handled?",
          ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
          ("None", "Exists but does not work", "Works, not fully", "Well managed")),
    Unsur(9, "Sarana dan prasarana", "Facilities and infrastructure",
          "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
          "How good are the facilities?",
          ("Buruk", "Cukup", "Baik", "Sangat baik"),
          ("Poor", "Fair", "Good", "Very good")),
)
COUNT = len(UNSUR)

# The respondent's profile, each optional: {field: [(value, Indonesian, English)]}.
RESPONDENT_FIELDS = {
    "gender": ("Jenis kelamin", "Gender", (("L", "Laki-laki", "Male"), ("P", "Perempuan", "Female"))),
    "age_group": ("Usia", "Age", (("<20", "Di bawah 20 tahun", "Under 20"), ("20-29", "20–29 tahun", "20–29"),
                                  ("30-39", "30–39 tahun", "30–39"), ("40-49", "40–49 tahun", "40–49"),
                                  ("50-59", "50–59 tahun", "50–59"), ("60+", "60 tahun ke atas", "60 and over"))),
    "education": ("Pendidikan", "Education", (("SD", "SD ke bawah", "Primary or less"), ("SMP", "SMP", "Junior high"),
                                              ("SMA", "SMA/SMK", "Senior high"), ("D", "D1–D4", "Diploma"),
                                              ("S1", "S1", "Bachelor"), ("S2", "S2 ke atas", "Master or higher"))),
    "occupation": ("Pekerjaan", "Occupation", (("PNS", "PNS", "Civil servant"), ("TNI", "TNI", "Military"),
                                               ("POLRI", "POLRI", "Police"), ("SWASTA", "Swasta", "Private employee"),
                                               ("WIRAUSAHA", "Wirausaha", "Self-employed"),
                                               ("LAINNYA", "Lainnya", "Other"))),
}

ANSWER_DAYS = 7  # answers open for a week after the service
COMMENT_MAX = 1000
MIN_FOR_OFFICER = 10  # an officer sees their own figures from this many answers: no answer is traceable

# (letter, mutu pelayanan, lowest IKM) from the best down; the regulation's conversion table.
CATEGORIES = (("A", "Sangat Baik", Decimal("88.31")), ("B", "Baik", Decimal("76.61")),
              ("C", "Kurang Baik", Decimal("65.00")), ("D", "Tidak Baik", Decimal("25.00")))
GRADES = {letter: grade for letter, grade, _ in CATEGORIES}
GRADES_EN = {"A": "Very good", "B": "Good", "C": "Poor", "D": "Very poor"}

# Krejcie–Morgan, with the regulation's constants
CHI_SQUARE = Fraction("3.841")
P = Q = Fraction(1, 2)
MARGIN = Fraction(5, 100)


def form() -> dict:
    """The questionnaire as `GET /api/skm/form` gives it."""
    return {
        "questions": [{"n": u.n, "unsur": u.unsur, "unsur_en": u.unsur_en, "text": u.text, "text_en": u.text_en,
                       "options": [{"value": v, "label": label, "label_en": label_en}
                                   for v, (label, label_en) in enumerate(zip(u.labels, u.labels_en), start=1)]}
                      for u in UNSUR],
        "respondent_fields": [{"name": name, "label": label, "label_en": label_en,
                               "options": [{"value": v, "label": t, "label_en": e} for v, t, e in options]}
                              for name, (label, label_en, options) in RESPONDENT_FIELDS.items()],
        "answer_days": ANSWER_DAYS,
    }


# ---------------------------------------------------------------- the index


def half_up(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def nrr(answer_sets: list[list[int]]) -> list[Fraction] | None:
    """Nilai rata-rata per element: the mean of its answers (exact); None without answers."""
    if not answer_sets:
        return None
    return [Fraction(sum(a[i] for a in answer_sets), len(answer_sets)) for i in range(COUNT)]


def ikm(nrrs: list[Fraction]) -> Fraction:
    """IKM = (Σ NRR × 1/9) × 25 (exact)."""
    return sum(nrrs, Fraction(0)) / COUNT * 25


def category(index: Decimal | Fraction | float) -> str:
    """The letter of an IKM as shown (two decimals, half-up): A 88.31–100, B 76.61–88.30, C 65.00–76.60,
    D 25.00–64.99."""
    shown = index if isinstance(index, Decimal) else half_up(Fraction(index), 2)
    for letter, _, lowest in CATEGORIES:
        if shown >= lowest:
            return letter
    return "D"


def index_figures(nrr_sums: list[int], respondents: int) -> dict:
    """{"nrr": [9 × 3 decimals], "ikm": 2 decimals, "category", "grade"} from the sums of each element's
    answers; all None without respondents."""
    if respondents == 0:
        return {"nrr": None, "ikm": None, "category": None, "grade": None}
    exact = [Fraction(total, respondents) for total in nrr_sums]
    shown = half_up(ikm(exact), 2)
    letter = category(shown)
    return {"nrr": [float(half_up(v, 3)) for v in exact], "ikm": float(shown), "category": letter,
            "grade": GRADES[letter]}


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def month_name(month: str) -> str:
    """"2026-10" → "Oktober 2026"."""
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def board_text(month: str, figures: dict) -> str:
    """The line the boards' running text carries: "Indeks Kepuasan Masyarakat bulan Oktober 2026: 85,12
    (B, Baik)", the decimal comma as Indonesian writes it (an IKM is at most 100: no thousands)."""
    shown = f"{figures['ikm']:.2f}".replace(".", ",")
    return (f"Indeks Kepuasan Masyarakat bulan {month_name(month)}: {shown} "
            f"({figures['category']}, {figures['grade']})")


def weak(nrr_values: list[float] | None) -> list[int]:
    """The elements whose NRR × 25 falls below "Baik" (C or D): the ones a follow-up plan is for."""
    if not nrr_values:
        return []
    return [i + 1 for i, v in enumerate(nrr_values) if category(Fraction(str(v)) * 25) in ("C", "D")]


def min_sample(population: int) -> int:
    """Krejcie–Morgan: S = λ²NPQ / (d²(N−1) + λ²PQ), rounded up (a minimum); N = 0 → 0."""
    if population <= 0:
        return 0
    size = CHI_SQUARE * population * P * Q / (MARGIN ** 2 * (population - 1) + CHI_SQUARE * P * Q)
    return math.ceil(size)


# ---------------------------------------------------------------- an answer


def check_answers(answers, comment, respondent) -> tuple[list[int], str | None, dict]:
    """The answers as stored, or 422 with a message a citizen understands."""
    if not isinstance(answers, list) or len(answers) != COUNT:
        raise Invalid(f"Jawab kesembilan pertanyaan (answers: {COUNT} angka 1–4).", code="wrong_answers")
    missing = [str(i + 1) for i, a in enumerate(answers)
               if isinstance(a, bool) or not isinstance(a, int) or not 1 <= a <= 4]
    if missing:
        raise Invalid(f"Pilih satu jawaban (1–4) untuk pertanyaan nomor {', '.join(missing)}.",
                      code="wrong_answers", questions=[int(n) for n in missing])
    if comment is not None and not isinstance(comment, str):
        raise Invalid("Saran harus berupa teks.", code="wrong_answers")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise Invalid(f"Saran paling panjang {COMMENT_MAX} huruf.", code="wrong_answers")
    profile = {}
    if respondent is not None:
        if not isinstance(respondent, dict):
            raise Invalid("Data responden tidak valid.", code="wrong_answers")
        for name, value in respondent.items():
            if name not in RESPONDENT_FIELDS:
                raise Invalid(f"Data responden {name!r} tidak dikenal.", code="wrong_answers")
            if value in (None, ""):
                continue
            label, _, options = RESPONDENT_FIELDS[name]
            if value not in [v for v, _, _ in options]:
                raise Invalid(f"Pilihan {label.lower()} tidak dikenal.", code="wrong_answers")
            profile[name] = value
    return list(answers), comment, profile


def check_open(status: str, finished_at: str | None, answered: bool, now: datetime) -> None:
    """A ticket may be answered for once it was served, for ANSWER_DAYS after."""
    if status != "done" or finished_at is None:
        raise Conflict("Survei hanya dapat diisi setelah Anda selesai dilayani.", code="not_served")
    if answered:
        raise Conflict("Survei untuk tiket ini sudah diisi. Terima kasih.", code="already_answered")
    if now > closes_at(finished_at):
        raise Conflict(f"Survei hanya dapat diisi sampai {ANSWER_DAYS} hari setelah pelayanan.", code="expired")


def closes_at(finished_at: str) -> datetime:
    return datetime.fromisoformat(finished_at) + timedelta(days=ANSWER_DAYS)

"""The SKM poster for the hall wall (A4 portrait PDF, fpdf2): the unit, the period, the IKM and its
category, each unsur's NRR as a bar, respondents against the minimum sample, as PermenPANRB 14/2017
asks units to publish. The core PDF fonts only: nothing to ship, nothing from the internet."""

from datetime import date

from fpdf import FPDF

from ..domain import skm as rule

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
BRAND = (11, 79, 138)
INK = (23, 32, 46)


def _day(text: str) -> str:
    d = date.fromisoformat(text)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _latin(text: str) -> str:
    """The core fonts are Latin-1: dashes and quotes from other code pages become their ASCII kin."""
    return (text.replace("–", "-").replace("—", "-").replace("’", "'").replace("“", '"').replace("”", '"')
            .encode("latin-1", "replace").decode("latin-1"))


def poster(figures: dict, unit: str, site_name: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_fill_color(*BRAND)
    pdf.rect(0, 0, 210, 42, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 22)
    pdf.set_xy(15, 10)
    pdf.cell(180, 10, "INDEKS KEPUASAN MASYARAKAT", align="C")
    pdf.set_font("Helvetica", "", 13)
    pdf.set_xy(15, 22)
    pdf.cell(180, 8, _latin(unit), align="C")
    pdf.set_xy(15, 30)
    pdf.cell(180, 8, _latin(f"Periode {_day(figures['from'])} - {_day(figures['to'])}"), align="C")

    pdf.set_text_color(*INK)
    pdf.set_xy(15, 52)
    pdf.set_font("Helvetica", "B", 60)
    ikm = "-" if figures["ikm"] is None else f"{figures['ikm']:.2f}".replace(".", ",")
    pdf.cell(180, 26, ikm, align="C")
    pdf.set_xy(15, 80)
    pdf.set_font("Helvetica", "B", 18)
    grade = "Belum ada jawaban" if figures["category"] is None else \
        f"Mutu pelayanan {figures['category']} ({figures['grade']})"
    pdf.cell(180, 10, grade, align="C")
    pdf.set_xy(15, 91)
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(180, 7, _latin(f"{figures['respondents']} responden; sampel minimum {figures['min_respondents']} "
                            f"dari {figures['population']} pengunjung dilayani"), align="C")

    top = 108
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_xy(15, top)
    pdf.cell(180, 8, "Nilai per unsur pelayanan (skala 1-4)")
    for i, unsur in enumerate(rule.UNSUR):
        y = top + 12 + i * 17
        value = figures["nrr"][i] if figures["nrr"] else None
        pdf.set_font("Helvetica", "", 11)
        pdf.set_xy(15, y)
        pdf.cell(180, 6, _latin(f"U{unsur.n}  {unsur.unsur}"))
        pdf.set_fill_color(228, 233, 240)
        pdf.rect(15, y + 7, 150, 6, style="F")
        if value is not None:
            pdf.set_fill_color(*BRAND)
            pdf.rect(15, y + 7, 150 * value / 4, 6, style="F")
        pdf.set_xy(168, y + 6)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(27, 8, "-" if value is None else f"{value:.3f}".replace(".", ","), align="R")
    pdf.set_xy(15, 278)
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(180, 5, _latin(f"{site_name} - Survei Kepuasan Masyarakat menurut PermenPANRB Nomor 14 Tahun 2017"),
             align="C")
    return bytes(pdf.output())

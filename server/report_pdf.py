"""The monthly report for the Pemda as a PDF (`GET /api/reports/monthly.pdf`), in Indonesian: site
and period, totals against the month before, a table per agency, and two charts drawn with fpdf2's
own lines and rectangles (no plotting library, no system library: it runs as well on Windows).
The core Helvetica font covers the Latin text Indonesian needs; what it cannot show becomes "?"."""

from datetime import date, datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from fpdf import FPDF, XPos, YPos

from .domain.report_words import DEFINITIONS, no_show_pct

LOCALE = "id"
INK, GRID, BAR, BAR_BEFORE = (33, 37, 41), (200, 200, 200), (31, 119, 180), (174, 199, 232)
# Figures compared with the month before: (field, name, kind). A rate's difference is in points.
COMPARED = (
    ("issued", "Tiket diambil", "count"),
    ("served", "Dilayani", "count"),
    ("no_show", "Tidak hadir", "count"),
    ("cancelled", "Dibatalkan", "count"),
    ("wait_mean_min", "Rata-rata waktu tunggu (menit)", "minutes"),
    ("wait_p90_min", "Waktu tunggu p90 (menit)", "minutes"),
    ("service_mean_min", "Rata-rata waktu layanan (menit)", "minutes"),
    ("service_level_pct", "Tingkat layanan (%)", "pct"),
    ("no_show_pct", "Tingkat tidak hadir (%)", "pct"),
)


def number(value, kind: str = "count") -> str:
    """1234 → "1.234", 12.5 → "12,5" (Babel, Indonesian); None → "-"."""
    if value is None:
        return "-"
    return format_decimal(value, format="#,##0" if kind == "count" else "#,##0.0", locale=LOCALE)


def change(now, before, kind: str) -> tuple[str, str]:
    """(difference, change in %) from the month before: "+120", "+5,2%"; a rate's difference in points."""
    if now is None or before is None:
        return "-", "-"
    diff = now - before
    sign = "+" if diff > 0 else ""
    if kind == "pct":
        return f"{sign}{number(round(diff, 1), 'pct')} poin", "-"
    text = f"{sign}{number(round(diff, 1) if kind != 'count' else diff, kind)}"
    if not before:
        return text, "-"
    pct = round(100 * diff / before, 1)
    return text, f"{'+' if pct > 0 else ''}{number(pct, 'pct')}%"


class _Pdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, _latin(f"{self.footer_text} - halaman {self.page_no()}/{{nb}}"), align="C")


def _latin(text: str) -> str:
    """What the core font can show (Latin-1): dashes become "-", anything else "?"."""
    return text.replace("\u2013", "-").replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")


def monthly_report(site_name: str, address: str | None, agency_name: str | None, made_at: datetime,
                   by_agency: dict, by_hour: dict, before: dict, short_names: dict[str, str] | None = None) -> bytes:
    """The PDF's bytes. `by_agency`, `by_hour`: the month's summaries grouped so; `before`: the month
    before's, by agency; `short_names`: how an agency is named in the charts."""
    short_names = short_names or {}
    first = date.fromisoformat(by_agency["from"])
    period = format_date(first, "MMMM y", locale=LOCALE)
    previous = format_date(date.fromisoformat(before["from"]), "MMMM y", locale=LOCALE)
    pdf = _Pdf(format="A4")
    pdf.footer_text = f"{site_name} - laporan {period}"
    pdf.set_title(f"Laporan bulanan {site_name} {period}")
    pdf.set_author(site_name)
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_text_color(*INK)

    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 7, _latin(f"Laporan Bulanan Pelayanan {site_name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    if address:
        pdf.multi_cell(0, 5, _latin(address), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, _latin(f"Periode: {period}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 5, _latin(f"Instansi: {agency_name or 'semua instansi'}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    made = (f"{format_date(made_at.date(), 'd MMMM y', locale=LOCALE)} "
            f"pukul {format_time(made_at, 'HH.mm', locale=LOCALE)}")
    pdf.cell(0, 5, _latin(f"Dibuat: {made}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    totals, totals_before = dict(by_agency["totals"]), dict(before["totals"])
    totals["no_show_pct"], totals_before["no_show_pct"] = no_show_pct(totals), no_show_pct(totals_before)
    _heading(pdf, f"Ringkasan dan perbandingan dengan {previous}")
    rows = [["Angka", period, previous, "Selisih", "Perubahan"]]
    for field, name, kind in COMPARED:
        now, then = totals.get(field), totals_before.get(field)
        rows.append([name, number(now, kind), number(then, kind), *change(now, then, kind)])
    _table(pdf, rows, (70, 28, 28, 32, 22))
    busiest = totals.get("busiest_hour")
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(0, 5, _latin(f"Jam tersibuk: {f'{busiest:02d}.00-{busiest + 1:02d}.00' if busiest is not None else '-'}"
                          f"; tiket prioritas: {number(totals.get('priority_pct'), 'pct')}%"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    _heading(pdf, "Per instansi")
    earlier = {row["key"]: row for row in before["rows"]}
    rows = [["Instansi", "Diambil", "Dilayani", "Tidak hadir", "Tunggu rata-rata (menit)", "Tingkat layanan (%)",
             f"Diambil {previous}", "Perubahan diambil"]]
    for row in by_agency["rows"]:
        then = earlier.get(row["key"], {}).get("issued", 0)
        rows.append([row["label"], number(row["issued"]), number(row["served"]), number(row["no_show"]),
                     number(row["wait_mean_min"], "minutes"), number(row["service_level_pct"], "pct"),
                     number(then), change(row["issued"], then, "count")[1]])
    _table(pdf, rows, (58, 16, 17, 16, 22, 20, 21, 20))
    pdf.ln(3)

    _heading(pdf, "Volume tiket per instansi", room=6 * len(by_agency["rows"]) + 3)
    _agency_bars(pdf, [(short_names.get(r["key"], r["label"]), r["issued"]) for r in by_agency["rows"]])
    _heading(pdf, "Kedatangan per jam (tiket diambil)", room=70)
    _hour_bars(pdf, [(int(r["key"]), r["issued"]) for r in by_hour["rows"] if r["key"] is not None])

    _heading(pdf, "Definisi")
    pdf.set_font("Helvetica", "", 8)
    for name, text in DEFINITIONS:
        pdf.multi_cell(0, 4, _latin(f"{name}: {text}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str, room: float = 30) -> None:
    """A section's title, on a new page when what follows (`room` mm) would not fit under it."""
    if pdf.get_y() + 7 + room > pdf.h - 20:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, rows: list[list[str]], widths: tuple) -> None:
    pdf.set_font("Helvetica", "", 8)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=4.5,
                   text_align=("LEFT", *("RIGHT" for _ in widths[1:])),
                   headings_style=_heading_style()) as table:
        for cells in rows:
            line = table.row()
            for text in cells:
                line.cell(_latin(str(text)))


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(221, 235, 247))


def _agency_bars(pdf: FPDF, bars: list[tuple[str, int]]) -> None:
    """Horizontal bars, one per agency, its count at the end."""
    if not bars:
        _nothing(pdf)
        return
    label_w, bar_w, step = 55, 105, 6
    top, most = pdf.get_y(), max(n for _, n in bars) or 1
    pdf.set_font("Helvetica", "", 7)
    for i, (name, count) in enumerate(bars):
        y = top + i * step
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, step - 1, _latin(name[:40]), align="R")
        pdf.set_fill_color(*BAR)
        width = bar_w * count / most
        if width > 0:
            pdf.rect(pdf.l_margin + label_w + 2, y + 0.5, width, step - 2, style="F")
        pdf.set_xy(pdf.l_margin + label_w + 3 + width, y)
        pdf.cell(20, step - 1, number(count))
    pdf.set_xy(pdf.l_margin, top + step * len(bars) + 3)


def _hour_bars(pdf: FPDF, bars: list[tuple[int, int]]) -> None:
    """Vertical bars over the hours of the day that had tickets, with a light grid."""
    if not bars:
        _nothing(pdf)
        return
    counts = dict(bars)
    hours = list(range(min(counts), max(counts) + 1))
    height, width = 50, 170
    left, top = pdf.l_margin + 12, pdf.get_y() + 4
    most = max(counts.values()) or 1
    slot = width / len(hours)
    pdf.set_draw_color(*GRID)
    pdf.set_font("Helvetica", "", 6)
    for step in range(5):  # grid lines at 0, 25, 50, 75, 100% of the busiest hour
        y = top + height - height * step / 4
        pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(11, 4, number(round(most * step / 4)), align="R")
    pdf.set_fill_color(*BAR)
    pdf.set_font("Helvetica", "", 7)
    for i, hour in enumerate(hours):
        count = counts.get(hour, 0)
        bar = height * count / most
        x = left + i * slot + slot * 0.15
        if bar > 0:
            pdf.rect(x, top + height - bar, slot * 0.7, bar, style="F")
        pdf.set_xy(left + i * slot, top + height - bar - 4)
        pdf.cell(slot, 4, number(count), align="C")
        pdf.set_xy(left + i * slot, top + height + 1)
        pdf.cell(slot, 4, f"{hour:02d}.00", align="C")
    pdf.set_xy(pdf.l_margin, top + height + 8)


def _nothing(pdf: FPDF) -> None:
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 5, "Tidak ada tiket pada periode ini.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)

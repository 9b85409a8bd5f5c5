"""The reports' words in Indonesian, for the files a Pemda reads (XLSX, PDF): one list of figures,
their headers and units, and the definitions: the report page's (`reports.DEFINITIONS_ID`, one text
for the page, the API description and the files) with the no-show rate and the units added."""

from .reports import DEFINITIONS_ID

# The figures of a summary row, in the order the files show them: (field, header, kind); the headers
# are the report page's (/manage/reports), so the files and the page name a figure alike.
# kind: "count" (whole number), "minutes" (one decimal), "pct" (one decimal), "hour" (0–23).
FIGURES = (
    ("issued", "Diambil", "count"),
    ("served", "Dilayani", "count"),
    ("no_show", "Tidak hadir", "count"),
    ("cancelled", "Dibatalkan", "count"),
    ("transferred_out", "Dialihkan", "count"),
    ("called", "Dipanggil", "count"),
    ("wait_mean_min", "Tunggu rata-rata (menit)", "minutes"),
    ("wait_median_min", "Tunggu median (menit)", "minutes"),
    ("wait_p90_min", "Tunggu p90 (menit)", "minutes"),
    ("service_mean_min", "Layanan rata-rata (menit)", "minutes"),
    ("service_p90_min", "Layanan p90 (menit)", "minutes"),
    ("service_level_pct", "Tingkat layanan (%)", "pct"),
    ("priority_pct", "Prioritas (%)", "pct"),
    ("busiest_hour", "Jam tersibuk", "hour"),
)

# Per grouping: the sheet's name and the header of its key column.
GROUPS = {
    "agency": ("Per instansi", "Instansi"),
    "service": ("Per layanan", "Layanan"),
    "counter": ("Per loket", "Loket"),
    "officer": ("Per petugas", "Petugas"),
    "hour": ("Per jam", "Jam"),
    "day": ("Per tanggal", "Tanggal"),
    "weekday": ("Per hari", "Hari"),
}

DEFINITIONS = (
    *((name, text[:1].upper() + text[1:]) for name, text in DEFINITIONS_ID),
    ("Tingkat tidak hadir", "Persentase tiket yang dipanggil tetapi warganya tidak hadir."),
    ("Satuan", "Waktu dalam menit dengan satu desimal; jam dan tanggal waktu setempat lokasi MPP."),
)


def no_show_pct(figures: dict) -> float | None:
    """% of the called tickets whose citizen did not come (one decimal); None when nobody was called."""
    called = figures.get("called") or 0
    return round(100 * figures["no_show"] / called, 1) if called else None

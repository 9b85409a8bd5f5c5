"""The reports' words in Indonesian, for the files a Pemda reads (XLSX, PDF): one list of figures,
their headers and units, and the definitions of server/domain/reports.py said in Indonesian."""

# The figures of a summary row, in the order the files show them: (field, header, kind).
# kind: "count" (whole number), "minutes" (one decimal), "pct" (one decimal), "hour" (0–23).
FIGURES = (
    ("issued", "Tiket terbit", "count"),
    ("served", "Dilayani", "count"),
    ("no_show", "Tidak hadir", "count"),
    ("cancelled", "Dibatalkan", "count"),
    ("transferred_out", "Dialihkan keluar", "count"),
    ("called", "Dipanggil", "count"),
    ("wait_mean_min", "Rata-rata tunggu (menit)", "minutes"),
    ("wait_median_min", "Median tunggu (menit)", "minutes"),
    ("wait_p90_min", "P90 tunggu (menit)", "minutes"),
    ("service_mean_min", "Rata-rata layanan (menit)", "minutes"),
    ("service_p90_min", "P90 layanan (menit)", "minutes"),
    ("service_level_pct", "Tingkat layanan (%)", "pct"),
    ("priority_pct", "Tiket prioritas (%)", "pct"),
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
    ("Waktu tunggu", "Dari tiket siap (tercetak) sampai panggilan PERTAMA, untuk tiket yang pernah dipanggil."),
    ("Waktu layanan", "Dari mulai dilayani (atau dari panggilan, bila tidak pernah dimulai) sampai selesai, "
                      "untuk tiket yang selesai; jeda loket di dalamnya ikut terhitung."),
    ("Tingkat layanan", "Persentase tiket yang dipanggil dengan waktu tunggu paling lama target layanan tempat "
                        "tiket diterbitkan (bawaan 15 menit; tepat sama dengan target masih memenuhi)."),
    ("Tingkat tidak hadir", "Persentase tiket yang dipanggil tetapi warganya tidak hadir."),
    ("Terbit dan dialihkan", "Tiket terbit, dialihkan keluar, waktu tunggu, tingkat layanan, tiket prioritas dan "
                             "jam tersibuk dihitung pada layanan tempat tiket diterbitkan; dilayani, tidak hadir, "
                             "dibatalkan dan waktu layanan pada tempat tiket berakhir."),
    ("Median dan P90", "Interpolasi linear antara dua peringkat terdekat; rata-rata dan tingkat layanan eksak."),
    ("Jam tersibuk", "Jam (saat tiket diterbitkan) dengan tiket terbanyak; bila sama, jam yang lebih awal."),
    ("Satuan", "Waktu dalam menit dengan satu desimal; jam dan tanggal waktu setempat lokasi MPP."),
)


def no_show_pct(figures: dict) -> float | None:
    """% of the called tickets whose citizen did not come (one decimal); None when nobody was called."""
    called = figures.get("called") or 0
    return round(100 * figures["no_show"] / called, 1) if called else None

"""Removing an agency, a service or a counter from the site (the administration's delete).

The rule of the building: what has tickets today can be hidden or closed, not deleted (its tickets
still name it, counters still call them); an agency goes only once its services, counters and
officers have gone elsewhere; a counter only while closed. Each refusal is a 409 naming why.
The removal itself is the site administration's one save (flows/admin.py): checked, stored (the
rows are retired, never deleted: old tickets keep their names), audited, announced.
"""

from .. import storage
from ..context import Context
from ..domain.errors import Conflict, NotFound
from . import admin


class InUse(Conflict):
    code = "in_use"


def remove(ctx: Context, who, address, kind: str, code: str) -> None:
    current = admin.one_view(ctx.site, kind, code)  # 404 for an unknown code
    if kind == "agency":
        admin.check_agency(who, None, agency_itself=True)
    else:
        admin.check_agency(who, current["agency"])

    def check(work, stored) -> None:
        if code not in admin._codes(stored, kind):
            raise NotFound(f"{admin.KINDS[kind]} '{code}' tidak ada.", code=f"unknown_{kind}")
        refusal = removal_refusal(work.conn, stored, kind, code, work.service_day)
        if refusal:
            raise InUse(refusal)

    def apply(data: dict, config) -> None:
        if kind == "agency":
            data["agencies"] = [a for a in data["agencies"] if a["code"] != code]
        elif kind == "service":
            for agency in data["agencies"]:
                agency["services"] = [s for s in agency["services"] if s["code"] != code]
            # its closures go with it (the queue stays: counters may still empty it)
            data["site"]["closures"] = [c for c in data["site"]["closures"] if c["service"] != code]
        else:
            data["counters"] = [c for c in data["counters"] if c["code"] != code]

    admin._save(ctx, who, address, f"site.{kind}.removed", code, apply, {"name": current["name"]},
                fields_of=str, check=check)


def removal_refusal(conn, config, kind: str, code: str, service_day: str) -> str | None:
    """Why `code` cannot be removed now (in Indonesian), or None."""
    today = storage.tickets_today(conn, service_day)
    if kind == "service":
        count = today["service"].get(code, 0)
        if count:
            return (f"Layanan '{code}' sudah punya {count} tiket hari ini, jadi tidak dapat dihapus. "
                    "Sembunyikan dari anjungan atau tutup sementara; hapus besok.")
        return None
    if kind == "counter":
        count = today["counter"].get(code, 0)
        if count:
            return (f"Loket '{code}' sudah melayani {count} tiket hari ini, jadi tidak dapat dihapus; "
                    "hapus besok.")
        row = storage.counter_row(conn, code)
        if row is not None and row["status"] != "closed":
            return f"Loket '{code}' sedang dibuka; tutup loket dulu, lalu hapus."
        return None
    count = today["agency"].get(code, 0)
    if count:
        return (f"Instansi '{code}' sudah punya {count} tiket hari ini, jadi tidak dapat dihapus. "
                "Sembunyikan dari anjungan; hapus besok.")
    agency = next(a for a in config.agencies if a.code == code)
    left = []
    if agency.services:
        left.append(f"{len(agency.services)} layanan")
    counters = sum(1 for c in config.counters if c.agency == code)
    if counters:
        left.append(f"{counters} loket")
    officers = sum(1 for row in storage.officer_rows(conn) if row["active"] and row["agency"] == code)
    if officers:
        left.append(f"{officers} petugas aktif")
    if left:
        return (f"Instansi '{code}' masih punya {' dan '.join(left)}: pindahkan atau hapus dulu, "
                "lalu hapus instansinya.")
    return None

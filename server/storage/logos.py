"""The agencies' logos: one row per agency with its checked bytes (flows/logos.py checks them)."""


def logo_index(conn) -> dict[str, tuple[str, int]]:
    """Agency → (kind, version) of every stored logo: what the catalog and the admin views name."""
    return {row[0]: (row[1], row[2]) for row in conn.execute("SELECT agency, kind, version FROM agency_logos")}


def logo_row(conn, agency: str):
    return conn.execute("SELECT agency, kind, data, version, width, height, changed_at FROM agency_logos "
                        "WHERE agency = ?", (agency,)).fetchone()


def put_logo(conn, agency: str, kind: str, data: bytes, width, height, now: str, by: str) -> int:
    """Store (or replace) an agency's logo inside the caller's transaction; returns its new version."""
    return conn.execute(
        "INSERT INTO agency_logos (agency, kind, data, version, width, height, changed_at, changed_by) "
        "VALUES (?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT (agency) DO UPDATE SET kind = excluded.kind, "
        "data = excluded.data, version = agency_logos.version + 1, width = excluded.width, "
        "height = excluded.height, changed_at = excluded.changed_at, changed_by = excluded.changed_by "
        "RETURNING version", (agency, kind, data, width, height, now, by)).fetchone()[0]


def delete_logo(conn, agency: str) -> bool:
    return conn.execute("DELETE FROM agency_logos WHERE agency = ?", (agency,)).rowcount > 0


def prune_logos(conn, agencies) -> None:
    """Forget the logos of agencies the site no longer has (removed, or gone with an imported file)."""
    keep = list(agencies)
    conn.execute(f"DELETE FROM agency_logos WHERE agency NOT IN ({', '.join('?' for _ in keep)})", keep)


def bump_site_version(conn, now: str, source: str) -> int:
    """Move the site's version without changing its settings (a logo changed): the catalog's
    `site_version` and `site.changed` tell every screen to read it again."""
    return conn.execute("UPDATE site_settings SET version = version + 1, changed_at = ?, source = ? WHERE id = 1 "
                        "RETURNING version", (now, source)).fetchone()[0]

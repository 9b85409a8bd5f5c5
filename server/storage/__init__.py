"""The one module that knows SQL: connections, migrations and the queries.

Every write runs in `BEGIN IMMEDIATE` so that number allocation and calling can
never race; the database runs in WAL with synchronous=FULL because a printed
number must survive a power cut. One connection per request/greenlet.
SQL lives in this package only; the rest of the server calls these functions as `storage.NAME`.
"""

from .appointments import *  # noqa: F401,F403
from .audit import audit_actions, audit_entries, insert_audit
from .connection import BUSY_TIMEOUT_MS, Pool, checkpoint, connect, read, write
from .floor import floor_counters, floor_ended, floor_first_calls, floor_waiting, signed_in_officers, tickets_by_ids
from .logos import bump_site_version, delete_logo, logo_index, logo_row, prune_logos, put_logo
from .migrations import MIGRATIONS, generation, migrate, renew_generation, web_secret
from .people import *  # noqa: F401,F403
from .reports import (officer_names, report_counts_by_service, report_day_hours, report_ended, report_ends_by_service,
                      report_issued, report_tickets, report_waits, report_waits_by_service)
from .site import *  # noqa: F401,F403
from .skm import *  # noqa: F401,F403
from .site import SITE_COLUMNS, WEEKDAY_KEYS
from .supervise import *  # noqa: F401,F403
from .tickets import *  # noqa: F401,F403
from .warehouse import warehouse_events, warehouse_tickets

"""The floor monitor (`/manage/`): the building's or an agency's floor, live."""

from flask import redirect, render_template

from . import session
from .manage import bp
from .session import EVERYONE, MANAGERS, page, page_principal, scope


@bp.get("/")
@page(roles=EVERYONE)
def monitor():
    if page_principal().role not in MANAGERS:  # an officer's home is their counter
        return redirect(session.home(page_principal()), code=303)
    return render_template("monitor.html", scope=scope())

"""Device health (`/manage/devices`): kiosks, boards and counter PCs."""

from flask import render_template

from .manage import bp
from .session import MANAGERS, page, scope


@bp.get("/devices")
@page(roles=MANAGERS)
def devices():
    return render_template("devices.html", scope=scope())

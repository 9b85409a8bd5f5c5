"""The kiosk's screens: widgets that draw a presenter `Screen` and emit what the person touched."""

from .checkin import CheckInPage
from .citizen import AgencyPage, HomePage, ServicePage
from .common import STYLESHEET, t
from .outcome import DonePage, MessagePage, PrintingPage
from .staff import StaffPage

__all__ = ["STYLESHEET", "AgencyPage", "CheckInPage", "DonePage", "HomePage", "MessagePage", "PrintingPage",
           "ServicePage", "StaffPage", "t"]

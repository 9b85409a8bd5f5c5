"""The one place that imports python-escpos.

`escpos.capabilities` reads its printer database at import time and caches it as a
pickle in `ESCPOS_CAPABILITIES_PICKLE_DIR`; without that variable every import
makes a fresh temporary directory (left behind) and parses the YAML again
(~0.17 s). So the variable is set to a per-user cache directory *before* the
import, and every kiosk module gets escpos from here, never directly.
It calls `mkdtemp()` even when the variable is set (the default argument of
`environ.get` is evaluated first), so during the import `mkdtemp` answers the cache
directory instead of leaving an empty folder in the temp dir of every process.
"""

import logging
import os
import tempfile
from pathlib import Path

import platformdirs

_cache = Path(platformdirs.user_cache_dir("antrian-mpp", appauthor=False)) / "escpos"
_cache.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(_cache))

# escpos.capabilities calls logging.basicConfig() at import; that would silently
# turn the app's own later basicConfig() into a no-op. Undo the handler it adds.
_root_handlers = list(logging.root.handlers)

_mkdtemp = tempfile.mkdtemp
tempfile.mkdtemp = lambda *args, **kwargs: str(_cache)  # what `from tempfile import mkdtemp` binds
try:
    from escpos import capabilities  # noqa: E402
finally:
    tempfile.mkdtemp = _mkdtemp
from escpos.constants import QR_ECLEVEL_M, RT_STATUS_ONLINE, RT_STATUS_PAPER  # noqa: E402
from escpos.exceptions import DeviceNotFoundError  # noqa: E402
from escpos.printer import Dummy, File, Serial, Usb, Win32Raw  # noqa: E402

logging.root.handlers[:] = _root_handlers

__all__ = [
    "QR_ECLEVEL_M", "RT_STATUS_ONLINE", "RT_STATUS_PAPER", "DeviceNotFoundError", "Dummy", "File", "Serial", "Usb",
    "Win32Raw", "capability", "capability_names",
]


def capability_names() -> list[str]:
    """Names of the capability profiles python-escpos knows (`TM-T20II`, `POS-5890` …)."""
    return sorted(capabilities.CAPABILITIES["profiles"])


def capability(name: str) -> dict:
    """The raw capability data of one profile: features, fonts, media width, code pages."""
    return capabilities.CAPABILITIES["profiles"][name]

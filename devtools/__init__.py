"""Tools for developing Antrian MPP, never shipped to a kiosk, counter, board or server: a
server launcher on loopback, the load benchmark, a virtual network printer, the ESC/POS preview
and the simulated MPP days. Installed beside the product in development (`python3 tasks.py`);
nothing in the product imports it (an import contract in pyproject.toml checks that)."""

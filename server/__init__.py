"""Antrian MPP server: the queue engine, the event stream and the HTTP API."""

__version__ = "0.1.0"

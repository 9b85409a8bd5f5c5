"""The touchscreen kiosk: a citizen picks agency and service and takes a printed ticket."""

"""`mpp-display`: the hall display board — now calling, counters, waiting counts, and spoken announcements."""

"""Code the apps share: the server's HTTP API, its event stream, and the apps' settings."""

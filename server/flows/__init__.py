"""What each request does: the rules of `server.domain` applied to the stored state."""

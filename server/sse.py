"""One Server-Sent Event, encoded byte for byte as the HTML standard reads it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerSentEvent:
    data: str | None = None
    event: str | None = None
    id: int | None = None
    retry_ms: int | None = None
    comment: str | None = None

    def encode(self) -> bytes:
        lines = []
        if self.comment is not None:
            lines.extend(f": {line}" for line in self.comment.splitlines() or [""])
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.retry_ms is not None:
            lines.append(f"retry: {self.retry_ms}")
        if self.data is not None:
            # A newline inside data would end the field: each line gets its own `data:`.
            lines.extend(f"data: {line}" for line in self.data.split("\n"))
        return ("\n".join(lines) + "\n\n").encode("utf-8")

"""Keeps room link secrets out of every log line: paths are logged with the secret redacted."""

import logging
import re

from daphne.access import AccessLogGenerator

# /r/<slug>/<secret>/... and /ws/r/<slug>/<secret>/...
LINK_SECRET = re.compile(r"(/r/[^/\s]+/)[^/\s\"?]+")


def redact(text: str) -> str:
    return LINK_SECRET.sub(r"\1[secret]", text)


class RedactLinkSecrets(logging.Filter):
    """For Django's loggers: "Not Found: /r/standup/<secret>/" must not reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        # The request object is kept for handlers that format it; its path is redacted too.
        return True


class RedactingAccessLog(AccessLogGenerator):
    """daphne's access log, with link secrets redacted."""

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        super().write_entry(host, date, redact(request), status, length, ident, user)

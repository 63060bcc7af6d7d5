"""Keeps secrets out of every log line: room link secrets and password-reset tokens are
redacted from paths, messages and tracebacks alike."""

import logging
import re

from daphne.access import AccessLogGenerator

# r/<slug>/<secret>/... and ws/r/<slug>/<secret>/..., with or without the leading slash (a
# router's "No route found for path 'r/...'" has none); and password/reset/<uid>/<token>/,
# but for the page Django sends the token on to (password/reset/<uid>/set-password/).
SECRETS = re.compile(
    r"(?<![\w.-])((?:r/[^/\s\"'?#]+|password/reset/[^/\s\"'?#]+)/)(?!set-password/)[^/\s\"'?#]+"
)


def redact(text: str) -> str:
    return SECRETS.sub(r"\1[secret]", text)


def redacted(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactLinkSecrets(logging.Filter):
    """For every handler: "Not Found: /r/standup/<secret>/" must not reach a log file, nor a
    traceback whose message holds a path."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: redacted(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(map(redacted, record.args))
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set: the traceback is printed redacted.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingAccessLog(AccessLogGenerator):
    """daphne's access log, with link secrets and reset tokens redacted."""

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        super().write_entry(host, date, redact(request), status, length, ident, user)

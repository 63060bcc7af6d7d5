"""What both apps use and neither owns: abuse limits, plain-text validation, log redaction,
the HTTP gate and the `serve` command. It imports neither `accounts` nor `rooms`."""

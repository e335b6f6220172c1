"""Sending mail through the office's SMTP server (TRACKER_MAIL_SERVER / _PORT / _SENDER).

One small function that 催办 and the scheduled reminders both use; a failure is a
`MailError` whose message can be recorded and shown. Without a server configured (the
embedded default, `./scripts/run`), each message is written as an .eml file to
`instance/outbox/` and logged, so that what would be sent can be read.
"""

from __future__ import annotations

import smtplib
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

from flask import current_app

TIMEOUT = 20  # seconds to wait for the SMTP server


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server."""


def send_mail(to: list[str], subject: str, text: str, html: str | None = None) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr(("督查督办台账", config["MAIL_SENDER"]))
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if not config["MAIL_SERVER"]:
        _to_outbox(message)
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc


def _to_outbox(message: EmailMessage) -> None:
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    current_app.logger.info("no TRACKER_MAIL_SERVER: mail to %s written to %s", message["To"], path)

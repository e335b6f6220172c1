"""Sending mail through the office's SMTP server (TRACKER_MAIL_SERVER / _PORT / _SENDER).

One small function that 催办 and the scheduled reminders both use; a failure is a
`MailError` whose message can be recorded and shown.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formataddr

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
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc

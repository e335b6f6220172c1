"""Sending mail through the office's SMTP server (TRACKER_MAIL_* settings).

One small function that 催办 and the scheduled reminders both use; a failure is a
`MailError` whose message can be recorded and shown. Without a server configured (the
embedded default, `./scripts/run`), each message is written as an .eml file to
`instance/outbox/` and logged, so that what would be sent can be read.
"""

from __future__ import annotations

import functools
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from flask import current_app

TIMEOUT = 20  # seconds to wait for the SMTP server


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server."""


def send_mail(to: list[str], subject: str, text: str, html: str | None = None, *,
              message_id: str | None = None) -> None:
    """Send one message (plain text, and HTML as its alternative) to `to`.

    `message_id` names the message stably (say, after the reminder row it belongs to), so
    that a copy sent again after a crash is recognised as the same message by mail clients."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr(("督查督办台账", config["MAIL_SENDER"]))
    message["To"] = ", ".join(to)
    message["Subject"] = one_line(subject)
    message["Date"] = formatdate(localtime=True)
    domain = config["MAIL_SENDER"].rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{message_id or uuid.uuid4().hex}@{domain}>"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if not config["MAIL_SERVER"]:
        _to_outbox(message)
        return
    try:
        with _connect(config) as smtp:
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc


def one_line(text: str) -> str:
    """`text` as a header holds it: its lines joined by a space (a line break in a header is
    refused, and a task's text or a document's title may hold several)."""
    return " ".join(text.split())


def _connect(config) -> smtplib.SMTP:
    """A connection to the server: TLS from the start (USE_SSL, port 465), upgraded with
    STARTTLS (USE_TLS, port 587), or plain (port 25 on the office network)."""
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config["MAIL_USE_SSL"]:
        return smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=_tls_context(config["MAIL_CA_FILE"]))
    smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
    if config["MAIL_USE_TLS"]:
        try:
            smtp.starttls(context=_tls_context(config["MAIL_CA_FILE"]))
        except BaseException:
            smtp.close()
            raise
    return smtp


@functools.lru_cache(maxsize=4)
def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The server's certificate is verified, against the office's own CA when it has one.
    Built once: loading the system's CA bundle takes longer than sending a digest."""
    return ssl.create_default_context(cafile=ca_file)


def _to_outbox(message: EmailMessage) -> None:
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    current_app.logger.info("no TRACKER_MAIL_SERVER: mail to %s written to %s", message["To"], path)

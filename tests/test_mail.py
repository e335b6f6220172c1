"""The mailer against real SMTP servers on 127.0.0.1: STARTTLS, TLS from the start, login."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import Inbox, free_port
from tracker.mail import MailError, send_mail


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def _check_login(server, session, envelope, mechanism, auth_data):
    # handled=False: the server answers a failure with 535 itself
    return AuthResult(success=(auth_data.login, auth_data.password) == (b"dcs", b"s3cret"), handled=False)


@pytest.fixture
def tls_server(app, certificate):
    """A server that requires STARTTLS and a login before it takes mail."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=_server_context(certificate),
                            require_starttls=True, authenticator=_check_login, auth_require_tls=True)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=True, MAIL_CA_FILE=str(certificate[0]),
                      MAIL_USERNAME="dcs", MAIL_PASSWORD="s3cret")
    yield inbox
    controller.stop()


def test_starttls_and_login(app, tls_server):
    with app.app_context():
        send_mail(["a@zj.gov.cn"], "【督办提醒】测试", "正文", "<p>正文</p>", message_id="tracker-reminder-7")
    (mail,) = tls_server.messages
    assert mail.subject == "【督办提醒】测试" and mail.text.strip() == "正文" and "<p>正文</p>" in mail.html


def test_a_wrong_password_is_a_mail_error(app, tls_server):
    app.config["MAIL_PASSWORD"] = "wrong"
    with app.app_context(), pytest.raises(MailError, match="SMTPAuthenticationError"):
        send_mail(["a@zj.gov.cn"], "主题", "正文")
    assert tls_server.messages == []


def test_an_unknown_certificate_is_refused(app, tls_server):
    app.config["MAIL_CA_FILE"] = None  # the system's CAs do not know the self-signed certificate
    with app.app_context(), pytest.raises(MailError, match="SSLCertVerificationError"):
        send_mail(["a@zj.gov.cn"], "主题", "正文")
    assert tls_server.messages == []


def test_tls_from_the_start(app, certificate):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate))
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_SSL=True, MAIL_CA_FILE=str(certificate[0]))
        with app.app_context():
            send_mail(["a@zj.gov.cn", "b@zj.gov.cn"], "主题", "正文")
    finally:
        controller.stop()
    assert [m.to for m in inbox.messages] == [["a@zj.gov.cn", "b@zj.gov.cn"]]

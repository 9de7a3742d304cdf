#!/usr/bin/env python3
"""A real SMTP server for the e-mail channel's tests (aiosmtpd).

It listens on 127.0.0.1 (port 0 picks a free one), prints "READY <port>" once it accepts
connections, and writes every message it accepts into --dir as <n>.json: the envelope, the raw
DATA, whether the session was encrypted (and how), who authenticated, and the message as
Python's own `email` package parses it, so the tests check the client's output with an
independent decoder.

It exits when stdin reaches EOF, so a test process that dies cannot leave it running.

Options shape the server's behaviour for the tests: --starttls and --implicit-tls (with a
throwaway self-signed certificate), --auth USER:PASSWORD (--auth-login-only to hide PLAIN),
--rcpt-reply "451 ...",
--no-ehlo (a pre-ESMTP server), --silent (accepts connections but never greets) and
--starttls-injection (a scripted server that sends forged replies before the TLS handshake).
"""

import argparse
import asyncio
import datetime
import email
import email.policy
import ipaddress
import json
import logging
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_certificate(directory):
    """A fresh self-signed certificate for localhost and 127.0.0.1: with the `cryptography`
    package when it is installed, otherwise with the openssl command."""
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key_path, "-out", cert_path, "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
        return cert_path, key_path

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    with open(cert_path, "wb") as f:
        f.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


def make_tls_context(directory):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*write_certificate(directory))
    return context


class Recorder:
    """aiosmtpd handler: optional scripted RCPT reply, and one JSON file per message."""

    def __init__(self, directory, rcpt_reply):
        self.directory = directory
        self.rcpt_reply = rcpt_reply
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b""
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": raw.decode("utf-8", errors="replace"),
            "seven_bit": all(byte < 0x80 for byte in raw),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "starttls": session.ssl is not None,
            "auth_login": (
                session.auth_data.login.decode("utf-8", errors="replace")
                if isinstance(session.auth_data, LoginPassword)
                else None
            ),
            "parsed": parse(raw),
        }
        # Write then rename, so a reader never sees half a file.
        final = os.path.join(self.directory, f"{self.count}.json")
        partial = final + ".partial"
        with open(partial, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=2)
        os.replace(partial, final)
        return "250 2.0.0 OK queued as %d" % self.count


def parse(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text_part = message.get_body(preferencelist=("plain",))
    body = text_part.get_content() if text_part is not None else None
    date = message["date"]
    attachments = [
        {
            "content_type": part.get_content_type(),
            "method": part.get_param("method"),
            "filename": part.get_filename(),
            "transfer_encoding": part["content-transfer-encoding"] and str(part["content-transfer-encoding"]),
            "text": part.get_content() if part.get_content_maintype() == "text" else None,
        }
        for part in message.iter_attachments()
    ]
    return {
        "subject": str(message["subject"]) if message["subject"] is not None else None,
        "from": str(message["from"]) if message["from"] is not None else None,
        "from_display_name": message["from"].addresses[0].display_name if message["from"] else None,
        "to": [address.addr_spec for address in message["to"].addresses] if message["to"] else [],
        "message_id": str(message["message-id"]) if message["message-id"] else None,
        "date": date.datetime.isoformat() if date is not None and date.datetime else None,
        "mime_version": message["mime-version"] and str(message["mime-version"]),
        "content_type": message.get_content_type(),
        "charset": message.get_content_charset(),
        "transfer_encoding": message["content-transfer-encoding"]
        and str(message["content-transfer-encoding"]),
        "auto_submitted": message["auto-submitted"] and str(message["auto-submitted"]),
        "x_gugus_reminder": message["x-gugus-reminder"] and str(message["x-gugus-reminder"]),
        "list_unsubscribe": message["list-unsubscribe"] and str(message["list-unsubscribe"]),
        "list_unsubscribe_post": message["list-unsubscribe-post"] and str(message["list-unsubscribe-post"]),
        "body": body.replace("\r\n", "\n") if body is not None else None,
        "attachments": attachments,
        "defects": [type(defect).__name__ for defect in message.defects]
        + [type(defect).__name__ for part in message.walk() if part is not message for defect in part.defects],
    }


class PreESMTP(SMTP):
    """A server from before RFC 1869: EHLO is an unknown command."""

    async def smtp_EHLO(self, arg):
        await self.push("502 5.5.2 Error: command not recognized")


async def silent_client(reader, writer):
    """Accept, then say nothing until the client hangs up."""
    try:
        while await reader.read(4096):
            pass
    finally:
        writer.close()


async def injecting_client(reader, writer):
    """Offers STARTTLS, then answers it with the 220 and a forged reply in the same packet:
    a client must not take plain-text bytes that precede the handshake as protected ones."""
    writer.write(b"220 smtp-sink.test ESMTP\r\n")
    try:
        while line := await reader.readline():
            command = line.strip().upper()
            if command.startswith(b"EHLO"):
                writer.write(b"250-smtp-sink.test\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n")
            elif command == b"STARTTLS":
                writer.write(b"220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\n")
            else:
                writer.write(b"502 5.5.2 Not in this script\r\n")
            await writer.drain()
    finally:
        writer.close()


def exit_when_parent_goes():
    """The test keeps our stdin open; EOF means it finished or died."""

    def watch():
        try:
            sys.stdin.buffer.read()
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", required=True, help="where to write received messages")
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--auth-plaintext", action="store_true", help="offer AUTH without TLS")
    parser.add_argument("--auth-login-only", action="store_true", help="offer AUTH LOGIN but not PLAIN")
    parser.add_argument("--rcpt-reply", help='reply to every RCPT TO, e.g. "451 4.3.0 Try later"')
    parser.add_argument("--no-ehlo", action="store_true")
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--starttls-injection", action="store_true")
    arguments = parser.parse_args()

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    os.makedirs(arguments.dir, exist_ok=True)
    exit_when_parent_goes()
    loop = asyncio.get_running_loop()

    if arguments.silent:
        server = await asyncio.start_server(silent_client, "127.0.0.1", arguments.port)
    elif arguments.starttls_injection:
        server = await asyncio.start_server(injecting_client, "127.0.0.1", arguments.port)
    else:
        cert_dir = tempfile.mkdtemp(prefix="smtp-sink-cert-")
        try:
            tls = make_tls_context(cert_dir) if (arguments.starttls or arguments.implicit_tls) else None
        finally:
            shutil.rmtree(cert_dir, ignore_errors=True)  # the context has loaded them

        user, password = (arguments.auth.split(":", 1) + [""])[:2] if arguments.auth else (None, None)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            )
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        recorder = Recorder(arguments.dir, arguments.rcpt_reply)
        server_class = PreESMTP if arguments.no_ehlo else SMTP

        def protocol():
            return server_class(
                recorder,
                hostname="smtp-sink.test",
                tls_context=tls if arguments.starttls else None,
                authenticator=authenticator if arguments.auth else None,
                # Implicit TLS is TLS too, but aiosmtpd only counts its own STARTTLS.
                auth_require_tls=not (arguments.auth_plaintext or arguments.implicit_tls),
                auth_exclude_mechanism=["PLAIN"] if arguments.auth_login_only else None,
                loop=loop,
            )

        server = await loop.create_server(
            protocol,
            "127.0.0.1",
            arguments.port,
            ssl=tls if arguments.implicit_tls else None,
        )

    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass

"""smtp-server.py: a private SMTP submission server for tests (aiosmtpd).

Run with Debian's /usr/bin/python3 (it sees python3-aiosmtpd):

  smtp-server.py --dir DIR --port P --tls-port S --cert C --key K
                 --user U --password PW

Listens on 127.0.0.1 only (--host changes that, e.g. inside a private
network namespace):
  P  plain SMTP offering STARTTLS; AUTH PLAIN/LOGIN only after STARTTLS
  S  implicit TLS (SMTPS) with AUTH PLAIN/LOGIN
AUTH accepts only U/PW. Mail is accepted only after AUTH.

Every accepted message is saved in DIR/spool as NNNN.eml (the DATA bytes,
line ends as sent, dot-unstuffed) and NNNN.env (one "MAIL FROM:<...>" line,
then one "RCPT TO:<...>" line per recipient).

DIR/control is re-read on every MAIL, RCPT, DATA and AUTH. Each line is
  [once ]CMD PATTERN CODE TEXT
with CMD in mail|rcpt|data|auth and PATTERN a shell glob matched against the
address (mail, rcpt), every recipient (data) or the user name (auth); "*"
matches all. The first matching line wins and its CODE TEXT is the reply.
A line starting with "once " is removed from the file after it fires.
Empty lines and lines starting with # are ignored.

When both listeners accept connections the server writes DIR/smtp.pid and
then DIR/ready. SIGTERM or SIGINT stops it, and so does the end of the
process given with --owner-pid.
"""
import argparse
import fnmatch
import os
import signal
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOCK = threading.Lock()
# aiosmtpd warns about its own deprecated attributes on every login.
warnings.simplefilter("ignore")


class Control:
    def __init__(self, path):
        self.path = path

    def match(self, cmd, subjects):
        """Return "CODE TEXT" of the first line matching, or None."""
        with LOCK:
            try:
                with open(self.path, encoding="utf-8") as f:
                    lines = f.read().splitlines()
            except FileNotFoundError:
                return None
            for i, line in enumerate(lines):
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                once = False
                if text.startswith("once "):
                    once = True
                    text = text[5:].lstrip()
                parts = text.split(None, 3)
                if len(parts) < 3 or parts[0].lower() != cmd:
                    continue
                pattern, reply = parts[1], " ".join(parts[2:])
                if not any(fnmatch.fnmatchcase(s.lower(), pattern.lower())
                           for s in subjects):
                    continue
                if once:
                    del lines[i]
                    tmp = self.path + ".tmp"
                    with open(tmp, "w", encoding="utf-8") as f:
                        f.write("".join(l + "\n" for l in lines))
                    os.replace(tmp, self.path)
                return reply
            return None


class Spool:
    def __init__(self, path):
        self.path = path
        os.makedirs(path, exist_ok=True)

    def save(self, envelope):
        with LOCK:
            n = 1
            for name in os.listdir(self.path):
                if name.endswith(".eml") and name[:-4].isdigit():
                    n = max(n, int(name[:-4]) + 1)
            base = os.path.join(self.path, "%04d" % n)
            env = "MAIL FROM:<%s>\n" % envelope.mail_from
            env += "".join("RCPT TO:<%s>\n" % r for r in envelope.rcpt_tos)
            data = envelope.original_content or envelope.content
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
            # Write the .env first and the .eml last, each by rename, so a
            # reader that sees NNNN.eml also sees a complete NNNN.env.
            for suffix, blob in ((".env", env.encode("utf-8")), (".eml", data)):
                with open(base + suffix + ".tmp", "wb") as f:
                    f.write(blob)
                os.replace(base + suffix + ".tmp", base + suffix)
            return n


class Handler:
    def __init__(self, control, spool):
        self.control = control
        self.spool = spool

    async def handle_MAIL(self, server, session, envelope, address, options):
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        reply = self.control.match("mail", [address])
        if reply and not reply.startswith("2"):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return reply or "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        reply = self.control.match("rcpt", [address])
        if reply and not reply.startswith("2"):
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return reply or "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self.control.match("data", list(envelope.rcpt_tos) or [""])
        if reply and not reply.startswith("2"):
            return reply
        n = self.spool.save(envelope)
        return reply or "250 2.0.0 OK queued as %04d" % n


def make_authenticator(control, user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        reply = control.match("auth", [login])
        if reply and not reply.startswith("2"):
            return AuthResult(success=False, handled=False, message=reply)
        ok = (auth_data.login == user.encode("utf-8")
              and auth_data.password == password.encode("utf-8"))
        if ok:
            return AuthResult(success=True, auth_data=auth_data)
        # handled=False makes aiosmtpd send the 535 reply (with the default
        # handled=True it sends nothing and the client waits forever).
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Authentication credentials invalid")
    return authenticate


def alive(pid):
    """True if pid exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls-port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--size-limit", type=int, default=64 * 1024 * 1024)
    ap.add_argument("--owner-pid", type=int, default=0,
                    help="stop when this process is gone")
    args = ap.parse_args()

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    control = Control(os.path.join(args.dir, "control"))
    handler = Handler(control, Spool(os.path.join(args.dir, "spool")))
    auth = make_authenticator(control, args.user, args.password)
    common = dict(hostname=args.host, server_hostname="localhost",
                  authenticator=auth, enable_SMTPUTF8=True,
                  data_size_limit=args.size_limit, decode_data=False)
    starttls = Controller(handler, port=args.port, tls_context=ctx,
                          require_starttls=False, auth_require_tls=True,
                          **common)
    implicit = Controller(handler, port=args.tls_port, ssl_context=ctx,
                          auth_require_tls=False, **common)
    starttls.start()
    try:
        implicit.start()
    except Exception:
        starttls.stop()
        raise

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    with open(os.path.join(args.dir, "smtp.pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    with open(os.path.join(args.dir, "ready"), "w") as f:
        f.write("%d %d\n" % (args.port, args.tls_port))
    while not stop.wait(0.1):
        if args.owner_pid and not alive(args.owner_pid):
            break
    implicit.stop()
    starttls.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

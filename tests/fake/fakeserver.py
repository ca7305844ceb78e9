"""fakeserver.py: the accept loop the scripted fake servers share.

serve(d, lifetime, handle) listens on a free port of 127.0.0.1, writes the
port to d/port (atomically), and serves one connection at a time with
handle(conn, number) until d/stop appears or lifetime seconds have passed.
A connection that breaks (OSError, ValueError, IndexError from parsing
what the client sent) ends only that session.
"""
import os
import socket
import ssl
import time


def tls_context(cert, key):
    """A server TLS context for cert and key (PEM files)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def serve(d, lifetime, handle):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    s.settimeout(0.5)
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    deadline = time.monotonic() + lifetime
    number = 0
    while time.monotonic() < deadline:
        if os.path.exists(os.path.join(d, "stop")):
            break
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        number += 1
        conn.settimeout(40)
        try:
            handle(conn, number)
        except (OSError, ValueError, IndexError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass
    s.close()
    return 0


ENDLESS_SECONDS = 30
ENDLESS_BYTES = int(os.environ.get("HOSTILE_MAX_BYTES", 2 << 30))


class HostileSession:
    """What the hostile servers' sessions share: the connection, the
    scenario, the test's directory, and a bounded endless reply."""

    def __init__(self, conn, scenario, d, tls):
        self.c = conn
        self.f = conn.makefile("rb")
        self.sc = scenario
        self.d = d
        self.tls = tls
        self.log = open(os.path.join(d, "log"), "a")

    def send(self, data):
        self.c.sendall(data)

    def endless(self, first, chunk):
        """Send first, then chunk(i) for ever, bounded in time and bytes;
        record in d/sent how much went out. Returns False (session over)."""
        sent = 0
        deadline = time.monotonic() + ENDLESS_SECONDS
        try:
            self.send(first)
            sent += len(first)
            i = 0
            while time.monotonic() < deadline and sent < ENDLESS_BYTES:
                data = chunk(i)
                self.send(data)
                sent += len(data)
                i += 1
        except OSError:
            pass
        with open(os.path.join(self.d, "sent"), "a") as f:
            f.write("%d\n" % sent)
        return False

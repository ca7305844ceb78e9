#!/usr/bin/env python3
"""store-gen.py DIR N [SEED [JOBS [SMALL]]]: write a realistic Maildir of N
messages.

Threads (replies with References/In-Reply-To), multipart/alternative with
HTML, attachments (base64), ISO-8859-1 quoted-printable and UTF-8 base64
bodies, RFC 2047 subjects and names, Zipf-distributed words. About 8 KB a
message on average, like a real mailbox.

JOBS > 1 writes the messages in that many processes, each a contiguous
slice with its own random stream (threads stay within a slice); JOBS 1 is
the historical data set, byte for byte. SMALL 1 writes short messages
(about 1.5 KB: 1-4 body lines, small attachments) for very large runs.
"""
import base64
import os
import quopri
import random
import sys
import time
from email.utils import formatdate


def main():
    top, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    small = len(sys.argv) > 5 and sys.argv[5] == "1"
    rnd = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(top, sub), exist_ok=True)
    syll = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zu", "pe",
            "dra", "ström", "qua", "fen", "gar", "hol", "jin", "bel"]
    vocab = sorted({"".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4)))
                    for _ in range(30000)})
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    people = [("User %d %s" % (i, rnd.choice(["Müller", "Smith", "Łukasz",
                                               "García", "Dupont"])),
               "user%d@example%d.org" % (i, i % 20)) for i in range(800)]

    def enc_name(name):
        try:
            name.encode("ascii")
            return '"%s"' % name
        except UnicodeEncodeError:
            return "=?utf-8?b?%s?=" % base64.b64encode(
                name.encode()).decode()

    if jobs <= 1:
        write(top, 0, n, rnd, vocab, cum, enc_name, people, small)
        return
    kids = []
    for j in range(jobs):
        pid = os.fork()
        if pid == 0:
            write(top, n * j // jobs, n * (j + 1) // jobs,
                  random.Random(seed * 1000003 + j + 1), vocab, cum, enc_name,
                  people, small)
            os._exit(0)
        kids.append(pid)
    bad = 0
    for pid in kids:
        bad |= os.waitpid(pid, 0)[1]
    sys.exit(1 if bad else 0)


def write(top, lo, hi, rnd, vocab, cum, enc_name, people, small):
    def words(k):
        return " ".join(rnd.choices(vocab, cum_weights=cum, k=k))

    ids = []
    subjects = {}
    t0 = 1577836800
    for i in range(lo, hi):
        date = t0 + i * 600 + rnd.randint(0, 500)
        frm = rnd.choice(people)
        to = rnd.choice(people)
        mid = "<%d.%d@bench.example>" % (i, rnd.randint(0, 1 << 30))
        hdr = []
        if ids and rnd.random() < 0.35:
            parent = rnd.choice(ids[-2000:])
            subj = "Re: " + subjects[parent][0]
            refs = subjects[parent][1] + [parent]
            hdr.append("In-Reply-To: %s" % parent)
            hdr.append("References: %s" % " ".join(refs[-10:]))
        else:
            subj = words(rnd.randint(3, 8))
            refs = []
        ids.append(mid)
        subjects[mid] = (subj.replace("Re: ", "", 1) if subj.startswith("Re: ")
                         else subj, refs)
        kind = rnd.random()
        if rnd.random() < 0.1:
            subj_h = "=?iso-8859-1?q?%s?=" % quopri.encodestring(
                subj.encode("latin-1", "replace"), header=True).decode()
        else:
            subj_h = subj
        hdr = ["From: %s <%s>" % (enc_name(frm[0]), frm[1]),
               "To: %s <%s>" % (enc_name(to[0]), to[1]),
               "Subject: %s" % subj_h,
               "Date: %s" % formatdate(date),
               "Message-ID: %s" % mid] + hdr + ["MIME-Version: 1.0"]
        body = "\n".join(words(rnd.randint(8, 16))
                         for _ in range(rnd.randint(1, 4) if small else
                                        rnd.randint(5, 60))) + "\n"
        if kind < 0.55:
            hdr.append("Content-Type: text/plain; charset=utf-8")
            hdr.append("Content-Transfer-Encoding: 8bit")
            text = "\n".join(hdr) + "\n\n" + body
        elif kind < 0.65:
            hdr.append("Content-Type: text/plain; charset=iso-8859-1")
            hdr.append("Content-Transfer-Encoding: quoted-printable")
            text = "\n".join(hdr) + "\n\n" + quopri.encodestring(
                body.encode("latin-1", "replace")).decode()
        elif kind < 0.85:
            b = "=_alt_%d" % i
            hdr.append('Content-Type: multipart/alternative; boundary="%s"' % b)
            html = "<html><body><p>" + body.replace("\n", "</p><p>") + \
                "</p></body></html>"
            text = "\n".join(hdr) + "\n\n--%s\nContent-Type: text/plain; " \
                "charset=utf-8\nContent-Transfer-Encoding: base64\n\n%s\n" \
                "--%s\nContent-Type: text/html; charset=utf-8\n\n%s\n--%s--\n" % (
                    b, base64.encodebytes(body.encode()).decode(), b, html, b)
        else:
            b = "=_mix_%d" % i
            hdr.append('Content-Type: multipart/mixed; boundary="%s"' % b)
            att = base64.encodebytes(rnd.randbytes(
                rnd.randint(200, 1000) if small else rnd.randint(2000, 40000)))
            text = "\n".join(hdr) + "\n\n--%s\nContent-Type: text/plain; " \
                "charset=utf-8\n\n%s\n--%s\nContent-Type: application/pdf; " \
                "name=\"report-%d.pdf\"\nContent-Disposition: attachment; " \
                "filename=\"report-%d.pdf\"\nContent-Transfer-Encoding: " \
                "base64\n\n%s--%s--\n" % (b, body, b, i, i, att.decode(), b)
        seen = rnd.random() < 0.8
        name = "%d.M%dP%d.bench%s" % (date, i, os.getpid(),
                                      ":2,S" if seen else "")
        with open(os.path.join(top, "cur" if seen else "new", name), "w",
                  encoding="utf-8") as f:
            f.write(text)
        os.utime(os.path.join(top, "cur" if seen else "new", name),
                 (date, date))


if __name__ == "__main__":
    main()

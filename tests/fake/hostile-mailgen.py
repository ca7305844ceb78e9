#!/usr/bin/python3
"""hostile-mailgen.py: write large hostile messages at test time.

These are too big (or too boring) to keep in the repository, so the hostile
tests generate them under their private temporary directory:

  hostile-mailgen.py longheader FILE     a 1 MiB Subject line (one line,
                                         escape sequences every 4 KiB) and a
                                         1 MiB folded To: header
  hostile-mailgen.py deep FILE [N]       multipart nested N levels (500)
  hostile-mailgen.py bigattach FILE [MB] a base64 attachment of MB MiB (50)
  hostile-mailgen.py manyparts FILE [N]  N sibling parts (20000)

Every message has a Subject starting with HOSTILE- so a test can find it.
"""
import os
import sys

ESC = b"\x1b"
EVIL = ESC + b"]0;GEN-TITLE\x07" + ESC + b"[2J" + b"\xc2\x9b31m" + \
    b"\xe2\x80\xae" + b"txt.exe"


def head(out, subject, extra=b""):
    out.write(b"From: Generator <gen@example.org>\n"
              b"To: victim@example.org\n"
              b"Subject: " + subject + b"\n"
              b"Message-ID: <" + subject.split(b" ")[0].lower() +
              b"@example.org>\n"
              b"Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
              b"MIME-Version: 1.0\n" + extra)


def longheader(out):
    chunk = b"x" * 4000 + EVIL
    subject = b"HOSTILE-LONGHEADER "
    while len(subject) < 1024 * 1024:
        subject += chunk
    to = b"To: " + b",\n ".join(b"user%d@example.org" % i
                                for i in range(50000))
    head(out, subject, to + b"\nContent-Type: text/plain\n")
    out.write(b"\nHOSTILE-LONGHEADER body " + EVIL + b"\n")


def deep(out, n):
    head(out, b"HOSTILE-DEEP nested %d levels" % n,
         b"Content-Type: multipart/mixed; boundary=\"b0\"\n")
    out.write(b"\n")
    for i in range(n):
        out.write(b"--b%d\nContent-Type: multipart/mixed; "
                  b"boundary=\"b%d\"\n\n" % (i, i + 1))
    out.write(b"--b%d\nContent-Type: text/plain\n\nHOSTILE-DEEP innermost "
              % n + EVIL + b"\n")
    for i in range(n, -1, -1):
        out.write(b"--b%d--\n" % i)


def bigattach(out, mb):
    head(out, b"HOSTILE-BIGATTACH %d MiB" % mb,
         b"Content-Type: multipart/mixed; boundary=\"big\"\n")
    out.write(b"\n--big\nContent-Type: text/plain\n\nHOSTILE-BIGATTACH body "
              + EVIL + b"\n--big\nContent-Type: application/octet-stream\n"
              b"Content-Disposition: attachment; filename=\"big.bin\"\n"
              b"Content-Transfer-Encoding: base64\n\n")
    # Each 68-column base64 line decodes to 51 bytes made of escape
    # sequences, so a decoder that shows the content would be caught.
    line = b"G10wO0JJRy1BVFRBQ0gHG1sySsKbMzFt4oCuG10wO0JJRy1BVFRBQ0gHG1sy" \
        b"SsKbMzFt\n"
    total = mb * 1024 * 1024
    n = 0
    block = line * 1000
    while n < total:
        out.write(block)
        n += 1000 * 51
    out.write(b"--big--\n")


def manyparts(out, n):
    head(out, b"HOSTILE-MANYPARTS %d parts" % n,
         b"Content-Type: multipart/mixed; boundary=\"p\"\n")
    out.write(b"\n")
    for i in range(n):
        out.write(b"--p\nContent-Type: text/plain\n\npart %d " % i + EVIL +
                  b"\n")
    out.write(b"--p--\n")


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    kind, path = sys.argv[1], sys.argv[2]
    arg = int(sys.argv[3]) if len(sys.argv) > 3 else None
    with open(path, "wb") as out:
        if kind == "longheader":
            longheader(out)
        elif kind == "deep":
            deep(out, arg or 500)
        elif kind == "bigattach":
            bigattach(out, arg or 50)
        elif kind == "manyparts":
            manyparts(out, arg or 20000)
        else:
            sys.stderr.write(__doc__)
            os.unlink(path)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

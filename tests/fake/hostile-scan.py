#!/usr/bin/python3
"""hostile-scan.py [--tty] FILE...: check bytes meant for a terminal.

Without --tty (output of satchel search, logs): the bytes must be valid
UTF-8 with no control character but newline and tab, no C1 control, no
bidirectional override or isolate, no line or paragraph separator.

With --tty (raw bytes a program wrote to its terminal, e.g. from tmux
pipe-pane): the program's own CSI sequences (ESC [ ... final) and
character-set switches (ESC ( B and the like) are allowed, but no OSC, DCS,
APC, PM or SOS string (ESC ] P _ ^ X), no other escape, no C1 control and
no bidi character may appear, because curses never sends those and a mail
that did would have reached the terminal raw.

Prints one line per problem (offset, what, context) and exits 1 if any.
"""
import sys

BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | \
    {0x200E, 0x200F, 0x061C, 0x2028, 0x2029}


def context(data, i):
    return repr(data[max(0, i - 20):i + 20])


def scan(path, tty):
    with open(path, "rb") as f:
        data = f.read()
    problems = []
    i = 0
    n = len(data)
    while i < n and len(problems) < 20:
        b = data[i]
        if b == 0x1B:
            if not tty:
                problems.append((i, "ESC"))
                i += 1
                continue
            nxt = data[i + 1] if i + 1 < n else None
            if nxt == 0x5B:                     # CSI: params, final byte
                j = i + 2
                while j < n and 0x20 <= data[j] <= 0x3F:
                    j += 1
                if j < n and 0x40 <= data[j] <= 0x7E:
                    i = j + 1
                    continue
                problems.append((i, "malformed CSI"))
                i += 2
                continue
            if nxt in (0x28, 0x29, 0x2A, 0x2B) and i + 2 < n:
                i += 3                          # designate a character set
                continue
            if nxt in (0x37, 0x38, 0x3D, 0x3E, 0x4D, 0x45, 0x63):
                i += 2                          # DECSC DECRC DECKPAM ...
                continue
            problems.append((i, "escape ESC %r" % (chr(nxt) if nxt else
                                                    "EOF")))
            i += 2
            continue
        if b < 0x20 and b not in (0x0A, 0x09) and not (tty and b in
                                                        (0x0D, 0x08, 0x07,
                                                         0x0F, 0x0E)):
            problems.append((i, "control 0x%02x" % b))
            i += 1
            continue
        if b == 0x7F:
            problems.append((i, "DEL"))
            i += 1
            continue
        if b < 0x80:
            i += 1
            continue
        # A UTF-8 sequence: decode one character.
        length = 2 if b >> 5 == 6 else 3 if b >> 4 == 14 else \
            4 if b >> 3 == 30 else 0
        try:
            if length == 0:
                raise UnicodeDecodeError("utf-8", data, i, i + 1, "lead")
            ch = data[i:i + length].decode("utf-8")
        except UnicodeDecodeError:
            problems.append((i, "invalid UTF-8 byte 0x%02x" % b))
            i += 1
            continue
        cp = ord(ch)
        if 0x80 <= cp <= 0x9F:
            problems.append((i, "C1 control U+%04X" % cp))
        elif cp in BIDI:
            problems.append((i, "bidi/separator U+%04X" % cp))
        i += length
    for off, what in problems:
        print("%s: offset %d: %s near %s" % (path, off, what,
                                             context(data, off)))
    return 1 if problems else 0


def main():
    args = sys.argv[1:]
    tty = False
    if args and args[0] == "--tty":
        tty = True
        args = args[1:]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    rc = 0
    for p in args:
        rc |= scan(p, tty)
    return rc


if __name__ == "__main__":
    sys.exit(main())

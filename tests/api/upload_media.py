"""Images, documents and multipart bodies for tests/api/test_uploads.py and test_files.py.

PNGs are written here (zlib and struct); JPEG and WebP are converted from them by the
vips command (Debian's libvips-tools, in WARSHA_DEB_PACKAGES). A JPEG carrying a GPS
position gets its EXIF block written by hand, so the test knows every byte of it."""

import os
import shutil
import struct
import subprocess
import tempfile
import uuid
import zlib

from warsha_test import Skip

GPS_MARK = b"WARSHA-GPS-MARK"          # in the EXIF ImageDescription: must never come out


def form(parts, boundary=None):
    """A multipart/form-data body. parts: (name, value) for a text field or
    (name, filename, content_type, data) for a file (content_type None: no header).
    Returns (body, content_type)."""
    b = boundary or "----warsha" + uuid.uuid4().hex
    out = []
    for p in parts:
        out.append(b"--" + b.encode() + b"\r\n")
        if len(p) == 2:
            name, value = p
            out.append(('Content-Disposition: form-data; name="%s"\r\n\r\n' % name).encode())
            out.append(value.encode() if isinstance(value, str) else value)
        else:
            name, filename, ctype, data = p
            out.append(('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                        % (name, filename)).encode())
            if ctype:
                out.append(("Content-Type: %s\r\n" % ctype).encode())
            out.append(b"\r\n")
            out.append(data)
        out.append(b"\r\n")
    out.append(b"--" + b.encode() + b"--\r\n")
    return b"".join(out), "multipart/form-data; boundary=" + b


def _chunk(tag, data):
    return (struct.pack(">I", len(data)) + tag + data +
            struct.pack(">I", zlib.crc32(tag + data) & 0xffffffff))


def png(w, h, seed=0):
    """An RGB PNG of w x h whose pixels depend on seed (so each seed is another file)."""
    rows = []
    for y in range(h):
        row = bytearray(1 + 3 * w)
        for x in range(w):
            v = (x * 7 + y * 3 + seed * 31) & 0xff
            row[1 + 3 * x:4 + 3 * x] = bytes((v, (v + seed) & 0xff, (x ^ y ^ seed) & 0xff))
        rows.append(bytes(row))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _chunk(b"IEND", b""))


def bomb_png(w=20000, h=20000):
    """A valid 1-bit greyscale PNG of w x h, all black: a few kilobytes that decode to
    w x h pixels (400 million for the default)."""
    c = zlib.compressobj(9)
    row = b"\x00" * (1 + (w + 7) // 8)
    data = b"".join(c.compress(row) for _ in range(h)) + c.flush()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) +
            _chunk(b"IDAT", data) + _chunk(b"IEND", b""))


def _vips():
    exe = shutil.which("vips")
    if exe is None:
        raise Skip("the vips command (libvips-tools) is not installed")
    return exe


def convert(png_bytes, ext):
    """The PNG as .jpg or .webp, through the vips command."""
    exe = _vips()
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.png"), os.path.join(d, "out." + ext)
        with open(src, "wb") as f:
            f.write(png_bytes)
        subprocess.run([exe, "copy", src, dst], check=True, capture_output=True)
        with open(dst, "rb") as f:
            return f.read()


def _ifd(entries, offset, extra_at):
    """A TIFF IFD (big-endian) at offset: entries (tag, type, count, value bytes);
    values over 4 bytes go after the IFD, at extra_at. Returns (ifd, extra)."""
    out = struct.pack(">H", len(entries))
    extra = b""
    for tag, typ, count, val in entries:
        if len(val) <= 4:
            out += struct.pack(">HHI", tag, typ, count) + val.ljust(4, b"\0")
        else:
            out += struct.pack(">HHII", tag, typ, count, extra_at + len(extra))
            extra += val
            if len(extra) % 2:
                extra += b"\0"
    return out + struct.pack(">I", 0), extra


def jpeg_with_gps(jpeg):
    """The JPEG with an EXIF APP1 block right after SOI: an ImageDescription holding
    GPS_MARK and a GPS IFD (latitude 30°2'N, longitude 31°14'E: Cairo)."""
    def rat(*pairs):
        return b"".join(struct.pack(">II", a, b) for a, b in pairs)
    # IFD0 at 8: 2 entries -> 2 + 24 + 4 = 30 bytes, its extra from 38
    desc = GPS_MARK + b"\0"
    ifd0_len = 2 + 2 * 12 + 4
    gps_at = 8 + ifd0_len + len(desc) + (len(desc) % 2)
    ifd0, extra0 = _ifd([(0x010E, 2, len(desc), desc), (0x8825, 4, 1, struct.pack(">I", gps_at))],
                        8, 8 + ifd0_len)
    gps_len = 2 + 4 * 12 + 4
    gps, extra1 = _ifd([(0x0001, 2, 2, b"N\0"), (0x0002, 5, 3, rat((30, 1), (2, 1), (0, 1))),
                        (0x0003, 2, 2, b"E\0"), (0x0004, 5, 3, rat((31, 1), (14, 1), (0, 1)))],
                       gps_at, gps_at + gps_len)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + extra0
    tiff = tiff.ljust(gps_at, b"\0") + gps + extra1
    app1 = b"Exif\0\0" + tiff
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def size_of(data):
    """(width, height) from an image's header: PNG, JPEG or WebP."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i < len(data):
            while data[i] == 0xff:
                i += 1
            m = data[i]
            i += 1
            if m in (0x01,) or 0xd0 <= m <= 0xd7:
                continue
            seg = struct.unpack(">H", data[i:i + 2])[0]
            if 0xc0 <= m <= 0xcf and m not in (0xc4, 0xc8, 0xcc):
                h, w = struct.unpack(">HH", data[i + 3:i + 7])
                return w, h
            i += seg
        raise ValueError("no JPEG frame header")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        c = data[12:16]
        if c == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            return w & 0x3fff, h & 0x3fff
        if c == b"VP8L":
            bits = struct.unpack("<I", data[21:25])[0]
            return (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1
        if c == b"VP8X":
            w = int.from_bytes(data[24:27], "little") + 1
            h = int.from_bytes(data[27:30], "little") + 1
            return w, h
    raise ValueError("not an image")


def pdf(text="Warsha test document"):
    """A small valid PDF whose content stream holds text."""
    stream = ("BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def config_value(key):
    """A key of the test stack's warsha.conf ($WARSHA_TEST_CONFIG)."""
    path = os.environ.get("WARSHA_TEST_CONFIG") or ""
    val = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "=" in line:
                k, v = line.split("=", 1)
                if k.strip() == key:
                    val = v.strip()
    return val

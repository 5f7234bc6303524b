#!/usr/bin/env python3
"""Image uploads (docs/uploads.md): seed 000's /api/upload/image, /api/upload/images,
DELETE /api/upload/:filename and /api/users/upload-avatar; seed 001's
/api/services/uploads.

Real JPEG, PNG and WebP files go in; what comes out is read back from nginx (/media/)
and from the disk: variants of the right sizes, no EXIF (no GPS position), one set of
files for an image uploaded twice. Hostile or oversized files are refused with nothing
left on disk and no row: a text file declared image/jpeg, a decompression bomb, a 6 MB
file (stopped while it streams), an eleventh file."""

import glob
import os
import socket
import time

from warsha_test import (api, admin_token, check, db_count, db_query, db_scalar, en, expect,
                         is_arabic, make_user_with_role, register_user, run, stack_required,
                         _split_url, poll)
import upload_media as m

stack_required()


def upload_dir():
    d = m.config_value("upload_dir")
    check(d and os.path.isdir(d), "upload_dir %r of the test stack is not a directory" % d)
    return d


def post(path, parts, token, lang=None):
    body, ctype = m.form(parts)
    return api("POST", en(path) if lang == "en" else path, raw=body, token=token,
               headers={"Content-Type": ctype})


def fetch(url):
    """GET of an absolute URL the API answered (nginx's /media/)."""
    path = url.split("://", 1)[1]
    path = path[path.index("/"):]
    return api("GET", path)


def tmp_files():
    return sorted(glob.glob(os.path.join(upload_dir(), "tmp", "*")))


def files_of(sha):
    return sorted(glob.glob(os.path.join(upload_dir(), "public", sha[:2], sha + "_*")))


def rows_of(sha):
    return db_count("uploads", "sha256 = '%s'" % sha)


_seed = [int(time.time() * 1000) % 100000]
# what a worker killed mid-upload may have left (swept an hour later as a worker starts)
TMP_AT_START = tmp_files()


def fresh_png(w=320, h=200):
    _seed[0] += 1
    return m.png(w, h, _seed[0])


# ------------------------------------------------------------------ good uploads

def test_jpeg_variants_have_their_sizes():
    u = register_user()
    jpg = m.convert(fresh_png(1600, 900), "jpg")
    r = post("/api/upload/image", [("image", "photo.jpg", "image/jpeg", jpg)], u["token"])
    d = expect(201, r)["data"]
    up = d["upload"]
    check(up["mimetype"] == "image/jpeg" and up["width"] == 1600 and up["height"] == 900,
          "upload: %s" % up)
    check(d["imageUrl"] == up["variants"]["1200"]["url"], "imageUrl is the 1200 variant: %s" % d)
    want = {"1200": (1200, 675), "500": (500, 281), "150": (150, 84)}
    for name, (w, h) in want.items():
        v = up["variants"][name]
        check((v["width"], v["height"]) in ((w, h), (w, h + 1)), "variant %s: %s" % (name, v))
        got = fetch(v["url"])
        check(got.status == 200, "GET %s: %s" % (v["url"], got.describe()))
        check(got.headers.get("Content-Type") == "image/jpeg", "type: %s" % got.describe())
        check(m.size_of(got.raw) == (v["width"], v["height"]), "variant %s file is %s" %
              (name, m.size_of(got.raw)))
    row = db_query("SELECT owner_id, kind, mime, size, width, height, sha256 FROM uploads"
                   " WHERE id = %d" % up["id"])[0]
    check(row == [str(u["id"]), "image", "image/jpeg", str(len(jpg)), "1600", "900", up["sha256"]],
          "row %s" % row)


def test_png_and_webp_keep_their_format():
    u = register_user()
    png = fresh_png(700, 300)
    webp = m.convert(fresh_png(640, 480), "webp")
    r = post("/api/upload/images", [("images", "a.png", "image/png", png),
                                      ("images", "b.webp", "image/webp", webp)], u["token"])
    d = expect(201, r)["data"]
    check(len(d["imageUrls"]) == 2 and len(d["uploads"]) == 2, "two images: %s" % d)
    a, b = d["uploads"]
    check(a["mimetype"] == "image/png" and a["url"].endswith("_1200.png"), "png: %s" % a)
    check(b["mimetype"] == "image/webp" and b["url"].endswith("_1200.webp"), "webp: %s" % b)
    # never wider than the original: 700 px stays 700 in the "1200" variant
    check((a["variants"]["1200"]["width"], a["variants"]["1200"]["height"]) == (700, 300),
          "png 1200 variant: %s" % a["variants"])
    got = fetch(b["variants"]["500"]["url"])
    check(got.status == 200 and got.raw[:4] == b"RIFF" and m.size_of(got.raw) == (500, 375),
          "webp 500: %s %s" % (got.describe(), m.size_of(got.raw) if got.status == 200 else ""))


def test_png_named_jpg_is_a_png():
    u = register_user()
    r = post("/api/upload/image", [("image", "holiday.jpg", "image/jpeg", fresh_png())], u["token"])
    up = expect(201, r)["data"]["upload"]
    check(up["mimetype"] == "image/png" and up["filename"].endswith(".png"),
          "named .jpg and declared image/jpeg, but a PNG: %s" % up)


def test_gps_exif_is_stripped():
    u = register_user()
    jpg = m.jpeg_with_gps(m.convert(fresh_png(800, 600), "jpg"))
    check(m.GPS_MARK in jpg and b"Exif\0\0" in jpg, "the test JPEG carries its EXIF")
    r = post("/api/upload/image", [("image", "gps.jpg", "image/jpeg", jpg)], u["token"])
    up = expect(201, r)["data"]["upload"]
    for name, v in up["variants"].items():
        got = fetch(v["url"])
        check(got.status == 200, "GET %s: %s" % (name, got.describe()))
        check(m.GPS_MARK not in got.raw, "variant %s still has the EXIF description" % name)
        check(b"Exif\0\0" not in got.raw, "variant %s still has an EXIF block" % name)
        check(b"\xff\xe1" not in got.raw[:got.raw.find(b"\xff\xda")],
              "variant %s has an APP1 segment before its scan" % name)


def test_same_image_twice_is_stored_once():
    a, b = register_user(), register_user()
    png = fresh_png(400, 260)
    r1 = post("/api/upload/image", [("image", "x.png", "image/png", png)], a["token"])
    r2 = post("/api/upload/image", [("file", "y.png", "image/png", png)], b["token"])
    u1, u2 = expect(201, r1)["data"]["upload"], expect(201, r2)["data"]["upload"]
    check(u1["sha256"] == u2["sha256"] and u1["url"] == u2["url"], "same hash and address")
    check(u1["id"] != u2["id"], "a row each")
    check(rows_of(u1["sha256"]) == 2, "two rows of the hash")
    check(len(files_of(u1["sha256"])) == 3, "one set of three files: %s" % files_of(u1["sha256"]))


def test_avatar_is_400_square_and_on_the_profile():
    u = register_user()
    jpg = m.convert(fresh_png(900, 500), "jpg")
    r = post("/api/users/upload-avatar", [("avatar", "me.jpg", "image/jpeg", jpg)], u["token"])
    d = expect(200, r)["data"]
    got = fetch(d["avatarUrl"])
    check(got.status == 200 and m.size_of(got.raw) == (400, 400), "avatar 400x400: %s" %
          got.describe())
    row = db_query("SELECT avatar, avatar_upload_id FROM users WHERE id = %d" % u["id"])[0]
    check(row == [d["avatarUrl"], str(d["upload"]["id"])], "users row %s vs %s" % (row, d))
    prof = expect(200, api("GET", "/api/users/profile", token=u["token"]))
    check(d["avatarUrl"] in str(prof["data"]), "the profile shows the avatar")
    # a new picture replaces the old one: its row and (no one else's) file go
    first = d["upload"]
    r = post("/api/users/upload-avatar", [("image", "me2.png", "image/png", fresh_png(300, 300))],
             u["token"])
    d2 = expect(200, r)["data"]
    check(db_count("uploads", "id = %d" % first["id"]) == 0, "the old avatar row is gone")
    check(files_of(first["sha256"]) == [], "the old avatar file is gone")
    check(db_scalar("SELECT avatar_upload_id FROM users WHERE id = %d" % u["id"]) ==
          str(d2["upload"]["id"]), "the new avatar is the user's")


def test_service_uploads_staff_only():
    png = fresh_png(300, 200)
    for role in ("customer", "technician", "corporate"):
        t = make_user_with_role(role)["token"]
        r = post("/api/services/uploads", [("images", "s.png", "image/png", png)], t)
        expect(403, r)
    r = post("/api/services/uploads", [("images", "s.png", "image/png", png)], None)
    expect(401, r)
    for role in ("admin", "moderator"):
        t = make_user_with_role(role)["token"] if role == "moderator" else admin_token()
        r = post("/api/services/uploads", [("images", "s.png", "image/png", png)], t)
        d = expect(201, r)["data"]
        check(d["uploads"][0]["kind"] == "service", "kind service: %s" % d)


def test_anonymous_refused_everywhere():
    png = fresh_png()
    for path in ("/api/upload/image", "/api/upload/images", "/api/users/upload-avatar",
                 "/api/services/uploads"):
        expect(401, post(path, [("image", "a.png", "image/png", png)], None))
    expect(401, api("DELETE", "/api/upload/" + "a" * 64 + "_1200.png"))


# ------------------------------------------------------------------ deleting

def test_delete_owner_stranger_staff():
    owner, stranger = register_user(), register_user()
    up = expect(201, post("/api/upload/image", [("image", "o.png", "image/png", fresh_png())],
                          owner["token"]))["data"]["upload"]
    name = up["filename"]
    check(len(files_of(up["sha256"])) == 3, "files stored")
    expect(403, api("DELETE", "/api/upload/" + name, token=stranger["token"]))
    expect(404, api("DELETE", "/api/upload/" + "0" * 64 + "_1200.png", token=owner["token"]))
    expect(404, api("DELETE", "/api/upload/..%2f..%2fetc%2fpasswd", token=owner["token"]))
    expect(404, api("DELETE", "/api/upload/notahash.png", token=owner["token"]))
    check(rows_of(up["sha256"]) == 1 and len(files_of(up["sha256"])) == 3,
          "refused deletes left the image")
    d = expect(200, api("DELETE", "/api/upload/" + name, token=owner["token"]))["data"]
    check(d["deleted"] == 1, "one row: %s" % d)
    check(rows_of(up["sha256"]) == 0 and files_of(up["sha256"]) == [], "row and files gone")
    check(fetch(up["url"]).status == 404, "the address answers 404")
    # staff delete anyone's
    up = expect(201, post("/api/upload/image", [("image", "o.png", "image/png", fresh_png())],
                          owner["token"]))["data"]["upload"]
    mod = make_user_with_role("moderator")
    expect(200, api("DELETE", "/api/upload/" + up["sha256"], token=mod["token"]))
    check(rows_of(up["sha256"]) == 0 and files_of(up["sha256"]) == [], "staff delete")


def test_delete_keeps_files_others_use():
    a, b = register_user(), register_user()
    png = fresh_png(260, 260)
    ua = expect(201, post("/api/upload/image", [("image", "a.png", "image/png", png)],
                          a["token"]))["data"]["upload"]
    expect(201, post("/api/upload/image", [("image", "b.png", "image/png", png)], b["token"]))
    expect(200, api("DELETE", "/api/upload/" + ua["filename"], token=a["token"]))
    check(rows_of(ua["sha256"]) == 1, "b's row stays")
    check(len(files_of(ua["sha256"])) == 3, "b's files stay")
    check(fetch(ua["url"]).status == 200, "still served")


# ------------------------------------------------------------------ refused

def tmp_left(before):
    """The temporary files a request left: they go when its memory is released, just after
    the reply is written, so a file may still be there for a moment after the answer."""
    left = poll(lambda: not (set(tmp_files()) - set(before)), timeout=3.0)
    return [] if left else sorted(set(tmp_files()) - set(before))


def refused_cleanly(before_rows, label, tmp_before=None):
    check(db_count("uploads") == before_rows, "%s: a row was written" % label)
    left = tmp_left(tmp_before if tmp_before is not None else TMP_AT_START)
    check(left == [], "%s: temporary files left: %s" % (label, left))


def test_text_declared_jpeg_is_refused_bilingual():
    u = register_user()
    n = db_count("uploads")
    parts = [("image", "cat.jpg", "image/jpeg", b"just some text, not a picture\n" * 20)]
    r = post("/api/upload/image", parts, u["token"], lang="en")
    body = expect(415, r, fields={"image": "UNSUPPORTED_TYPE"})
    check(not is_arabic(body["errors"][0]["message"]), "English: %s" % body)
    body, ctype = m.form(parts)
    r = api("POST", "/api/upload/image", raw=body, token=u["token"],
            headers={"Content-Type": ctype, "Accept-Language": "ar"})
    body = expect(415, r, fields={"image": "UNSUPPORTED_TYPE"})
    check(is_arabic(body["message"]) and is_arabic(body["errors"][0]["message"]), "Arabic: %s" % body)
    refused_cleanly(n, "text as jpeg")


def test_html_and_svg_named_png_are_refused():
    u = register_user()
    n = db_count("uploads")
    for data in (b"<html><body><script>alert(1)</script></body></html>",
                 b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                 b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"):
        expect(415, post("/api/upload/image", [("image", "x.png", "image/png", data)],
                         u["token"]), fields={"image": "UNSUPPORTED_TYPE"})
    refused_cleanly(n, "polyglots")


def test_truncated_image_is_refused():
    u = register_user()
    n = db_count("uploads")
    jpg = m.convert(fresh_png(600, 400), "jpg")
    r = post("/api/upload/image", [("image", "cut.jpg", "image/jpeg", jpg[:len(jpg) // 2])],
             u["token"])
    expect(422, r, fields={"image": "UNDECODABLE"})
    refused_cleanly(n, "truncated")


def test_bomb_is_refused_before_decoding():
    u = register_user()
    n = db_count("uploads")
    bomb = m.bomb_png()
    check(len(bomb) < 200000, "the bomb is small: %d bytes" % len(bomb))
    r = post("/api/upload/image", [("image", "bomb.png", "image/png", bomb)], u["token"])
    expect(422, r, fields={"image": "TOO_MANY_PIXELS"})
    # refused on its header: the log says so, and libvips never saw it
    log = open(os.path.join(os.environ["WARSHA_TEST_LOG_DIR"], "warsha-fcgi.log"),
               encoding="utf-8", errors="replace").read()
    rid = r.headers.get("X-Request-Id")
    lines = [l for l in log.splitlines() if rid in l]
    check(any("msg=upload_bomb width=20000 height=20000" in l for l in lines),
          "no upload_bomb line for %s: %s" % (rid, lines))
    check(not any("upload_undecodable" in l for l in lines), "it was decoded: %s" % lines)
    refused_cleanly(n, "bomb")


def test_eleven_files_refused():
    u = register_user()
    n = db_count("uploads")
    png = fresh_png(40, 40)
    parts = [("images", "%d.png" % i, "image/png", png) for i in range(11)]
    expect(413, post("/api/upload/images", parts, u["token"]),
           fields={"images": "TOO_MANY_FILES"})
    refused_cleanly(n, "11 files")
    # ten are fine
    expect(201, post("/api/upload/images", parts[:10], u["token"]))


def test_two_files_on_the_single_route_refused():
    u = register_user()
    png = fresh_png(40, 40)
    expect(413, post("/api/upload/image", [("image", "1.png", "image/png", png),
                                            ("image", "2.png", "image/png", png)], u["token"]),
           fields={"image": "TOO_MANY_FILES"})


def test_undeclared_field_and_missing_file():
    u = register_user()
    expect(422, post("/api/upload/image", [("photo", "a.png", "image/png", fresh_png())],
                     u["token"]), fields={"photo": "UNKNOWN_FIELD"})
    expect(422, post("/api/upload/image", [("note", "hello")], u["token"]),
           fields={"note": "UNKNOWN_FIELD"})
    expect(422, post("/api/upload/image", [], u["token"]), fields={"image": "REQUIRED"})
    expect(415, api("POST", "/api/upload/image", {"image": "x"}, token=u["token"]))
    expect(415, api("POST", "/api/upload/image", raw=b"abc", token=u["token"],
                    headers={"Content-Type": "multipart/form-data"}))
    expect(422, api("POST", "/api/upload/image", raw=b"--b\r\nContent-Disposition: form-data;"
                    b' name="image"; filename="a.png"\r\n\r\nabc', token=u["token"],
                    headers={"Content-Type": "multipart/form-data; boundary=b"}),
           fields={"image": "TRUNCATED"})
    left = tmp_left(TMP_AT_START)
    check(left == [], "temporary files left: %s" % left)


def test_six_mb_file_stopped_while_streaming():
    """A 6 MB file in an 11 MB body. The client sends 6.4 MB and pauses: by then the
    worker has the file's first 5 MiB (upload_file_limit; less the few bytes the parser
    holds back where a delimiter might begin) in a temporary file on disk, and not one
    byte more: it stopped at the limit while the body was still arriving
    (nginx passes it on as it comes, fastcgi_request_buffering off; a buffered body
    would reach no worker before its end). Then the rest goes, and the answer is the
    worker's 413 naming the field."""
    u = register_user()
    n = db_count("uploads")
    before = tmp_files()
    limit = int(m.config_value("upload_file_limit") or 5 * 1024 * 1024)
    big = bytes(range(256)) * (6 * 1024 * 1024 // 256)
    body, ctype = m.form([("image", "big.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + big),
                          ("image", "pad.jpg", "image/jpeg", b"\0" * (5 * 1024 * 1024))])
    check(len(body) < 12 * 1024 * 1024, "the body is within nginx's limit")
    host, port = _split_url()
    s = socket.create_connection((host, port), timeout=60)
    try:
        head = ("POST /api/upload/image?lang=en HTTP/1.1\r\nHost: %s:%d\r\n"
                "Authorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                "Connection: close\r\n\r\n" % (host, port, u["token"], ctype, len(body)))
        s.sendall(head.encode())
        first = 6 * 1024 * 1024 + 400 * 1024
        s.sendall(body[:first])

        def stopped_at_limit():
            for f in set(tmp_files()) - set(before):
                try:
                    if limit - 4096 <= os.path.getsize(f) <= limit:
                        return f
                except OSError:
                    pass
            return None
        from warsha_test import poll
        held = poll(stopped_at_limit, timeout=10)
        check(held, "no temporary file of the limit's %d bytes while the body streams: %s" %
              (limit, [(f, os.path.getsize(f)) for f in set(tmp_files()) - set(before)]))
        size = os.path.getsize(held)
        time.sleep(0.3)
        check(os.path.getsize(held) == size <= limit, "the worker wrote past the limit")
        s.sendall(body[first:])
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    finally:
        s.close()
    check(answer.startswith(b"HTTP/1.1 413"), "answer: %r" % answer[:200])
    check(b'"field":"image"' in answer and b"FILE_TOO_LARGE" in answer,
          "413 names the field and the limit (the worker's answer): %r" % answer[-400:])
    time.sleep(0.3)
    refused_cleanly(n, "6 MB", before)


def test_over_body_limit_refused_by_nginx():
    """Over client_max_body_size (12m, the same as upload_body_limit): nginx's own 413,
    before a byte reaches a worker."""
    u = register_user()
    host, port = _split_url()
    s = socket.create_connection((host, port), timeout=30)
    try:
        s.sendall(("POST /api/upload/images HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n"
                   "Connection: close\r\n\r\n" % (host, port, u["token"], 13 * 1024 * 1024)).encode())
        answer = s.recv(65536)
    finally:
        s.close()
    check(answer.startswith(b"HTTP/1.1 413") and b"PAYLOAD_TOO_LARGE" in answer,
          "nginx 413: %r" % answer[:300])


def test_nginx_body_limit_matches_the_configuration():
    """nginx/snippets/warsha-site.conf's client_max_body_size on the upload locations is
    upload_body_limit's default (fcgi/core/config.c): raising one means raising both."""
    src = os.environ.get("WARSHA_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
    site = open(os.path.join(src, "nginx", "snippets", "warsha-site.conf"), encoding="utf-8").read()
    conf = open(os.path.join(src, "fcgi", "core", "config.c"), encoding="utf-8").read()
    import re
    default = int(re.search(r'L\(upload_body_limit, "(\d+)"', conf).group(1))
    blocks = re.findall(r"location ~ \^/api\(\?:/v1\)\?/(?:\(\?:upload|files)[^{]*\{([^}]*)\}", site)
    check(len(blocks) == 2, "two upload locations in warsha-site.conf, found %d" % len(blocks))
    for b in blocks:
        mm = re.search(r"client_max_body_size (\d+)m;", b)
        check(mm and int(mm.group(1)) * 1024 * 1024 == default,
              "client_max_body_size %s != upload_body_limit %d" % (mm and mm.group(1), default))
        check("fastcgi_request_buffering off;" in b, "the upload location streams: %s" % b)


run(globals())

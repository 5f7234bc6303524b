#!/usr/bin/env python3
"""Files (seed 002's /api/files; docs/uploads.md): any type of the allow-list
(files_types), sniffed from the bytes; stored on disk, not in the database; private
files readable only by their owner and staff and encrypted at rest (AES-256-GCM): the
bytes on disk are read here and must not be the plaintext, and a file changed on disk
is refused."""

import os

from warsha_test import (api, check, db_count, db_scalar, en, expect, expect_log,
                         is_arabic, make_user_with_role, register_user, run, stack_required)
import upload_media as m

stack_required()


def send(method, path, parts, token, lang=None):
    body, ctype = m.form(parts)
    return api(method, en(path) if lang == "en" else path, raw=body, token=token,
               headers={"Content-Type": ctype})


def upload(token, data, name="doc.pdf", ctype="application/pdf", private=None):
    parts = [("file", name, ctype, data)]
    if private is not None:
        parts.append(("private", private))
    return send("POST", "/api/files", parts, token)


def stored_path(file_id):
    rel = db_scalar("SELECT storage FROM uploads WHERE id = %d" % file_id)
    return os.path.join(m.config_value("upload_dir"), rel)


def test_public_pdf_round_trip():
    u = register_user()
    data = m.pdf("public brochure")
    f = expect(201, upload(u["token"], data, name="brochure.pdf"))["data"]["file"]
    check(f["mimetype"] == "application/pdf" and f["size"] == len(data) and
          f["private"] is False and f["filename"] == "brochure.pdf", "file: %s" % f)
    check(f["uploadedBy"] == u["id"], "owner: %s" % f)
    # on disk as sent (public), not in the database
    with open(stored_path(f["id"]), "rb") as fh:
        check(fh.read() == data, "public files are stored as sent")
    for token in (None, register_user()["token"], u["token"]):
        r = api("GET", "/api/files/%d" % f["id"], token=token)
        check(r.status == 200 and r.raw == data, "GET: %s" % r.describe())
        check(r.headers.get("Content-Type", "").startswith("application/pdf"),
              "type: %s" % r.headers.get("Content-Type"))
        check("brochure.pdf" in (r.headers.get("Content-Disposition") or ""),
              "disposition: %s" % r.headers.get("Content-Disposition"))


def test_private_file_is_encrypted_at_rest():
    owner = register_user()
    secret = b"NATIONAL-ID 29001011234567 verification document " * 40
    data = m.pdf("secret") + secret
    f = expect(201, upload(owner["token"], data, name="id-card.pdf", private="true"))["data"]["file"]
    check(f["private"] is True, "private: %s" % f)
    with open(stored_path(f["id"]), "rb") as fh:
        disk = fh.read()
    check(disk != data and b"NATIONAL-ID" not in disk and b"%PDF" not in disk,
          "the stored bytes hold the plaintext")
    check(disk[:4] == b"WSF1" and len(disk) == len(data) + 4 + 12 + 16,
          "format WSF1 | nonce | ciphertext | tag: %d bytes for %d" % (len(disk), len(data)))
    # the owner and staff read the plaintext
    r = api("GET", "/api/files/%d" % f["id"], token=owner["token"])
    check(r.status == 200 and r.raw == data, "owner: %s" % r.describe())
    mod = make_user_with_role("moderator")
    r = api("GET", "/api/files/%d" % f["id"], token=mod["token"])
    check(r.status == 200 and r.raw == data, "staff: %s" % r.describe())
    # nobody else learns it exists
    expect(404, api("GET", "/api/files/%d" % f["id"]))
    expect(404, api("GET", "/api/files/%d" % f["id"], token=register_user()["token"]))


def test_tampered_private_file_is_refused():
    expect_log(r"msg=file_integrity_failed")
    owner = register_user()
    data = m.pdf("tamper me") + b"x" * 5000
    f = expect(201, upload(owner["token"], data, private="1"))["data"]["file"]
    path = stored_path(f["id"])
    with open(path, "rb") as fh:
        disk = bytearray(fh.read())
    disk[100] ^= 0x01
    with open(path, "wb") as fh:
        fh.write(disk)
    r = api("GET", "/api/files/%d" % f["id"], token=owner["token"])
    expect(500, r)
    check(b"tamper me" not in r.raw, "no plaintext in the refusal")
    # another private file's ciphertext copied over this one's name fails too
    g = expect(201, upload(owner["token"], data, private="true"))["data"]["file"]
    with open(stored_path(g["id"]), "rb") as fh:
        other = fh.read()
    with open(path, "wb") as fh:
        fh.write(other)
    expect(500, api("GET", "/api/files/%d" % f["id"], token=owner["token"]))
    r = api("GET", "/api/files/%d" % g["id"], token=owner["token"])
    check(r.status == 200 and r.raw == data, "the original stays readable: %s" % r.describe())


def test_types_are_sniffed_and_allow_listed():
    u = register_user()
    n = db_count("uploads")
    for name, ctype, data in (("notes.pdf", "application/pdf", b"just text\n" * 10),
                              ("page.png", "image/png", b"<html><script>alert(1)</script></html>"),
                              ("run.pdf", "application/pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200)):
        r = send("POST", "/api/files", [("file", name, ctype, data)], u["token"], lang="en")
        body = expect(415, r, fields={"file": "UNSUPPORTED_TYPE"})
        check(not is_arabic(body["errors"][0]["message"]), "English: %s" % body)
    check(db_count("uploads") == n, "a refused file left a row")
    # an image is fine, whatever its name says
    f = expect(201, upload(u["token"], m.png(20, 20, 5), name="x.pdf",
                           ctype="application/pdf"))["data"]["file"]
    check(f["mimetype"] == "image/png", "sniffed: %s" % f)


def test_form_errors():
    u = register_user()
    expect(422, send("POST", "/api/files", [("file", "a.pdf", "application/pdf", m.pdf()),
                                            ("private", "maybe")], u["token"]),
           fields={"private": "INVALID_VALUE"})
    expect(422, send("POST", "/api/files", [("document", "a.pdf", "application/pdf", m.pdf())],
                     u["token"]), fields={"document": "UNKNOWN_FIELD"})
    expect(422, send("POST", "/api/files", [("private", "true")], u["token"]),
           fields={"file": "REQUIRED"})
    expect(422, send("POST", "/api/files", [("file", "a.pdf", "application/pdf", b"")],
                     u["token"]), fields={"file": "EMPTY"})
    expect(413, send("POST", "/api/files", [("file", "a.pdf", "application/pdf", m.pdf()),
                                            ("file", "b.pdf", "application/pdf", m.pdf())],
                     u["token"]), fields={"file": "TOO_MANY_FILES"})


def test_roles():
    data = m.pdf()
    expect(401, upload(None, data))
    expect(401, send("PUT", "/api/files/1", [("file", "a.pdf", "application/pdf", data)], None))
    expect(401, api("DELETE", "/api/files/1"))
    for role in ("customer", "technician", "corporate", "moderator"):
        u = make_user_with_role(role)
        expect(201, upload(u["token"], data))
    expect(404, api("GET", "/api/files/999999999"))
    expect(404, api("GET", "/api/files/abc"))


def test_update_and_delete_rights():
    owner, stranger = register_user(), register_user()
    f = expect(201, upload(owner["token"], m.pdf("v1")))["data"]["file"]
    old_path = stored_path(f["id"])
    v2 = m.pdf("version two")
    expect(403, send("PUT", "/api/files/%d" % f["id"], [("file", "v2.pdf", "application/pdf", v2)],
                     stranger["token"]))
    expect(403, api("DELETE", "/api/files/%d" % f["id"], token=stranger["token"]))
    g = expect(200, send("PUT", "/api/files/%d" % f["id"],
                         [("file", "v2.pdf", "application/pdf", v2), ("private", "true")],
                         owner["token"]))["data"]["file"]
    check(g["id"] == f["id"] and g["filename"] == "v2.pdf" and g["private"] is True, "put: %s" % g)
    check(not os.path.exists(old_path), "the old content is removed from disk")
    r = api("GET", "/api/files/%d" % f["id"], token=owner["token"])
    check(r.status == 200 and r.raw == v2, "new content: %s" % r.describe())
    # private now: a stranger does not see it at all
    expect(404, api("DELETE", "/api/files/%d" % f["id"], token=stranger["token"]))
    path = stored_path(f["id"])
    d = expect(200, api("DELETE", "/api/files/%d" % f["id"], token=owner["token"]))["data"]
    check(d["file"]["id"] == f["id"], "delete answers the file: %s" % d)
    check(not os.path.exists(path), "deleted from disk")
    expect(404, api("GET", "/api/files/%d" % f["id"], token=owner["token"]))
    # staff delete anyone's
    h = expect(201, upload(owner["token"], m.pdf("staff")))["data"]["file"]
    mod = make_user_with_role("moderator")
    expect(200, api("DELETE", "/api/files/%d" % h["id"], token=mod["token"]))
    check(db_count("uploads", "id = %d" % h["id"]) == 0, "row gone")


def test_bilingual_refusal():
    u = register_user()
    body, ctype = m.form([("file", "a.txt", "text/plain", b"plain text\n")])
    r_ar = api("POST", "/api/files", raw=body, token=u["token"],
               headers={"Content-Type": ctype, "Accept-Language": "ar"})
    b = expect(415, r_ar, fields={"file": "UNSUPPORTED_TYPE"})
    check(is_arabic(b["message"]), "Arabic: %s" % b)


run(globals())

#!/usr/bin/env python3
"""Records that show uploaded images (docs/uploads.md, "References"): a service's
media.images / media.imageIds (staff), a booking's serviceDetails.images /
serviceDetails.imageIds and a job's photos / photoIds (the customer's own uploads).

Real PNGs are uploaded; each record names them by id or by the address an upload
answered. What is checked: the answers (images as addresses of the 1200 variant, the ids
beside them), the upload_refs rows written with the record, refusals of an unknown or
someone else's upload (422 naming the entry, Arabic and English, nothing written), and
the delete rule: an image a record shows is not deleted (409 naming what shows it)."""

import os
import random

from warsha_test import (api, admin_token, check, db_count, db_query, db_scalar, en, expect,
                         expect_bilingual, make_user_with_role, register_user, run,
                         stack_required, uniq)
import booking_fixtures as bf
import upload_media as m

stack_required()

_seed = [random.randint(1, 10 ** 9)]


def png():
    _seed[0] += 1
    return m.png(64, 48, _seed[0])


def upload(token, path="/api/upload/image", field="image"):
    """One fresh image uploaded by token: its answer's upload object."""
    body, ctype = m.form([(field, "p.png", "image/png", png())])
    r = api("POST", path, raw=body, token=token, headers={"Content-Type": ctype})
    d = expect(201, r)["data"]
    return d["upload"] if "upload" in d else d["uploads"][0]


def url(up, variant="1200"):
    return up["variants"][variant]["url"]


def refs(subject, sid):
    rows = db_query("SELECT position, upload_id FROM upload_refs WHERE subject = '%s'"
                    " AND subject_id = %d ORDER BY position" % (subject, sid))
    return [(int(r[0]), int(r[1])) for r in rows]


def refs_of_upload(uid):
    return db_count("upload_refs", "upload_id = %d" % uid)


def svc_body(**media):
    tag = uniq(10)
    return {"nameAr": "خدمة صور " + tag, "nameEn": "Refs QA " + tag,
            "descriptionAr": "وصف", "descriptionEn": "A service with images",
            "category": "plumbing", "price": {"basePrice": 10000},
            "media": dict(media, icon="faucet")}


def svc_count(name_en):
    return db_count("services", "name_en = '%s'" % name_en)


def filename(up):
    return up["filename"]


def files_exist(up):
    updir = m.config_value("upload_dir")
    for v in up["variants"].values():
        path = v["url"].split("/media/", 1)[1]
        if not os.path.exists(os.path.join(updir, "public", path)):
            return False
    return True


# ------------------------------------------------------------------ services (staff)

def test_a_service_shows_uploads_by_id_and_by_address():
    adm = admin_token()
    a = upload(adm, "/api/services/uploads", "images")
    b = upload(adm)
    cust = register_user()
    c = upload(cust["token"])          # staff may show anyone's image
    outside = "https://img.example/outside.png"
    # a's 500 variant by address; b and a again by id (a is not repeated); c by id
    body = svc_body(images=[outside, url(a, "500")], imageIds=[b["id"], a["id"], c["id"]])
    s = expect(201, api("POST", "/api/services", body, token=adm))["data"]
    med = s["media"]
    check(med["images"] == [outside, url(a), url(b), url(c)], "images: %r" % med)
    check(med["imageIds"] == [a["id"], b["id"], c["id"]], "imageIds: %r" % med)
    check(refs("service", s["id"]) == [(1, a["id"]), (2, b["id"]), (3, c["id"])],
          "refs: %r" % refs("service", s["id"]))
    # the same answer on a read, in a list and from the public view
    got = expect(200, api("GET", "/api/services/%d" % s["id"]))["data"]
    check(got["media"]["images"] == med["images"] and got["media"]["imageIds"] ==
          med["imageIds"], "read: %r" % got["media"])
    # an update by ids alone replaces the list; images: [] empties it
    upd = expect(200, api("PUT", "/api/services/%d" % s["id"], {"media": {"imageIds": [c["id"]]}},
                          token=adm))["data"]
    check(upd["media"]["images"] == [url(c)] and upd["media"]["imageIds"] == [c["id"]],
          "update: %r" % upd["media"])
    check(refs("service", s["id"]) == [(0, c["id"])], "refs after update")
    upd = expect(200, api("PUT", "/api/services/%d" % s["id"], {"media": {"images": []}},
                          token=adm))["data"]
    check(upd["media"]["images"] == [] and upd["media"]["imageIds"] == [], "emptied: %r" % upd)
    check(refs("service", s["id"]) == [], "no refs left")


def test_a_service_without_uploads_answers_empty_ids():
    adm = admin_token()
    body = svc_body(images=["https://img.example/only.png"])
    s = expect(201, api("POST", "/api/services", body, token=adm))["data"]
    check(s["media"]["images"] == ["https://img.example/only.png"] and
          s["media"]["imageIds"] == [], "outside only: %r" % s["media"])
    lst = expect(200, api("GET", "/api/services?limit=100"))["data"]
    for it in lst:
        check(isinstance(it["media"]["imageIds"], list), "list item: %r" % it["media"])


def test_a_service_refuses_unknown_ids_and_addresses():
    adm = admin_token()
    a = upload(adm)
    cases = [
        ({"imageIds": [a["id"], 2 ** 40]}, "media.imageIds[1]"),
        ({"images": ["https://img.example/x.png", "/media/ab/" + "ab" * 32 + "_1200.png"]},
         "media.images[1]"),
        # one of ours in a shape no upload has
        ({"images": [url(a).replace("_1200.", "_999.")]}, "media.images[0]"),
    ]
    for media, field in cases:
        body = svc_body(**media)
        r = api("POST", "/api/services", body, token=adm)
        expect(422, r, fields={field: "UNKNOWN_UPLOAD"})
        check(svc_count(body["nameEn"]) == 0, "nothing written for %s" % field)
    # an avatar is a picture, not an image to show
    body, ctype = m.form([("avatar", "me.png", "image/png", png())])
    av = expect(200, api("POST", "/api/users/upload-avatar", raw=body, token=adm,
                         headers={"Content-Type": ctype}))["data"]["upload"]
    expect(422, api("POST", "/api/services", svc_body(imageIds=[av["id"]]), token=adm),
           fields={"media.imageIds[0]": "UNKNOWN_UPLOAD"})
    expect(422, api("POST", "/api/services", svc_body(imageIds=["7"]), token=adm),
           fields=["media.imageIds"])
    # bilingual
    m_en, m_ar = expect_bilingual("POST", "/api/services", svc_body(imageIds=[2 ** 40]),
                                  token=adm, status=422)
    check(m_en != m_ar, "Arabic and English differ: %r %r" % (m_en, m_ar))
    # an update that names an unknown id changes nothing
    s = expect(201, api("POST", "/api/services", svc_body(imageIds=[a["id"]]), token=adm))["data"]
    expect(422, api("PUT", "/api/services/%d" % s["id"], {"media": {"imageIds": [2 ** 40]}},
                    token=adm), fields={"media.imageIds[0]": "UNKNOWN_UPLOAD"})
    check(refs("service", s["id"]) == [(0, a["id"])], "refs kept")


def test_a_bulk_of_services_shows_uploads_and_refuses_as_one():
    adm = admin_token()
    a, b = upload(adm), upload(adm)
    one, two = svc_body(imageIds=[a["id"]]), svc_body(images=[url(b, "150")])
    got = expect(201, api("POST", "/api/services/bulk", [one, two], token=adm))["data"]
    check([g["media"]["imageIds"] for g in got] == [[a["id"]], [b["id"]]], "bulk: %r" % got)
    check(refs("service", got[1]["id"]) == [(0, b["id"])], "refs of the second")
    three, four = svc_body(imageIds=[a["id"]]), svc_body(imageIds=[2 ** 40])
    expect(422, api("POST", "/api/services/bulk", [three, four], token=adm),
           fields={"[1].media.imageIds[0]": "UNKNOWN_UPLOAD"})
    check(svc_count(three["nameEn"]) == 0, "one refusal writes nothing")


# ------------------------------------------------------------------ bookings and jobs

def test_a_booking_shows_its_customers_own_uploads():
    sid = bf.make_service(requires_approval=False)
    cust, other = register_user(), register_user()
    x = upload(cust["token"])
    y = upload(other["token"])
    # by address (the 150 variant) and by id: one image, shown once, as its 1200 variant
    details = {"problemDescription": "Leak", "images": [url(x, "150")], "imageIds": [x["id"]]}
    b = bf.create(cust["token"], sid, serviceDetails=details)
    sd = b["serviceDetails"]
    check(sd["images"] == [url(x)] and sd["imageIds"] == [x["id"]], "booking: %r" % sd)
    check(refs("booking", b["id"]) == [(0, x["id"])], "refs")
    got = expect(200, api("GET", "/api/bookings/%d" % b["id"], token=cust["token"]))["data"]
    got = got.get("booking", got)
    check(got["serviceDetails"]["imageIds"] == [x["id"]], "read: %r" % got["serviceDetails"])
    # an outside address is kept and has no reference
    b2 = bf.create(cust["token"], sid)
    check(b2["serviceDetails"]["images"] == ["https://img.example/leak.jpg"] and
          b2["serviceDetails"]["imageIds"] == [], "outside: %r" % b2["serviceDetails"])
    # someone else's upload, by id or by address: 422 naming the entry, no booking
    before = db_count("bookings", "customer_id = %d" % cust["id"])
    for details, field in (
            ({"problemDescription": "Leak", "imageIds": [x["id"], y["id"]]},
             "serviceDetails.imageIds[1]"),
            ({"problemDescription": "Leak", "images": [url(y)]}, "serviceDetails.images[0]"),
            ({"problemDescription": "Leak", "imageIds": [2 ** 40]}, "serviceDetails.imageIds[0]")):
        r = api("POST", "/api/bookings", bf.booking_body(sid, serviceDetails=details),
                token=cust["token"])
        expect(422, r, fields={field: "UNKNOWN_UPLOAD"})
    check(db_count("bookings", "customer_id = %d" % cust["id"]) == before, "nothing written")
    m_en, m_ar = expect_bilingual(
        "POST", "/api/bookings", bf.booking_body(sid, serviceDetails={
            "problemDescription": "Leak", "imageIds": [y["id"]]}),
        token=cust["token"], status=422)
    check(m_en != m_ar, "bilingual")


def test_a_job_shows_its_clients_own_photos():
    c, other = make_user_with_role("customer"), make_user_with_role("customer")
    x = upload(c["token"])
    y = upload(other["token"])
    job = {"title": "Leaking sink " + uniq(6), "description": "The pipe drips.",
           "category": "plumbing", "address": "12 Tahrir St", "city": "Cairo",
           "governorate": "Cairo", "photos": ["https://img.example/j.jpg"],
           "photoIds": [x["id"]]}
    j = expect(201, api("POST", "/api/jobs", job, token=c["token"]))["data"]
    check(j["photos"] == ["https://img.example/j.jpg", url(x)] and j["photoIds"] == [x["id"]],
          "job: %r" % j)
    check(refs("booking", j["id"]) == [(1, x["id"])], "refs")
    # someone else's photo: 422, nothing written
    before = db_count("bookings", "customer_id = %d" % c["id"])
    bad = dict(job, title="Another sink " + uniq(6), photoIds=[y["id"]])
    expect(422, api("POST", "/api/jobs", bad, token=c["token"]),
           fields={"photoIds[0]": "UNKNOWN_UPLOAD"})
    check(db_count("bookings", "customer_id = %d" % c["id"]) == before, "no job written")
    # an edit by address replaces the list; one naming another's photo changes nothing
    path = "/api/jobs/%d" % j["id"]
    e = expect(200, api("PUT", path, {"photos": [url(x, "500")]}, token=c["token"]))["data"]
    check(e["photos"] == [url(x)] and e["photoIds"] == [x["id"]], "edit: %r" % e)
    check(refs("booking", j["id"]) == [(0, x["id"])], "refs after edit")
    expect(422, api("PUT", path, {"photos": [url(y)]}, token=c["token"]),
           fields={"photos[0]": "UNKNOWN_UPLOAD"})
    check(refs("booking", j["id"]) == [(0, x["id"])], "refs kept")
    e = expect(200, api("PUT", path, {"photoIds": None}, token=c["token"]))["data"]
    check(e["photos"] is None and e["photoIds"] == [], "cleared: %r" % e)
    check(refs("booking", j["id"]) == [], "no refs")


# ------------------------------------------------------------------ deleting a shown image

def test_an_image_a_record_shows_is_not_deleted():
    sid = bf.make_service(requires_approval=False)
    cust = register_user()
    x = upload(cust["token"])
    b = bf.create(cust["token"], sid, serviceDetails={"problemDescription": "Leak",
                                                      "imageIds": [x["id"]]})
    r = api("DELETE", "/api/upload/" + filename(x), token=cust["token"])
    body = expect(409, r, code="CONFLICT", fields={"filename": "IN_USE"})
    used = body["errors"][0].get("usedBy")
    check(used == [{"type": "booking", "id": b["id"], "uploadId": x["id"]}], "usedBy: %r" % used)
    check(db_count("uploads", "id = %d" % x["id"]) == 1 and files_exist(x), "kept")
    m_en, m_ar = expect_bilingual("DELETE", "/api/upload/" + filename(x), token=cust["token"],
                                  status=409)
    check(m_en != m_ar, "bilingual")
    # staff neither: the booking still shows it
    expect(409, api("DELETE", "/api/upload/" + filename(x), token=admin_token()))
    check(db_count("uploads", "id = %d" % x["id"]) == 1 and files_exist(x), "kept for staff")
    # an image no record shows is deleted as before
    z = upload(cust["token"])
    expect(200, api("DELETE", "/api/upload/" + filename(z), token=cust["token"]))
    check(db_count("uploads", "id = %d" % z["id"]) == 0 and not files_exist(z), "deleted")


def test_a_deleted_service_lets_its_images_go():
    adm = admin_token()
    a = upload(adm, "/api/services/uploads", "images")
    s = expect(201, api("POST", "/api/services", svc_body(imageIds=[a["id"]]), token=adm))["data"]
    r = api("DELETE", "/api/upload/" + filename(a), token=adm)
    body = expect(409, r, fields={"filename": "IN_USE"})
    check(body["errors"][0]["usedBy"] == [{"type": "service", "id": s["id"],
                                           "uploadId": a["id"]}], "usedBy: %r" % body)
    expect(200, api("DELETE", "/api/services/%d" % s["id"], token=adm))
    check(refs_of_upload(a["id"]) == 0, "the deleted service's refs went")
    expect(200, api("DELETE", "/api/upload/" + filename(a), token=adm))
    check(not files_exist(a), "files gone")


def test_an_erased_person_takes_their_job_photos_but_not_the_catalogs_image():
    c = make_user_with_role("customer")
    x, y = upload(c["token"]), upload(c["token"])
    adm = admin_token()
    s = expect(201, api("POST", "/api/services", svc_body(imageIds=[y["id"]]), token=adm))["data"]
    job = {"title": "Broken tap " + uniq(6), "description": "It drips.", "category": "plumbing",
           "address": "12 Tahrir St", "city": "Cairo", "governorate": "Cairo",
           "photoIds": [x["id"]]}
    j = expect(201, api("POST", "/api/jobs", job, token=c["token"]))["data"]
    expect(200, api("DELETE", "/api/jobs/%d" % j["id"], token=c["token"]))
    expect(200, api("DELETE", "/api/users/me", {"password": c["password"]}, token=c["token"]))
    # the job's photo: gone, with its reference and its files
    check(db_count("uploads", "id = %d" % x["id"]) == 0 and not files_exist(x), "photo kept")
    check(refs("booking", j["id"]) == [] and
          db_scalar("SELECT images FROM bookings WHERE id = %d" % j["id"]) is None,
          "the job still lists its photo")
    # the catalog's image: kept, no one's, still shown
    check(db_scalar("SELECT owner_id FROM uploads WHERE id = %d" % y["id"]) is None and
          files_exist(y), "the service's image went")
    got = expect(200, api("GET", "/api/services/%d" % s["id"]))["data"]
    check(got["media"]["imageIds"] == [y["id"]], "service: %r" % got["media"])


def test_the_database_refuses_a_dangling_reference():
    # the foreign key holds even for a write that skipped the handlers
    n = db_scalar("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
                  " WHERE CONSTRAINT_NAME = 'fk_upload_refs_upload'")
    check(int(n) == 1, "fk_upload_refs_upload exists")


run(globals())

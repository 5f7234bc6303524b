"""Service progress of a booking (seed 000's "Service Progress Tracking"; docs/bookings.md,
"Progress"): GET /api/bookings/:id/progress and its writes under
/api/bookings/:id/progress/.

Every write is one transaction with the booking's row locked: a refused write (a wrong
booking status, a stage out of order, a stale version, a resolved blocker) changes
nothing, neither the progress tables nor the history, events or notifications. Readers
are the booking's own (its customer or guest token, its technician, staff), anyone else
gets 404; writers the assigned technician and staff; the customer answers."""
import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, expect_bilingual, check, admin_token, admin_login, make_user_with_role,
                         register_user, db_query, db_scalar, outbox_rows, uniq, at_once, run,
                         Skip, ENV, SOURCE_DIR)

EVENT = "booking:progress-update"
STAGES = ["diagnosis", "parts_needed", "work_in_progress", "quality_check"]


def future(days=2, hour=10):
    d = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)
    return "%sT%02d:00:00.000Z" % (d.isoformat(), hour)


def make_service(emergency=False):
    b = {"nameAr": "خدمة متابعة " + uniq(8), "nameEn": "Progress QA " + uniq(10),
         "descriptionAr": "وصف", "descriptionEn": "A service for the progress tests",
         "category": "plumbing", "duration": 60, "price": {"basePrice": 15000},
         "availability": {"isActive": True, "workingHours": {"start": "08:00", "end": "20:00"},
                          "workingDays": ["sunday", "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"],
                          "emergencyAvailable": emergency},
         "requirements": {"requiresApproval": False}}
    return expect(201, api("POST", "/api/services", b, token=admin_token()))["data"]["id"]


_svc = {}


def svc(emergency=False):
    if emergency not in _svc:
        _svc[emergency] = make_service(emergency)
    return _svc[emergency]


def booking_body(service_id):
    return {"serviceId": service_id, "scheduledDateTime": future(),
            "location": {"address": "12 Tahrir St", "city": "Cairo", "governorate": "cairo"},
            "customerInfo": {"customerName": "Mona Ali", "phoneNumber": "01012345678"},
            "serviceDetails": {"problemDescription": "The sink leaks"}}


def put(path, body, token=None, headers=None):
    return api("PUT", path, body, token=token, headers=headers)


def post(path, body, token=None):
    return api("POST", path, body, token=token)


def P(bid, tail=""):
    return "/api/bookings/%d/progress%s" % (bid, tail)


def assigned():
    """A customer's booking assigned to a fresh technician: {bid, c, t, adm}."""
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    adm = admin_token()
    bid = expect(201, post("/api/bookings", booking_body(svc()), c["token"]))["data"]["id"]
    expect(200, put("/api/bookings/%d/assign-technician" % bid, {"technicianId": t["id"]}, adm))
    return {"bid": bid, "c": c, "t": t, "adm": adm}


def on_way():
    b = assigned()
    expect(200, put("/api/bookings/%d/status" % b["bid"], {"status": "on_way"}, b["t"]["token"]))
    return b


def working():
    """A booking at work (in_progress, started with the customer's code)."""
    b = on_way()
    code = outbox_rows(b["c"]["id"], "booking_start_code")[0][2]["code"]
    expect(200, put("/api/bookings/%d/status" % b["bid"], {"status": "in_progress",
                                                          "startCode": code}, b["t"]["token"]))
    return b


def get(b, token=None):
    return expect(200, api("GET", P(b["bid"]), token=token or b["c"]["token"]))["data"]


def stage(b, name, body, token=None):
    return put(P(b["bid"], "/stages/" + name), body, token or b["t"]["token"])


def events(bid):
    return db_query("SELECT payload FROM realtime_events WHERE room = 'booking:%d' AND"
                    " event = '%s' ORDER BY id" % (bid, EVENT))


def notes_of(user_id, bid):
    """The progress notifications of the user about the booking: [(kind, action)]."""
    return [tuple(r) for r in db_query(
        "SELECT JSON_VALUE(data, '$.progress'), JSON_VALUE(data, '$.action') FROM notifications"
        " WHERE user_id = %d AND JSON_VALUE(data, '$.bookingId') = %d AND"
        " JSON_VALUE(data, '$.progress') IS NOT NULL ORDER BY id" % (user_id, bid))]


def state(bid):
    """Everything a progress write may change, to prove a refusal changed nothing."""
    out = []
    for table in ("booking_progress_stages", "booking_blockers", "booking_quality_checks",
                  "booking_quality_criteria", "booking_interactions", "booking_milestones",
                  "booking_progress_updates"):
        out.append(db_query("SELECT * FROM %s WHERE booking_id = %d" % (table, bid)))
    out.append(db_scalar("SELECT COUNT(*) FROM realtime_events WHERE room = 'booking:%d'" % bid))
    out.append(db_scalar("SELECT COUNT(*) FROM notifications WHERE JSON_VALUE(data,"
                         " '$.bookingId') = %d" % bid))
    out.append(db_query("SELECT status, updated_at FROM bookings WHERE id = %d" % bid))
    return out


# ------------------------------------------------------------------ reading

def test_a_new_booking_shows_four_pending_stages():
    b = assigned()
    d = get(b)
    check(d["bookingId"] == b["bid"] and d["technicianId"] == b["t"]["id"], "ids %r" % d)
    check([s["stage"] for s in d["stages"]] == STAGES, "stages %r" % d["stages"])
    check(all(s["status"] == "pending" and s["percent"] == 0 and s["version"] == 0
              for s in d["stages"]), "stages %r" % d["stages"])
    check(d["currentStage"] == "technician_assigned" and d["overallProgress"] == 0,
          "current %r / %r" % (d["currentStage"], d["overallProgress"]))
    for k in ("milestones", "blockers", "qualityChecks", "customerInteractions", "history"):
        check(d[k] == [], "%s %r" % (k, d[k]))
    check(d["metadata"]["totalStages"] == 4 and d["metadata"]["lastUpdated"] is None,
          "metadata %r" % d["metadata"])
    expect_bilingual("GET", P(b["bid"]), token=b["c"]["token"], status=200)


def test_readers_see_it_and_strangers_get_404():
    b = assigned()
    for token in (b["c"]["token"], b["t"]["token"], b["adm"]):
        expect(200, api("GET", P(b["bid"]), token=token))
    other_c = register_user(role="customer")
    other_t = make_user_with_role("technician")
    for token in (other_c["token"], other_t["token"]):
        expect(404, api("GET", P(b["bid"]), token=token), "NOT_FOUND")
    expect(401, api("GET", P(b["bid"])))
    expect(404, api("GET", P(999999999), token=b["adm"]))
    expect(404, api("GET", "/api/bookings/abc/progress", token=b["adm"]))


# ------------------------------------------------------------------ stages

def test_stages_go_in_order_and_the_customer_is_told():
    b = working()
    bid, cid = b["bid"], b["c"]["id"]
    d = expect(200, stage(b, "diagnosis", {"status": "in_progress", "percent": 30,
                                           "notes": "checking the pipes",
                                           "estimatedDuration": 20}))["data"]
    s = d["stages"][0]
    check(s["status"] == "in_progress" and s["percent"] == 30 and s["notes"] ==
          "checking the pipes" and s["estimatedDuration"] == 20 and s["startedAt"] and
          s["updatedBy"] == b["t"]["id"] and s["version"] == 1, "diagnosis %r" % s)
    check(d["currentStage"] == "diagnosis" and d["overallProgress"] == 7, "overall %r %r"
          % (d["currentStage"], d["overallProgress"]))
    check(notes_of(cid, bid) == [("stage", "in_progress")], "told %r" % notes_of(cid, bid))
    ev = events(bid)
    p = json.loads(ev[0][0]) if ev else {}
    check(len(ev) == 1 and p.get("stage") == "diagnosis" and p.get("type") == "stage" and
          p.get("stageStatus") == "in_progress" and p.get("overallProgress") == 7 and
          p.get("currentStage") == "diagnosis", "events %r" % ev)
    # a new percent: an event, no notification
    expect(200, stage(b, "diagnosis", {"status": "in_progress", "percent": 60}))
    check(len(notes_of(cid, bid)) == 1 and len(events(bid)) == 2, "percent only")
    # out of order: nothing changes
    before = state(bid)
    for name, body in (("parts_needed", {"status": "in_progress"}),
                       ("work_in_progress", {"status": "completed"}),
                       ("quality_check", {"status": "skipped"})):
        r = expect(409, stage(b, name, body), "CONFLICT")
    check(state(bid) == before, "a refused stage changed something")
    expect_bilingual("PUT", P(bid, "/stages/parts_needed"), {"status": "in_progress"},
                     token=b["t"]["token"], status=409)
    expect(200, stage(b, "diagnosis", {"status": "completed"}))
    expect(200, stage(b, "parts_needed", {"status": "skipped"}))
    r = expect(409, stage(b, "work_in_progress", {"status": "skipped"}), "CONFLICT")
    d = expect(200, stage(b, "work_in_progress", {"status": "in_progress", "percent": 50},
                          token=b["adm"]))["data"]
    check(d["overallProgress"] == 50 and d["currentStage"] == "work_in_progress",
          "(100 + 50 + 0) / 3: %r %r" % (d["overallProgress"], d["currentStage"]))
    check(d["metadata"]["completedStages"] == 1 and d["metadata"]["skippedStages"] == 1,
          "metadata %r" % d["metadata"])
    # completed is an end
    expect(409, stage(b, "diagnosis", {"status": "in_progress"}), "CONFLICT")
    expect(200, stage(b, "work_in_progress", {"status": "completed"}))
    d = expect(200, stage(b, "quality_check", {"status": "completed"}))["data"]
    check(d["overallProgress"] == 100 and d["stages"][2]["actualDuration"] is not None,
          "done %r" % d)
    hist = db_query("SELECT kind, stage, from_status, to_status, actor_id FROM"
                    " booking_progress_updates WHERE booking_id = %d ORDER BY id" % bid)
    check([h[1:4] for h in hist] == [
        ["diagnosis", "pending", "in_progress"], ["diagnosis", "in_progress", "in_progress"],
        ["diagnosis", "in_progress", "completed"], ["parts_needed", "pending", "skipped"],
        ["work_in_progress", "pending", "in_progress"],
        ["work_in_progress", "in_progress", "completed"],
        ["quality_check", "pending", "completed"]], "history %r" % hist)
    check(hist[0][4] == str(b["t"]["id"]) and hist[4][4] == str(admin_login()["id"]),
          "actors %r" % hist)
    # staff's write is in the activity log
    check(int(db_scalar("SELECT COUNT(*) FROM activity_log WHERE action ="
                        " 'booking.progress.stage.update' AND target_id = %d" % bid)) == 1,
          "activity log")


def test_stage_input_is_checked():
    b = working()
    cases = [({}, {"status": "REQUIRED"}),
             ({"status": "done"}, {"status": None}),
             ({"status": "in_progress", "percent": 101}, {"percent": None}),
             ({"status": "in_progress", "percent": "x"}, {"percent": None}),
             ({"status": "in_progress", "notes": "n" * 2001}, {"notes": None}),
             ({"status": "in_progress", "estimatedDuration": 0}, {"estimatedDuration": None}),
             ({"status": "in_progress", "version": -1}, {"version": None})]
    before = state(b["bid"])
    for body, fields in cases:
        expect(422, stage(b, "diagnosis", body), "VALIDATION_ERROR", fields=fields)
    m_en, m_ar = expect_bilingual("PUT", P(b["bid"], "/stages/diagnosis"), {"status": "x"},
                                  token=b["t"]["token"], status=422)
    expect(404, stage(b, "on_way", {"status": "in_progress"}))
    expect(404, put("/api/bookings/0/progress/stages/diagnosis", {"status": "in_progress"},
                    b["t"]["token"]))
    check(state(b["bid"]) == before, "bad input changed something")


def test_refused_roles_and_strangers():
    b = working()
    bid = b["bid"]
    expect(201, post(P(bid, "/interactions"), {"type": "message", "content": "Ring twice?"},
                     b["t"]["token"]))
    iid = get(b)["customerInteractions"][0]["id"]
    before = state(bid)
    # a customer may not write progress (the route refuses the role)
    c = b["c"]["token"]
    expect(403, stage(b, "diagnosis", {"status": "in_progress"}, token=c), "FORBIDDEN")
    expect(403, post(P(bid, "/blockers"), {"type": "weather", "description": "rain"}, c),
           "FORBIDDEN")
    expect(403, post(P(bid, "/quality-checks"), {"checkType": "pre_work", "criteria": [
        {"item": "a", "status": "ok"}]}, c), "FORBIDDEN")
    expect(403, post(P(bid, "/interactions"), {"type": "call", "content": "x"}, c), "FORBIDDEN")
    expect(403, post(P(bid, "/milestones"), {"name": "x"}, c), "FORBIDDEN")
    # the technician and staff do not answer for the customer
    for token in (b["t"]["token"], b["adm"]):
        expect(403, put(P(bid, "/interactions/%d/response" % iid), {"response": "yes"}, token),
               "FORBIDDEN")
    # strangers: another technician, another customer
    other_t = make_user_with_role("technician")
    other_c = register_user(role="customer")
    expect(404, stage(b, "diagnosis", {"status": "in_progress"}, token=other_t["token"]))
    expect(404, post(P(bid, "/blockers"), {"type": "weather", "description": "rain"},
                     other_t["token"]))
    expect(404, put(P(bid, "/interactions/%d/response" % iid), {"response": "yes"},
                    other_c["token"]))
    expect(401, put(P(bid, "/interactions/%d/response" % iid), {"response": "yes"}))
    expect(401, api("PUT", P(bid, "/stages/diagnosis"), {"status": "in_progress"}))
    check(state(bid) == before, "a refused caller changed something")


def test_a_booking_not_at_work_takes_no_progress():
    b = assigned()          # technician_assigned: not accepted yet
    bid = b["bid"]
    before = state(bid)
    t = b["t"]["token"]
    expect(409, stage(b, "diagnosis", {"status": "in_progress"}), "CONFLICT")
    expect(409, post(P(bid, "/blockers"), {"type": "weather", "description": "rain"}, t),
           "CONFLICT")
    expect(409, post(P(bid, "/interactions"), {"type": "call", "content": "x"}, t), "CONFLICT")
    check(state(bid) == before, "a closed booking changed")
    expect_bilingual("POST", P(bid, "/blockers"), {"type": "weather", "description": "rain"},
                     token=t, status=409)
    # on the way: blockers and interactions yes, stages and checks not yet
    expect(200, put("/api/bookings/%d/status" % bid, {"status": "on_way"}, t))
    expect(201, post(P(bid, "/blockers"), {"type": "weather", "description": "rain"}, t))
    expect(409, stage(b, "diagnosis", {"status": "in_progress"}), "CONFLICT")
    expect(409, post(P(bid, "/quality-checks"), {"checkType": "pre_work", "criteria": [
        {"item": "a", "status": "ok"}]}, t), "CONFLICT")
    # a finished booking takes nothing
    w = working()
    expect(200, stage(w, "diagnosis", {"status": "in_progress"}))
    expect(201, post(P(w["bid"], "/interactions"), {"type": "message", "content": "ok?"},
                     w["t"]["token"]))
    iid = get(w)["customerInteractions"][0]["id"]
    expect(200, put("/api/bookings/%d/status" % w["bid"], {"status": "completed"},
                    w["t"]["token"]))
    before = state(w["bid"])
    wt = w["t"]["token"]
    expect(409, stage(w, "diagnosis", {"status": "completed"}), "CONFLICT")
    expect(409, post(P(w["bid"], "/blockers"), {"type": "other", "description": "x"}, wt),
           "CONFLICT")
    expect(409, post(P(w["bid"], "/quality-checks"), {"checkType": "final_inspection",
                                                      "criteria": [{"item": "a", "status": "ok"}]},
                     wt), "CONFLICT")
    expect(409, post(P(w["bid"], "/milestones"), {"name": "x"}, wt), "CONFLICT")
    expect(409, put(P(w["bid"], "/interactions/%d/response" % iid), {"response": "fine"},
                    w["c"]["token"]), "CONFLICT")
    check(state(w["bid"]) == before, "a completed booking changed")
    d = get(w)
    check(d["currentStage"] == "completed" and d["overallProgress"] == 100, "done %r" % d)


# ------------------------------------------------------------------ blockers

def test_blockers_stop_completion_until_resolved():
    b = working()
    bid, t = b["bid"], b["t"]["token"]
    for body, fields in (({}, {"type": "REQUIRED", "description": "REQUIRED"}),
                         ({"type": "rain", "description": "x"}, {"type": None}),
                         ({"type": "weather", "description": ""}, {"description": None}),
                         ({"type": "weather", "description": "x", "severity": "huge"},
                          {"impact": None})):
        expect(422, post(P(bid, "/blockers"), body, t), "VALIDATION_ERROR", fields=fields)
    expect(200, stage(b, "diagnosis", {"status": "in_progress"}))
    d = expect(201, post(P(bid, "/blockers"), {"type": "parts_unavailable", "description":
                                               "No gasket in stock", "severity": "critical"},
                         t))["data"]
    blk = d["blockers"][0]
    check(d["createdId"] == blk["id"] and blk["impact"] == "critical" and not blk["isResolved"]
          and blk["reportedBy"] == b["t"]["id"] and blk["reportedAt"], "blocker %r" % blk)
    check(d["metadata"]["openBlockers"] == 1, "open %r" % d["metadata"])
    check(("blocker", "report") in notes_of(b["c"]["id"], bid), "customer not told")
    # a low one beside it does not block; the critical one does
    expect(201, post(P(bid, "/blockers"), {"type": "weather", "description": "drizzle",
                                           "impact": "low"}, t))
    before = state(bid)
    expect(409, stage(b, "diagnosis", {"status": "completed"}), "CONFLICT")
    check(state(bid) == before, "a blocked completion changed something")
    r = expect(200, put(P(bid, "/blockers/%d/resolve" % blk["id"]),
                        {"resolution": "Bought one"}, t))["data"]
    got = [x for x in r["blockers"] if x["id"] == blk["id"]][0]
    check(got["isResolved"] and got["resolution"] == "Bought one" and got["resolvedBy"] ==
          b["t"]["id"] and got["resolvedAt"], "resolved %r" % got)
    before = state(bid)
    expect(409, put(P(bid, "/blockers/%d/resolve" % blk["id"]), {}, t), "CONFLICT")
    check(state(bid) == before, "a second resolve changed something")
    other = working()
    expect(404, put(P(other["bid"], "/blockers/%d/resolve" % blk["id"]), {},
                    other["t"]["token"]))
    expect(404, put(P(bid, "/blockers/abc/resolve"), {}, t))
    expect(200, stage(b, "diagnosis", {"status": "completed"}))
    check(("blocker", "resolve") in notes_of(b["c"]["id"], bid), "resolution not told")


# ------------------------------------------------------------------ quality checks

def test_quality_checks_keep_their_criteria():
    b = working()
    bid, t = b["bid"], b["t"]["token"]
    cases = [({"checkType": "pre_work"}, {"criteria": "REQUIRED"}),
             ({"checkType": "pre_work", "criteria": []}, {"criteria": None}),
             ({"checkType": "nope", "criteria": [{"item": "a", "status": "ok"}]},
              {"checkType": None}),
             ({"checkType": "pre_work", "criteria": [{"item": "a", "status": "ok"},
                                                    {"item": "b", "status": "meh"}]},
              {"criteria[1].status": "INVALID_VALUE"}),
             ({"checkType": "pre_work", "criteria": [{"status": "ok"}, "x"]},
              {"criteria[0].item": "REQUIRED", "criteria[1]": "INVALID_TYPE"}),
             ({"checkType": "pre_work", "criteria": [{"item": "a" * 201, "status": "ok"}]},
              {"criteria[0].item": "TOO_LONG"}),
             # a pass over a critical criterion
             ({"checkType": "final_inspection", "status": "passed",
               "criteria": [{"item": "seal", "status": "critical"}]}, {"status": "INVALID_VALUE"})]
    before = state(bid)
    for body, fields in cases:
        expect(422, post(P(bid, "/quality-checks"), body, t), "VALIDATION_ERROR", fields=fields)
    check(state(bid) == before, "a refused check changed something")
    expect_bilingual("POST", P(bid, "/quality-checks"), cases[-1][0], token=t, status=422)
    d = expect(201, post(P(bid, "/quality-checks"), {
        "checkType": "during_work", "notes": "mostly fine",
        "criteria": [{"item": "No leak", "status": "ok"},
                     {"item": "Pressure", "status": "issue", "notes": "a bit low"},
                     {"item": "Clean", "status": "ok"}]}, t))["data"]
    k = d["qualityChecks"][0]
    check(k["status"] == "needs_attention" and k["passed"] is False and k["checkType"] ==
          "during_work" and k["checkedBy"] == b["t"]["id"], "check %r" % k)
    check([c["item"] for c in k["criteria"]] == ["No leak", "Pressure", "Clean"] and
          k["criteria"][1] == {"item": "Pressure", "status": "issue", "notes": "a bit low"},
          "criteria %r" % k["criteria"])
    d = expect(201, post(P(bid, "/quality-checks"), {
        "checkType": "final_inspection", "criteria": [{"item": "No leak", "status": "ok"}]},
        b["adm"]))["data"]
    k2 = d["qualityChecks"][0]
    check(k2["status"] == "passed" and k2["passed"] is True and len(k2["criteria"]) == 1 and
          d["qualityChecks"][1]["id"] == k["id"] and len(d["qualityChecks"][1]["criteria"]) == 3,
          "checks %r" % d["qualityChecks"])
    # stricter than the criteria is the inspector's right
    d = expect(201, post(P(bid, "/quality-checks"), {
        "checkType": "final_inspection", "status": "failed",
        "criteria": [{"item": "No leak", "status": "ok"}]}, t))["data"]
    check(d["qualityChecks"][0]["status"] == "failed", "verdict %r" % d["qualityChecks"][0])
    check(notes_of(b["c"]["id"], bid).count(("quality_check", "record")) == 3, "told")


# ------------------------------------------------------------------ interactions

def test_interactions_and_the_customers_answer():
    b = working()
    bid, t, c = b["bid"], b["t"]["token"], b["c"]["token"]
    for body, fields in (({"type": "fax", "content": "x"}, {"type": None}),
                         ({"type": "call"}, {"content": "REQUIRED"}),
                         ({"type": "call", "content": "x", "satisfaction": 6},
                          {"satisfaction": None}),
                         ({"type": "approval_request", "content": "x", "response": "yes"},
                          {"response": "INVALID_VALUE"})):
        expect(422, post(P(bid, "/interactions"), body, t), "VALIDATION_ERROR", fields=fields)
    # a call is logged with its answer; the customer is not told of it
    d = expect(201, post(P(bid, "/interactions"), {"type": "call", "summary": "Asked for the"
                                                   " gate code", "response": "1234",
                                                   "satisfaction": 5}, t))["data"]
    call = d["customerInteractions"][0]
    check(call["content"] == "Asked for the gate code" and call["response"] == "1234" and
          call["satisfaction"] == 5 and call["awaitingResponse"] is False and
          call["initiatedBy"] == b["t"]["id"], "call %r" % call)
    check(notes_of(b["c"]["id"], bid) == [], "told of a call")
    # an approval request waits for the customer, who is told
    d = expect(201, post(P(bid, "/interactions"), {
        "type": "approval_request", "content": "A new valve costs 150 EGP; go ahead?"}, t))["data"]
    req = d["customerInteractions"][0]
    check(d["createdId"] == req["id"] and req["awaitingResponse"] is True and
          req["response"] is None, "request %r" % req)
    check(notes_of(b["c"]["id"], bid) == [("interaction", "log")], "customer not told")
    path = P(bid, "/interactions/%d/response" % req["id"])
    before = state(bid)
    expect(422, put(path, {"response": "ok"}, c), "VALIDATION_ERROR", fields={"approved":
                                                                              "REQUIRED"})
    expect(422, put(path, {}, c), "VALIDATION_ERROR", fields={"response": "REQUIRED"})
    expect(422, put(path, {"response": "ok", "approved": "yes"}, c), "VALIDATION_ERROR",
           fields={"approved": None})
    expect(409, put(P(bid, "/interactions/%d/response" % call["id"]), {"response": "x"}, c),
           "CONFLICT")
    check(state(bid) == before, "a refused answer changed something")
    d = expect(200, put(path, {"response": "Go ahead", "approved": True, "satisfaction": 4},
                        c))["data"]
    got = [x for x in d["customerInteractions"] if x["id"] == req["id"]][0]
    check(got["approved"] is True and got["response"] == "Go ahead" and got["respondedBy"] ==
          b["c"]["id"] and got["awaitingResponse"] is False and got["responseTime"] == 0,
          "answer %r" % got)
    check(notes_of(b["t"]["id"], bid) == [("interaction", "answer")], "technician not told")
    before = state(bid)
    expect(409, put(path, {"response": "again", "approved": False}, c), "CONFLICT")
    check(state(bid) == before, "a second answer changed something")
    other = working()
    expect(404, put(P(other["bid"], "/interactions/%d/response" % req["id"]), {"response": "x"},
                    other["c"]["token"]))


def test_a_guest_answers_with_the_guest_token():
    body = booking_body(svc(emergency=True))
    body.pop("scheduledDateTime")
    db_query("DELETE FROM booking_guest_limits")
    g = expect(201, post("/api/bookings/emergency", body))["data"]
    token = g["guestToken"]
    t = make_user_with_role("technician")
    adm = admin_token()
    expect(200, put("/api/bookings/%d/assign-technician" % g["id"], {"technicianId": t["id"]},
                    adm))
    expect(200, put("/api/bookings/%d/status" % g["id"], {"status": "on_way"}, t["token"]))
    d = expect(201, post(P(g["id"], "/interactions"), {"type": "message",
                                                      "content": "Which floor?"},
                         t["token"]))["data"]
    iid = d["createdId"]
    expect(401, put(P(g["id"], "/interactions/%d/response" % iid), {"response": "3rd"}))
    expect(404, put(P(g["id"], "/interactions/%d/response" % iid), {"response": "3rd"},
                    headers={"X-Guest-Token": "wrong" + token}))
    d = expect(200, put(P(g["id"], "/interactions/%d/response" % iid), {"response": "3rd"},
                        headers={"X-Guest-Token": token}))["data"]
    got = d["customerInteractions"][0]
    check(got["response"] == "3rd" and got["respondedBy"] is None and got["approved"] is None,
          "guest answer %r" % got)
    r = api("GET", P(g["id"]), headers={"X-Guest-Token": token})
    check(expect(200, r)["data"]["currentStage"] == "on_way", "guest read")
    check(notes_of(t["id"], g["id"]) == [("interaction", "answer")], "technician not told")


# ------------------------------------------------------------------ milestones

def test_milestones():
    b = on_way()
    bid, t = b["bid"], b["t"]["token"]
    for body, fields in (({}, {"name": "REQUIRED"}),
                         ({"name": "x", "priority": "urgent"}, {"priority": None}),
                         ({"name": "x", "targetDate": "tomorrow"}, {"targetDate": None})):
        expect(422, post(P(bid, "/milestones"), body, t), "VALIDATION_ERROR", fields=fields)
    d = expect(201, post(P(bid, "/milestones"), {"name": "Water back on", "priority": "high",
                                                 "targetDate": "2030-01-02T10:00:00+02:00"},
                         t))["data"]
    m = d["milestones"][0]
    check(m["name"] == "Water back on" and m["priority"] == "high" and m["targetDate"] ==
          "2030-01-02T08:00:00.000Z" and m["isCompleted"] is False, "milestone %r" % m)
    path = P(bid, "/milestones/%d/complete" % m["id"])
    d = expect(200, put(path, None, b["adm"]))["data"]
    check(d["milestones"][0]["isCompleted"] is True and d["milestones"][0]["completedDate"],
          "reached %r" % d["milestones"][0])
    check(("milestone", "complete") in notes_of(b["c"]["id"], bid), "not told")
    before = state(bid)
    expect(409, put(path, None, t), "CONFLICT")
    check(state(bid) == before, "a second completion changed something")


def test_every_write_names_the_bad_field_in_both_languages():
    b = working()
    bid, t = b["bid"], b["t"]["token"]
    d = expect(201, post(P(bid, "/interactions"), {"type": "message", "content": "Hi"}, t))["data"]
    iid = d["createdId"]
    d = expect(201, post(P(bid, "/blockers"), {"type": "other", "description": "x"}, t))["data"]
    blk = d["createdId"]
    cases = [("PUT", P(bid, "/stages/diagnosis"), {"status": 7}, t, "status"),
             ("POST", P(bid, "/blockers"), {"type": "other"}, t, "description"),
             ("PUT", P(bid, "/blockers/%d/resolve" % blk), {"resolution": 5}, t, "resolution"),
             ("POST", P(bid, "/quality-checks"), {"checkType": "pre_work", "criteria": 3}, t,
              "criteria"),
             ("POST", P(bid, "/interactions"), {"type": "call", "content": ""}, t, "content"),
             ("PUT", P(bid, "/interactions/%d/response" % iid), {"response": ""},
              b["c"]["token"], "response"),
             ("POST", P(bid, "/milestones"), {"name": "x" * 201}, t, "name")]
    before = state(bid)
    for method, path, body, token, field in cases:
        expect(422, api(method, path, body, token=token), "VALIDATION_ERROR", fields=[field])
        m_en, m_ar = expect_bilingual(method, path, body, token=token, status=422)
        for lang in ("en", "ar"):
            r = api(method, path + "?lang=" + lang, body, token=token)
            e = r.body["errors"][0]
            check(e["field"] == field and e["message"], "%s %s: %r" % (method, path, e))
    check(state(bid) == before, "bad input changed something")


# ------------------------------------------------------------------ races

def test_two_workers_racing_for_one_stage_lose_no_update():
    b = working()
    bid = b["bid"]
    expect(200, stage(b, "diagnosis", {"status": "in_progress", "percent": 10}))
    v = get(b)["stages"][0]["version"]
    # both saw version v: the row lock orders them, the second finds it stale
    r1, r2 = at_once(
        lambda: stage(b, "diagnosis", {"status": "in_progress", "percent": 40, "notes": "tech",
                                       "version": v}),
        lambda: stage(b, "diagnosis", {"status": "in_progress", "percent": 70, "notes": "staff",
                                       "version": v}, token=b["adm"]))
    codes = sorted([r1.status, r2.status])
    check(codes == [200, 409], "same version: %s" % codes)
    loser = r1 if r1.status == 409 else r2
    expect(409, loser, "CONFLICT")
    s = get(b)["stages"][0]
    winner = "tech" if r1.status == 200 else "staff"
    check(s["version"] == v + 1 and s["notes"] == winner, "stage %r (winner %s)" % (s, winner))
    n = int(db_scalar("SELECT COUNT(*) FROM booking_progress_updates WHERE booking_id = %d" % bid))
    check(n == 2, "history rows %d" % n)
    # without a version both apply, one after the other, and the history holds both
    r1, r2 = at_once(
        lambda: stage(b, "diagnosis", {"status": "in_progress", "percent": 45, "notes": "A"}),
        lambda: stage(b, "diagnosis", {"status": "in_progress", "percent": 75, "notes": "B"},
                      token=b["adm"]))
    check(r1.status == 200 and r2.status == 200, "%s %s" % (r1.describe(), r2.describe()))
    s = get(b)["stages"][0]
    hist = db_query("SELECT percent, note FROM booking_progress_updates WHERE booking_id = %d"
                    " ORDER BY id" % bid)
    check(len(hist) == 4 and sorted(h[1] for h in hist[2:]) == ["A", "B"], "history %r" % hist)
    check(s["version"] == v + 3 and [str(s["percent"]), s["notes"]] == hist[-1],
          "the last write is the row: %r vs %r" % (s, hist[-1]))
    check(len(events(bid)) == 4, "events %d" % len(events(bid)))
    # the same technician from two devices, with the version both saw
    v = s["version"]
    r1, r2 = at_once(
        lambda: stage(b, "diagnosis", {"status": "completed", "version": v}),
        lambda: stage(b, "diagnosis", {"status": "failed", "version": v}))
    check(sorted([r1.status, r2.status]) == [200, 409], "two devices: %s %s"
          % (r1.describe(), r2.describe()))
    s = get(b)["stages"][0]
    won = "completed" if r1.status == 200 else "failed"
    check(s["status"] == won and s["version"] == v + 1, "stage %r, winner %s" % (s, won))


# ------------------------------------------------------------------ lists

def test_progress_lists_read_their_index():
    """--explain-lists EXPLAINs every progress list (tests/api/test_lists.py judges all
    families); here each reads one range of its booking_id index, without a sort."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    # rows of many bookings, so a scan would show
    bid = int(db_scalar("SELECT MAX(id) FROM bookings"))
    db_query("INSERT INTO booking_progress_updates (booking_id, kind, action) SELECT %d,"
             " 'stage', 'load' FROM seq_1_to_3000" % bid)
    db_query("ANALYZE TABLE booking_progress_stages, booking_milestones, booking_blockers,"
             " booking_quality_checks, booking_quality_criteria, booking_interactions,"
             " booking_progress_updates")
    try:
        p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
    finally:
        db_query("DELETE FROM booking_progress_updates WHERE action = 'load'")
    out = p.stdout.decode("utf-8", "replace")
    stmts = [l for l in out.splitlines() if l.startswith("stmt\tprogress\t")]
    plans = [l for l in out.splitlines() if l.startswith("plan\tprogress\t")]
    errors = [l for l in out.splitlines() if l.startswith("error\tprogress")]
    check(len(stmts) == 7 and not errors, "progress statements %d, errors %s" % (len(stmts),
                                                                              errors))
    check({l.split("\t")[2] for l in plans} == {l.split("\t")[2] for l in stmts},
          "statements without a plan")
    for l in plans:
        f = dict(c.split("=", 1) for c in l.split("\t")[3:])
        check(f.get("type") in ("ref", "range") and
              (f.get("key", "").startswith("ix_booking_") or f.get("key") == "PRIMARY") and
              "filesort" not in f.get("Extra", ""), "a plan off its index: %s" % l)


run(globals())

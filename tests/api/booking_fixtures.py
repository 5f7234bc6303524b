"""Bookings made for the tests: services, bodies, guests' emergencies, a booking on its
way, settings changed for a test. Shared by the booking suites (test_bookings_more.py,
test_settings_behaviour.py); it holds no tests of its own."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, admin_token, make_user_with_role, register_user,
                         db_query, uniq)

def future(days=2, hour=10, minute=0):
    """An ISO time `days` days ahead at hour:minute UTC (12:00 or 13:00 in Cairo)."""
    d = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)
    return "%sT%02d:%02d:00.000Z" % (d.isoformat(), hour, minute)


def make_service(requires_approval=True, start="08:00", end="20:00", emergency=False,
                 price=15000):
    b = {"nameAr": "خدمة حجز " + uniq(8), "nameEn": "Booking QA " + uniq(10),
         "descriptionAr": "وصف", "descriptionEn": "A service for the booking tests",
         "category": "plumbing", "duration": 60, "price": {"basePrice": price},
         "availability": {"isActive": True, "workingHours": {"start": start, "end": end},
                          "workingDays": ["sunday", "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"],
                          "emergencyAvailable": emergency},
         "requirements": {"requiresApproval": requires_approval}}
    r = api("POST", "/api/services", b, token=admin_token())
    return expect(201, r)["data"]["id"]


def booking_body(service_id, **over):
    b = {"serviceId": service_id, "scheduledDateTime": future(),
         "location": {"address": "12 Tahrir St", "city": "Cairo", "governorate": "cairo",
                      "locationNotes": "3rd floor", "coordinates": {"lat": 30.0444, "lng": 31.2357}},
         "customerInfo": {"customerName": "Mona Ali", "phoneNumber": "01012345678",
                          "carDetails": {"brand": "Kia", "model": "Cerato", "year": 2019}},
         "serviceDetails": {"problemDescription": "The sink leaks",
                            "images": ["https://img.example/leak.jpg"]},
         "isEmergency": False}
    b.update(over)
    return b


def create(token, service_id, **over):
    r = api("POST", "/api/bookings", booking_body(service_id, **over), token=token)
    return expect(201, r)["data"]


def put(bid, action, body, token):
    return api("PUT", "/api/bookings/%d/%s" % (bid, action), body, token=token)


def history(bid):
    return db_query("SELECT from_status, to_status, event, actor_id FROM booking_history"
                    " WHERE booking_id = %d ORDER BY id" % bid)


def row(bid):
    return db_query("SELECT status FROM bookings WHERE id = %d" % bid)[0]


def technician():
    return make_user_with_role("technician")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


_em = {}


def em_service(approval=False):
    """A service open for emergencies at every hour (but never in its working hours:
    09:00-09:30 on no day would still pass, since emergencies skip the hours)."""
    if approval not in _em:
        _em[approval] = make_service(requires_approval=approval, emergency=True,
                                     start="09:00", end="10:00")
    return _em[approval]


def emergency_body(service_id, **over):
    b = booking_body(service_id, **over)
    b.pop("scheduledDateTime", None)
    b.pop("isEmergency", None)
    b.update(over)
    return b


def set_setting(key, value):
    if value is None:
        db_query("DELETE FROM settings WHERE `key` = '%s'" % key)
    else:
        db_query("INSERT INTO settings (`key`, value, is_public, description_ar, description_en)"
                 " VALUES ('%s', '%s', 0, 'اختبار', 'test') ON DUPLICATE KEY UPDATE value ="
                 " VALUES(value)" % (key, value))


def guest(service_id=None, **over):
    """A guest's emergency booking: (booking, token)."""
    r = api("POST", "/api/bookings/emergency", emergency_body(service_id or em_service(), **over))
    b = expect(201, r)["data"]
    return b, b.get("guestToken")


def gget(bid, token, path=""):
    return api("GET", "/api/bookings/%d%s" % (bid, path), headers={"X-Guest-Token": token})


def on_the_way(coords=True):
    """A customer's booking assigned to a technician who set off: (customer, tech, id)."""
    c = register_user(role="customer")
    over = {}
    if not coords:
        over["location"] = {"address": "1 Nile St", "city": "Giza", "governorate": "giza"}
    b = create(c["token"], make_service(requires_approval=False), **over)
    t = technician()
    expect(200, put(b["id"], "assign-technician", {"technicianId": t["id"]}, admin_token()))
    return c, t, b["id"]

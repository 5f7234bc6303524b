"""The catalog's words (docs/search.md, "The catalog's words";
sql/migrations/0028_service_words.sql): service_words holds each service's folded words
with how often each occurs, its popularity, order, category and live flag, kept by
triggers on every write, and GET /api/search/services reads its pages from it. And the
technicians' search by name through user_name_words, by specialization through the
categories it names.

Every test makes its own rows with a unique word, so it finds only them."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, check, admin_token, db_query, db_scalar,
                         uniq, make_user_with_role, run)
from search_fixtures import SVC, TECH, arabic_word, found, technician
from search_fixtures import service as _service


def service(**over):
    return _service("Words QA", **over)


def update(sid, **over):
    expect(200, api("PUT", "/api/services/%d" % sid, over, token=admin_token()))


def words(sid):
    """service_words of one service: {word: (hits, is_popular, sort_order, category, live)}"""
    return {r[0]: (int(r[1]), int(r[2]), int(r[3]), r[4], int(r[5])) for r in db_query(
        "SELECT word, hits, is_popular, sort_order, category, live FROM service_words"
        " WHERE service_id = %d" % sid)}


def test_words_folded_and_counted_on_insert():
    w = "cnt" + uniq(8)
    s = service(nameAr="صيانة سخان إصلاح", nameEn="Words " + w,
                descriptionEn="%s %s, (%s)! Café ٥٠٠٠" % (w, w, w.upper()))
    ws = words(s["id"])
    check(ws.get(w, (0,))[0] == 4, "hits of %s: %r" % (w, ws.get(w)))
    for folded in ("صيانه", "اصلاح", "5000", "سخان", "café", "plumbing", "سباكه"):
        check(folded in ws, "%s not among the words %r" % (folded, sorted(ws)))
    check("صيانة" not in ws and "إصلاح" not in ws, "unfolded words %r" % sorted(ws))
    check(all(len(k) >= 3 for k in ws), "a word shorter than three characters: %r" % sorted(ws))
    check(ws[w][1:] == (0, 900, "plumbing", 1), "the copies %r" % (ws[w],))
    # what a search reads: the words table's order (hits first)
    weak = service(descriptionEn="once " + w)
    check(found(q=w) == [s["id"], weak["id"]], "hits order")
    check(found(q="cafe " + w) == [s["id"]], "accent and case")


def test_rename_writes_the_words_again():
    old, new = "old" + uniq(8), "new" + uniq(8)
    s = service(nameEn="Words " + old)
    check(found(q=old) == [s["id"]], "before the rename")
    update(s["id"], nameEn="Words " + new)
    check(found(q=old) == [], "the old name still finds it")
    check(found(q=new) == [s["id"]], "the new name does not find it")
    ws = words(s["id"])
    check(new in ws and old not in ws, "words after the rename %r" % sorted(ws))
    # a change of no searched column leaves the words (same rows, same hits)
    before = words(s["id"])
    update(s["id"], price={"basePrice": 12345})
    check(words(s["id"]) == before, "a price change rewrote the words")


def test_category_change():
    w = "cat" + uniq(8)
    s = service(descriptionEn=w, category="plumbing")
    check(found(q=w, category="plumbing") == [s["id"]], "in its category")
    update(s["id"], category="electrical")
    check(found(q=w, category="plumbing") == [], "still in the old category")
    check(found(q=w, category="electrical") == [s["id"]], "not in the new category")
    ws = words(s["id"])
    check(ws[w][3] == "electrical", "the category copy %r" % (ws[w],))
    check("plumbing" not in ws and "electrical" in ws, "the category's own words %r" % sorted(ws))


def test_live_flag_and_deletes():
    w = "live" + uniq(8)
    s = service(descriptionEn=w)
    update(s["id"], availability={"isActive": False})
    check(found(q=w) == [], "a switched-off service is found")
    check(words(s["id"])[w][4] == 0, "live flag not cleared")
    update(s["id"], availability={"isActive": True})
    check(found(q=w) == [s["id"]], "switched on again, not found")
    expect(200, api("DELETE", "/api/services/%d" % s["id"], token=admin_token()))
    check(found(q=w) == [], "a deleted service is found")
    check(words(s["id"])[w][4] == 0, "a deleted service's words are live")
    # a row removed from the table takes its words along
    db_query("DELETE FROM services WHERE id = %d" % s["id"])
    check(words(s["id"]) == {}, "words left after the row went")


def test_word_counts_follow_the_live_rows():
    """service_word_counts (migration 0035) holds how many live services hold each word,
    which picks the rarest word of a search to drive."""
    w = "cnt" + uniq(8)

    def count(word=w):
        return int(db_scalar("SELECT COALESCE(SUM(live), 0) FROM service_word_counts"
                             " WHERE word = '%s'" % word))
    a = service(descriptionEn=w)
    b = service(descriptionEn="%s and %s" % (w, w))
    check(count() == 2, "two services hold it (once and twice): %d" % count())
    update(a["id"], availability={"isActive": False})
    check(count() == 1, "a switched-off service still counts: %d" % count())
    update(a["id"], availability={"isActive": True})
    check(count() == 2, "switched on again: %d" % count())
    update(a["id"], descriptionEn="renamed" + w)
    check(count() == 1 and count("renamed" + w) == 1, "a new text moves the count")
    expect(200, api("DELETE", "/api/services/%d" % b["id"], token=admin_token()))
    check(count() == 0, "a deleted service still counts: %d" % count())
    db_query("DELETE FROM services WHERE id = %d" % b["id"])
    check(count() == 0, "a removed row: %d" % count())
    # the rarer word drives: a page of a rare word beside a common one is still found
    common = "com" + uniq(8)
    for _ in range(3):
        service(descriptionEn=common)
    rare = service(descriptionEn="%s %s" % (common, w))
    check(found(q="%s %s" % (common, w)) == [rare["id"]], "two words")
    check(found(q="%s %s" % (w, common)) == [rare["id"]], "two words, the rare one last")


def test_popularity_and_order_follow():
    w = "pop" + uniq(8)
    a = service(descriptionEn=w, sortOrder=900)
    b = service(descriptionEn=w, sortOrder=900)
    check(found(q=w) == [a["id"], b["id"]], "ties by id")
    update(b["id"], isPopular=True)
    check(found(q=w) == [b["id"], a["id"]], "the popular one first")
    check(words(b["id"])[w][1] == 1, "popular copy")
    update(b["id"], isPopular=False, sortOrder=1000)
    update(a["id"], sortOrder=1001)
    check(found(q=w) == [b["id"], a["id"]], "sortOrder")


def test_several_words_and_prefixes():
    base = "pfx" + uniq(6)
    made = [service(descriptionEn="%s%s common%s" % (base, c, base)) for c in "abcdefg"]
    ids = [s["id"] for s in made]
    # a prefix spanning seven distinct words (more than four: read whole and sorted)
    check(sorted(found(q=base)) == sorted(ids), "prefix of seven words")
    # two of them (merged)
    check(sorted(found(q=base + "a")) == [ids[0]], "one word")
    both = service(descriptionEn="%sa %sb" % (base, base))
    got = found(q=base)
    check(both["id"] in got and len(got) == len(set(got)) == 8, "a service with two of the words: %r" % got)
    # every word must match; the rarer word drives
    check(found(q="%sc common%s" % (base, base)) == [ids[2]], "two words")
    check(found(q="%sc %sd" % (base, base)) == [], "two words no service holds")
    # pages of a merged prefix, and the total of a page past the end
    p1 = expect_list(api("GET", q(SVC, q=base, limit=3)), limit=3)
    p3 = expect_list(api("GET", q(SVC, q=base, limit=3, page=3)), page=3, limit=3)
    p9 = expect_list(api("GET", q(SVC, q=base, limit=3, page=9)), page=9, limit=3)
    check(len(p1["data"]) == 3 and len(p3["data"]) == 2, "pages %r %r" % (p1, p3))
    check(p9["data"] == [] and p9["pagination"]["totalItems"] == 8, "past the end %r" % p9)
    seen = [x["id"] for x in p1["data"]]
    for page in (2, 3):
        seen += [x["id"] for x in expect_list(api("GET", q(SVC, q=base, limit=3, page=page)),
                                              page=page, limit=3)["data"]]
    check(sorted(seen) == sorted(ids + [both["id"]]), "pages hold each once: %r" % seen)


def test_more_words_than_the_table_merges():
    w = "many" + uniq(6)
    s = service(descriptionEn="%s alpha%s beta%s gamma%s delta%s" % ((w,) * 5))
    term = "%s alpha%s beta%s gamma%s delta%s" % ((w,) * 5)
    check(found(q=term) == [s["id"]], "five words (FULLTEXT)")


def test_list_search_reads_the_words_with_its_filters():
    """GET /api/services?search= (and /api/services/emergency?search=) pages through
    service_words as the search does, most relevant first, isPopular and emergency
    checked on the rows read (docs/search.md)."""
    w = "list" + uniq(6)
    a = service(descriptionEn=w, isPopular=True)                 # once, popular
    b = service(descriptionEn="%s and %s" % (w, w))              # twice
    c = service(descriptionEn=w, category="emergency")
    d = service(descriptionEn=w, availability={"isActive": True, "emergencyAvailable": True})
    ids = [x["id"] for x in (a, b, c, d)]
    L = "/api/services"
    check(found(L, search=w) == ids[1:2] + ids[0:1] + ids[2:], "relevance, then popular: %r"
          % found(L, search=w))
    check(found(L, search=w, isPopular="true") == [ids[0]], "isPopular=true")
    check(found(L, search=w, isPopular="false") == [ids[1], ids[2], ids[3]], "isPopular=false")
    check(found(L + "/emergency", search=w) == [ids[2], ids[3]], "emergency")
    check(found(L + "/emergency", search=w, isPopular="true") == [], "emergency and popular")
    check(found(L, search=w, category="emergency") == [ids[2]], "category")
    check(found(L, search=w + " and") == [ids[1]], "two words")
    body = expect_list(api("GET", q(L, search=w, limit=1, page=2)), page=2, limit=1)
    check([x["id"] for x in body["data"]] == [ids[0]], "page 2: %r" % body["data"])
    body = expect_list(api("GET", q(L, search=w, limit=2, page=3)), page=3, limit=2)
    check(body["data"] == [] and body["pagination"]["totalItems"] == 4,
          "past the end, counted: %r" % body["pagination"])
    body = expect(422, api("GET", q(L, search=w, limit=100, page=101)), "VALIDATION_ERROR",
                  ["page"])


def test_technicians_by_name_words_and_specialization():
    adm = admin_token()
    w = arabic_word(7)
    city = "Wc" + uniq(8)
    a = technician("Hany", w, ("plumbing",), city=city, rating=4.2)
    b = technician("Hany", w, ("electrical", "carpentry"), city=city, rating=4.9)
    # a customer of the same name is no technician
    make_user_with_role("customer", firstName="Hany", lastName=w)
    check(found(TECH, token=adm, q=w) == [b["id"], a["id"]], "best rated first")
    check(found(TECH, token=adm, q="han " + w) == [b["id"], a["id"]], "prefixes")
    check(found(TECH, token=adm, q=w, specialization="electrical") == [b["id"]], "specialization")
    check(found(TECH, token=adm, q=w, specialization="كهرباء") == [b["id"]], "in Arabic")
    check(found(TECH, token=adm, q=w, city=city.upper()) == [b["id"], a["id"]], "city")
    check(found(TECH, token=adm, q=w, city="nowhere" + uniq(6)) == [], "another city")
    # the specialization drives when the name is not given
    ids = found(TECH, token=adm, specialization="carpentry", city=city)
    check(ids == [b["id"]], "specialization and city: %r" % ids)
    # a technician who stops being one leaves the search
    db_query("UPDATE users SET role = 'customer' WHERE id = %d" % a["id"])
    check(found(TECH, token=adm, q=w) == [b["id"]], "a former technician is found")


if __name__ == "__main__":
    run(globals())

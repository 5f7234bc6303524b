/* Craftsmen's verification (KYC, seed 001 §2.1, §4, §5.2, §5.8; docs/technicians.md,
 * "Verification").
 *
 * A craftsman sends their national ID number and documents (their own private files of
 * POST /api/files: the card's front, its back, certificates); staff approve or reject
 * (with a reason), which writes technician_profiles.verification in the same
 * transaction, tells the craftsman in-app and logs the decision. The number is checked
 * (fcgi/domain/national_id.h), the craftsman must be 18, and it is stored sealed under
 * files_key with a keyed digest (another account's pending or approved request with the
 * same number is 409); answers show its last four digits, and only staff's detail view
 * of one request shows it whole. One pending request at a time; a decided request is
 * 409 to the second decision. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/cairo_time.h"
#include "../core/filecrypt.h"
#include "../core/log.h"
#include "../domain/national_id.h"
#include "../domain/notify_rules.h"
#include "../store/activity.h"
#include "../store/notifications.h"
#include "../store/settings.h"
#include "../store/technicians.h"
#include "../store/uploads.h"
#include "../store/verifications.h"
#include "api.h"

#define DOCS_MAX 10
#define ADULT_AGE 18
#define NID_MAC_CONTEXT "national_id"
#define UNVERIFIED_CAN_QUOTE "unverified_can_quote"

static const char *const doc_types[] = {
	"national_id_front", "national_id_back", "certificate", "other", NULL
};
static const char *const states[] = { "pending", "approved", "rejected", NULL };

static int
files_key(struct req *r, unsigned char key[FILECRYPT_KEY_LEN])
{
	if (filecrypt_key_parse(r->cfg->files_key, key) == 0)
		return 0;
	log_error("msg=private_files_off reason=\"no files_key in the configuration\"");
	return -1;
}

/* The label that binds a sealed number to its owner. */
static const char *
seal_label(struct arena *a, long long user_id)
{
	return arena_printf(a, "nid:%lld", user_id);
}

static void
today(int *y, int *m, int *d)
{
	struct tm tm;

	cairo_local(time(NULL), &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

/* A request with its documents (each with the address it is read at). */
static enum err
full_view(struct req *r, long long id, json_object **out)
{
	json_object *v, *docs;
	enum db_rc rc;
	size_t i;

	*out = NULL;
	if ((rc = db_verifications_view(r->db, r->a, id, &v)) != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_verifications_documents(r->db, r->a, id, &docs)) != DB_OK) {
		json_object_put(v);
		return fail_db(r, rc);
	}
	for (i = 0; i < json_object_array_length(docs); i++) {
		json_object *d = json_object_array_get_idx(docs, i), *f;

		if (json_object_object_get_ex(d, "fileId", &f) && !json_object_is_type(f,
		    json_type_null))
			json_object_object_add(d, "url", json_new_str(arena_printf(r->a,
			    "/api/files/%lld", (long long)json_object_get_int64(f))));
		else
			json_object_object_add(d, "url", NULL);
	}
	json_object_object_add(v, "documents", docs);
	*out = v;
	return ERR_OK;
}

/* --- POST /api/users/craftsman/verification --- */

struct submit_in {
	struct in_val national_id, documents;
};

static const struct vfield submit_fields[] = {
	{ "nationalId", V_STRING, VF_REQUIRED, 1, 40, NULL, IN(struct submit_in, national_id),
	    NULL },
	{ "documents", V_ARRAY, VF_REQUIRED, 1, DOCS_MAX, NULL, IN(struct submit_in, documents),
	    NULL },
};
const struct input verification_submit_input = INPUT(struct submit_in, submit_fields, NULL);

struct doc {
	long long   file;
	const char *type;
	const char *field;      /* "documents[i].fileId" */
	const char *sha256;     /* the file's, as it is now (read in the transaction) */
};

struct submit_tx {
	const struct national_id *nid;
	const char               *enc, *hash;
	struct doc                docs[DOCS_MAX];
	size_t                    ndocs;
	long long                 id;
};

static enum err
nid_refused(struct req *r, enum nid_error e)
{
	switch (e) {
	case NID_FORMAT:
		return fail_field(r, ERR_VALIDATION, "nationalId", "INVALID_FORMAT",
		    MSG_V_NID_FORMAT);
	case NID_CENTURY:
		return fail_field(r, ERR_VALIDATION, "nationalId", "INVALID_VALUE",
		    MSG_V_NID_CENTURY);
	case NID_BIRTH_DATE:
		return fail_field(r, ERR_VALIDATION, "nationalId", "INVALID_DATE",
		    MSG_V_NID_BIRTH_DATE);
	case NID_GOVERNORATE:
	default:
		return fail_field(r, ERR_VALIDATION, "nationalId", "INVALID_VALUE",
		    MSG_V_NID_GOVERNORATE);
	}
}

/* documents[]: each {type, fileId}; a front of the card among them; no file twice. */
static enum err
read_documents(struct req *r, json_object *arr, struct submit_tx *t)
{
	json_object *errs = json_object_new_array();
	int front = 0;
	size_t i, k;

	for (i = 0; i < json_object_array_length(arr) && i < DOCS_MAX; i++) {
		json_object *it = json_object_array_get_idx(arr, i), *ty = NULL, *fi = NULL;
		const char *tf = arena_printf(r->a, "documents[%zu].type", i);
		const char *ff = arena_printf(r->a, "documents[%zu].fileId", i);
		struct doc *d = &t->docs[t->ndocs];
		int ok = 1;

		if (!json_object_is_type(it, json_type_object)) {
			verror_add(errs, r->lang, arena_printf(r->a, "documents[%zu]", i),
			    "INVALID_TYPE", MSG_V_DOC_TYPE);
			continue;
		}
		d->type = NULL;
		if (!json_object_object_get_ex(it, "type", &ty) || ty == NULL) {
			verror_add(errs, r->lang, tf, "REQUIRED", MSG_V_DOC_TYPE);
			ok = 0;
		} else {
			for (k = 0; doc_types[k] != NULL; k++)
				if (json_object_is_type(ty, json_type_string) &&
				    strcmp(json_object_get_string(ty), doc_types[k]) == 0)
					d->type = doc_types[k];
			if (d->type == NULL) {
				verror_add(errs, r->lang, tf, "INVALID_VALUE", MSG_V_DOC_TYPE);
				ok = 0;
			}
		}
		if (!json_object_object_get_ex(it, "fileId", &fi) || fi == NULL) {
			verror_add(errs, r->lang, ff, "REQUIRED", MSG_V_DOC_FILE);
			ok = 0;
		} else if (!json_object_is_type(fi, json_type_int) ||
		    json_object_get_int64(fi) <= 0) {
			verror_add(errs, r->lang, ff, "INVALID_TYPE", MSG_V_DOC_FILE);
			ok = 0;
		} else {
			d->file = json_object_get_int64(fi);
			for (k = 0; k < t->ndocs; k++)
				if (t->docs[k].file == d->file) {
					verror_add(errs, r->lang, ff, "DUPLICATE", MSG_V_DOC_TWICE);
					ok = 0;
				}
		}
		if (!ok)
			continue;
		d->field = ff;
		if (strcmp(d->type, "national_id_front") == 0)
			front = 1;
		t->ndocs++;
	}
	if (json_object_array_length(errs) == 0 && !front)
		verror_add(errs, r->lang, "documents", "REQUIRED", MSG_V_DOC_NATIONAL_ID);
	if (json_object_array_length(errs) > 0)
		return fail_errors(r, ERR_VALIDATION, errs);
	json_object_put(errs);
	return ERR_OK;
}

static enum err
submit_work(struct req *r, void *ctx)
{
	struct submit_tx *t = ctx;
	struct technician_values prof;
	struct verification_new v;
	struct upload_row u;
	long long pending;
	int taken;
	enum db_rc rc;
	size_t i;

	/* the profile's row orders every request of one craftsman */
	if ((rc = db_technicians_lock(r->db, r->a, r->user.id, &prof)) == DB_NOTFOUND)
		return fail(r, ERR_FORBIDDEN);
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (prof.v[TC_VERIFICATION] != NULL && strcmp(prof.v[TC_VERIFICATION], "verified") == 0)
		return fail_msg(r, ERR_CONFLICT, MSG_VERIFICATION_ALREADY);
	if ((rc = db_verifications_pending_of(r->db, r->a, r->user.id, &pending)) != DB_OK)
		return fail_db(r, rc);
	if (pending != 0)
		return fail_msg(r, ERR_CONFLICT, MSG_VERIFICATION_PENDING);
	if ((rc = db_verifications_hash_taken(r->db, r->a, t->hash, r->user.id, &taken)) !=
	    DB_OK)
		return fail_db(r, rc);
	if (taken)
		return fail_field(r, ERR_CONFLICT, "nationalId", "DUPLICATE", MSG_V_NID_TAKEN);
	for (i = 0; i < t->ndocs; i++) {
		rc = db_uploads_lock(r->db, r->a, t->docs[i].file, &u);
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return fail_db(r, rc);
		/* someone else's file, a public one, an image: the same answer as none */
		if (rc == DB_NOTFOUND || u.owner_id != r->user.id || !u.is_private ||
		    strcmp(u.kind, "file") != 0)
			return fail_field(r, ERR_VALIDATION, t->docs[i].field, "INVALID_VALUE",
			    MSG_V_DOC_FILE);
		t->docs[i].sha256 = u.sha256;   /* kept: the file as it was sent */
	}
	memset(&v, 0, sizeof(v));
	v.user_id = r->user.id;
	v.national_id_enc = t->enc;
	v.national_id_hash = t->hash;
	v.last4 = t->nid->digits + NATIONAL_ID_LEN - 4;
	v.birth_date = arena_printf(r->a, "%04d-%02d-%02d", t->nid->year, t->nid->month,
	    t->nid->day);
	v.governorate = t->nid->governorate;
	if ((rc = db_verifications_insert(r->db, r->a, &v, &t->id)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < t->ndocs; i++)
		if ((rc = db_verifications_add_document(r->db, r->a, t->id, t->docs[i].file,
		    t->docs[i].type, t->docs[i].sha256)) != DB_OK)
			return fail_db(r, rc);
	return ERR_OK;
}

enum err
verification_submit(struct req *r)
{
	const struct submit_in *in = r->in;
	unsigned char key[FILECRYPT_KEY_LEN];
	struct national_id nid;
	struct submit_tx t;
	enum nid_error ne;
	json_object *out;
	char hash[65];
	int y, m, d;
	enum err e;

	memset(&t, 0, sizeof(t));
	today(&y, &m, &d);
	if ((ne = national_id_parse(in->national_id.s, y, m, d, &nid)) != NID_OK)
		return nid_refused(r, ne);
	if (national_id_age(&nid, y, m, d) < ADULT_AGE)
		return fail_field(r, ERR_VALIDATION, "nationalId", "OUT_OF_RANGE",
		    MSG_V_NID_UNDERAGE);
	if ((e = read_documents(r, in->documents.j, &t)) != ERR_OK)
		return e;
	if (files_key(r, key) != 0)
		return fail_msg(r, ERR_UNAVAILABLE, MSG_FILE_UNAVAILABLE);
	t.nid = &nid;
	t.enc = filecrypt_seal(key, seal_label(r->a, r->user.id), nid.digits, NATIONAL_ID_LEN,
	    r->a);
	filecrypt_mac(key, NID_MAC_CONTEXT, nid.digits, NATIONAL_ID_LEN, hash);
	t.hash = hash;
	if (t.enc == NULL)
		return fail(r, ERR_INTERNAL);
	if ((e = req_tx(r, submit_work, &t)) != ERR_OK)
		return e;
	if ((e = full_view(r, t.id, &out)) != ERR_OK)
		return e;
	return reply_ok(r, 201, MSG_VERIFICATION_SUBMITTED, out);
}

/* --- GET /api/users/craftsman/verification --- */

enum err
verification_mine(struct req *r)
{
	const char *state, *reason, *at;
	json_object *out, *latest = NULL;
	char iso[32];
	long long id;
	enum db_rc rc;
	enum err e;

	rc = db_verifications_profile(r->db, r->a, r->user.id, &state, &reason, &at);
	if (rc == DB_NOTFOUND)
		return fail(r, ERR_FORBIDDEN);
	if (rc != DB_OK)
		return fail_db(r, rc);
	out = json_object_new_object();
	json_object_object_add(out, "status", json_new_str(state));
	json_object_object_add(out, "verified", json_object_new_boolean(state != NULL &&
	    strcmp(state, "verified") == 0));
	json_object_object_add(out, "reason", json_new_str(reason));
	json_object_object_add(out, "decidedAt", json_new_str(at != NULL ?
	    db_time_iso(at, iso, sizeof(iso)) : NULL));
	rc = db_verifications_latest(r->db, r->a, r->user.id, &latest);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		json_object_put(out);
		return fail_db(r, rc);
	}
	if (latest != NULL) {
		json_object *idj;

		id = json_object_object_get_ex(latest, "id", &idj) ? json_object_get_int64(idj) : 0;
		json_object_put(latest);
		if ((e = full_view(r, id, &latest)) != ERR_OK) {
			json_object_put(out);
			return e;
		}
	}
	json_object_object_add(out, "request", latest);
	return reply_ok(r, 200, MSG_VERIFICATION_FOUND, out);
}

/* --- GET /api/admin/verifications --- */

struct list_in {
	struct in_val page, limit, cursor, status;
};

static const struct vfield list_fields[] = {
	LIST_PAGING_FIELDS(struct list_in),
	{ "status", V_ENUM, 0, 0, 0, states, IN(struct list_in, status), NULL },
};
const struct input verification_list_query = INPUT(struct list_in, list_fields, NULL);

enum err
verification_list(struct req *r)
{
	const struct list_in *in = r->qin;
	struct verification_list_query q;
	struct verification_list_page out;
	struct list_pos pos;
	struct page pg = { 0 };
	long long page = in->page.set ? in->page.i : 1;
	enum db_rc rc;
	enum err e;

	memset(&q, 0, sizeof(q));
	q.limit = in->limit.set ? in->limit.i : 20;
	q.status = in->status.set ? in->status.s : NULL;
	if ((e = list_position(r, &in->cursor, page, q.limit, VERIFICATIONS_WINDOW, &pos)) !=
	    ERR_OK)
		return e;
	q.after_at = pos.after_at;
	q.after_id = pos.after_id;
	q.offset = pos.offset;
	if ((rc = db_verifications_list(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	pg.page = page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	if (out.has_next)
		pg.next_cursor = list_next_cursor(r->a, out.next_at, out.next_id);
	return reply_list(r, MSG_VERIFICATION_LIST, out.items, &pg);
}

/* --- GET /api/admin/verifications/:id --- */

enum err
verification_get(struct req *r)
{
	unsigned char key[FILECRYPT_KEY_LEN];
	const char *enc;
	long long id, owner;
	json_object *out;
	char *plain;
	size_t len;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_verifications_sealed(r->db, r->a, id, &owner, &enc)) != DB_OK)
		return fail_db(r, rc);
	if (files_key(r, key) != 0)
		return fail_msg(r, ERR_UNAVAILABLE, MSG_FILE_UNAVAILABLE);
	if ((e = full_view(r, id, &out)) != ERR_OK)
		return e;
	/* staff compare the number with the card: the one place it is shown whole */
	if (filecrypt_open(key, seal_label(r->a, owner), enc, r->a, &plain, &len) == 0) {
		json_object_object_add(out, "nationalId", json_new_str(plain));
	} else {
		log_error("msg=national_id_unreadable verification=%lld", id);
		json_object_object_add(out, "nationalId", NULL);
	}
	return reply_ok(r, 200, MSG_VERIFICATION_FOUND, out);
}

/* --- POST /api/admin/verifications/:id/approve and /reject --- */

struct decide_in {
	struct in_val reason;
};

static const struct vfield approve_fields[] = {
	{ "reason", V_STRING, VF_NULLABLE, 0, 500, NULL, IN(struct decide_in, reason), NULL },
};
static const struct vfield reject_fields[] = {
	{ "reason", V_STRING, VF_REQUIRED, 1, 500, NULL, IN(struct decide_in, reason), NULL },
};
const struct input verification_approve_input = INPUT(struct decide_in, approve_fields, NULL);
const struct input verification_reject_input = INPUT(struct decide_in, reject_fields, NULL);

struct decide_tx {
	long long   id;
	int         approve;
	const char *reason;
};

static enum err
decide_work(struct req *r, void *ctx)
{
	struct decide_tx *t = ctx;
	struct verification_row v;
	struct notify_result res;
	json_object *data, *details;
	enum db_rc rc;

	/* the row lock orders two staff deciding at once: the second sees it decided */
	if ((rc = db_verifications_lock(r->db, r->a, t->id, &v)) != DB_OK)
		return fail_db(r, rc);
	if (v.status == NULL || strcmp(v.status, "pending") != 0)
		return fail_msg(r, ERR_CONFLICT, MSG_VERIFICATION_DECIDED);
	if ((rc = db_verifications_decide(r->db, r->a, t->id, t->approve ? "approved" :
	    "rejected", t->reason, r->user.id)) != DB_OK ||
	    (rc = db_technicians_verify(r->db, r->a, v.user_id, t->approve ? "verified" :
	    "rejected", t->reason, r->user.id)) != DB_OK)
		return fail_db(r, rc);
	data = json_owned(r->a, json_object_new_object());
	json_object_object_add(data, "verificationId", json_object_new_int64(t->id));
	json_object_object_add(data, "status", json_new_str(t->approve ? "approved" :
	    "rejected"));
	json_object_object_add(data, "reason", json_new_str(t->reason));
	rc = notify_msg(r->db, r->a, v.user_id, "system", MSG_NOTIFY_VERIFICATION_TITLE,
	    t->approve ? MSG_NOTIFY_VERIFICATION_APPROVED : MSG_NOTIFY_VERIFICATION_REJECTED,
	    data, NOTIFY_PUSH | NOTIFY_EMAIL, &res);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	details = json_owned(r->a, json_object_new_object());
	json_object_object_add(details, "userId", json_object_new_int64(v.user_id));
	json_object_object_add(details, "reason", json_new_str(t->reason));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), t->approve ?
	    "verification.approve" : "verification.reject", "verification", t->id, details)) !=
	    DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

static enum err
decide(struct req *r, int approve)
{
	const struct decide_in *in = r->in;
	struct decide_tx t = { 0, approve, NULL };
	json_object *out;
	enum err e;

	if (in != NULL && in->reason.set && !in->reason.null && in->reason.s[0] != '\0')
		t.reason = in->reason.s;
	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK || (e = req_tx(r, decide_work, &t)) !=
	    ERR_OK)
		return e;
	if ((e = full_view(r, t.id, &out)) != ERR_OK)
		return e;
	return reply_ok(r, 200, approve ? MSG_VERIFICATION_APPROVED : MSG_VERIFICATION_REJECTED,
	    out);
}

enum err
verification_approve(struct req *r)
{
	return decide(r, 1);
}

enum err
verification_reject(struct req *r)
{
	return decide(r, 0);
}

/* --- the marketplace's rule: may this craftsman quote? --- */

enum err
verification_may_quote(struct req *r)
{
	const char *value, *state, *reason, *at;
	enum db_rc rc;

	rc = db_settings_value(r->db, r->a, UNVERIFIED_CAN_QUOTE, &value);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	/* the default (no row, or a value that is not false): they may */
	if (rc == DB_NOTFOUND || value == NULL || strcmp(value, "false") != 0)
		return ERR_OK;
	rc = db_verifications_profile(r->db, r->a, r->user.id, &state, &reason, &at);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	if (rc == DB_OK && state != NULL && strcmp(state, "verified") == 0)
		return ERR_OK;
	return fail_msg(r, ERR_FORBIDDEN, MSG_QUOTE_UNVERIFIED);
}

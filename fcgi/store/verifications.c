#include "verifications.h"

#include <limits.h>
#include <string.h>

enum { V_ALL, V_STATUS, V__MAX };

enum stmt {
	STMT_PENDING_OF,
	STMT_HASH_TAKEN,
	STMT_INSERT,
	STMT_DOC_INSERT,
	STMT_LOCK,
	STMT_DECIDE,
	STMT_VIEW,
	STMT_LATEST,
	STMT_SEALED,
	STMT_DOCS,
	STMT_PROFILE,
	STMT_PAGE,
	STMT_COUNT = STMT_PAGE + V__MAX,
	STMT__MAX = STMT_COUNT + V__MAX
};

/* A request as the API shows it: never the sealed number nor its digest. */
#define VIEW_SELECT \
	"SELECT v.id, v.user_id AS userId, v.status, v.national_id_last4 AS nationalIdLast4," \
	" v.birth_date AS birthDate, v.governorate, v.reason, v.reviewed_by AS reviewedBy," \
	" v.reviewed_at AS reviewedAt, v.created_at AS createdAt, v.updated_at AS updatedAt," \
	" u.first_name AS `craftsman.firstName`, u.last_name AS `craftsman.lastName`," \
	" u.avatar AS `craftsman.avatar`," \
	" (SELECT COUNT(*) FROM verification_documents d WHERE d.verification_id = v.id)" \
	" AS documentCount"
#define VIEW_NCOLS 15
#define FROM_V " FROM verifications v JOIN users u ON u.id = v.user_id"

#define RANGE " v.created_at <= ? AND (v.created_at < ? OR v.id < ?)"
#define PAGE(ix, where) DB_LIST_LIMIT VIEW_SELECT " FROM (SELECT v.id, v.created_at" \
	" FROM verifications v FORCE INDEX (" ix ") WHERE " where RANGE \
	" ORDER BY v.created_at DESC, v.id DESC LIMIT ? OFFSET ?) k" \
	" STRAIGHT_JOIN verifications v FORCE INDEX (PRIMARY) ON v.id = k.id" \
	" JOIN users u ON u.id = v.user_id ORDER BY k.created_at DESC, k.id DESC"
#define COUNT(ix, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM verifications v" \
	" FORCE INDEX (" ix ") WHERE " where " 1 LIMIT ?) t"
#define VARIANT(v, ix, where, nf) \
	[STMT_PAGE + (v)] = { PAGE(ix, where), (nf) + 5, VIEW_NCOLS, DBS_LIST }, \
	[STMT_COUNT + (v)] = { COUNT(ix, where), (nf) + 1, 1, DBS_LIST }

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_PENDING_OF] = { "SELECT id FROM verifications WHERE user_id = ?"
	    " AND status = 'pending' ORDER BY created_at DESC, id DESC LIMIT 1", 1, 1, 0 },
	[STMT_HASH_TAKEN] = { "SELECT 1 FROM verifications WHERE national_id_hash = ?"
	    " AND status IN ('pending','approved') AND user_id <> ? LIMIT 1", 2, 1, 0 },
	[STMT_INSERT] = { "INSERT INTO verifications (user_id, national_id_enc,"
	    " national_id_hash, national_id_last4, birth_date, governorate)"
	    " VALUES (?, ?, ?, ?, ?, ?)", 6, 0, 0 },
	[STMT_DOC_INSERT] = { "INSERT INTO verification_documents (verification_id, upload_id,"
	    " doc_type, sha256) VALUES (?, ?, ?, ?)", 4, 0, 0 },
	[STMT_LOCK] = { "SELECT id, user_id, status, national_id_enc FROM verifications"
	    " WHERE id = ? FOR UPDATE", 1, 4, 0 },
	[STMT_DECIDE] = { "UPDATE verifications SET status = ?, reason = ?, reviewed_by = ?,"
	    " reviewed_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND status = 'pending'", 4, 0, 0 },
	[STMT_VIEW] = { VIEW_SELECT FROM_V " WHERE v.id = ?", 1, VIEW_NCOLS, 0 },
	[STMT_LATEST] = { VIEW_SELECT FROM_V " WHERE v.user_id = ?"
	    " ORDER BY v.created_at DESC, v.id DESC LIMIT 1", 1, VIEW_NCOLS, 0 },
	[STMT_SEALED] = { "SELECT user_id, national_id_enc FROM verifications WHERE id = ?", 1,
	    2, 0 },
	[STMT_DOCS] = { "SELECT d.id, d.doc_type AS type, d.upload_id AS fileId,"
	    " up.mime, up.filename, up.size, d.sha256 <> up.sha256 AS `replaced:bool`,"
	    " d.created_at AS createdAt FROM verification_documents d"
	    " LEFT JOIN uploads up ON up.id = d.upload_id WHERE d.verification_id = ?"
	    " ORDER BY d.id", 1, 8, 0 },
	[STMT_PROFILE] = { "SELECT verification, verification_reason, verified_at"
	    " FROM technician_profiles WHERE user_id = ?", 1, 3, 0 },
	VARIANT(V_ALL, "ix_verifications_list", "", 0),
	VARIANT(V_STATUS, "ix_verifications_queue", "v.status = ? AND", 1),
};

/* --explain-lists: the widest case (the top of the list, the whole queue). */
#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_KEY DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX)
#define S_PAGE DB_SAMPLE_INT(21), DB_SAMPLE_INT(0)
#define S_CAP DB_SAMPLE_INT(VERIFICATIONS_WINDOW + 1)
static const struct db_arg s_page_all[] = { S_KEY, S_PAGE };
static const struct db_arg s_count_all[] = { S_CAP };
static const struct db_arg s_page_status[] = { DB_SAMPLE_STR("pending"), S_KEY, S_PAGE };
static const struct db_arg s_count_status[] = { DB_SAMPLE_STR("pending"), S_CAP };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_PAGE + V_ALL] = DB_SAMPLE(s_page_all),
	[STMT_COUNT + V_ALL] = DB_SAMPLE(s_count_all),
	[STMT_PAGE + V_STATUS] = DB_SAMPLE(s_page_status),
	[STMT_COUNT + V_STATUS] = DB_SAMPLE(s_count_status),
};

struct db_family store_verifications = DB_FAMILY_SAMPLES("verifications", stmts, samples);

#define RUN(db, a, s, res, ...) \
	db_exec(db, a, &store_verifications, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_verifications_pending_of(struct db *db, struct arena *a, long long user_id, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	*id = 0;
	if ((rc = RUN(db, a, STMT_PENDING_OF, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows > 0)
		*id = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_verifications_hash_taken(struct db *db, struct arena *a, const char *hash,
    long long user_id, int *yes)
{
	struct db_result res;
	enum db_rc rc;

	*yes = 0;
	if ((rc = RUN(db, a, STMT_HASH_TAKEN, &res, DB_STR(hash), DB_INT(user_id))) != DB_OK)
		return rc;
	*yes = res.nrows > 0;
	return DB_OK;
}

enum db_rc
db_verifications_insert(struct db *db, struct arena *a, const struct verification_new *v,
    long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_INT(v->user_id), DB_STR(v->national_id_enc),
	    DB_STR(v->national_id_hash), DB_STR(v->last4), DB_STR(v->birth_date),
	    DB_STR(v->governorate))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_verifications_add_document(struct db *db, struct arena *a, long long verification_id,
    long long upload_id, const char *type, const char *sha256)
{
	return RUN(db, a, STMT_DOC_INSERT, NULL, DB_INT(verification_id), DB_INT(upload_id),
	    DB_STR(type), DB_STR(sha256));
}

enum db_rc
db_verifications_lock(struct db *db, struct arena *a, long long id,
    struct verification_row *out)
{
	struct db_result res;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = RUN(db, a, STMT_LOCK, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, 0, 0);
	out->user_id = db_get_ll(&res, 0, 1, 0);
	out->status = db_get(&res, 0, 2);
	out->national_id_enc = db_get(&res, 0, 3);
	return DB_OK;
}

enum db_rc
db_verifications_decide(struct db *db, struct arena *a, long long id, const char *status,
    const char *reason, long long by)
{
	return RUN(db, a, STMT_DECIDE, NULL, DB_STR(status), DB_STR(reason), DB_INT(by),
	    DB_INT(id));
}

static enum db_rc
one(struct db *db, struct arena *a, int s, long long id, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, s, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

enum db_rc
db_verifications_view(struct db *db, struct arena *a, long long id, json_object **out)
{
	return one(db, a, STMT_VIEW, id, out);
}

enum db_rc
db_verifications_latest(struct db *db, struct arena *a, long long user_id, json_object **out)
{
	return one(db, a, STMT_LATEST, user_id, out);
}

enum db_rc
db_verifications_sealed(struct db *db, struct arena *a, long long id, long long *user_id,
    const char **enc)
{
	struct db_result res;
	enum db_rc rc;

	*user_id = 0;
	*enc = NULL;
	if ((rc = RUN(db, a, STMT_SEALED, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*user_id = db_get_ll(&res, 0, 0, 0);
	*enc = db_get(&res, 0, 1);
	return DB_OK;
}

enum db_rc
db_verifications_documents(struct db *db, struct arena *a, long long id, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_DOCS, &res, DB_INT(id))) != DB_OK)
		return rc;
	*out = db_rows_json(&res);
	return DB_OK;
}

enum db_rc
db_verifications_list(struct db *db, struct arena *a, const struct verification_list_query *q,
    struct verification_list_page *out)
{
	struct db_arg args[8];
	struct db_result res;
	const char *at = q->after_at != NULL ? q->after_at : TOP_TIME;
	long long id = q->after_at != NULL ? q->after_id : LLONG_MAX;
	unsigned v = q->status != NULL ? V_STATUS : V_ALL;
	size_t n = 0, nf;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if (q->status != NULL)
		args[n++] = DB_STR(q->status);
	nf = n;
	args[n++] = DB_INT(VERIFICATIONS_WINDOW + 1);
	if ((rc = db_exec(db, a, &store_verifications, STMT_COUNT + v, args, n, &res)) != DB_OK)
		return rc;
	out->total = db_get_ll(&res, 0, 0, 0);
	if ((out->total_capped = out->total > VERIFICATIONS_WINDOW))
		out->total = VERIFICATIONS_WINDOW;
	n = nf;
	args[n++] = DB_STR(at);
	args[n++] = DB_STR(at);
	args[n++] = DB_INT(id);
	args[n++] = DB_INT(q->limit + 1);
	args[n++] = DB_INT(q->offset);
	if ((rc = db_exec(db, a, &store_verifications, STMT_PAGE + v, args, n, &res)) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, q->limit, "createdAt", out->next_at, &out->next_id);
	out->items = store_page_rows(&res, q->limit);
	return DB_OK;
}

enum db_rc
db_verifications_profile(struct db *db, struct arena *a, long long user_id,
    const char **state, const char **reason, const char **at)
{
	struct db_result res;
	enum db_rc rc;

	*state = *reason = *at = NULL;
	if ((rc = RUN(db, a, STMT_PROFILE, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*state = db_get(&res, 0, 0);
	*reason = db_get(&res, 0, 1);
	*at = db_get(&res, 0, 2);
	return DB_OK;
}

#include "uploads.h"

#include <string.h>

enum stmt {
	STMT_INSERT,
	STMT_GET,
	STMT_LOCK,
	STMT_LOCK_SHA,
	STMT_DELETE,
	STMT_REPLACE,
	STMT_SET_AVATAR,
	STMT_UNSET_AVATAR,
	STMT_USER_AVATAR,
	STMT_LOCK_OWNER,
	STMT_SHARE,
	STMT_SHARE_SHA,
	STMT_DISOWN,
	STMT_REFS_CLEAR,
	STMT_REFS_ADD,
	STMT_REFS_OF_UPLOAD,
	STMT_REFS_DROP_UPLOAD,
	STMT__MAX
};

#define COLS "SELECT id, owner_id, kind, is_private, mime, size, width, height, sha256," \
	" storage, variants, filename, created_at, updated_at FROM uploads"
#define NCOLS 14

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_INSERT] = { "INSERT INTO uploads (owner_id, kind, is_private, mime, size, width,"
	    " height, sha256, storage, variants, filename) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    11, 0, 0 },
	[STMT_GET] = { COLS " WHERE id = ?", 1, NCOLS, 0 },
	[STMT_LOCK] = { COLS " WHERE id = ? FOR UPDATE", 1, NCOLS, 0 },
	/* ix_uploads_sha256: the rows that share a set of files on disk */
	[STMT_LOCK_SHA] = { COLS " WHERE sha256 = ? ORDER BY id LIMIT 10000 FOR UPDATE", 1, NCOLS,
	    0 },
	[STMT_DELETE] = { "DELETE FROM uploads WHERE id = ?", 1, 0, 0 },
	[STMT_REPLACE] = { "UPDATE uploads SET is_private = ?, mime = ?, size = ?, sha256 = ?,"
	    " storage = ?, filename = ? WHERE id = ?", 7, 0, 0 },
	[STMT_SET_AVATAR] = { "UPDATE users SET avatar = ?, avatar_upload_id = ? WHERE id = ?"
	    " AND deleted_at IS NULL", 3, 0, 0 },
	[STMT_UNSET_AVATAR] = { "UPDATE users SET avatar = NULL, avatar_upload_id = NULL"
	    " WHERE avatar_upload_id = ?", 1, 0, 0 },
	[STMT_USER_AVATAR] = { "SELECT avatar_upload_id FROM users WHERE id = ? FOR UPDATE", 1, 1,
	    0 },
	/* ix_uploads_owner: a person's uploads, for the erasure of their account */
	[STMT_LOCK_OWNER] = { COLS " WHERE owner_id = ? ORDER BY id LIMIT 10000 FOR UPDATE", 1,
	    NCOLS, 0 },
	/* an upload a record is about to show: read under a shared lock, so its deletion
	 * (which locks the rows of its hash FOR UPDATE) waits for the record or comes first */
	[STMT_SHARE] = { COLS " WHERE id = ? LOCK IN SHARE MODE", 1, NCOLS, 0 },
	[STMT_SHARE_SHA] = { COLS " WHERE sha256 = ? ORDER BY id LIMIT 10000 LOCK IN SHARE MODE",
	    1, NCOLS, 0 },
	/* the erasure keeps a catalog image a service shows, owned by no one */
	[STMT_DISOWN] = { "UPDATE uploads SET owner_id = NULL WHERE id = ?", 1, 0, 0 },
	/* upload_refs (sql/migrations/0036_upload_refs.sql): the primary key's prefix */
	[STMT_REFS_CLEAR] = { "DELETE FROM upload_refs WHERE subject = ? AND subject_id = ?", 2,
	    0, 0 },
	[STMT_REFS_ADD] = { "INSERT INTO upload_refs (subject, subject_id, position, upload_id)"
	    " VALUES (?, ?, ?, ?)", 4, 0, 0 },
	/* ix_upload_refs_upload; locking: a record added since is seen */
	[STMT_REFS_OF_UPLOAD] = { "SELECT subject, subject_id FROM upload_refs WHERE upload_id = ?"
	    " ORDER BY subject, subject_id LIMIT 10 LOCK IN SHARE MODE", 1, 2, 0 },
	[STMT_REFS_DROP_UPLOAD] = { "DELETE FROM upload_refs WHERE upload_id = ?", 1, 0, 0 },
};

struct db_family store_uploads = DB_FAMILY("uploads", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_uploads, s, DB_ARGS(__VA_ARGS__), res)

static struct db_arg
int_or_null(long long v)
{
	return v > 0 ? DB_INT(v) : DB_NULL;
}

enum db_rc
db_uploads_insert(struct db *db, struct arena *a, const struct upload_row *u, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	rc = RUN(db, a, STMT_INSERT, &res, int_or_null(u->owner_id), DB_STR(u->kind),
	    DB_INT(u->is_private != 0), DB_STR(u->mime), DB_INT(u->size), int_or_null(u->width),
	    int_or_null(u->height), DB_STR(u->sha256), DB_STR(u->storage), DB_STR(u->variants),
	    DB_STR(u->filename));
	if (rc == DB_OK)
		*id = (long long)res.insert_id;
	return rc;
}

static void
fill(struct arena *a, const struct db_result *res, size_t i, struct upload_row *o)
{
	enum { C_ID, C_OWNER, C_KIND, C_PRIVATE, C_MIME, C_SIZE, C_W, C_H, C_SHA, C_STORAGE,
		C_VARIANTS, C_NAME, C_CREATED, C_UPDATED };
	char buf[32];

	memset(o, 0, sizeof(*o));
	o->id = db_get_ll(res, i, C_ID, 0);
	o->owner_id = db_get_ll(res, i, C_OWNER, 0);
	o->kind = db_get(res, i, C_KIND);
	o->is_private = db_get_ll(res, i, C_PRIVATE, 0) != 0;
	o->mime = db_get(res, i, C_MIME);
	o->size = db_get_ll(res, i, C_SIZE, 0);
	o->width = db_get_ll(res, i, C_W, 0);
	o->height = db_get_ll(res, i, C_H, 0);
	o->sha256 = db_get(res, i, C_SHA);
	o->storage = db_get(res, i, C_STORAGE);
	o->variants = db_get(res, i, C_VARIANTS);
	o->filename = db_get(res, i, C_NAME);
	o->created_at = arena_strdup(a, db_time_iso(db_get(res, i, C_CREATED), buf, sizeof(buf)));
	o->updated_at = arena_strdup(a, db_time_iso(db_get(res, i, C_UPDATED), buf, sizeof(buf)));
}

static enum db_rc
one(struct db *db, struct arena *a, unsigned stmt, long long id, struct upload_row *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_exec(db, a, &store_uploads, stmt, DB_ARGS(DB_INT(id)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	fill(a, &res, 0, out);
	return DB_OK;
}

enum db_rc
db_uploads_get(struct db *db, struct arena *a, long long id, struct upload_row *out)
{
	return one(db, a, STMT_GET, id, out);
}

enum db_rc
db_uploads_lock(struct db *db, struct arena *a, long long id, struct upload_row *out)
{
	return one(db, a, STMT_LOCK, id, out);
}

enum db_rc
db_uploads_share(struct db *db, struct arena *a, long long id, struct upload_row *out)
{
	return one(db, a, STMT_SHARE, id, out);
}

static enum db_rc
by_sha(struct db *db, struct arena *a, unsigned stmt, const char *sha256,
    struct upload_row **rows, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*rows = NULL;
	*n = 0;
	if ((rc = RUN(db, a, stmt, &res, DB_STR(sha256))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	*rows = arena_alloc(a, sizeof(**rows) * res.nrows);
	for (i = 0; i < res.nrows; i++)
		fill(a, &res, i, &(*rows)[i]);
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_uploads_share_sha(struct db *db, struct arena *a, const char *sha256,
    struct upload_row **rows, size_t *n)
{
	return by_sha(db, a, STMT_SHARE_SHA, sha256, rows, n);
}

enum db_rc
db_uploads_lock_sha(struct db *db, struct arena *a, const char *sha256,
    struct upload_row **rows, size_t *n)
{
	return by_sha(db, a, STMT_LOCK_SHA, sha256, rows, n);
}

enum db_rc
db_uploads_lock_owner(struct db *db, struct arena *a, long long owner_id,
    struct upload_row **rows, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*rows = NULL;
	*n = 0;
	if ((rc = RUN(db, a, STMT_LOCK_OWNER, &res, DB_INT(owner_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	*rows = arena_alloc(a, sizeof(**rows) * res.nrows);
	for (i = 0; i < res.nrows; i++)
		fill(a, &res, i, &(*rows)[i]);
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_uploads_delete(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_DELETE, NULL, DB_INT(id));
}

enum db_rc
db_uploads_replace(struct db *db, struct arena *a, const struct upload_row *u)
{
	return RUN(db, a, STMT_REPLACE, NULL, DB_INT(u->is_private != 0), DB_STR(u->mime),
	    DB_INT(u->size), DB_STR(u->sha256), DB_STR(u->storage), DB_STR(u->filename),
	    DB_INT(u->id));
}

enum db_rc
db_uploads_set_avatar(struct db *db, struct arena *a, long long user_id, long long upload_id,
    const char *url)
{
	return RUN(db, a, STMT_SET_AVATAR, NULL, DB_STR(url), DB_INT(upload_id), DB_INT(user_id));
}

enum db_rc
db_uploads_unset_avatar(struct db *db, struct arena *a, long long upload_id)
{
	return RUN(db, a, STMT_UNSET_AVATAR, NULL, DB_INT(upload_id));
}

enum db_rc
db_uploads_lock_user_avatar(struct db *db, struct arena *a, long long user_id,
    long long *upload_id)
{
	struct db_result res;
	enum db_rc rc;

	*upload_id = 0;
	if ((rc = RUN(db, a, STMT_USER_AVATAR, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*upload_id = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_uploads_disown(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_DISOWN, NULL, DB_INT(id));
}

enum db_rc
db_upload_refs_replace(struct db *db, struct arena *a, const char *subject,
    long long subject_id, const long long *upload_ids, size_t n)
{
	enum db_rc rc;
	size_t i;

	if ((rc = RUN(db, a, STMT_REFS_CLEAR, NULL, DB_STR(subject), DB_INT(subject_id))) != DB_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (upload_ids[i] > 0 && (rc = RUN(db, a, STMT_REFS_ADD, NULL, DB_STR(subject),
		    DB_INT(subject_id), DB_INT((long long)i), DB_INT(upload_ids[i]))) != DB_OK)
			return rc;
	return DB_OK;
}

enum db_rc
db_upload_refs_of_upload(struct db *db, struct arena *a, long long upload_id,
    struct upload_ref **refs, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*refs = NULL;
	*n = 0;
	if ((rc = RUN(db, a, STMT_REFS_OF_UPLOAD, &res, DB_INT(upload_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	*refs = arena_alloc(a, sizeof(**refs) * res.nrows);
	for (i = 0; i < res.nrows; i++) {
		(*refs)[i].subject = db_get(&res, i, 0);
		(*refs)[i].subject_id = db_get_ll(&res, i, 1, 0);
	}
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_upload_refs_drop_upload(struct db *db, struct arena *a, long long upload_id)
{
	return RUN(db, a, STMT_REFS_DROP_UPLOAD, NULL, DB_INT(upload_id));
}

/* uploads: a row per uploaded image or file (sql/migrations/0017_uploads.sql); the
 * bytes are on disk under upload_dir (docs/uploads.md). */
#ifndef WARSHA_STORE_UPLOADS_H
#define WARSHA_STORE_UPLOADS_H

#include "store.h"

struct upload_row {
	long long   id;
	long long   owner_id;       /* 0: none */
	const char *kind;           /* image | avatar | service | file */
	int         is_private;
	const char *mime;
	long long   size;
	long long   width, height;  /* 0 when not an image */
	const char *sha256;
	const char *storage;        /* path under upload_dir (images: the variants' prefix) */
	const char *variants;       /* JSON text, or NULL */
	const char *filename;
	const char *created_at;     /* ISO 8601 */
	const char *updated_at;
};

enum db_rc db_uploads_insert(struct db *db, struct arena *a, const struct upload_row *u,
    long long *id);
enum db_rc db_uploads_get(struct db *db, struct arena *a, long long id, struct upload_row *out);
/* The row, locked (inside a transaction). */
enum db_rc db_uploads_lock(struct db *db, struct arena *a, long long id, struct upload_row *out);
/* Every row of this hash, locked: *rows (arena) and *n. DB_OK with *n = 0 when none. */
enum db_rc db_uploads_lock_sha(struct db *db, struct arena *a, const char *sha256,
    struct upload_row **rows, size_t *n);
/* Every upload of this owner, locked (the erasure of their account). */
enum db_rc db_uploads_lock_owner(struct db *db, struct arena *a, long long owner_id,
    struct upload_row **rows, size_t *n);
enum db_rc db_uploads_delete(struct db *db, struct arena *a, long long id);
/* A file's new content (PUT /api/files/:id). */
enum db_rc db_uploads_replace(struct db *db, struct arena *a, const struct upload_row *u);
/* users.avatar and users.avatar_upload_id: the user's picture is this upload. */
enum db_rc db_uploads_set_avatar(struct db *db, struct arena *a, long long user_id,
    long long upload_id, const char *url);
/* The user's current picture (users.avatar_upload_id, 0 when none), the row locked. */
enum db_rc db_uploads_lock_user_avatar(struct db *db, struct arena *a, long long user_id,
    long long *upload_id);
/* An upload that goes: users showing it as their picture show none. */
enum db_rc db_uploads_unset_avatar(struct db *db, struct arena *a, long long upload_id);
/* The row under a shared lock (a record about to show it). */
enum db_rc db_uploads_share(struct db *db, struct arena *a, long long id,
    struct upload_row *out);
/* Every row of this hash under a shared lock: *rows (arena) and *n. */
enum db_rc db_uploads_share_sha(struct db *db, struct arena *a, const char *sha256,
    struct upload_row **rows, size_t *n);
/* The upload is no one's any more (kept for a record that shows it). */
enum db_rc db_uploads_disown(struct db *db, struct arena *a, long long id);

/* A select-list expression: the ids of the uploads a record shows, in its list's order
 * ("[]" for none): a few records of upload_refs' primary key per row. subject is a SQL
 * literal ('service', 'booking'), id_col the record's id column. */
#define UPLOAD_REF_IDS(subject, id_col) "COALESCE((SELECT JSON_ARRAYAGG(ur.upload_id" \
	" ORDER BY ur.position) FROM upload_refs ur WHERE ur.subject = " subject \
	" AND ur.subject_id = " id_col "), '[]')"

/* References: which records show which uploads (upload_refs,
 * sql/migrations/0036_upload_refs.sql; docs/uploads.md, "References"). */
struct upload_ref {
	const char *subject;        /* service | booking */
	long long   subject_id;
};

/* The record's references become these: upload_ids[i] is the upload shown at position i
 * of its list, 0 for an entry that is not ours. In the record's unit of work. */
enum db_rc db_upload_refs_replace(struct db *db, struct arena *a, const char *subject,
    long long subject_id, const long long *upload_ids, size_t n);
/* The records that show this upload (at most 10), read with a lock. */
enum db_rc db_upload_refs_of_upload(struct db *db, struct arena *a, long long upload_id,
    struct upload_ref **refs, size_t *n);
/* Every reference to this upload goes (the erasure of its owner). */
enum db_rc db_upload_refs_drop_upload(struct db *db, struct arena *a, long long upload_id);

#endif

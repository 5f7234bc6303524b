/* Files (seed 002's /api/files): documents, PDFs and images kept as sent, on disk.
 *
 * POST /api/files takes one `file` and an optional `private` (true/false). Its type is
 * what libmagic reads in its bytes and must be in files_types; an image type must also
 * pass our own signature check (sniff.h), so HTML named .png is refused. The seed keeps
 * files in the database; Warsha keeps them under upload_dir (docs/decisions.md).
 *
 * Private files (verification documents, dispute evidence) are read only by their owner
 * and staff, and are encrypted at rest (AES-256-GCM under files_key, filecrypt.h): the
 * worker decrypts one whole and answers it only when its tag matched. Public ones are
 * handed to nginx with X-Accel-Redirect (/uploads/, an internal location) after the
 * row is read. Someone else's private file is 404, as if it did not exist; changing or
 * deleting someone else's public file is 403.
 *
 * Seed 002 makes every route public; Warsha asks for a signed-in caller to write
 * (anonymous writes to disk are an invitation) and lets anyone read public files. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "upload_disk.h"
#include "../core/crypto.h"
#include "../core/filecrypt.h"
#include "../core/form.h"
#include "../core/log.h"
#include "../core/sniff.h"
#include "../store/uploads.h"

static const char *const file_fields[] = { "file", NULL };
static const char *const file_text[] = { "private", NULL };
static const struct form_spec file_spec = { file_fields, file_text, 1 };

/* A type of the allow-list (files_types, space separated). */
static int
type_allowed(const struct config *cfg, const char *mime)
{
	const char *p = cfg->files_types;
	size_t n = strlen(mime);

	while (*p != '\0') {
		size_t len;

		p += strspn(p, " \t,");
		len = strcspn(p, " \t,");
		if (len == n && len > 0 && strncasecmp(p, mime, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* A received file, checked and stored on disk under a fresh name. */
struct stored {
	const char *mime;
	const char *rel;        /* files/<aa>/<name>[.enc] */
	int         is_private;
};

static enum err
receive(struct req *r, struct form_file **file, int *is_private)
{
	struct form form;
	const char *priv;
	enum err e;

	if ((e = form_read(r, &file_spec, &form)) != ERR_OK)
		return e;
	if (form.nfiles == 0)
		return fail_field(r, ERR_VALIDATION, "file", "REQUIRED", MSG_V_REQUIRED);
	priv = form_field(&form, "private");
	if (priv == NULL || strcmp(priv, "false") == 0 || strcmp(priv, "0") == 0 || *priv == '\0')
		*is_private = 0;
	else if (strcmp(priv, "true") == 0 || strcmp(priv, "1") == 0)
		*is_private = 1;
	else
		return fail_field(r, ERR_VALIDATION, "private", "INVALID_VALUE", MSG_V_INVALID_VALUE);
	*file = &form.files[0];
	return ERR_OK;
}

/* Sniffs and stores: ERR_OK with s filled, or the refusal. */
static enum err
store_file(struct req *r, struct form_file *f, int is_private, struct stored *s)
{
	unsigned char key[FILECRYPT_KEY_LEN];
	char mime[128], clean[128];
	const char *name;

	memset(s, 0, sizeof(*s));
	if (f->size == 0)
		return fail_field(r, ERR_VALIDATION, "file", "EMPTY", MSG_UPLOAD_EMPTY);
	if (sniff_mime(f->head, f->head_len, mime, sizeof(mime)) != 0 ||
	    !type_allowed(r->cfg, mime) ||
	    (strncmp(mime, "image/", 6) == 0 && sniff_image_kind(f->head, f->head_len) ==
	    SNIFF_NOT_IMAGE)) {
		log_info("msg=file_refused reason=type_not_allowed type=%s declared=\"%s\"",
		    log_clean(clean, sizeof(clean), mime), f->declared_type ? f->declared_type : "-");
		return fail_field(r, ERR_UNSUPPORTED_MEDIA, "file", "UNSUPPORTED_TYPE",
		    MSG_UPLOAD_TYPE_NOT_ALLOWED);
	}
	s->mime = arena_strdup(r->a, mime);
	s->is_private = is_private;
	name = random_hex(r->a, 16);
	s->rel = arena_printf(r->a, "files/%.2s/%s%s", name, name, is_private ? ".enc" : "");
	if (!is_private)
		return upload_move(r, f->path, f->fd, s->rel) == 0 ? ERR_OK : fail(r, ERR_INTERNAL);
	if (filecrypt_key_parse(r->cfg->files_key, key) != 0) {
		log_error("msg=private_files_off reason=\"no files_key in the configuration\"");
		return fail_msg(r, ERR_UNAVAILABLE, MSG_FILE_UNAVAILABLE);
	}
	{
		const char *dir = form_tmp_dir(r);
		char *tmp = dir != NULL ? arena_printf(r->a, "%s/enc-XXXXXX", dir) : NULL;
		int out = tmp != NULL ? mkostemp(tmp, O_CLOEXEC) : -1, rc;

		if (out < 0) {
			log_error("msg=upload_tmp_failed");
			return fail(r, ERR_INTERNAL);
		}
		/* the label binds the ciphertext to its name: a file copied over another's
		 * fails its tag */
		rc = lseek(f->fd, 0, SEEK_SET) == 0 &&
		    filecrypt_encrypt_fd(key, s->rel, f->fd, out) == 0 &&
		    upload_move(r, tmp, out, s->rel) == 0 ? 0 : -1;
		close(out);
		if (rc != 0) {
			unlink(tmp);
			log_error("msg=file_encrypt_failed");
			return fail(r, ERR_INTERNAL);
		}
	}
	return ERR_OK;
}

static json_object *
file_json(struct req *r, const struct upload_row *u)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(u->id));
	json_object_object_add(o, "filename", json_new_str(u->filename));
	json_object_object_add(o, "mimetype", json_object_new_string(u->mime));
	json_object_object_add(o, "size", json_object_new_int64(u->size));
	json_object_object_add(o, "private", json_object_new_boolean(u->is_private));
	json_object_object_add(o, "sha256", json_object_new_string(u->sha256));
	json_object_object_add(o, "url", json_object_new_string(arena_printf(r->a,
	    "/api/files/%lld", u->id)));
	json_object_object_add(o, "uploadedBy", u->owner_id > 0 ?
	    json_object_new_int64(u->owner_id) : NULL);
	json_object_object_add(o, "createdAt", json_new_str(u->created_at));
	json_object_object_add(o, "updatedAt", json_new_str(u->updated_at));
	return o;
}

static enum err
answer(struct req *r, int status, enum msg m, long long id)
{
	struct upload_row u;
	json_object *d;
	enum db_rc rc;

	if ((rc = db_uploads_get(r->db, r->a, id, &u)) != DB_OK)
		return fail_db(r, rc);
	d = json_object_new_object();
	json_object_object_add(d, "file", file_json(r, &u));
	return reply_ok(r, status, m, d);
}

struct insert_ctx {
	struct upload_row u;
	long long         id;
};

static enum err
insert_work(struct req *r, void *vctx)
{
	struct insert_ctx *c = vctx;
	enum db_rc rc;

	if ((rc = db_uploads_insert(r->db, r->a, &c->u, &c->id)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
files_create(struct req *r)
{
	struct insert_ctx c;
	struct form_file *f;
	struct stored s;
	int is_private;
	enum err e;

	if ((e = receive(r, &f, &is_private)) != ERR_OK ||
	    (e = store_file(r, f, is_private, &s)) != ERR_OK)
		return e;
	memset(&c, 0, sizeof(c));
	c.u.owner_id = r->user.id;
	c.u.kind = "file";
	c.u.is_private = s.is_private;
	c.u.mime = s.mime;
	c.u.size = (long long)f->size;
	c.u.sha256 = f->sha256;
	c.u.storage = s.rel;
	c.u.filename = f->name;
	if ((e = req_tx(r, insert_work, &c)) != ERR_OK) {
		upload_remove(r, s.rel);
		return e;
	}
	return answer(r, 201, MSG_FILE_SAVED, c.id);
}

/* The file row of :id that the caller may see: someone else's private file is 404. */
static enum err
visible(struct req *r, const struct upload_row *u)
{
	if (strcmp(u->kind, "file") != 0)
		return fail(r, ERR_NOT_FOUND);
	if (u->is_private && !req_is_staff(r) && (r->user.id == 0 || u->owner_id != r->user.id))
		return fail(r, ERR_NOT_FOUND);
	return ERR_OK;
}

static enum err
writable(struct req *r, const struct upload_row *u)
{
	enum err e;

	if ((e = visible(r, u)) != ERR_OK)
		return e;
	if (!req_is_staff(r) && u->owner_id != r->user.id)
		return fail(r, ERR_FORBIDDEN);
	return ERR_OK;
}

/* A header value's filename: the display name with anything but safe characters
 * replaced, and the UTF-8 one percent-encoded (RFC 6266). */
static void
disposition(struct req *r, const struct upload_row *u)
{
	const char *name = u->filename != NULL ? u->filename : "file";
	const char *kind = strncmp(u->mime, "image/", 6) == 0 || strcmp(u->mime,
	    "application/pdf") == 0 ? "inline" : "attachment";
	char ascii[256], enc[768];
	size_t i, a = 0, e = 0;

	for (i = 0; name[i] != '\0' && a < sizeof(ascii) - 1 && e < sizeof(enc) - 4; i++) {
		unsigned char c = (unsigned char)name[i];
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';

		ascii[a++] = plain ? (char)c : '_';
		if (plain)
			enc[e++] = (char)c;
		else
			e += (size_t)snprintf(enc + e, sizeof(enc) - e, "%%%02X", c);
	}
	ascii[a] = '\0';
	enc[e] = '\0';
	resp_header(r, "Content-Disposition: %s; filename=\"%s\"; filename*=UTF-8''%s", kind,
	    ascii, enc);
}

enum err
files_get(struct req *r)
{
	unsigned char key[FILECRYPT_KEY_LEN];
	struct upload_row u;
	enum db_rc rc;
	enum err e;
	char *plain;
	size_t len;
	int fd, drc;

	if ((e = req_param_id(r, 0, &u.id)) != ERR_OK)
		return e;
	if ((rc = db_uploads_get(r->db, r->a, u.id, &u)) != DB_OK)
		return fail_db(r, rc);
	if ((e = visible(r, &u)) != ERR_OK)
		return e;
	if (strstr(u.storage, "..") != NULL || strncmp(u.storage, "files/", 6) != 0) {
		log_error("msg=file_bad_storage id=%lld", u.id);
		return fail(r, ERR_INTERNAL);
	}
	disposition(r, &u);
	if (!u.is_private) {
		/* nginx sends it (an internal location over upload_dir) */
		resp_header(r, "X-Accel-Redirect: /uploads/%s", u.storage);
		return reply_raw(r, 200, u.mime, "", 0);
	}
	if (filecrypt_key_parse(r->cfg->files_key, key) != 0) {
		log_error("msg=private_files_off reason=\"no files_key in the configuration\"");
		return fail_msg(r, ERR_UNAVAILABLE, MSG_FILE_UNAVAILABLE);
	}
	if ((fd = open(arena_printf(r->a, "%s/%s", r->cfg->upload_dir, u.storage),
	    O_RDONLY | O_CLOEXEC)) < 0) {
		log_error("msg=file_missing id=%lld", u.id);
		return fail(r, ERR_INTERNAL);
	}
	drc = filecrypt_decrypt_fd(key, u.storage, fd, (uint64_t)r->cfg->upload_file_limit +
	    FILECRYPT_OVERHEAD, r->a, &plain, &len);
	close(fd);
	if (drc != 0) {
		/* changed, cut or replaced on disk, or another key: never answered */
		log_error("msg=file_integrity_failed id=%lld storage=%s", u.id, u.storage);
		return fail(r, ERR_INTERNAL);
	}
	return reply_raw(r, 200, u.mime, plain, len);
}

struct replace_ctx {
	long long         id;
	struct upload_row u;        /* the new content */
	const char       *old_storage;
};

static enum err
replace_work(struct req *r, void *vctx)
{
	struct replace_ctx *c = vctx;
	struct upload_row cur;
	enum db_rc rc;
	enum err e;

	if ((rc = db_uploads_lock(r->db, r->a, c->id, &cur)) != DB_OK)
		return fail_db(r, rc);
	if ((e = writable(r, &cur)) != ERR_OK)
		return e;
	c->old_storage = cur.storage;
	c->u.id = c->id;
	if ((rc = db_uploads_replace(r->db, r->a, &c->u)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
files_update(struct req *r)
{
	struct replace_ctx c;
	struct upload_row cur;
	struct form_file *f;
	struct stored s;
	enum db_rc rc;
	enum err e;
	int is_private;

	memset(&c, 0, sizeof(c));
	if ((e = req_param_id(r, 0, &c.id)) != ERR_OK)
		return e;
	/* who may, before the body is read */
	if ((rc = db_uploads_get(r->db, r->a, c.id, &cur)) != DB_OK)
		return fail_db(r, rc);
	if ((e = writable(r, &cur)) != ERR_OK ||
	    (e = receive(r, &f, &is_private)) != ERR_OK ||
	    (e = store_file(r, f, is_private, &s)) != ERR_OK)
		return e;
	c.u.is_private = s.is_private;
	c.u.mime = s.mime;
	c.u.size = (long long)f->size;
	c.u.sha256 = f->sha256;
	c.u.storage = s.rel;
	c.u.filename = f->name;
	if ((e = req_tx(r, replace_work, &c)) != ERR_OK) {
		upload_remove(r, s.rel);
		return e;
	}
	upload_remove(r, c.old_storage);
	return answer(r, 200, MSG_FILE_UPDATED, c.id);
}

struct delete_ctx {
	long long         id;
	struct upload_row u;
};

static enum err
delete_work(struct req *r, void *vctx)
{
	struct delete_ctx *c = vctx;
	enum db_rc rc;
	enum err e;

	if ((rc = db_uploads_lock(r->db, r->a, c->id, &c->u)) != DB_OK)
		return fail_db(r, rc);
	if ((e = writable(r, &c->u)) != ERR_OK)
		return e;
	if ((rc = db_uploads_delete(r->db, r->a, c->id)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
files_delete(struct req *r)
{
	struct delete_ctx c;
	json_object *d;
	enum err e;

	memset(&c, 0, sizeof(c));
	if ((e = req_param_id(r, 0, &c.id)) != ERR_OK)
		return e;
	if ((e = req_tx(r, delete_work, &c)) != ERR_OK)
		return e;
	upload_remove(r, c.u.storage);
	d = json_object_new_object();
	json_object_object_add(d, "file", file_json(r, &c.u));
	return reply_ok(r, 200, MSG_FILE_DELETED, d);
}

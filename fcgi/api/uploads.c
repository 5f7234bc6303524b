/* Image uploads: seed 000's POST /api/upload/image, /api/upload/images,
 * DELETE /api/upload/:filename and POST /api/users/upload-avatar; seed 001's
 * POST /api/services/uploads (staff). docs/uploads.md.
 *
 * An image is what its bytes say (libmagic and our signature check agree: JPEG, PNG or
 * WebP), never its name or declared type. Its header's dimensions are checked against
 * upload_max_pixels before anything decodes it (a decompression bomb declares its size
 * there); then libvips decodes it whole and writes the variants in the same format
 * without metadata (no EXIF, so no GPS position). Every file of a request is checked and
 * decoded before anything is stored: a bad third file leaves nothing of the first two.
 *
 * Storage is by the SHA-256 of the bytes sent (upload_disk.h): the same image twice is
 * one set of files and two rows. Rows of one hash are locked together (FOR UPDATE) while
 * a row is added or removed, so a delete that removes the last row's files and an upload
 * that counts on them take turns; an upload rewrites any variant missing under that
 * lock. The files of a hash go with the last row of their set (the three widths, or the
 * avatar). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "upload_disk.h"
#include "../core/form.h"
#include "../core/image.h"
#include "../core/imghdr.h"
#include "../core/log.h"
#include "../core/sniff.h"
#include "../store/uploads.h"

#define HEADER_READ_MAX (1 << 20)   /* a JPEG's frame header may follow 64 KiB segments */

/* One image of the request, checked and re-encoded, not yet stored. */
struct prepared {
	struct form_file    *f;
	enum sniff_image     kind;
	struct imghdr        hdr;
	struct image_variant v[IMAGE_MAX_VARIANTS];
	size_t               nv;
	long long            id;          /* its row, once stored */
	const char          *paths[IMAGE_MAX_VARIANTS];   /* /media/<aa>/<sha>_<v>.<ext> */
	int                  wrote[IMAGE_MAX_VARIANTS];   /* this request wrote it */
};

static void
prepared_free(void *arg)
{
	struct prepared *p = arg;

	image_variants_free(p->v, p->nv);
	p->nv = 0;
}

/* "public/ab/<sha>_1200.jpg" for the URL path "/media/ab/<sha>_1200.jpg" */
static const char *
rel_of(struct req *r, const char *path)
{
	return arena_printf(r->a, "public/%s", path + strlen("/media/"));
}

static const char *
url_of(struct req *r, const char *path)
{
	size_t n = strlen(r->cfg->public_url);

	while (n > 0 && r->cfg->public_url[n - 1] == '/')
		n--;
	return arena_printf(r->a, "%.*s%s", (int)n, r->cfg->public_url, path);
}

static enum err
refuse(struct req *r, struct form_file *f, enum err e, const char *code, enum msg m,
    const char *why)
{
	char name[128], declared[128];

	log_info("msg=upload_refused field=%s reason=%s declared=\"%s\" name=\"%s\" size=%llu",
	    f->field, why, log_clean(declared, sizeof(declared), f->declared_type ?
	    f->declared_type : "-"), log_clean(name, sizeof(name), f->name),
	    (unsigned long long)f->size);
	return fail_field(r, e, f->field, code, m);
}

/* Checks and decodes one file: ERR_OK with p filled, or the refusal. */
static enum err
prepare(struct req *r, struct form_file *f, int avatar, struct prepared *p)
{
	unsigned char *head;
	size_t want, i;
	ssize_t got;
	char err[256];

	memset(p, 0, sizeof(*p));
	p->f = f;
	if (f->size == 0)
		return refuse(r, f, ERR_VALIDATION, "EMPTY", MSG_UPLOAD_EMPTY, "empty");
	if ((p->kind = sniff_image_kind(f->head, f->head_len)) == SNIFF_NOT_IMAGE)
		return refuse(r, f, ERR_UNSUPPORTED_MEDIA, "UNSUPPORTED_TYPE", MSG_UPLOAD_NOT_IMAGE,
		    "not_an_image");
	/* the dimensions it declares, before anything decodes it */
	want = f->size < HEADER_READ_MAX ? (size_t)f->size : HEADER_READ_MAX;
	head = arena_alloc(r->a, want);
	if ((got = pread(f->fd, head, want, 0)) < 0)
		return fail(r, ERR_INTERNAL);
	if (imghdr_read(head, (size_t)got, &p->hdr) != IMGHDR_OK ||
	    (int)p->hdr.kind != (int)p->kind)
		return refuse(r, f, ERR_VALIDATION, "UNDECODABLE", MSG_UPLOAD_UNDECODABLE,
		    "bad_header");
	if (imghdr_too_many_pixels(&p->hdr, (uint64_t)r->cfg->upload_max_pixels)) {
		log_info("msg=upload_bomb width=%u height=%u max_pixels=%ld", p->hdr.width,
		    p->hdr.height, r->cfg->upload_max_pixels);
		return refuse(r, f, ERR_VALIDATION, "TOO_MANY_PIXELS", MSG_UPLOAD_TOO_MANY_PIXELS,
		    "too_many_pixels");
	}
	arena_defer(r->a, prepared_free, p);
	if (image_variants(f->path, p->hdr.kind, avatar, p->v, &p->nv, err, sizeof(err)) != 0) {
		char clean[256];

		log_info("msg=upload_undecodable error=\"%s\"", log_clean(clean, sizeof(clean), err));
		return refuse(r, f, ERR_VALIDATION, "UNDECODABLE", MSG_UPLOAD_UNDECODABLE,
		    "undecodable");
	}
	for (i = 0; i < p->nv; i++)
		p->paths[i] = arena_printf(r->a, "/media/%.2s/%s_%s.%s", f->sha256, f->sha256,
		    p->v[i].name, sniff_image_ext(p->kind));
	return ERR_OK;
}

/* The row's variants as stored: {"1200": {"path", "width", "height"}, …} */
static json_object *
variants_stored(const struct prepared *p)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < p->nv; i++) {
		json_object *v = json_object_new_object();

		json_object_object_add(v, "path", json_object_new_string(p->paths[i]));
		json_object_object_add(v, "width", json_object_new_int(p->v[i].width));
		json_object_object_add(v, "height", json_object_new_int(p->v[i].height));
		json_object_object_add(o, p->v[i].name, v);
	}
	return o;
}

/* The set of files a row shares with the others of its hash: avatars are one file,
 * images and service images the same three widths. */
static int
same_set(const char *kind_a, const char *kind_b)
{
	return (strcmp(kind_a, "avatar") == 0) == (strcmp(kind_b, "avatar") == 0);
}

/* Removes the files a row's variants name. */
static void
remove_variants(struct req *r, const char *variants_json)
{
	json_object *v = variants_json != NULL ? json_tokener_parse(variants_json) : NULL;

	if (v == NULL)
		return;
	json_object_object_foreach(v, name, one) {
		json_object *path;

		(void)name;
		if (json_object_object_get_ex(one, "path", &path) &&
		    strncmp(json_object_get_string(path), "/media/", 7) == 0 &&
		    strstr(json_object_get_string(path), "..") == NULL)
			upload_remove(r, rel_of(r, json_object_get_string(path)));
	}
	json_object_put(v);
}

struct store_ctx {
	struct prepared *p;
	size_t           n;
	const char      *kind;       /* image | avatar | service */
	int              set_avatar; /* the caller's picture becomes p[0] */
};

/* Deletes rows (locked already) and, when no row of their set remains for the hash,
 * their files. */
static enum err
drop_rows(struct req *r, struct upload_row *rows, size_t n, const int *drop)
{
	size_t i, j;
	enum db_rc rc;

	for (i = 0; i < n; i++) {
		if (!drop[i])
			continue;
		if ((rc = db_uploads_unset_avatar(r->db, r->a, rows[i].id)) != DB_OK ||
		    (rc = db_uploads_delete(r->db, r->a, rows[i].id)) != DB_OK)
			return fail_db(r, rc);
	}
	for (i = 0; i < n; i++) {
		int kept = 0;

		if (!drop[i])
			continue;
		for (j = 0; j < n; j++)
			kept |= !drop[j] && same_set(rows[i].kind, rows[j].kind);
		if (!kept)
			remove_variants(r, rows[i].variants);
	}
	return ERR_OK;
}

/* Before the erasure drops an upload: a catalog image a service shows stays, owned by no
 * one (*kept); the person's booking and job images go, and the records' references with
 * them (the erasure clears those records' image lists: fcgi/store/privacy.c). */
static enum err
erase_refs(struct req *r, long long upload_id, int *kept)
{
	struct upload_ref *refs;
	size_t n, i;
	enum db_rc rc;

	*kept = 0;
	if ((rc = db_upload_refs_of_upload(r->db, r->a, upload_id, &refs, &n)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < n; i++)
		*kept |= strcmp(refs[i].subject, "service") == 0;
	if (*kept)
		rc = db_uploads_disown(r->db, r->a, upload_id);
	else if (n > 0)
		rc = db_upload_refs_drop_upload(r->db, r->a, upload_id);
	return rc == DB_OK ? ERR_OK : fail_db(r, rc);
}

/* The erasure of an account (docs/privacy.md): every upload of the person goes, its row
 * and its files; a set of image files that another person's upload of the same bytes
 * still shows stays. Inside the unit of work; files go as the rows do (drop_rows). */
enum err
uploads_erase_owner(struct req *r, long long owner_id)
{
	struct upload_row *mine, *rows;
	size_t m, n, i, j;
	enum db_rc rc;
	enum err e;
	int *drop;

	if ((rc = db_uploads_lock_owner(r->db, r->a, owner_id, &mine, &m)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < m; i++) {
		if (strcmp(mine[i].kind, "file") == 0) {
			/* a document: its own bytes, stored (and encrypted) per row */
			if ((rc = db_uploads_delete(r->db, r->a, mine[i].id)) != DB_OK)
				return fail_db(r, rc);
			upload_remove(r, mine[i].storage);
			continue;
		}
		if ((rc = db_uploads_lock_sha(r->db, r->a, mine[i].sha256, &rows, &n)) != DB_OK)
			return fail_db(r, rc);
		if (n == 0)
			continue;   /* gone with an earlier row of the same bytes */
		drop = arena_alloc(r->a, sizeof(*drop) * n);
		for (j = 0; j < n; j++) {
			int kept;

			drop[j] = rows[j].owner_id == owner_id;
			if (drop[j] && (e = erase_refs(r, rows[j].id, &kept)) != ERR_OK)
				return e;
			if (drop[j] && kept)
				drop[j] = 0;
		}
		if ((e = drop_rows(r, rows, n, drop)) != ERR_OK)
			return e;
	}
	return ERR_OK;
}

/* The caller's previous picture goes (seed 001) when it was an avatar upload of theirs. */
static enum err
drop_old_avatar(struct req *r, long long old_id, long long new_id)
{
	struct upload_row old, *rows;
	size_t n, i;
	enum db_rc rc;
	int *drop;

	if (old_id <= 0 || old_id == new_id)
		return ERR_OK;
	if ((rc = db_uploads_get(r->db, r->a, old_id, &old)) == DB_NOTFOUND)
		return ERR_OK;
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (old.owner_id != r->user.id || strcmp(old.kind, "avatar") != 0)
		return ERR_OK;
	if ((rc = db_uploads_lock_sha(r->db, r->a, old.sha256, &rows, &n)) != DB_OK)
		return fail_db(r, rc);
	drop = arena_alloc(r->a, sizeof(*drop) * (n + 1));
	for (i = 0; i < n; i++)
		drop[i] = rows[i].id == old_id;
	return drop_rows(r, rows, n, drop);
}

static enum err
store_work(struct req *r, void *vctx)
{
	struct store_ctx *c = vctx;
	struct upload_row *rows;
	long long old_avatar = 0;
	size_t i, k, n;
	enum db_rc rc;
	enum err e;

	if (c->set_avatar &&
	    (rc = db_uploads_lock_user_avatar(r->db, r->a, r->user.id, &old_avatar)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < c->n; i++) {
		struct prepared *p = &c->p[i];
		struct upload_row u;
		size_t len;

		/* the rows of this hash, locked: a delete of the last one waits for us or we
		 * for it, and whatever it removed is written again below */
		if ((rc = db_uploads_lock_sha(r->db, r->a, p->f->sha256, &rows, &n)) != DB_OK)
			return fail_db(r, rc);
		for (k = 0; k < p->nv; k++) {
			const char *rel = rel_of(r, p->paths[k]);

			if (upload_exists(r, rel))
				continue;
			if (upload_write(r, rel, p->v[k].buf, p->v[k].len) != 0)
				return fail(r, ERR_INTERNAL);
			p->wrote[k] = 1;
		}
		memset(&u, 0, sizeof(u));
		u.owner_id = r->user.id;
		u.kind = c->kind;
		u.mime = sniff_image_mime(p->kind);
		u.size = (long long)p->f->size;
		u.width = p->hdr.width;
		u.height = p->hdr.height;
		u.sha256 = p->f->sha256;
		u.storage = arena_printf(r->a, "public/%.2s/%s", p->f->sha256, p->f->sha256);
		u.variants = json_text(r->a, json_owned(r->a, variants_stored(p)), &len);
		u.filename = p->f->name;
		if ((rc = db_uploads_insert(r->db, r->a, &u, &p->id)) != DB_OK)
			return fail_db(r, rc);
	}
	if (c->set_avatar) {
		if ((rc = db_uploads_set_avatar(r->db, r->a, r->user.id, c->p[0].id,
		    url_of(r, c->p[0].paths[0]))) != DB_OK)
			return fail_db(r, rc);
		if ((e = drop_old_avatar(r, old_avatar, c->p[0].id)) != ERR_OK)
			return e;
	}
	return ERR_OK;
}

/* An image as answered: its row and the addresses of its variants. */
static json_object *
upload_json(struct req *r, const struct prepared *p, const char *kind)
{
	json_object *o = json_object_new_object(), *vs = json_object_new_object();
	const char *main = p->paths[0];
	size_t i;

	for (i = 0; i < p->nv; i++) {
		json_object *v = json_object_new_object();

		json_object_object_add(v, "url", json_object_new_string(url_of(r, p->paths[i])));
		json_object_object_add(v, "width", json_object_new_int(p->v[i].width));
		json_object_object_add(v, "height", json_object_new_int(p->v[i].height));
		json_object_object_add(vs, p->v[i].name, v);
	}
	json_object_object_add(o, "id", json_object_new_int64(p->id));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "filename", json_object_new_string(strrchr(main, '/') + 1));
	json_object_object_add(o, "originalName", json_object_new_string(p->f->name));
	json_object_object_add(o, "url", json_object_new_string(url_of(r, main)));
	json_object_object_add(o, "mimetype", json_object_new_string(sniff_image_mime(p->kind)));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)p->f->size));
	json_object_object_add(o, "width", json_object_new_int64(p->hdr.width));
	json_object_object_add(o, "height", json_object_new_int64(p->hdr.height));
	json_object_object_add(o, "sha256", json_object_new_string(p->f->sha256));
	json_object_object_add(o, "variants", vs);
	return o;
}

/* Reads the form, prepares every image, stores them in one unit of work. */
static enum err
receive(struct req *r, const struct form_spec *spec, const char *kind, int avatar,
    struct prepared **out, size_t *nout)
{
	struct store_ctx c;
	struct form form;
	struct prepared *p;
	size_t i, k;
	enum err e;

	if ((e = form_read(r, spec, &form)) != ERR_OK)
		return e;
	if (form.nfiles == 0)
		return fail_field(r, ERR_VALIDATION, spec->file_fields[0], "REQUIRED",
		    MSG_V_REQUIRED);
	p = arena_alloc(r->a, sizeof(*p) * form.nfiles);
	for (i = 0; i < form.nfiles; i++)
		if ((e = prepare(r, &form.files[i], avatar, &p[i])) != ERR_OK)
			return e;
	c.p = p;
	c.n = form.nfiles;
	c.kind = kind;
	c.set_avatar = avatar;
	if ((e = req_tx(r, store_work, &c)) != ERR_OK) {
		/* nothing was recorded: the files this request added go too */
		for (i = 0; i < form.nfiles; i++)
			for (k = 0; k < p[i].nv; k++)
				if (p[i].wrote[k])
					upload_remove(r, rel_of(r, p[i].paths[k]));
		return e;
	}
	*out = p;
	*nout = form.nfiles;
	return ERR_OK;
}

static const char *const one_image_fields[] = { "image", "file", NULL };
static const char *const many_image_fields[] = { "images", "images[]", "image", "file", NULL };
static const char *const avatar_fields[] = { "avatar", "image", "file", NULL };

enum err
uploads_image(struct req *r)
{
	static const struct form_spec spec = { one_image_fields, NULL, 1 };
	struct prepared *p;
	json_object *d;
	size_t n;
	enum err e;

	if ((e = receive(r, &spec, "image", 0, &p, &n)) != ERR_OK)
		return e;
	d = json_object_new_object();
	json_object_object_add(d, "imageUrl", json_object_new_string(url_of(r, p[0].paths[0])));
	json_object_object_add(d, "filename",
	    json_object_new_string(strrchr(p[0].paths[0], '/') + 1));
	json_object_object_add(d, "upload", upload_json(r, &p[0], "image"));
	return reply_ok(r, 201, MSG_UPLOAD_SAVED, d);
}

static enum err
many(struct req *r, const char *kind)
{
	static const struct form_spec spec = { many_image_fields, NULL, 100 };
	json_object *d, *urls, *list;
	struct prepared *p;
	size_t n, i;
	enum err e;

	if ((e = receive(r, &spec, kind, 0, &p, &n)) != ERR_OK)
		return e;
	d = json_object_new_object();
	urls = json_object_new_array();
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		json_object_array_add(urls, json_object_new_string(url_of(r, p[i].paths[0])));
		json_object_array_add(list, upload_json(r, &p[i], kind));
	}
	json_object_object_add(d, "imageUrls", urls);
	json_object_object_add(d, "uploads", list);
	return reply_ok(r, 201, n == 1 ? MSG_UPLOAD_SAVED : MSG_UPLOADS_SAVED, d);
}

enum err
uploads_images(struct req *r)
{
	return many(r, "image");
}

/* seed 001's placeholder for service images: staff only (routes.c) */
enum err
uploads_service_images(struct req *r)
{
	return many(r, "service");
}

enum err
uploads_avatar(struct req *r)
{
	static const struct form_spec spec = { avatar_fields, NULL, 1 };
	struct prepared *p;
	json_object *d;
	size_t n;
	enum err e;

	if ((e = receive(r, &spec, "avatar", 1, &p, &n)) != ERR_OK)
		return e;
	d = json_object_new_object();
	json_object_object_add(d, "avatarUrl", json_object_new_string(url_of(r, p[0].paths[0])));
	json_object_object_add(d, "upload", upload_json(r, &p[0], "avatar"));
	return reply_ok(r, 200, MSG_AVATAR_SAVED, d);
}

/* DELETE /api/upload/:filename — the name an upload answered (<sha256>_<variant>.<ext>,
 * any variant of it, or the bare hash). The owner removes their own rows of that image,
 * staff every row; the files go with the last row of their set. */
struct delete_ctx {
	char        sha[65];
	int         avatar;     /* the avatar set, else the widths */
	size_t      deleted;
};

static int
parse_filename(const char *s, struct delete_ctx *c)
{
	static const char *const variants[] = { "_150", "_500", "_1200", "_avatar", "" };
	static const char *const exts[] = { ".jpg", ".png", ".webp", "" };
	size_t i, j;

	if (strspn(s, "0123456789abcdef") != 64)
		return -1;
	memcpy(c->sha, s, 64);
	c->sha[64] = '\0';
	s += 64;
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		size_t n = strlen(variants[i]);

		if (strncmp(s, variants[i], n) != 0)
			continue;
		for (j = 0; j < sizeof(exts) / sizeof(exts[0]); j++)
			if (strcmp(s + n, exts[j]) == 0) {
				c->avatar = strcmp(variants[i], "_avatar") == 0;
				return 0;
			}
	}
	return -1;
}

/* 409 IN_USE naming filename, and what shows the image: "usedBy": [{"type": "service",
 * "id": 3, "uploadId": 12}, …] (at most ten). The records' lists say which of their images
 * to drop; nothing is deleted. */
static enum err
in_use(struct req *r, long long upload_id, const struct upload_ref *refs, size_t n)
{
	json_object *err, *by = json_object_new_array();
	enum err e = fail_field(r, ERR_CONFLICT, "filename", "IN_USE", MSG_UPLOAD_IN_USE);
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string(refs[i].subject));
		json_object_object_add(o, "id", json_object_new_int64(refs[i].subject_id));
		json_object_object_add(o, "uploadId", json_object_new_int64(upload_id));
		json_object_array_add(by, o);
	}
	err = r->fail.errors != NULL ? json_object_array_get_idx(r->fail.errors, 0) : NULL;
	if (err != NULL)
		json_object_object_add(err, "usedBy", by);
	else
		json_object_put(by);
	log_info("msg=upload_in_use upload=%lld records=%zu", upload_id, n);
	return e;
}

static enum err
delete_work(struct req *r, void *vctx)
{
	struct delete_ctx *c = vctx;
	int staff = (r->user.role & ROLE_STAFF) != 0, *drop;
	struct upload_row *rows;
	size_t n, i, in_set = 0;
	enum db_rc rc;

	c->deleted = 0;
	if ((rc = db_uploads_lock_sha(r->db, r->a, c->sha, &rows, &n)) != DB_OK)
		return fail_db(r, rc);
	drop = arena_alloc(r->a, sizeof(*drop) * (n + 1));
	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].kind, "file") == 0 ||
		    (strcmp(rows[i].kind, "avatar") == 0) != c->avatar)
			continue;
		in_set++;
		if (staff || rows[i].owner_id == r->user.id) {
			drop[i] = 1;
			c->deleted++;
		}
	}
	if (in_set == 0)
		return fail(r, ERR_NOT_FOUND);
	if (c->deleted == 0)
		return fail(r, ERR_FORBIDDEN);
	for (i = 0; i < n; i++) {
		struct upload_ref *refs;
		size_t nrefs;
		enum err e;

		if (!drop[i])
			continue;
		if ((rc = db_upload_refs_of_upload(r->db, r->a, rows[i].id, &refs, &nrefs)) != DB_OK)
			return fail_db(r, rc);
		if (nrefs > 0) {
			e = in_use(r, rows[i].id, refs, nrefs);
			return e;
		}
	}
	return drop_rows(r, rows, n, drop);
}

enum err
uploads_delete(struct req *r)
{
	struct delete_ctx c;
	json_object *d;
	enum err e;

	memset(&c, 0, sizeof(c));
	if (r->nparams < 1 || parse_filename(r->params[0], &c) != 0)
		return fail(r, ERR_NOT_FOUND);
	if ((e = req_tx(r, delete_work, &c)) != ERR_OK)
		return e;
	d = json_object_new_object();
	json_object_object_add(d, "filename", json_object_new_string(r->params[0]));
	json_object_object_add(d, "deleted", json_object_new_int64((int64_t)c.deleted));
	return reply_ok(r, 200, MSG_UPLOAD_DELETED, d);
}

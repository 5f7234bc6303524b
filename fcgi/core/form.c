#include "form.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "log.h"
#include "multipart.h"

#define PIECE        65536
#define FIELD_MAX    4096     /* a text part of an upload form: a flag, an id */
#define FORM_MAX_TEXT 16

/* One file in progress: what the cleanup needs when the request ends. */
struct tmpfile {
	char       *path;
	int         fd;
	EVP_MD_CTX *md;
};

struct reader {
	struct req             *r;
	const struct form_spec *spec;
	struct form            *out;
	size_t                  max_files;
	struct form_file       *cur;        /* the file part in progress */
	struct tmpfile         *cur_tmp;
	char                   *text;       /* the text part in progress */
	size_t                  text_len;
	int                     skip;       /* an empty file input: its part is ignored */
	/* why a callback stopped the parse */
	enum err                e;
	const char             *field, *code;
	enum msg                msg;
};

static void
tmp_cleanup(void *arg)
{
	struct tmpfile *t = arg;

	if (t->md != NULL)
		EVP_MD_CTX_free(t->md);
	if (t->fd >= 0)
		close(t->fd);
	if (t->path != NULL)
		unlink(t->path);   /* moved already (rename): nothing there */
}

static int
listed(const char *const *names, const char *name)
{
	for (; names != NULL && *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return 1;
	return 0;
}

static int
stop(struct reader *rd, enum err e, const char *field, const char *code, enum msg m)
{
	rd->e = e;
	rd->field = arena_strdup(rd->r->a, field);
	rd->code = code;
	rd->msg = m;
	return 1;
}

void
form_tmp_sweep(const char *upload_dir)
{
	char dir[4096], path[4352];
	struct dirent *d;
	struct stat st;
	time_t old = time(NULL) - 3600;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/tmp", upload_dir);
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < old &&
		    unlink(path) == 0)
			log_info("msg=upload_tmp_removed file=%s", d->d_name);
	}
	closedir(dp);
}

const char *
form_tmp_dir(struct req *r)
{
	const char *dir = arena_printf(r->a, "%s/tmp", r->cfg->upload_dir);

	if (mkdir(r->cfg->upload_dir, 0750) != 0 && errno != EEXIST)
		return NULL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return NULL;
	return dir;
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct reader *rd = ctx;
	struct req *r = rd->r;
	struct form_file *f;
	struct tmpfile *t;
	const char *dir;
	char name[256];

	rd->cur = NULL;
	rd->text = NULL;
	rd->skip = 0;
	if (p->filename == NULL) {
		if (!listed(rd->spec->text_fields, p->name))
			return stop(rd, ERR_VALIDATION, p->name, "UNKNOWN_FIELD", MSG_UPLOAD_UNKNOWN_FIELD);
		if (rd->out->fields.n >= FORM_MAX_TEXT)
			return stop(rd, ERR_PAYLOAD_TOO_LARGE, p->name, "TOO_MANY_PARTS",
			    MSG_UPLOAD_TOO_LARGE);
		rd->text = arena_alloc(r->a, FIELD_MAX + 1);
		rd->text_len = 0;
		return 0;
	}
	if (!listed(rd->spec->file_fields, p->name))
		return stop(rd, ERR_VALIDATION, p->name, "UNKNOWN_FIELD", MSG_UPLOAD_UNKNOWN_FIELD);
	if (p->filename[0] == '\0') {
		rd->skip = 1;            /* a file input left empty, as browsers send it */
		return 0;
	}
	if (rd->out->nfiles >= rd->max_files)
		return stop(rd, ERR_PAYLOAD_TOO_LARGE, p->name, "TOO_MANY_FILES",
		    MSG_UPLOAD_TOO_MANY_FILES);
	if ((dir = form_tmp_dir(r)) == NULL) {
		log_error("msg=upload_tmp_dir_failed dir=%s error=\"%s\"", r->cfg->upload_dir,
		    strerror(errno));
		return stop(rd, ERR_INTERNAL, NULL, NULL, MSG_NONE);
	}
	t = arena_alloc(r->a, sizeof(*t));
	t->fd = -1;
	t->path = arena_printf(r->a, "%s/up-XXXXXX", dir);
	if ((t->fd = mkostemp(t->path, O_CLOEXEC)) < 0) {
		log_error("msg=upload_tmp_failed dir=%s error=\"%s\"", dir, strerror(errno));
		t->path = NULL;
		return stop(rd, ERR_INTERNAL, NULL, NULL, MSG_NONE);
	}
	arena_defer(r->a, tmp_cleanup, t);
	if ((t->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(t->md, EVP_sha256(), NULL) != 1)
		return stop(rd, ERR_INTERNAL, NULL, NULL, MSG_NONE);
	f = &rd->out->files[rd->out->nfiles];
	memset(f, 0, sizeof(*f));
	f->field = arena_strdup(r->a, p->name);
	f->name = arena_strdup(r->a, multipart_safe_name(p->filename, name, sizeof(name)));
	f->declared_type = arena_strdup(r->a, p->content_type);
	f->path = t->path;
	f->fd = t->fd;
	rd->cur = f;
	rd->cur_tmp = t;
	return 0;
}

static int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
on_data(void *ctx, const struct multipart_part *p, const void *buf, size_t len)
{
	struct reader *rd = ctx;
	struct form_file *f = rd->cur;

	if (rd->skip)
		return 0;
	if (rd->text != NULL) {
		if (rd->text_len + len > FIELD_MAX)
			return stop(rd, ERR_PAYLOAD_TOO_LARGE, p->name, "FIELD_TOO_LARGE",
			    MSG_UPLOAD_TOO_LARGE);
		memcpy(rd->text + rd->text_len, buf, len);
		rd->text_len += len;
		return 0;
	}
	if (f == NULL)
		return 0;
	if (f->head_len < sizeof(f->head)) {
		size_t n = sizeof(f->head) - f->head_len < len ? sizeof(f->head) - f->head_len : len;

		memcpy(f->head + f->head_len, buf, n);
		f->head_len += n;
	}
	if (EVP_DigestUpdate(rd->cur_tmp->md, buf, len) != 1 || write_all(f->fd, buf, len) != 0) {
		log_error("msg=upload_write_failed error=\"%s\"", strerror(errno));
		return stop(rd, ERR_INTERNAL, NULL, NULL, MSG_NONE);
	}
	f->size += len;
	return 0;
}

/* UTF-8 without NUL or control characters but tab and newlines */
static int
text_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

static int
on_end(void *ctx, const struct multipart_part *p)
{
	struct reader *rd = ctx;
	struct form *out = rd->out;

	if (rd->text != NULL) {
		struct kv *kv;

		rd->text[rd->text_len] = '\0';
		if (!text_ok(rd->text, rd->text_len))
			return stop(rd, ERR_VALIDATION, p->name, "INVALID_FORMAT", MSG_V_INVALID_FORMAT);
		kv = &out->fields.items[out->fields.n++];
		kv->key = arena_strdup(rd->r->a, p->name);
		kv->val = rd->text;
		rd->text = NULL;
		return 0;
	}
	if (rd->cur != NULL) {
		unsigned char md[32];
		unsigned int mdlen = 0;

		if (EVP_DigestFinal_ex(rd->cur_tmp->md, md, &mdlen) != 1 || mdlen != 32)
			return stop(rd, ERR_INTERNAL, NULL, NULL, MSG_NONE);
		EVP_MD_CTX_free(rd->cur_tmp->md);
		rd->cur_tmp->md = NULL;
		hex_encode(md, 32, rd->cur->sha256);
		if (lseek(rd->cur->fd, 0, SEEK_SET) != 0)
			return stop(rd, ERR_INTERNAL, NULL, NULL, MSG_NONE);
		out->nfiles++;
		rd->cur = NULL;
	}
	return 0;
}

static void
upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static enum err
answer(struct reader *rd, struct multipart *mp, enum multipart_err me)
{
	struct req *r = rd->r;
	const char *field;
	char *code;

	if (me == MP_ERR_ABORTED) {
		if (rd->e == ERR_INTERNAL)
			return fail(r, ERR_INTERNAL);
		return fail_field(r, rd->e, rd->field != NULL ? rd->field : "file", rd->code, rd->msg);
	}
	field = multipart_error_field(mp);
	code = arena_strdup(r->a, multipart_err_code(me));
	upper(code);
	if (multipart_err_is_limit(me))
		return fail_field(r, ERR_PAYLOAD_TOO_LARGE, field != NULL ? field : "file", code,
		    me == MP_ERR_FILE_TOO_LARGE ? MSG_UPLOAD_FILE_TOO_LARGE :
		    me == MP_ERR_TOO_MANY_FILES ? MSG_UPLOAD_TOO_MANY_FILES : MSG_UPLOAD_TOO_LARGE);
	return fail_field(r, ERR_VALIDATION, field != NULL ? field : "body", code,
	    MSG_UPLOAD_MALFORMED);
}

enum err
form_read(struct req *r, const struct form_spec *spec, struct form *out)
{
	static const struct multipart_callbacks cb = { on_begin, on_data, on_end };
	static char piece[PIECE];
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	struct multipart_limits lim = multipart_default_limits;
	struct reader rd;
	struct multipart *mp;
	enum multipart_err me;
	long got;

	memset(out, 0, sizeof(*out));
	memset(&rd, 0, sizeof(rd));
	if (multipart_boundary(r->content_type, boundary, sizeof(boundary)) != MP_OK)
		return fail_msg(r, ERR_UNSUPPORTED_MEDIA, MSG_UPLOAD_NOT_FORM);
	rd.r = r;
	rd.spec = spec;
	rd.out = out;
	rd.max_files = spec->max_files < (size_t)r->cfg->upload_max_files ? spec->max_files :
	    (size_t)r->cfg->upload_max_files;
	/* the parser counts files itself for the configured maximum; a route's own lower
	 * one is counted in on_begin */
	lim.max_files = (size_t)r->cfg->upload_max_files;
	lim.max_file_bytes = (uint64_t)r->cfg->upload_file_limit;
	lim.max_field_bytes = FIELD_MAX;
	lim.max_total = (uint64_t)r->cfg->upload_body_limit;
	out->files = arena_alloc(r->a, sizeof(*out->files) * (rd.max_files + 1));
	out->fields.items = arena_alloc(r->a, sizeof(*out->fields.items) * FORM_MAX_TEXT);
	if ((mp = multipart_new(r->a, boundary, &lim, &cb, &rd)) == NULL)
		return fail_msg(r, ERR_UNSUPPORTED_MEDIA, MSG_UPLOAD_NOT_FORM);
	while ((got = req_body_read(r, piece, sizeof(piece))) > 0)
		if ((me = multipart_feed(mp, piece, (size_t)got)) != MP_OK)
			return answer(&rd, mp, me);
	if ((me = multipart_finish(mp)) != MP_OK)
		return answer(&rd, mp, me);
	return ERR_OK;
}

const char *
form_field(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->fields.n; i++)
		if (strcmp(f->fields.items[i].key, name) == 0)
			return f->fields.items[i].val;
	return NULL;
}

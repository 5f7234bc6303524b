/* Records that show uploaded images: their lists read into addresses and references
 * (upload_refs.h; docs/uploads.md, "References"). */
#include <string.h>

#include "upload_refs.h"
#include "../core/media_addr.h"
#include "../store/uploads.h"

/* public_url without its trailing slashes */
static size_t
base_len(const struct req *r)
{
	size_t n = r->cfg->public_url != NULL ? strlen(r->cfg->public_url) : 0;

	while (n > 0 && r->cfg->public_url[n - 1] == '/')
		n--;
	return n;
}

/* Whether the caller may show this upload: an image (not a picture or a document) that
 * is theirs, or anyone's for staff. */
static int
may_show(const struct req *r, const struct upload_row *u)
{
	if (strcmp(u->kind, "image") != 0 && strcmp(u->kind, "service") != 0)
		return 0;
	return req_is_staff(r) || (r->user.id > 0 && u->owner_id == r->user.id);
}

/* The address an upload is shown at: its 1200 variant under public_url. */
static const char *
shown_url(struct req *r, const struct upload_row *u)
{
	json_object *v = u->variants != NULL ? json_owned(r->a, json_tokener_parse(u->variants)) :
	    NULL;
	const char *path = json_get_str(json_path(v, "1200"), "path");

	if (path == NULL)
		return NULL;
	return arena_printf(r->a, "%.*s%s", (int)base_len(r), r->cfg->public_url, path);
}

static enum err
refuse(struct req *r, const char *field, size_t i)
{
	return fail_field(r, ERR_VALIDATION, arena_printf(r->a, "%s[%zu]", field, i),
	    "UNKNOWN_UPLOAD", MSG_V_UPLOAD_REF);
}

static int
named(const struct image_list *l, long long id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return 1;
	return 0;
}

static void
add(struct image_list *l, const char *url, long long id)
{
	json_object_array_add(l->urls, json_object_new_string(url));
	l->ids[l->n++] = id;
}

enum err
image_list_resolve(struct req *r, json_object *urls, const char *urls_field, json_object *ids,
    const char *ids_field, size_t max, struct image_list *l)
{
	size_t nu = urls != NULL ? json_object_array_length(urls) : 0;
	size_t ni = ids != NULL ? json_object_array_length(ids) : 0, i, k;
	struct upload_row u, *rows;
	enum db_rc rc;

	l->urls = json_owned(r->a, json_object_new_array());
	l->ids = arena_alloc(r->a, sizeof(*l->ids) * (nu + ni + 1));
	l->n = 0;
	for (i = 0; i < nu; i++) {
		const char *url = json_object_get_string(json_object_array_get_idx(urls, i));
		const struct upload_row *pick = NULL;
		enum media_addr kind;
		char sha[65];
		size_t n;

		if ((kind = media_addr_parse(r->cfg->public_url, url, sha)) == MEDIA_OTHER) {
			add(l, url, 0);   /* another site's address, kept as given */
			continue;
		}
		if (kind != MEDIA_IMAGE)
			return refuse(r, urls_field, i);
		if ((rc = db_uploads_share_sha(r->db, r->a, sha, &rows, &n)) != DB_OK)
			return fail_db(r, rc);
		/* the caller's own upload of these bytes first, else (staff) the first one */
		for (k = 0; k < n; k++)
			if (may_show(r, &rows[k]) && (pick == NULL ||
			    (rows[k].owner_id == r->user.id && pick->owner_id != r->user.id)))
				pick = &rows[k];
		if (pick == NULL || (url = shown_url(r, pick)) == NULL)
			return refuse(r, urls_field, i);
		add(l, url, pick->id);
	}
	for (i = 0; i < ni; i++) {
		long long id = json_object_get_int64(json_object_array_get_idx(ids, i));
		const char *url;

		rc = db_uploads_share(r->db, r->a, id, &u);
		if (rc == DB_NOTFOUND)
			return refuse(r, ids_field, i);
		if (rc != DB_OK)
			return fail_db(r, rc);
		if (!may_show(r, &u) || (url = shown_url(r, &u)) == NULL)
			return refuse(r, ids_field, i);
		if (!named(l, id))
			add(l, url, id);
	}
	if (l->n > max)
		return fail_field(r, ERR_VALIDATION, ids != NULL ? ids_field : urls_field, "TOO_LONG",
		    MSG_NONE);
	return ERR_OK;
}

const char *
image_list_text(struct req *r, const struct image_list *l)
{
	return arena_strdup(r->a, json_text(r->a, l->urls, NULL));
}

const char *
check_upload_ids(struct in_val *v, struct arena *a, enum msg *msg)
{
	size_t i;

	(void)a;
	*msg = MSG_NONE;
	for (i = 0; i < json_object_array_length(v->j); i++) {
		json_object *it = json_object_array_get_idx(v->j, i);

		if (!json_object_is_type(it, json_type_int) || json_object_get_int64(it) < 1)
			return "INVALID_TYPE";
	}
	return NULL;
}

/* The paging every list shares (docs/data-layer.md, "Lists"): a `cursor` query
 * parameter read as a position (created_at, id), or a `page` within the list's window;
 * the next page's cursor from the last row's key. */
#include <string.h>

#include "../store/user_lists.h"
#include "api.h"

const char *
list_cursor_check(struct in_val *v, struct arena *a, enum msg *msg)
{
	struct user_cursor c;

	(void)a;
	*msg = MSG_NONE;
	return user_lists_cursor_decode(v->s, &c) == 0 ? NULL : "INVALID_FORMAT";
}

enum err
list_position(struct req *r, const struct in_val *cursor, long long page, long long limit,
    long long window, struct list_pos *pos)
{
	struct user_cursor after;

	memset(pos, 0, sizeof(*pos));
	if (cursor->set) {
		if (page > 1)
			return fail_field(r, ERR_VALIDATION, "page", "INVALID_VALUE",
			    MSG_V_INVALID_VALUE);
		user_lists_cursor_decode(cursor->s, &after);   /* checked by list_cursor_check */
		pos->after_at = arena_strdup(r->a, after.created_at);
		pos->after_id = after.id;
		return ERR_OK;
	}
	if (page * limit > window)
		return fail_field(r, ERR_VALIDATION, "cursor", "REQUIRED", MSG_V_PAGE_WINDOW);
	pos->offset = (page - 1) * limit;
	return ERR_OK;
}

int
list_extra_row(struct page *pg, long long offset, json_object *rows)
{
	long long n = (long long)json_object_array_length(rows);

	if (n > pg->limit) {
		json_object_array_del_idx(rows, (size_t)pg->limit, 1);
		pg->total = offset + pg->limit + 1;
		pg->total_capped = 1;
		return 0;
	}
	if (n > 0 || offset == 0) {
		pg->total = offset + n;
		return 0;
	}
	return 1;
}

const char *
list_next_cursor(struct arena *a, const char *at, long long id)
{
	struct user_cursor next;
	size_t n = strlen(at);

	memset(&next, 0, sizeof(next));
	if (n >= sizeof(next.created_at))
		n = sizeof(next.created_at) - 1;
	memcpy(next.created_at, at, n);
	next.id = id;
	return user_lists_cursor_encode(a, &next);
}

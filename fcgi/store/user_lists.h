/* user_lists: the pages of users that GET /api/users and GET /api/admin/users show, and
 * the searches over them, held to the index rules of docs/data-layer.md ("Lists").
 *
 * A list (no search) is newest first, created_at then id, read from the index of its
 * filters; `page` reaches the first USER_LIST_WINDOW rows, a cursor (the key of the
 * last row shown) every row after. Its total is exact, from the user_counts counters.
 * A search reads the index of what it looks like:
 *   "a@…" (an '@' inside)       e-mail prefix, in e-mail order
 *   "@name"                     username prefix, in username order
 *   digits, "+", spaces, "-"    phone prefix (010…, +2010…, 2010…, Arabic-Indic digits
 *                               as well), in phone order
 *   one word with a digit, "_" or "." and only username characters: username prefix
 *   anything else               name: each word of three characters or more is a
 *                               prefix of a word of the first or last name (Arabic
 *                               alef, teh marbuta and yeh forms folded, harakat
 *                               dropped), newest first, read from user_name_words
 *                               (FULLTEXT, in its own order, for a short prefix of
 *                               many words or more than four words); without such a
 *                               word, the first word is a prefix of the first name,
 *                               in name order.
 * A search's total counts at most USER_LIST_WINDOW + 1 matches: beyond the window it is
 * a lower bound. Searches page within the window only (no cursor). */
#ifndef WARSHA_STORE_USER_LISTS_H
#define WARSHA_STORE_USER_LISTS_H

#include <json-c/json.h>

#include "store.h"
#include "user_view.h"

/* The rows `page` reaches; beyond them a list takes a cursor. */
#define USER_LIST_WINDOW 10000

enum user_status {
	USER_STATUS_ALL,      /* every user not deleted */
	USER_STATUS_ACTIVE,   /* not banned and not deactivated */
	USER_STATUS_BANNED,
};

/* A position in a list: the key (created_at, id) of a row. */
struct user_cursor {
	char      created_at[24];   /* "YYYY-MM-DD HH:MM:SS.fff", UTC */
	long long id;
};

struct user_list_query {
	const char               *role;     /* a canonical role word, or NULL for every role */
	enum user_status          status;
	const char               *search;   /* as the client typed it, or NULL */
	const struct user_cursor *after;    /* the rows after this one (lists only), or NULL */
	long long                 page;     /* 1-based, with page * limit <= USER_LIST_WINDOW */
	long long                 limit;
};

struct user_list_page {
	json_object       *items;          /* the users, as user_view.h shows them */
	struct user_shown *shown;          /* per item: what that user chose to show others */
	long long          total;
	int                total_capped;   /* a search with more matches than the window */
	int                has_next;       /* a list with rows after these: next is their key */
	struct user_cursor next;
};

/* One page of users: DB_OK, or the database's error (DB_TIMEOUT for a search too heavy
 * for the list time limit). */
enum db_rc db_user_lists_page(struct db *db, struct arena *a, const struct user_list_query *q,
    struct user_list_page *out);

/* Whether text searches at all (blank text does not). */
int user_lists_searching(const char *text);

/* What a search's text looks like, hence the index it reads (the top of this file). */
enum user_search {
	USER_SEARCH_NONE,       /* blank: a list */
	USER_SEARCH_EMAIL,
	USER_SEARCH_PHONE,
	USER_SEARCH_USERNAME,
	USER_SEARCH_NAME,       /* first and last names */
};
enum user_search user_lists_search_kind(struct arena *a, const char *text);

/* The cursor as a client holds it (opaque, URL-safe) and back: decode returns 0 when
 * text is a cursor this module wrote, -1 otherwise. */
const char *user_lists_cursor_encode(struct arena *a, const struct user_cursor *c);
int         user_lists_cursor_decode(const char *text, struct user_cursor *c);

/* The folding of users.name_key, for the other searches (fcgi/store/search rules,
 * docs/search.md): the Arabic letters people write either way folded, harakat and
 * tatweel dropped, Arabic-Indic and Persian digits as ASCII. */
char *user_lists_fold(struct arena *a, const char *text);
/* The FULLTEXT boolean query of folded text: "+word*" for each word of three characters
 * or more, split where the FULLTEXT parser splits; NULL when there is no such word. */
const char *user_lists_ft_query(struct arena *a, const char *folded);
/* The words of folded text that the words tables hold (user_name_words, service_words):
 * those of three characters or more, split where the FULLTEXT parser splits. Returns how
 * many (into words), or -1 when there are more than max. */
int user_lists_words(struct arena *a, const char *folded, const char **words, int max);

#endif

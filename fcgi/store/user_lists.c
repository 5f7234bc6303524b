#include "user_lists.h"

#include "../core/phone.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "user_view.h"

/* Every statement names the index it reads. A list variant has one right index (its
 * filters, then created_at and id, scanned backwards); left to the statistics, the
 * optimizer would read (deleted_at) as a ref from the newest row and filter up to a
 * deep cursor row by row (54 s at a million users where the range takes milliseconds).
 * Searches leave the choice to the optimizer: the search's own index in its order for
 * broad filters, the (role, list_state) index and a sort of its few rows for narrow
 * ones. */
enum stmt {
	/* the key of the row at an offset (page > 1), from the index alone */
	STMT_SEEK_ALL,
	STMT_SEEK_ROLE,
	STMT_SEEK_STATE,
	STMT_SEEK_ROLE_STATE,
	/* the rows from a key on */
	STMT_PAGE_ALL,
	STMT_PAGE_ROLE,
	STMT_PAGE_STATE,
	STMT_PAGE_ROLE_STATE,
	/* the exact total of a list: the counters */
	STMT_TOTAL,
	/* searches, in the order of enum kind below, and their capped counts */
	STMT_SEARCH_EMAIL,
	STMT_SEARCH_PHONE,
	STMT_SEARCH_USERNAME,
	STMT_SEARCH_FIRST_NAME,
	STMT_SEARCH_NAME,
	STMT_COUNT_EMAIL,
	STMT_COUNT_PHONE,
	STMT_COUNT_USERNAME,
	STMT_COUNT_FIRST_NAME,
	STMT_COUNT_NAME,
	/* names through user_name_words (0016): how many rows a word prefix spans (capped),
	 * the next distinct word it spans, a page merged from up to NAME_WORDS_MAX words each
	 * in list order, a page of a small prefix range sorted, a capped count */
	STMT_WORD_SPAN,
	STMT_WORD_NEXT,
	STMT_NAME_WORDS,
	STMT_NAME_SORTED,
	STMT_NAME_COUNT,
	STMT__MAX
};

enum kind { K_EMAIL, K_PHONE, K_USERNAME, K_FIRST_NAME, K_NAME, K_NONE };

/* A name search through user_name_words: at most this many words of the search (more:
 * FULLTEXT), merged from at most this many distinct words its driving prefix spans. */
#define NAME_WORDS_MAX 4
/* A driving prefix spanning more distinct words is read whole and sorted when it spans
 * at most this many rows (else FULLTEXT). */
#define NAME_SPAN_SORTED 2000

#define NEWEST " ORDER BY u.created_at DESC, u.id DESC"
/* the rows at or after the key (created_at, id) in NEWEST order: <= keeps one range
 * on the index; the ties at created_at itself are then cut by id */
#define FROM_KEY " AND u.created_at <= ? AND (u.created_at < ? OR u.id < ?)"
#define F_ALL " FORCE INDEX (ix_users_list) WHERE u.deleted_at IS NULL"
#define F_ROLE " FORCE INDEX (ix_users_list_role) WHERE u.role = ? AND u.deleted_at IS NULL"
#define F_STATE " FORCE INDEX (ix_users_list_state) WHERE u.list_state = ?"
#define F_ROLE_STATE " FORCE INDEX (ix_users_list_role_state) WHERE u.role = ?" \
	" AND u.list_state = ?"
#define SEEK(f) DB_LIST_LIMIT "SELECT u.created_at, u.id FROM users u" f NEWEST \
	" LIMIT 1 OFFSET ?"
#define PAGE(f) DB_LIST_LIMIT USER_SHOWN_COLUMNS f FROM_KEY NEWEST " LIMIT ?"

/* A search's role and status filters: the asked role five times or every role, the
 * asked state three times or every state but deleted. Plain lists over indexed
 * columns: the optimizer weighs them against the search's own index. */
#define IN_FILTERS " AND u.role IN (?, ?, ?, ?, ?) AND u.list_state IN (?, ?, ?)"
#define SEARCH(where, order) DB_LIST_LIMIT USER_SHOWN_COLUMNS " WHERE " where IN_FILTERS \
	order " LIMIT ? OFFSET ?"
#define COUNT(where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM users u WHERE " \
	where IN_FILTERS " LIMIT ?) t"
#define W_EMAIL "u.email LIKE ?"
#define W_PHONE "u.phone LIKE ?"
#define W_USERNAME "u.username LIKE ?"
#define W_FIRST_NAME "u.name_key LIKE ?"
#define W_NAME "MATCH (u.name_key) AGAINST (? IN BOOLEAN MODE)"

/* Names by their words (user_name_words, sql/migrations/0016_user_name_words.sql). The
 * driving word's rows are read in the list's order (the primary key (word, created_at,
 * user_id) backwards); each of the other words of the search must start a word of the
 * same user (their (user_id, word) index; an unused slot binds "%"). */
#define NW_FILTERS " AND w.role IN (?, ?, ?, ?, ?) AND w.list_state IN (?, ?, ?)"
/* A scalar subquery, not EXISTS: the optimizer would turn EXISTS into a semi-join and
 * may materialize it, reading the whole (user_id, word) index for every search. */
#define NW_ALSO " AND (SELECT 1 FROM user_name_words o FORCE INDEX" \
	" (ix_user_name_words_user) WHERE o.user_id = w.user_id AND o.word LIKE ? LIMIT 1)" \
	" IS NOT NULL"
#define NW_WHERE(word) " FROM user_name_words w FORCE INDEX (PRIMARY) WHERE w.word " word \
	NW_FILTERS NW_ALSO NW_ALSO NW_ALSO
#define NW_NEWEST " ORDER BY w.created_at DESC, w.user_id DESC"
/* one word's first rows in list order */
#define NW_BRANCH "(SELECT w.created_at, w.user_id" NW_WHERE("= ?") NW_NEWEST " LIMIT ?)"
/* the users of the keys k, in list order */
#define NW_USERS(keys) DB_LIST_LIMIT USER_SHOWN_COLUMNS " JOIN (" keys ") k ON u.id = k.user_id" \
	" ORDER BY k.created_at DESC, k.user_id DESC"

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_SEEK_ALL] = { SEEK(F_ALL), 1, 2, DBS_LIST },
	[STMT_SEEK_ROLE] = { SEEK(F_ROLE), 2, 2, DBS_LIST },
	[STMT_SEEK_STATE] = { SEEK(F_STATE), 2, 2, DBS_LIST },
	[STMT_SEEK_ROLE_STATE] = { SEEK(F_ROLE_STATE), 3, 2, DBS_LIST },
	[STMT_PAGE_ALL] = { PAGE(F_ALL), 4, USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_PAGE_ROLE] = { PAGE(F_ROLE), 5, USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_PAGE_STATE] = { PAGE(F_STATE), 5, USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_PAGE_ROLE_STATE] = { PAGE(F_ROLE_STATE), 6, USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_TOTAL] = { DB_LIST_LIMIT "SELECT COALESCE(SUM(n), 0)"
	    " FROM user_counts FORCE INDEX (PRIMARY)"
	    " WHERE role IN (?, ?, ?, ?, ?) AND state IN (?, ?, ?)", 8, 1, DBS_LIST },
	[STMT_SEARCH_EMAIL] = { SEARCH(W_EMAIL, " ORDER BY u.email"), 11, USER_SHOWN_NCOLS,
	    DBS_LIST },
	[STMT_SEARCH_PHONE] = { SEARCH(W_PHONE, " ORDER BY u.phone"), 11, USER_SHOWN_NCOLS,
	    DBS_LIST },
	[STMT_SEARCH_USERNAME] = { SEARCH(W_USERNAME, " ORDER BY u.username"), 11,
	    USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_SEARCH_FIRST_NAME] = { SEARCH(W_FIRST_NAME, " ORDER BY u.name_key, u.id"), 11,
	    USER_SHOWN_NCOLS, DBS_LIST },
	/* in the FULLTEXT index's order (account creation, oldest first), unsorted: ranking
	 * 25,000 "Mohamed" by relevance takes 0.7-1 s at a million users */
	[STMT_SEARCH_NAME] = { SEARCH(W_NAME, ""), 11, USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_COUNT_EMAIL] = { COUNT(W_EMAIL), 10, 1, DBS_LIST },
	[STMT_COUNT_PHONE] = { COUNT(W_PHONE), 10, 1, DBS_LIST },
	[STMT_COUNT_USERNAME] = { COUNT(W_USERNAME), 10, 1, DBS_LIST },
	[STMT_COUNT_FIRST_NAME] = { COUNT(W_FIRST_NAME), 10, 1, DBS_LIST },
	[STMT_COUNT_NAME] = { COUNT(W_NAME), 10, 1, DBS_LIST },
	[STMT_WORD_SPAN] = { DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM user_name_words"
	    " FORCE INDEX (PRIMARY) WHERE word LIKE ? LIMIT ?) t", 2, 1, DBS_LIST },
	/* one index dive per distinct word (a prepared SELECT DISTINCT reads every row of
	 * the range instead of skipping: 36,000 for "mahmoud") */
	[STMT_WORD_NEXT] = { DB_LIST_LIMIT "SELECT word FROM user_name_words"
	    " FORCE INDEX (PRIMARY) WHERE word LIKE ? AND word > ? ORDER BY word LIMIT 1", 2, 1,
	    DBS_LIST },
	/* UNION (not ALL): a user two of whose words start with the search's first word
	 * comes once; each branch's first offset + limit + 1 rows hold every user of the
	 * merged page */
	[STMT_NAME_WORDS] = { NW_USERS("SELECT created_at, user_id FROM (" NW_BRANCH
	    " UNION " NW_BRANCH " UNION " NW_BRANCH " UNION " NW_BRANCH ") m"
	    " ORDER BY created_at DESC, user_id DESC LIMIT ? OFFSET ?"), 4 * 13 + 2,
	    USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_NAME_SORTED] = { NW_USERS("SELECT w.created_at, w.user_id" NW_WHERE("LIKE ?")
	    " GROUP BY w.created_at, w.user_id" NW_NEWEST " LIMIT ? OFFSET ?"), 14,
	    USER_SHOWN_NCOLS, DBS_LIST },
	[STMT_NAME_COUNT] = { DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT DISTINCT w.user_id"
	    NW_WHERE("LIKE ?") " LIMIT ?) t", 13, 1, DBS_LIST },
};

/* The arguments --explain-lists binds: the widest case of each statement (the top of
 * the list, every role and state, prefixes most of tests/api/test_lists.py's generated
 * users share). */
#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_ROLES DB_SAMPLE_STR("customer"), DB_SAMPLE_STR("technician"), \
	DB_SAMPLE_STR("admin"), DB_SAMPLE_STR("moderator"), DB_SAMPLE_STR("corporate")
#define S_STATES DB_SAMPLE_STR("active"), DB_SAMPLE_STR("inactive"), DB_SAMPLE_STR("banned")
#define S_TOP DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX)
#define S_PAGE DB_SAMPLE_INT(11), DB_SAMPLE_INT(0)
#define S_CAP DB_SAMPLE_INT(USER_LIST_WINDOW + 1)

static const struct db_arg s_seek_all[] = { DB_SAMPLE_INT(9990) };
static const struct db_arg s_seek_role[] = { DB_SAMPLE_STR("customer"), DB_SAMPLE_INT(9990) };
static const struct db_arg s_seek_state[] = { DB_SAMPLE_STR("active"), DB_SAMPLE_INT(9990) };
static const struct db_arg s_seek_role_state[] = { DB_SAMPLE_STR("customer"),
	DB_SAMPLE_STR("active"), DB_SAMPLE_INT(9990) };
static const struct db_arg s_page_all[] = { S_TOP, DB_SAMPLE_INT(11) };
static const struct db_arg s_page_role[] = { DB_SAMPLE_STR("customer"), S_TOP,
	DB_SAMPLE_INT(11) };
static const struct db_arg s_page_state[] = { DB_SAMPLE_STR("active"), S_TOP,
	DB_SAMPLE_INT(11) };
static const struct db_arg s_page_role_state[] = { DB_SAMPLE_STR("customer"),
	DB_SAMPLE_STR("active"), S_TOP, DB_SAMPLE_INT(11) };
static const struct db_arg s_total[] = { S_ROLES, S_STATES };
static const struct db_arg s_search_email[] = { DB_SAMPLE_STR("lst1%"), S_ROLES, S_STATES,
	S_PAGE };
static const struct db_arg s_search_phone[] = { DB_SAMPLE_STR("+2012%"), S_ROLES, S_STATES,
	S_PAGE };
static const struct db_arg s_search_username[] = { DB_SAMPLE_STR("lst\\_1%"), S_ROLES,
	S_STATES, S_PAGE };
static const struct db_arg s_search_first_name[] = { DB_SAMPLE_STR("mo%"), S_ROLES,
	S_STATES, S_PAGE };
static const struct db_arg s_search_name[] = { DB_SAMPLE_STR("+mohamed*"), S_ROLES,
	S_STATES, S_PAGE };
static const struct db_arg s_count_email[] = { DB_SAMPLE_STR("lst1%"), S_ROLES, S_STATES,
	S_CAP };
static const struct db_arg s_count_phone[] = { DB_SAMPLE_STR("+2012%"), S_ROLES, S_STATES,
	S_CAP };
static const struct db_arg s_count_username[] = { DB_SAMPLE_STR("lst\\_1%"), S_ROLES,
	S_STATES, S_CAP };
static const struct db_arg s_count_first_name[] = { DB_SAMPLE_STR("mo%"), S_ROLES, S_STATES,
	S_CAP };
static const struct db_arg s_count_name[] = { DB_SAMPLE_STR("+mohamed*"), S_ROLES, S_STATES,
	S_CAP };

#define S_NW_FILTERS S_ROLES, S_STATES, DB_SAMPLE_STR("%"), DB_SAMPLE_STR("%"), \
	DB_SAMPLE_STR("%")
#define S_NW_BRANCH(word) DB_SAMPLE_STR(word), S_NW_FILTERS, DB_SAMPLE_INT(11)
static const struct db_arg s_word_span[] = { DB_SAMPLE_STR("mohamed%"),
	DB_SAMPLE_INT(NAME_SPAN_SORTED + 1) };
static const struct db_arg s_word_next[] = { DB_SAMPLE_STR("mohamed%"), DB_SAMPLE_STR("") };
static const struct db_arg s_name_words[] = { S_NW_BRANCH("mohamed"), S_NW_BRANCH("mahmoud"),
	S_NW_BRANCH("ahmed"), S_NW_BRANCH("hassan"), S_PAGE };
/* a prefix spanning at most NAME_SPAN_SORTED rows: the sort is bounded */
static const struct db_arg s_name_sorted[] = { DB_SAMPLE_STR("elwak%"), S_NW_FILTERS, S_PAGE };
static const struct db_arg s_name_count[] = { DB_SAMPLE_STR("mohamed%"), S_NW_FILTERS, S_CAP };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_SEEK_ALL] = DB_SAMPLE(s_seek_all),
	[STMT_SEEK_ROLE] = DB_SAMPLE(s_seek_role),
	[STMT_SEEK_STATE] = DB_SAMPLE(s_seek_state),
	[STMT_SEEK_ROLE_STATE] = DB_SAMPLE(s_seek_role_state),
	[STMT_PAGE_ALL] = DB_SAMPLE(s_page_all),
	[STMT_PAGE_ROLE] = DB_SAMPLE(s_page_role),
	[STMT_PAGE_STATE] = DB_SAMPLE(s_page_state),
	[STMT_PAGE_ROLE_STATE] = DB_SAMPLE(s_page_role_state),
	[STMT_TOTAL] = DB_SAMPLE(s_total),
	[STMT_SEARCH_EMAIL] = DB_SAMPLE(s_search_email),
	[STMT_SEARCH_PHONE] = DB_SAMPLE(s_search_phone),
	[STMT_SEARCH_USERNAME] = DB_SAMPLE(s_search_username),
	[STMT_SEARCH_FIRST_NAME] = DB_SAMPLE(s_search_first_name),
	[STMT_SEARCH_NAME] = DB_SAMPLE(s_search_name),
	[STMT_COUNT_EMAIL] = DB_SAMPLE(s_count_email),
	[STMT_COUNT_PHONE] = DB_SAMPLE(s_count_phone),
	[STMT_COUNT_USERNAME] = DB_SAMPLE(s_count_username),
	[STMT_COUNT_FIRST_NAME] = DB_SAMPLE(s_count_first_name),
	[STMT_COUNT_NAME] = DB_SAMPLE(s_count_name),
	[STMT_WORD_SPAN] = DB_SAMPLE(s_word_span),
	[STMT_WORD_NEXT] = DB_SAMPLE(s_word_next),
	[STMT_NAME_WORDS] = DB_SAMPLE(s_name_words),
	[STMT_NAME_SORTED] = DB_SAMPLE(s_name_sorted),
	[STMT_NAME_COUNT] = DB_SAMPLE(s_name_count),
};

struct db_family store_user_lists = DB_FAMILY_SAMPLES("user_lists", stmts, samples);

static const char *const all_roles[] = { "customer", "technician", "admin", "moderator",
	"corporate" };
static const char *const listed_states[] = { "active", "inactive", "banned" };

/* --- what a search looks like --- */

static int
username_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '.';
}

static int
username_chars(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!username_char((unsigned char)*s))
			return 0;
	return 1;
}

/* "x%": the text as a prefix, its own % _ \ escaped (db_like_contains gives "%x%") */
static const char *
like_prefix(struct arena *a, const char *s)
{
	return db_like_contains(a, s) + 1;
}

/* The digits of a phone-shaped text (digits, Arabic-Indic digits, a leading +, spaces,
 * dashes, parentheses) as the stored +20… prefix; NULL when the text is not one. */
static const char *
phone_prefix(struct arena *a, const char *s)
{
	char buf[40];
	const char *d = buf;
	int plus;

	if (phone_digits(s, buf, sizeof(buf)) <= 0)
		return NULL;
	if ((plus = buf[0] == '+'))
		d++;
	if (*d == '\0')
		return NULL;
	if (plus || strncmp(d, "20", 2) == 0)          /* +20…, 20…: the country code */
		return arena_printf(a, "+%s%%", d);
	if (strncmp(d, "00", 2) == 0)                   /* 0020…: the international prefix */
		return arena_printf(a, "+%s%%", d + 2);
	if (d[0] == '0')                                /* 010…: the trunk prefix */
		return arena_printf(a, "+20%s%%", d + 1);
	return arena_printf(a, "+20%s%%", d);           /* 10…: national digits */
}

/* The text with the Arabic letters people write either way folded as users.name_key
 * folds them (sql/migrations/0002_user_lists.sql): alef forms to alef, teh marbuta to
 * heh, alef maksura to yeh; tatweel and harakat dropped. */
static char *
fold_arabic(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		if (p[0] == 0xD8 && (p[1] == 0xA2 || p[1] == 0xA3 || p[1] == 0xA5)) {
			*o++ = (char)0xD8;   /* آ أ إ -> ا */
			*o++ = (char)0xA7;
			p += 2;
		} else if (p[0] == 0xD9 && p[1] == 0xB1) {
			*o++ = (char)0xD8;   /* ٱ -> ا */
			*o++ = (char)0xA7;
			p += 2;
		} else if (p[0] == 0xD8 && p[1] == 0xA9) {
			*o++ = (char)0xD9;   /* ة -> ه */
			*o++ = (char)0x87;
			p += 2;
		} else if (p[0] == 0xD9 && p[1] == 0x89) {
			*o++ = (char)0xD9;   /* ى -> ي */
			*o++ = (char)0x8A;
			p += 2;
		} else if (p[0] == 0xD9 && (p[1] == 0x80 || (p[1] >= 0x8B && p[1] <= 0x92))) {
			p += 2;              /* tatweel, harakat */
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = '\0';
	return out;
}

/* Where the FULLTEXT parser splits words: ASCII other than letters, digits and _. */
static int
word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The FULLTEXT query of a name search: "+word*" for each word of three characters or
 * more (innodb_ft_min_token_size; shorter words are not in the index). *first gets the
 * first word, for the prefix search when no word is long enough. NULL: no such word. */
static const char *
name_query(struct arena *a, const char *folded, const char **first)
{
	char *q = arena_alloc(a, strlen(folded) * 3 + 1), *o = q;
	const char *p = folded;

	*first = NULL;
	while (*p != '\0') {
		const char *w;
		size_t chars = 0, len;

		while (*p != '\0' && !word_byte((unsigned char)*p))
			p++;
		for (w = p; *p != '\0' && word_byte((unsigned char)*p); p++)
			if (((unsigned char)*p & 0xC0) != 0x80)
				chars++;
		if ((len = (size_t)(p - w)) == 0)
			break;
		if (*first == NULL)
			*first = arena_strndup(a, w, len);
		if (chars < 3)
			continue;
		if (o != q)
			*o++ = ' ';
		*o++ = '+';
		memcpy(o, w, len);
		o += len;
		*o++ = '*';
	}
	*o = '\0';
	return o != q ? q : NULL;
}

/* The words of a folded name search that the name index is asked for: those of three
 * characters or more, split as name_query() splits them (and as the triggers of
 * sql/migrations/0016_user_name_words.sql split a name). Returns how many, or -1 when
 * there are more than max. */
static int
name_words(struct arena *a, const char *folded, const char **words, int max)
{
	const char *p = folded;
	int n = 0;

	while (*p != '\0') {
		const char *w;
		size_t chars = 0;

		while (*p != '\0' && !word_byte((unsigned char)*p))
			p++;
		for (w = p; *p != '\0' && word_byte((unsigned char)*p); p++)
			if (((unsigned char)*p & 0xC0) != 0x80)
				chars++;
		if (p == w)
			break;
		if (chars < 3)
			continue;
		if (n == max)
			return -1;
		words[n++] = arena_strndup(a, w, (size_t)(p - w));
	}
	return n;
}

/* Which index serves the search, and the value its statement binds. */
static enum kind
classify(struct arena *a, const char *text, const char **arg)
{
	const char *t, *first, *q;

	*arg = NULL;
	if (text == NULL || *(t = arena_strtrim(a, text)) == '\0')
		return K_NONE;
	if (t[0] == '@' && username_chars(t + 1)) {
		*arg = like_prefix(a, t + 1);
		return K_USERNAME;
	}
	if (strchr(t, '@') != NULL) {
		*arg = like_prefix(a, t);
		return K_EMAIL;
	}
	if ((*arg = phone_prefix(a, t)) != NULL)
		return K_PHONE;
	if (username_chars(t) && strpbrk(t, "0123456789_.") != NULL) {
		*arg = like_prefix(a, t);
		return K_USERNAME;
	}
	if ((q = name_query(a, fold_arabic(a, t), &first)) != NULL) {
		*arg = q;
		return K_NAME;
	}
	*arg = like_prefix(a, first != NULL ? first : fold_arabic(a, t));
	return K_FIRST_NAME;
}

int
user_lists_searching(const char *text)
{
	if (text == NULL)
		return 0;
	for (; *text != '\0'; text++)
		if (!(*text == ' ' || (*text >= '\t' && *text <= '\r')))
			return 1;
	return 0;
}

enum user_search
user_lists_search_kind(struct arena *a, const char *text)
{
	static const enum user_search kinds[] = { [K_EMAIL] = USER_SEARCH_EMAIL,
		[K_PHONE] = USER_SEARCH_PHONE, [K_USERNAME] = USER_SEARCH_USERNAME,
		[K_FIRST_NAME] = USER_SEARCH_NAME, [K_NAME] = USER_SEARCH_NAME,
		[K_NONE] = USER_SEARCH_NONE };
	const char *arg;

	return kinds[classify(a, text, &arg)];
}

/* --- cursors: base64url of "created_at|id" --- */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const char *
user_lists_cursor_encode(struct arena *a, const struct user_cursor *c)
{
	char raw[64];
	int n = snprintf(raw, sizeof(raw), "%s|%lld", c->created_at, c->id);
	char *out, *o;
	int i;

	if (n < 0 || (size_t)n >= sizeof(raw))
		return NULL;
	out = o = arena_alloc(a, (size_t)n * 4 / 3 + 4);
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)raw[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)raw[i + 2];
		*o++ = b64url[(v >> 18) & 63];
		*o++ = b64url[(v >> 12) & 63];
		if (i + 1 < n)
			*o++ = b64url[(v >> 6) & 63];
		if (i + 2 < n)
			*o++ = b64url[v & 63];
	}
	*o = '\0';
	return out;
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 2-digit field at s within lo..hi */
static int
field(const char *s, int lo, int hi)
{
	int v = (s[0] - '0') * 10 + (s[1] - '0');

	return v >= lo && v <= hi;
}

int
user_lists_cursor_decode(const char *text, struct user_cursor *c)
{
	char raw[48];
	size_t n = 0, len = strlen(text), i;
	unsigned acc = 0;
	int bits = 0;
	long long id = 0;

	if (len == 0 || len > 60 || len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		const char *p = strchr(b64url, text[i]);

		if (text[i] == '\0' || p == NULL)
			return -1;
		acc = (acc << 6) | (unsigned)(p - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= sizeof(raw))
				return -1;
			raw[n++] = (char)((acc >> bits) & 0xFF);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)   /* stray bits: not what encode writes */
		return -1;
	raw[n] = '\0';
	/* "YYYY-MM-DD HH:MM:SS.fff|id" */
	if (n < 25 || n > 23 + 1 + 19 || raw[23] != '|' ||
	    !digits(raw, 4) || raw[4] != '-' || !digits(raw + 5, 2) || raw[7] != '-' ||
	    !digits(raw + 8, 2) || raw[10] != ' ' || !digits(raw + 11, 2) || raw[13] != ':' ||
	    !digits(raw + 14, 2) || raw[16] != ':' || !digits(raw + 17, 2) || raw[19] != '.' ||
	    !digits(raw + 20, 3) || !field(raw + 5, 1, 12) || !field(raw + 8, 1, 31) ||
	    !field(raw + 11, 0, 23) || !field(raw + 14, 0, 59) || !field(raw + 17, 0, 59))
		return -1;
	if (raw[24] < '1' || raw[24] > '9' || n - 24 > 18 || !digits(raw + 24, n - 24))
		return -1;
	for (i = 24; i < n; i++)
		id = id * 10 + (raw[i] - '0');
	memcpy(c->created_at, raw, 23);
	c->created_at[23] = '\0';
	c->id = id;
	return 0;
}

/* --- pages --- */

#define RUN(db, a, s, args, n, res) db_exec(db, a, &store_user_lists, s, args, n, res)

/* The role and state lists of a search or a total. */
static size_t
in_filters(const struct user_list_query *q, struct db_arg *args)
{
	size_t i, n = 0;

	for (i = 0; i < 5; i++)
		args[n++] = DB_STR(q->role != NULL ? q->role : all_roles[i]);
	for (i = 0; i < 3; i++)
		args[n++] = DB_STR(q->status == USER_STATUS_ACTIVE ? "active" :
		    q->status == USER_STATUS_BANNED ? "banned" : listed_states[i]);
	return n;
}

/* The first limit rows as JSON into out, with each user's choices of what others see. */
static void
rows_json(struct arena *a, const struct db_result *res, long long limit,
    struct user_list_page *out)
{
	size_t i, n = res->nrows < (size_t)limit ? res->nrows : (size_t)limit;

	out->items = json_object_new_array_ext((int)n);
	out->shown = arena_alloc(a, (n > 0 ? n : 1) * sizeof(*out->shown));
	for (i = 0; i < n; i++)
		json_object_array_add(out->items, user_view_row(res, i, &out->shown[i]));
}

static enum db_rc
list_page(struct db *db, struct arena *a, const struct user_list_query *q,
    struct user_list_page *out)
{
	struct db_arg args[8], tot[8];
	struct db_result res, key;
	const char *at = TOP_TIME;
	long long id = LLONG_MAX;
	unsigned v = (q->role != NULL ? 1u : 0u) + (q->status != USER_STATUS_ALL ? 2u : 0u);
	size_t n = 0, nf, ntot;
	enum db_rc rc;

	if (q->role != NULL)
		args[n++] = DB_STR(q->role);
	if (q->status != USER_STATUS_ALL)
		args[n++] = DB_STR(q->status == USER_STATUS_ACTIVE ? "active" : "banned");
	nf = n;
	ntot = in_filters(q, tot);
	if ((rc = RUN(db, a, STMT_TOTAL, tot, ntot, &res)) != DB_OK)
		return rc;
	out->total = db_get_ll(&res, 0, 0, 0);
	if (q->after != NULL) {
		at = q->after->created_at;
		id = q->after->id;
	} else if (q->page > 1) {
		/* the key of the page's first row, read from the index alone */
		args[n++] = DB_INT((q->page - 1) * q->limit);
		if ((rc = RUN(db, a, STMT_SEEK_ALL + v, args, n, &key)) != DB_OK)
			return rc;
		if (key.nrows == 0) {
			out->items = json_object_new_array();
			return DB_OK;
		}
		at = db_get(&key, 0, 0);
		id = db_get_ll(&key, 0, 1, 0) + 1;   /* that row itself included */
		n = nf;
	}
	args[n++] = DB_STR(at);
	args[n++] = DB_STR(at);
	args[n++] = DB_INT(id);
	args[n++] = DB_INT(q->limit + 1);
	if ((rc = RUN(db, a, STMT_PAGE_ALL + v, args, n, &res)) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, q->limit, "createdAt", out->next.created_at, &out->next.id);
	rows_json(a, &res, q->limit, out);
	return DB_OK;
}

/* A search's page, then its count of at most USER_LIST_WINDOW + 1 matches. The count
 * reads up to that many rows; should it run out of the list time limit (a cold buffer
 * pool, a common name), the page stands and its total is what the page shows: a lower
 * bound unless this is the last page.
 *
 * A name search (FULLTEXT) is not counted when its page is full: InnoDB builds the whole
 * match set of a word for every statement, so the count would cost as much as the page
 * again (60-90 ms for "Mahmoud" at a million users). Its total is then the lower bound
 * the page proves (totalCapped); a page that is not full is the last, and exact. */
static enum db_rc
search_page(struct db *db, struct arena *a, const struct user_list_query *q, enum kind k,
    const char *arg, struct user_list_page *out)
{
	struct db_arg args[11];
	struct db_result res, cnt;
	long long offset = (q->page - 1) * q->limit, count, shown;
	size_t n = 0, nf;
	enum db_rc rc;

	args[n++] = DB_STR(arg);
	n += in_filters(q, args + n);
	nf = n;
	args[n++] = DB_INT(q->limit + 1);
	args[n++] = DB_INT(offset);
	if ((rc = RUN(db, a, STMT_SEARCH_EMAIL + k, args, n, &res)) != DB_OK)
		return rc;
	shown = (long long)res.nrows > q->limit ? q->limit : (long long)res.nrows;
	n = nf;
	args[n++] = DB_INT(USER_LIST_WINDOW + 1);
	if (k == K_NAME && (long long)res.nrows > q->limit)
		rc = DB_TIMEOUT;              /* not counted: the lower bound below */
	else
		rc = RUN(db, a, STMT_COUNT_EMAIL + k, args, n, &cnt);
	if (rc == DB_TIMEOUT) {
		out->total = offset + shown + ((long long)res.nrows > q->limit);
		out->total_capped = (long long)res.nrows > q->limit || shown == 0;
	} else if (rc != DB_OK) {
		return rc;
	} else {
		count = db_get_ll(&cnt, 0, 0, 0);
		out->total_capped = count > USER_LIST_WINDOW;
		out->total = out->total_capped ? USER_LIST_WINDOW : count;
	}
	rows_json(a, &res, q->limit, out);
	return DB_OK;
}

/* The role and state lists of a search, then the search's other words (each the
 * prefix of a word of the same user; "%" for an unused slot) after the driving one. */
static size_t
words_filters(const struct user_list_query *q, const char *const *prefix, size_t nw,
    size_t drive, struct db_arg *args)
{
	size_t i, n = in_filters(q, args), also = 0;

	for (i = 0; i < nw; i++)
		if (i != drive) {
			args[n++] = DB_STR(prefix[i]);
			also++;
		}
	for (; also < NAME_WORDS_MAX - 1; also++)
		args[n++] = DB_STR("%");
	return n;
}

/* A name search through user_name_words, in the list's order (newest first).
 *
 * The word whose prefix spans the fewest rows drives (a search of one word skips the
 * spans): the distinct words its prefix spans ("mahm": mahmoud) are each read in list
 * order from the primary key and merged, and each of the other words of the search must
 * start a word of the same user. When the prefix spans more than NAME_WORDS_MAX distinct
 * words, its rows are read whole and sorted if there are at most NAME_SPAN_SORTED of
 * them; beyond that (a short prefix of many common words) DB_NOTFOUND: FULLTEXT serves
 * it, as does a search of more than NAME_WORDS_MAX words.
 *
 * Totals: a full page is not counted (a lower bound, as for FULLTEXT); a page that is
 * not full is the last and its total is exact without a count; an empty page after the
 * end is counted (capped). */
static enum db_rc
words_page(struct db *db, struct arena *a, const struct user_list_query *q,
    const char *const *words, size_t nw, struct user_list_page *out)
{
	const char *prefix[NAME_WORDS_MAX], *word[NAME_WORDS_MAX + 1];
	long long span = -1, offset = (q->page - 1) * q->limit, shown, more;
	struct db_arg args[NAME_WORDS_MAX * 13 + 2], two[2];
	struct db_result res;
	size_t n = 0, i, nd, drive = 0;
	int stmt;
	enum db_rc rc;

	for (i = 0; i < nw; i++)
		prefix[i] = like_prefix(a, words[i]);
	for (i = 0; nw > 1 && i < nw; i++) {
		two[0] = DB_STR(prefix[i]);
		two[1] = DB_INT(NAME_SPAN_SORTED + 1);
		if ((rc = RUN(db, a, STMT_WORD_SPAN, two, 2, &res)) != DB_OK)
			return rc;
		if (span < 0 || db_get_ll(&res, 0, 0, 0) < span) {
			span = db_get_ll(&res, 0, 0, 0);
			drive = i;
		}
	}
	for (nd = 0; nd <= NAME_WORDS_MAX; nd++) {
		two[0] = DB_STR(prefix[drive]);
		two[1] = DB_STR(nd > 0 ? word[nd - 1] : "");
		if ((rc = RUN(db, a, STMT_WORD_NEXT, two, 2, &res)) != DB_OK)
			return rc;
		if (res.nrows == 0)
			break;
		word[nd] = arena_strdup(a, db_get(&res, 0, 0));
	}
	if (nd == 0) {
		out->items = json_object_new_array();
		return DB_OK;
	}
	if (nd > NAME_WORDS_MAX) {
		if (span < 0) {
			two[0] = DB_STR(prefix[drive]);
			two[1] = DB_INT(NAME_SPAN_SORTED + 1);
			if ((rc = RUN(db, a, STMT_WORD_SPAN, two, 2, &res)) != DB_OK)
				return rc;
			span = db_get_ll(&res, 0, 0, 0);
		}
		if (span > NAME_SPAN_SORTED)
			return DB_NOTFOUND;
		args[n++] = DB_STR(prefix[drive]);
		n += words_filters(q, prefix, nw, drive, args + n);
		stmt = STMT_NAME_SORTED;
	} else {
		for (i = 0; i < NAME_WORDS_MAX; i++) {
			/* '' for an unused branch: no word is empty */
			args[n++] = DB_STR(i < nd ? word[i] : "");
			n += words_filters(q, prefix, nw, drive, args + n);
			args[n++] = DB_INT(offset + q->limit + 1);
		}
		stmt = STMT_NAME_WORDS;
	}
	args[n++] = DB_INT(q->limit + 1);
	args[n++] = DB_INT(offset);
	if ((rc = RUN(db, a, stmt, args, n, &res)) != DB_OK)
		return rc;
	shown = (long long)res.nrows > q->limit ? q->limit : (long long)res.nrows;
	more = (long long)res.nrows > q->limit;
	out->total = offset + shown + more;
	out->total_capped = (int)more;
	if (shown == 0 && offset > 0) {
		struct db_result cnt;

		n = 0;
		args[n++] = DB_STR(prefix[drive]);
		n += words_filters(q, prefix, nw, drive, args + n);
		args[n++] = DB_INT(USER_LIST_WINDOW + 1);
		rc = RUN(db, a, STMT_NAME_COUNT, args, n, &cnt);
		if (rc == DB_OK) {
			long long count = db_get_ll(&cnt, 0, 0, 0);

			out->total_capped = count > USER_LIST_WINDOW;
			out->total = out->total_capped ? USER_LIST_WINDOW : count;
		} else if (rc == DB_TIMEOUT) {
			out->total_capped = 1;   /* what the pages so far show, flagged */
		} else {
			return rc;
		}
	}
	rows_json(a, &res, q->limit, out);
	return DB_OK;
}

enum db_rc
db_user_lists_page(struct db *db, struct arena *a, const struct user_list_query *q,
    struct user_list_page *out)
{
	const char *arg;
	enum kind k;

	memset(out, 0, sizeof(*out));
	k = classify(a, q->search, &arg);
	if (k == K_NONE)
		return list_page(db, a, q, out);
	if (k == K_NAME) {
		const char *words[NAME_WORDS_MAX];
		int nw = name_words(a, fold_arabic(a, q->search), words, NAME_WORDS_MAX);
		enum db_rc rc;

		if (nw > 0 && (rc = words_page(db, a, q, words, (size_t)nw, out)) != DB_NOTFOUND)
			return rc;
	}
	return search_page(db, a, q, k, arg, out);
}

char *
user_lists_fold(struct arena *a, const char *text)
{
	char *s = fold_arabic(a, text), *o = s;
	const unsigned char *p = (const unsigned char *)s;

	/* digits last: two bytes in, one out, in place */
	while (*p != '\0') {
		if (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9) {
			*o++ = (char)('0' + (p[1] - 0xA0));   /* Arabic-Indic */
			p += 2;
		} else if (p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9) {
			*o++ = (char)('0' + (p[1] - 0xB0));   /* Persian */
			p += 2;
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = '\0';
	return s;
}

const char *
user_lists_ft_query(struct arena *a, const char *folded)
{
	const char *first;

	return name_query(a, folded, &first);
}

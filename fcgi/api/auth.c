/* /api/auth: sign-up, sign-in, sessions and one-time codes (seeds 000-003, DESIGN.md §4).
 *
 * A session is a short access token (JWT, 1 h) and a refresh token (256 random bits,
 * stored as SHA-256, 7 days) that rotates on every use inside its family; presenting a
 * rotated token again revokes the family. Both travel in the body and as HttpOnly
 * cookies, which only a success reply carries. Codes sent to users (email verification,
 * password reset, phone OTP) are single-use, stored hashed, expire, and are queued in
 * the outbox in the same unit of work that creates them. */
#include <stdio.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../core/phone.h"
#include "../core/router.h"
#include "../core/validate.h"
#include "../domain/identity.h"
#include "../domain/user_visibility.h"
#include "../domain/limits.h"
#include "../store/accounts.h"
#include "../store/activity.h"
#include "../store/codes.h"
#include "../store/limits.h"
#include "../store/outbox.h"
#include "../store/sessions.h"
#include "../store/settings.h"
#include "../store/users.h"
#include "api.h"
#include "user_view.h"

#define EMAIL_TOKEN_TTL   86400     /* seconds: a verification link lasts a day */
#define RESET_TOKEN_TTL   3600      /* a password reset link lasts an hour */
#define OTP_TTL           600       /* a phone code lasts ten minutes */
#define OTP_MAX_ATTEMPTS  5
#define CODES_PER_HOUR    5         /* codes of one purpose a user may ask for per hour */
#define REFRESH_TOKEN_MAX 256       /* longest refresh token read (body or cookie) */

/* --- sessions --- */

/* The two tokens of a session opened inside a unit of work. */
struct session {
	const char *access;
	const char *refresh;
};

static void
set_cookie(struct req *r, const char *name, const char *value, const char *path, long max_age)
{
	resp_header(r, "Set-Cookie: %s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
	    name, value, path, max_age, (r->cfg->cookie_secure || r->https) ? "; Secure" : "");
}

/* Starts a session (family NULL: a new family) inside the caller's unit of work: the
 * refresh token's row and a signed access token, into s. */
static enum err
open_session(struct req *r, long long uid, const char *role, const char *family,
    struct session *s)
{
	struct jwt_claims claims;
	struct refresh_new t;
	char hash[65], ua[256];
	char *refresh = random_hex(r->a, 32);
	enum db_rc rc;

	if (family == NULL)
		family = random_hex(r->a, 16);
	if (refresh == NULL || family == NULL)
		return fail(r, ERR_INTERNAL);
	sha256_hex(refresh, strlen(refresh), hash);
	snprintf(ua, sizeof(ua), "%s", r->user_agent ? r->user_agent : "");
	t.user_id = uid;
	t.family_id = family;
	t.token_hash = hash;
	t.ttl = r->cfg->refresh_token_ttl;
	t.user_agent = ua;
	t.ip = r->remote_addr;
	if ((rc = db_sessions_insert(r->db, r->a, &t)) != DB_OK)
		return fail_db(r, rc);
	if ((s->access = jwt_issue_session(r->a, r->cfg, uid, role, family, &claims)) == NULL)
		return fail(r, ERR_INTERNAL);
	s->refresh = refresh;
	return ERR_OK;
}

/* The session's cookies, for a success reply (an error reply drops them anyway). */
static void
session_cookies(struct req *r, const struct session *s)
{
	set_cookie(r, "accessToken", s->access, "/", r->cfg->access_token_ttl);
	set_cookie(r, "refreshToken", s->refresh, "/api", r->cfg->refresh_token_ttl);
}

/* {token, refreshToken, expiresIn} of a committed session, and its cookies. */
static json_object *
session_data(struct req *r, const struct session *s)
{
	json_object *data = json_object_new_object();

	json_object_object_add(data, "token", json_object_new_string(s->access));
	json_object_object_add(data, "refreshToken", json_object_new_string(s->refresh));
	json_object_object_add(data, "expiresIn", json_object_new_int(r->cfg->access_token_ttl));
	session_cookies(r, s);
	return data;
}

static void
clear_cookies(struct req *r)
{
	set_cookie(r, "accessToken", "", "/", 0);
	set_cookie(r, "refreshToken", "", "/api", 0);
}

/* --- one-time codes --- */

/* A 6-digit code is hashed with its user id so equal codes of two users differ. */
static void
otp_hash(long long uid, const char *code, char out[65])
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%lld:%s", uid, code);
	sha256_hex(buf, strlen(buf), out);
}

/* Creates a code, retires the older ones of its purpose and queues the message: inside
 * a unit of work. */
static enum err
send_code(struct req *r, long long uid, enum code_purpose p, const char *target,
    const char *first_name, enum lang lang)
{
	int otp = p == CODE_PHONE_VERIFY, reset = p == CODE_PASSWORD_RESET;
	char *code = otp ? random_digits(r->a, 6) : random_hex(r->a, 32);
	json_object *payload;
	struct code_new c;
	char hash[65];
	enum db_rc rc;

	if (code == NULL)
		return fail(r, ERR_INTERNAL);
	if (otp)
		otp_hash(uid, code, hash);
	else
		sha256_hex(code, strlen(code), hash);
	c.user_id = uid;
	c.purpose = p;
	c.code_hash = hash;
	c.target = target;
	c.ttl = otp ? OTP_TTL : reset ? RESET_TOKEN_TTL : EMAIL_TOKEN_TTL;
	if ((rc = db_codes_retire(r->db, r->a, uid, p)) != DB_OK ||
	    (rc = db_codes_insert(r->db, r->a, &c)) != DB_OK)
		return fail_db(r, rc);
	payload = json_owned(r->a, json_object_new_object());
	json_object_object_add(payload, "name", json_new_str(first_name));
	json_object_object_add(payload, otp ? "code" : "token", json_object_new_string(code));
	if (!otp)
		json_object_object_add(payload, "link", json_object_new_string(arena_printf(r->a,
		    "%s/%s?token=%s", r->cfg->public_url, reset ? "reset-password" : "verify-email",
		    code)));
	if (otp)
		rc = db_outbox_queue(r->db, r->a, OUTBOX_SMS, uid, target, "phone_otp", lang, NULL,
		    payload);
	else
		rc = db_outbox_queue(r->db, r->a, OUTBOX_EMAIL, uid, target,
		    reset ? "reset_password" : "verify_email", lang, NULL, payload);
	return rc == DB_OK ? ERR_OK : fail_db(r, rc);
}

static enum err
fail_code(struct req *r, const char *field)
{
	return fail_field(r, ERR_VALIDATION, field, "INVALID_OR_EXPIRED", MSG_AUTH_CODE_INVALID);
}

/* --- sign-up --- */

struct signup {
	const char    *email;          /* normalized */
	const char    *phone;          /* normalized */
	const char    *username;       /* or NULL */
	const char    *password;
	const char    *first_name;
	const char    *last_name;
	const char    *role;           /* canonical */
	enum lang      lang;
	int            with_session;
	const char    *hash;           /* the password's, made before the work */
	struct limit_key conflicts;    /* this address's registrations refused as taken */
	long long      wait;           /* refused: the seconds to wait */
	long long      id;             /* the new account */
	struct session session;
};

/* Counts the registration as a conflict in advance (signup_work gives the count back
 * when the account is created), so parallel attempts never pass the address's limit;
 * refuses it at the limit. A registration that fails otherwise (a server error) stays
 * counted. */
static enum err
signup_take_work(struct req *r, void *ctx)
{
	struct signup *s = ctx;
	struct limit_state st;
	enum db_rc rc;

	s->wait = 0;
	if ((rc = db_limits_lock(r->db, r->a, &s->conflicts, SIGNUP_CONFLICT_WINDOW, &st)) !=
	    DB_OK)
		return fail_db(r, rc);
	s->wait = limit_retry_after((long)st.n, SIGNUP_CONFLICT_MAX, (long)st.window_age,
	    SIGNUP_CONFLICT_WINDOW);
	if (s->wait > 0)
		return fail_msg(r, ERR_RATE_LIMITED, MSG_AUTH_TOO_MANY_TRIES);
	if ((rc = db_limits_add(r->db, r->a, &s->conflicts)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}


static enum err
signup_work(struct req *r, void *ctx)
{
	struct signup *s = ctx;
	struct account_new n = { s->email, s->phone, s->username, s->hash, s->role, s->first_name,
		s->last_name, lang_code(s->lang) };
	struct actor me;
	json_object *d;
	enum db_rc rc;
	enum err e;

	if ((rc = db_accounts_insert(r->db, r->a, &n, &s->id)) != DB_OK)
		return fail_db(r, rc);   /* a taken e-mail, phone or username: 409 naming it */
	if ((e = send_code(r, s->id, CODE_EMAIL_VERIFY, s->email, s->first_name, s->lang)) !=
	    ERR_OK || (s->phone != NULL && (e = send_code(r, s->id, CODE_PHONE_VERIFY, s->phone,
	    s->first_name, s->lang)) != ERR_OK))
		return e;
	/* the activity log names the new user as the actor */
	me.id = s->id;
	me.role = s->role;
	me.ip = r->remote_addr;
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "role", json_object_new_string(s->role));
	if ((rc = db_activity_record(r->db, r->a, &me, "user.register", "user", s->id, d)) != DB_OK)
		return fail_db(r, rc);
	if (s->with_session && (e = open_session(r, s->id, s->role, NULL, &s->session)) != ERR_OK)
		return e;
	/* no conflict: the count taken in advance is given back */
	if ((rc = db_limits_release(r->db, r->a, &s->conflicts)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Creates the account, its verification codes and, with_session, a session. */
static enum err
signup(struct req *r, struct signup *s)
{
	char hash[PASSWORD_HASH_LEN];
	enum err e;

	/* a taken e-mail, phone or username is named (409), but an address gets only so
	 * many such answers (docs/decisions.md) */
	s->conflicts = (struct limit_key){ LIMIT_SIGNUP_CONFLICT, NULL,
	    r->remote_addr ? r->remote_addr : "-" };
	if ((e = req_tx(r, signup_take_work, s)) != ERR_OK) {
		if (e == ERR_RATE_LIMITED && s->wait > 0)
			resp_header_keep(r, "Retry-After: %lld", s->wait);
		return e;
	}
	/* the slow hash runs before the transaction opens */
	if (password_hash(r->cfg, s->password, hash) != 0)
		return fail(r, ERR_INTERNAL);
	s->hash = hash;
	e = req_tx(r, signup_work, s);
	explicit_bzero(hash, sizeof(hash));
	s->hash = NULL;
	if (e != ERR_OK)
		return e;
	/* the access line names the new user */
	r->user.id = s->id;
	(void)role_parse(s->role, &r->user.role);
	return ERR_OK;
}

/* Usernames never read as a phone or an e-mail at login (identity.h). */
static const char *
check_username(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_V_INVALID_FORMAT;
	return username_valid(v->s) ? NULL : "INVALID_FORMAT";
}

/* The seeds' role words, as the canonical role a sign-up may take: never admin or
 * moderator. */
static const char *
check_signup_role(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_V_INVALID_VALUE;
	v->s = role_for_signup(v->s);
	return v->s == NULL ? "INVALID_VALUE" : NULL;
}

static const char *const langs[] = { "ar", "en", NULL };

struct register_in {
	struct in_val email, phone, password, first_name, last_name, username, role,
	    preferred_language, full_name;
};

static const struct vfield register_fields[] = {
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, IN(struct register_in, email), NULL },
	{ "phone", V_PHONE, VF_REQUIRED, 0, 32, NULL, IN(struct register_in, phone), NULL },
	{ "password", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, IN(struct register_in, password),
	    NULL },
	{ "firstName", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct register_in, first_name),
	    NULL },
	{ "lastName", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct register_in, last_name),
	    NULL },
	{ "username", V_STRING, 0, 3, 64, NULL, IN(struct register_in, username), check_username },
	{ "role", V_STRING, 0, 1, 32, NULL, IN(struct register_in, role), check_signup_role },
	{ "preferredLanguage", V_ENUM, 0, 0, 0, langs,
	    IN(struct register_in, preferred_language), NULL },
	/* read as firstName and lastName where those are absent (the aliases below); only
	 * its identity is looked at here, to split it (split_full_name) */
	{ "fullName", V_ANY, VF_NULLABLE, 0, 0, NULL, IN(struct register_in, full_name), NULL },
};

/* seed 002 sends fullName */
static const char *const register_aliases[] = { "fullName", "firstName", "fullName", "lastName",
	NULL };

const struct input auth_register_input = INPUT_ALIASED(struct register_in, register_fields,
    NULL, register_aliases);

static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Seed 002's fullName arrives as firstName and/or lastName (the aliases): split it at
 * its first space into first and last name ("-" when it has one word). A fullName
 * beside a firstName is not read, so lastName is then still required. */
static enum err
split_full_name(struct req *r, const struct register_in *in, const char **first,
    const char **last)
{
	int first_from = in->full_name.j != NULL && in->first_name.j == in->full_name.j;
	int last_from = in->full_name.j != NULL && in->last_name.j == in->full_name.j;
	const char *full, *sp;

	*first = in->first_name.s;
	*last = in->last_name.s;
	if (!first_from)
		return last_from ? fail_field(r, ERR_VALIDATION, "lastName", "REQUIRED",
		    MSG_V_REQUIRED) : ERR_OK;
	for (full = in->first_name.s; *full == ' '; full++)
		;
	sp = strchr(full, ' ');
	*first = sp != NULL ? arena_strndup(r->a, full, (size_t)(sp - full)) : full;
	if (last_from)
		*last = sp != NULL ? sp + 1 : "-";
	if (blank(*first))
		return fail_field(r, ERR_VALIDATION, "firstName", "REQUIRED", MSG_V_REQUIRED);
	if (blank(*last))
		return fail_field(r, ERR_VALIDATION, "lastName", "REQUIRED", MSG_V_REQUIRED);
	return ERR_OK;
}

enum err
auth_register(struct req *r)
{
	const struct register_in *in = r->in;
	json_object *user, *data;
	struct signup s;
	enum db_rc rc;
	enum err e;

	memset(&s, 0, sizeof(s));
	if ((e = split_full_name(r, in, &s.first_name, &s.last_name)) != ERR_OK)
		return e;
	s.email = in->email.s;
	s.phone = in->phone.s;
	s.username = in->username.set ? in->username.s : NULL;
	s.password = in->password.s;
	s.role = in->role.set ? in->role.s : role_for_signup(NULL);
	s.lang = settings_default_lang(r);
	if (in->preferred_language.set)
		(void)lang_parse(in->preferred_language.s, &s.lang);
	s.with_session = 1;
	if ((e = signup(r, &s)) != ERR_OK)
		return e;
	if ((rc = db_users_view(r->db, r->a, s.id, &user)) != DB_OK)
		return fail_db(r, rc);
	data = session_data(r, &s.session);
	json_object_object_add(data, "user", user);
	return reply_ok(r, 201, MSG_AUTH_REGISTERED, data);
}

/* Seed 003: {username, first_name, last_name, email, phone_number, password, user_type}
 * -> 201 {username, first_name, email}. */
static const char *const v1_types[] = { "customer", "mechanic", NULL };

struct v1_register_in {
	struct in_val username, first_name, last_name, email, phone_number, password, user_type;
};

static const struct vfield v1_register_fields[] = {
	{ "username", V_STRING, VF_REQUIRED, 3, 64, NULL, IN(struct v1_register_in, username),
	    check_username },
	{ "first_name", V_STRING, VF_REQUIRED, 1, 100, NULL,
	    IN(struct v1_register_in, first_name), NULL },
	{ "last_name", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct v1_register_in, last_name),
	    NULL },
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, IN(struct v1_register_in, email), NULL },
	{ "phone_number", V_PHONE, VF_REQUIRED, 0, 32, NULL,
	    IN(struct v1_register_in, phone_number), NULL },
	{ "password", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, IN(struct v1_register_in, password),
	    NULL },
	{ "user_type", V_ENUM, 0, 0, 0, v1_types, IN(struct v1_register_in, user_type),
	    check_signup_role },
};

const struct input auth_v1_register_input = INPUT(struct v1_register_in, v1_register_fields,
    NULL);

enum err
auth_v1_register(struct req *r)
{
	const struct v1_register_in *in = r->in;
	json_object *out;
	struct signup s;
	enum err e;

	memset(&s, 0, sizeof(s));
	s.email = in->email.s;
	s.phone = in->phone_number.s;
	s.username = in->username.s;
	s.password = in->password.s;
	s.first_name = in->first_name.s;
	s.last_name = in->last_name.s;
	s.role = in->user_type.set ? in->user_type.s : role_for_signup(NULL);
	s.lang = settings_default_lang(r);
	if ((e = signup(r, &s)) != ERR_OK)
		return e;
	out = json_object_new_object();
	json_object_object_add(out, "username", json_object_new_string(s.username));
	json_object_object_add(out, "first_name", json_object_new_string(s.first_name));
	json_object_object_add(out, "email", json_object_new_string(s.email));
	return reply_json(r, 201, out);
}

/* --- sign-in --- */

/* The counters a sign-in attempt is counted against, in their lock order: the account
 * (or the unknown identifier) from this address, the account from every address, the
 * address whatever the account. An attempt takes its count before the password is
 * checked and gives it back when the password was right, so parallel guesses never
 * get more checks than the limits allow. */
struct login_limits {
	struct limit_key pair, account, ip;
	long long        max;          /* failures per account and address in a window */
	long long        window;       /* seconds */
	long long        wait;         /* refused: the seconds to wait */
};

/* The failed-login limit of one account from one address: the settings
 * max_login_attempts and login_window_minutes when an admin has set them within safe
 * bounds (3-20 attempts, 1-1440 minutes), else the configuration's defaults. */
static void
login_limit_figures(struct req *r, struct login_limits *l)
{
	long long v;

	l->max = r->cfg->login_max_failures;
	l->window = r->cfg->login_window_seconds;
	if (db_settings_int(r->db, r->a, "max_login_attempts", 3, 20, &v) == DB_OK)
		l->max = v;
	if (db_settings_int(r->db, r->a, "login_window_minutes", 1, 1440, &v) == DB_OK)
		l->window = v * 60;
}

struct sign_in {
	long long            id;       /* the account whose password was checked */
	const char          *hash;     /* the hash it was checked against */
	enum login_type      type;
	struct login_limits *limits;
	struct session       session;
	/* the dashboard's sign-in: its own session instead of tokens (auth_sign_in_staff) */
	staff_session_fn     staff_open;
	void                *staff_ctx;
};

static enum err
login_limits_take_work(struct req *r, void *ctx)
{
	struct login_limits *l = ctx;
	long long window = l->window;
	struct limit_state pair, account, ip;
	long wait, w;
	enum db_rc rc;

	l->wait = 0;
	if ((rc = db_limits_lock(r->db, r->a, &l->pair, window, &pair)) != DB_OK ||
	    (rc = db_limits_lock(r->db, r->a, &l->account, window, &account)) != DB_OK ||
	    (rc = db_limits_lock(r->db, r->a, &l->ip, window, &ip)) != DB_OK)
		return fail_db(r, rc);
	wait = limit_retry_after((long)pair.n, (long)l->max, (long)pair.window_age,
	    (long)window);
	if ((w = login_backoff((long)account.n, (long)account.since_last)) > wait)
		wait = w;
	if ((w = limit_retry_after((long)ip.n, LOGIN_IP_MAX_FAILURES, (long)ip.window_age,
	    (long)window)) > wait)
		wait = w;
	if (wait > 0) {
		l->wait = wait;
		return fail_msg(r, ERR_RATE_LIMITED, MSG_AUTH_TOO_MANY_LOGINS);
	}
	if ((rc = db_limits_add(r->db, r->a, &l->pair)) != DB_OK ||
	    (rc = db_limits_add(r->db, r->a, &l->account)) != DB_OK ||
	    (rc = db_limits_add(r->db, r->a, &l->ip)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Gives back the counts of an attempt whose password was right. */
static enum db_rc
login_limits_release(struct req *r, const struct login_limits *l)
{
	enum db_rc rc;

	if ((rc = db_limits_release(r->db, r->a, &l->pair)) != DB_OK ||
	    (rc = db_limits_release(r->db, r->a, &l->account)) != DB_OK ||
	    (rc = db_limits_release(r->db, r->a, &l->ip)) != DB_OK)
		return rc;
	return DB_OK;
}

/* Decides on the locked account row: a ban, a deactivation or a new password that came
 * after the password check wins. */
static enum err
sign_in_work(struct req *r, void *ctx)
{
	struct sign_in *t = ctx;
	struct account_login acc;
	enum db_rc rc;

	/* the password was right: the attempt is no failure (a refusal below keeps it) */
	if ((rc = login_limits_release(r, t->limits)) != DB_OK)
		return fail_db(r, rc);
	rc = db_accounts_lock_login(r->db, r->a, t->id, &acc);
	if (rc == DB_NOTFOUND || (rc == DB_OK && (acc.password_hash == NULL ||
	    strcmp(acc.password_hash, t->hash) != 0)))
		return fail(r, ERR_INVALID_CREDENTIALS);
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (acc.is_banned)
		return fail_banned(r, acc.ban_reason, acc.banned_at);
	if (!acc.is_active)
		return fail(r, ERR_ACCOUNT_DISABLED);
	if (!login_type_admits(t->type, acc.role))
		return fail(r, ERR_ROLE_NOT_ALLOWED);
	if ((rc = db_accounts_last_login(r->db, r->a, t->id)) != DB_OK)
		return fail_db(r, rc);
	if (t->staff_open != NULL)
		return t->staff_open(r, t->id, acc.role, t->staff_ctx);
	return open_session(r, t->id, acc.role, NULL, &t->session);
}

/* A failed sign-in, for the record (login_failures). */
struct failure {
	const char *key;     /* the identifier: its phone form, else lower-cased */
	const char *ip;
};

static enum err
failure_work(struct req *r, void *ctx)
{
	const struct failure *f = ctx;
	enum db_rc rc;

	if ((rc = db_limits_add_failure(r->db, r->a, f->key, f->ip)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Checks the failed-login limit and the credentials, then (sign_in_work) the ban, the
 * login type, and opens a session into t. */
static enum err
sign_in(struct req *r, const char *identifier, const char *password, enum login_type type,
    struct sign_in *t)
{
	/* an identifier is at most 254 characters of up to 4 bytes */
	char email[4 * 254 + 1], phone[PHONE_E164_LEN];
	struct login_limits *l = arena_alloc(r->a, sizeof(*l));
	struct account_login acc;
	enum identifier_kind kind;
	const char *subject;
	struct failure f;
	enum db_rc rc;
	enum err e;

	if (type == LOGIN_INVALID)
		return fail(r, ERR_ROLE_NOT_ALLOWED);
	if (email_normalize(identifier, email, sizeof(email)) != 0)
		snprintf(email, sizeof(email), "%s", identifier);
	kind = identifier_kind(identifier, phone, sizeof(phone));
	if (kind != IDENT_PHONE)
		phone[0] = '\0';
	f.key = arena_strdup(r->a, phone[0] ? phone : email);
	f.ip = r->remote_addr ? r->remote_addr : "-";
	rc = db_accounts_find_login(r->db, r->a, email, phone[0] ? phone : NULL, identifier, &acc);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	/* staff sign in with their e-mail only, whatever the login type says (seed 001):
	 * found by phone or username, a staff account is as unknown, at the same cost */
	if (rc == DB_OK && kind != IDENT_EMAIL && user_role_is_staff(acc.role))
		rc = DB_NOTFOUND;
	/* the limits count per account, however its e-mail, phone or username was
	 * spelled; an unknown identifier counts under its normalized form */
	subject = rc == DB_OK ? arena_printf(r->a, "user:%lld", acc.id) :
	    arena_printf(r->a, "id:%s", f.key);
	l->pair = (struct limit_key){ LIMIT_LOGIN, subject, f.ip };
	l->account = (struct limit_key){ LIMIT_LOGIN_ACCOUNT, subject, NULL };
	l->ip = (struct limit_key){ LIMIT_LOGIN_IP, NULL, f.ip };
	login_limit_figures(r, l);
	if ((e = req_tx(r, login_limits_take_work, l)) != ERR_OK) {
		if (e == ERR_RATE_LIMITED && l->wait > 0)
			resp_header_keep(r, "Retry-After: %lld", l->wait);
		return e;
	}
	if (rc == DB_NOTFOUND)
		password_burn(r->cfg, password);   /* the same time as a wrong password */
	if (rc == DB_NOTFOUND || !password_verify(acc.password_hash, password)) {
		/* the attempt stays counted; the failure is logged */
		if ((e = req_tx(r, failure_work, &f)) != ERR_OK)
			return e;
		return fail(r, ERR_INVALID_CREDENTIALS);
	}
	req_set_user_lang(r, acc.preferred_language);
	t->id = acc.id;
	t->hash = acc.password_hash;
	t->type = type;
	t->limits = l;
	return req_tx(r, sign_in_work, t);
}

struct login_in {
	struct in_val identifier, password, type;
};

static const struct vfield login_fields[] = {
	{ "identifier", V_STRING, 0, 1, 254, NULL, IN(struct login_in, identifier), NULL },
	{ "password", V_STRING, VF_REQUIRED, 1, 128, NULL, IN(struct login_in, password), NULL },
	{ "type", V_STRING, 0, 0, 32, NULL, IN(struct login_in, type), NULL },
};

/* One identifier under any of the seeds' names (DESIGN.md §4); the first present wins. */
static const char *const login_aliases[] = { "email", "identifier", "phone", "identifier",
	"username", "identifier", "loginIdentifier", "identifier", NULL };

const struct input auth_login_input = INPUT_ALIASED(struct login_in, login_fields, NULL,
    login_aliases);

enum err
auth_login(struct req *r)
{
	const struct login_in *in = r->in;
	json_object *user, *data;
	enum login_type type;
	struct sign_in t;
	enum db_rc rc;
	enum err e;

	if (!in->identifier.set)
		return fail_field(r, ERR_VALIDATION, "identifier", "REQUIRED", MSG_V_REQUIRED);
	/* seed 001 §5.1: the dashboard's sign-in takes an email, never a phone or username */
	type = login_type_parse(in->type.set ? in->type.s : NULL);
	if (type == LOGIN_ADMINS && strchr(in->identifier.s, '@') == NULL)
		return fail_field(r, ERR_VALIDATION, "identifier", "INVALID_FORMAT",
		    MSG_AUTH_STAFF_EMAIL_ONLY);
	memset(&t, 0, sizeof(t));
	if ((e = sign_in(r, in->identifier.s, in->password.s, type, &t)) != ERR_OK)
		return e;
	if ((rc = db_users_view(r->db, r->a, t.id, &user)) != DB_OK)
		return fail_db(r, rc);
	data = session_data(r, &t.session);
	json_object_object_add(data, "user", user);
	return reply_ok(r, 200, MSG_AUTH_LOGGED_IN, data);
}

enum err
auth_sign_in_staff(struct req *r, const char *email, const char *password,
    staff_session_fn open, void *ctx)
{
	struct sign_in t;

	if (strchr(email, '@') == NULL)
		return fail_field(r, ERR_VALIDATION, "identifier", "INVALID_FORMAT",
		    MSG_AUTH_STAFF_EMAIL_ONLY);
	memset(&t, 0, sizeof(t));
	t.staff_open = open;
	t.staff_ctx = ctx;
	return sign_in(r, email, password, LOGIN_ADMINS, &t);
}

/* Seed 003: {username, password} -> 202 {token, refresh_token}. */
struct v1_login_in {
	struct in_val username, password;
};

static const struct vfield v1_login_fields[] = {
	{ "username", V_STRING, VF_REQUIRED, 1, 254, NULL, IN(struct v1_login_in, username),
	    NULL },
	{ "password", V_STRING, VF_REQUIRED, 1, 128, NULL, IN(struct v1_login_in, password),
	    NULL },
};

const struct input auth_v1_login_input = INPUT(struct v1_login_in, v1_login_fields, NULL);

enum err
auth_v1_login(struct req *r)
{
	const struct v1_login_in *in = r->in;
	struct sign_in t;
	json_object *out;
	enum err e;

	memset(&t, 0, sizeof(t));
	if ((e = sign_in(r, in->username.s, in->password.s, LOGIN_ANY, &t)) != ERR_OK)
		return e;
	session_cookies(r, &t.session);
	out = json_object_new_object();
	json_object_object_add(out, "token", json_object_new_string(t.session.access));
	json_object_object_add(out, "refresh_token", json_object_new_string(t.session.refresh));
	return reply_json(r, 202, out);
}

/* --- refresh and logout --- */

struct refresh_in {
	struct in_val refresh_token;
};

static const struct vfield refresh_fields[] = {
	{ "refreshToken", V_STRING, 0, 1, REFRESH_TOKEN_MAX, NULL,
	    IN(struct refresh_in, refresh_token), NULL },
};

/* seed 003 writes refresh_token */
static const char *const refresh_aliases[] = { "refresh_token", "refreshToken", NULL };

const struct input auth_refresh_input = INPUT_ALIASED(struct refresh_in, refresh_fields, NULL,
    refresh_aliases);
const struct input auth_logout_input = INPUT_ALIASED(struct refresh_in, refresh_fields, NULL,
    refresh_aliases);

/* The refresh token of the body, else of the cookie; NULL when there is none usable. */
static const char *
presented_refresh_token(struct req *r)
{
	const struct refresh_in *in = r->in;
	const char *t = in->refresh_token.set ? in->refresh_token.s :
	    req_cookie(r, "refreshToken");

	return (t != NULL && *t != '\0' && strlen(t) <= REFRESH_TOKEN_MAX) ? t : NULL;
}

struct refresh_tx {
	char            hash[65];      /* of the presented token */
	int             reused;        /* it had been rotated: its family was revoked */
	long long       user_id;
	const char     *family;
	struct session  session;
};

static enum err
refresh_work(struct req *r, void *ctx)
{
	struct refresh_tx *t = ctx;
	struct refresh_token tok;
	enum db_rc rc;

	t->reused = 0;
	/* locked: a second refresh of the same token waits here, then finds it rotated */
	if ((rc = db_sessions_lock_refresh(r->db, r->a, t->hash, &tok)) == DB_NOTFOUND)
		return fail(r, ERR_TOKEN_INVALID);
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (tok.expired || tok.user_deleted)
		return fail(r, ERR_TOKEN_INVALID);
	if (tok.revoked) {
		/* a rotated token came back: someone holds a copy; the whole family ends, and
		 * that is committed although the answer is 401 */
		if ((rc = db_sessions_revoke_family(r->db, r->a, tok.family_id, "reuse")) != DB_OK)
			return fail_db(r, rc);
		t->reused = 1;
		t->user_id = tok.user_id;
		t->family = tok.family_id;
		return ERR_OK;
	}
	if (tok.is_banned)
		return fail_banned(r, tok.ban_reason, tok.banned_at);
	if (!tok.is_active)
		return fail(r, ERR_ACCOUNT_DISABLED);
	if ((rc = db_sessions_rotate(r->db, r->a, tok.id)) != DB_OK)
		return fail_db(r, rc);
	return open_session(r, tok.user_id, tok.role, tok.family_id, &t->session);
}

enum err
auth_refresh(struct req *r)
{
	const char *tok = presented_refresh_token(r);
	struct refresh_tx t;
	enum err e;

	if (tok == NULL)
		return fail_field(r, ERR_VALIDATION, "refreshToken", "REQUIRED", MSG_V_REQUIRED);
	memset(&t, 0, sizeof(t));
	sha256_hex(tok, strlen(tok), t.hash);
	if ((e = req_tx(r, refresh_work, &t)) != ERR_OK)
		return e;
	if (t.reused) {
		log_warn("msg=refresh_token_reuse user=%lld family=%s", t.user_id, t.family);
		return fail(r, ERR_TOKEN_INVALID);
	}
	return reply_ok(r, 200, MSG_AUTH_REFRESHED, session_data(r, &t.session));
}

struct logout_tx {
	const char *hash;     /* of the presented refresh token, or NULL */
};

static enum err
logout_work(struct req *r, void *ctx)
{
	const struct logout_tx *t = ctx;
	enum db_rc rc;

	if (t->hash != NULL && (rc = db_sessions_revoke_family_of(r->db, r->a, t->hash)) != DB_OK)
		return fail_db(r, rc);
	/* the access token itself stops working too, not only at its expiry */
	if (r->user.id != 0 && ((rc = db_sessions_revoke_access(r->db, r->a, r->user.jti,
	    r->user.token_exp)) != DB_OK || (rc = sessions_auth_check(r, r->user.id)) != DB_OK))
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
auth_logout(struct req *r)
{
	const char *tok = presented_refresh_token(r);
	struct logout_tx t = { NULL };
	char hash[65];
	enum err e;

	if (tok == NULL && r->user.id == 0)
		return fail(r, ERR_UNAUTHORIZED);
	if (tok != NULL) {
		sha256_hex(tok, strlen(tok), hash);
		t.hash = hash;
	}
	if ((e = req_tx(r, logout_work, &t)) != ERR_OK)
		return e;
	clear_cookies(r);
	return reply_ok(r, 200, MSG_AUTH_LOGGED_OUT, NULL);
}

/* --- passwords --- */

struct forgot_in {
	struct in_val email;
};

static const struct vfield forgot_fields[] = {
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, IN(struct forgot_in, email), NULL },
};

const struct input auth_forgot_password_input = INPUT(struct forgot_in, forgot_fields, NULL);

struct forgot_tx {
	const char *email;       /* normalized */
};

/* An e-mail of no account costs what one of an account does, so the time of the answer
 * does not tell them apart: the same reads and a code made and hashed, written nowhere
 * (no account's codes are counted or retired: user 0 has none). */
static enum err
forgot_unknown(struct req *r)
{
	char *code = random_hex(r->a, 32), hash[65];
	long long recent;
	enum db_rc rc;

	if (code == NULL)
		return fail(r, ERR_INTERNAL);
	sha256_hex(code, strlen(code), hash);
	/* five statements, as the known path's (lock, count, retire, code, message) */
	if ((rc = db_codes_recent(r->db, r->a, 0, CODE_PASSWORD_RESET, &recent)) != DB_OK ||
	    (rc = db_codes_retire(r->db, r->a, 0, CODE_PASSWORD_RESET)) != DB_OK ||
	    (rc = db_codes_recent(r->db, r->a, 0, CODE_PASSWORD_RESET, &recent)) != DB_OK ||
	    (rc = db_codes_retire(r->db, r->a, 0, CODE_PASSWORD_RESET)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

static enum err
forgot_work(struct req *r, void *ctx)
{
	const struct forgot_tx *t = ctx;
	struct account_contact c;
	enum lang lang = r->lang;
	long long recent;
	enum db_rc rc;

	/* the account's row is locked, so the codes asked for it are counted one request at
	 * a time */
	if ((rc = db_accounts_lock_by_email(r->db, r->a, t->email, &c)) == DB_NOTFOUND)
		return forgot_unknown(r);
	if (rc != DB_OK ||
	    (rc = db_codes_recent(r->db, r->a, c.id, CODE_PASSWORD_RESET, &recent)) != DB_OK)
		return fail_db(r, rc);
	if (recent >= CODES_PER_HOUR)
		return ERR_OK;
	(void)lang_parse(c.preferred_language, &lang);
	return send_code(r, c.id, CODE_PASSWORD_RESET, t->email, c.first_name, lang);
}

/* Always the same answer, so the endpoint does not tell who is registered. */
enum err
auth_forgot_password(struct req *r)
{
	const struct forgot_in *in = r->in;
	struct forgot_tx t = { in->email.s };
	enum err e;

	if ((e = req_tx(r, forgot_work, &t)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_AUTH_RESET_SENT, NULL);
}

struct reset_in {
	struct in_val token, new_password;
};

static const struct vfield reset_fields[] = {
	{ "token", V_STRING, VF_REQUIRED, 1, 256, NULL, IN(struct reset_in, token), NULL },
	{ "newPassword", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, IN(struct reset_in, new_password),
	    NULL },
};

/* seed 002 clients send password */
static const char *const reset_aliases[] = { "password", "newPassword", NULL };

const struct input auth_reset_password_input = INPUT_ALIASED(struct reset_in, reset_fields,
    NULL, reset_aliases);

/* A code presented to reset-password or verify-email. */
struct code_tx {
	char             hash[65];
	const char      *password_hash;     /* reset-password: the new one */
	struct limit_key guesses;           /* this address's wrong codes */
	long long        wait;              /* refused: the seconds to wait */
	int              wrong;             /* no such live code: counted */
};

/* The live code of this purpose and hash, locked, into c; DB_NOTFOUND (t->wrong) when
 * there is none, counted against the address. Refused once the address had too many
 * wrong ones: the count and the decision are one locked step. */
static enum err
code_lookup(struct req *r, struct code_tx *t, enum code_purpose p, struct code_ref *c)
{
	struct limit_state st;
	enum db_rc rc;

	t->wait = 0;
	t->wrong = 0;
	if ((rc = db_limits_lock(r->db, r->a, &t->guesses, CODE_GUESS_WINDOW, &st)) != DB_OK)
		return fail_db(r, rc);
	if ((t->wait = limit_retry_after((long)st.n, CODE_GUESS_MAX, (long)st.window_age,
	    CODE_GUESS_WINDOW)) > 0)
		return fail_msg(r, ERR_RATE_LIMITED, MSG_AUTH_TOO_MANY_TRIES);
	if ((rc = db_codes_lock_live(r->db, r->a, p, t->hash, c)) == DB_NOTFOUND) {
		/* committed although the answer is 422 */
		if ((rc = db_limits_add(r->db, r->a, &t->guesses)) != DB_OK)
			return fail_db(r, rc);
		t->wrong = 1;
		return ERR_OK;
	}
	if (rc != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Runs a unit of work on a presented code and answers its refusals. */
static enum err
code_tx_run(struct req *r, tx_work_fn work, struct code_tx *t)
{
	enum err e;

	t->guesses = (struct limit_key){ LIMIT_CODE_GUESS, NULL,
	    r->remote_addr ? r->remote_addr : "-" };
	e = req_tx(r, work, t);
	if (e == ERR_RATE_LIMITED && t->wait > 0)
		resp_header_keep(r, "Retry-After: %lld", t->wait);
	if (e == ERR_OK && t->wrong)
		return fail_code(r, "token");
	return e;
}

static enum err
reset_work(struct req *r, void *ctx)
{
	struct code_tx *t = ctx;
	struct code_ref c;
	enum db_rc rc;
	enum err e;

	if ((e = code_lookup(r, t, CODE_PASSWORD_RESET, &c)) != ERR_OK || t->wrong)
		return e;
	/* the link proved the address; every session of the old password ends, access
	 * tokens included */
	if ((rc = db_accounts_set_password(r->db, r->a, c.user_id, t->password_hash, 1)) != DB_OK ||
	    (rc = db_codes_use(r->db, r->a, c.id)) != DB_OK ||
	    (rc = db_sessions_revoke_user(r->db, r->a, c.user_id, "password")) != DB_OK ||
	    (rc = db_sessions_end_access(r->db, r->a, c.user_id, auth_now_us())) != DB_OK ||
	    (rc = sessions_auth_check(r, c.user_id)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
auth_reset_password(struct req *r)
{
	const struct reset_in *in = r->in;
	char hash[PASSWORD_HASH_LEN];
	struct code_tx t;
	enum err e;

	if (password_hash(r->cfg, in->new_password.s, hash) != 0)
		return fail(r, ERR_INTERNAL);
	memset(&t, 0, sizeof(t));
	sha256_hex(in->token.s, strlen(in->token.s), t.hash);
	t.password_hash = hash;
	e = code_tx_run(r, reset_work, &t);
	explicit_bzero(hash, sizeof(hash));
	if (e != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_AUTH_PASSWORD_RESET, NULL);
}

struct change_in {
	struct in_val current_password, new_password;
};

static const struct vfield change_fields[] = {
	{ "currentPassword", V_STRING, VF_REQUIRED, 1, 128, NULL,
	    IN(struct change_in, current_password), NULL },
	{ "newPassword", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, IN(struct change_in, new_password),
	    NULL },
};

const struct input auth_change_password_input = INPUT(struct change_in, change_fields, NULL);

struct change_tx {
	const char     *old_hash;      /* the hash the current password was checked against */
	const char     *new_hash;
	struct session  session;
};

static enum err
change_work(struct req *r, void *ctx)
{
	struct change_tx *t = ctx;
	long long now = auth_now_us();
	enum db_rc rc;

	/* only while the password that was checked is still the account's */
	if ((rc = db_accounts_change_password(r->db, r->a, r->user.id, t->old_hash,
	    t->new_hash)) == DB_NOTFOUND)
		return fail_field(r, ERR_VALIDATION, "currentPassword", "INVALID",
		    MSG_AUTH_WRONG_PASSWORD);
	/* other sessions end, their access tokens too (issued before now); this one
	 * continues with a fresh pair of tokens, issued after */
	if (rc != DB_OK ||
	    (rc = db_sessions_revoke_user(r->db, r->a, r->user.id, "password")) != DB_OK ||
	    (rc = db_sessions_end_access(r->db, r->a, r->user.id, now)) != DB_OK ||
	    (rc = db_sessions_revoke_access(r->db, r->a, r->user.jti, r->user.token_exp)) != DB_OK ||
	    (rc = sessions_auth_check(r, r->user.id)) != DB_OK)
		return fail_db(r, rc);
	return open_session(r, r->user.id, role_name(r->user.role), NULL, &t->session);
}

enum err
auth_change_password(struct req *r)
{
	const struct change_in *in = r->in;
	char hash[PASSWORD_HASH_LEN];
	struct change_tx t;
	enum db_rc rc;
	enum err e;

	memset(&t, 0, sizeof(t));
	rc = db_accounts_password(r->db, r->a, r->user.id, &t.old_hash);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	if (rc == DB_NOTFOUND || !password_verify(t.old_hash, in->current_password.s))
		return fail_field(r, ERR_VALIDATION, "currentPassword", "INVALID",
		    MSG_AUTH_WRONG_PASSWORD);
	if (strcmp(in->current_password.s, in->new_password.s) == 0)
		return fail_field(r, ERR_VALIDATION, "newPassword", "INVALID_VALUE",
		    MSG_V_INVALID_VALUE);
	/* the slow hash runs before the transaction opens */
	if (password_hash(r->cfg, in->new_password.s, hash) != 0)
		return fail(r, ERR_INTERNAL);
	t.new_hash = hash;
	e = req_tx(r, change_work, &t);
	explicit_bzero(hash, sizeof(hash));
	if (e != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_AUTH_PASSWORD_CHANGED, session_data(r, &t.session));
}

/* --- verification --- */

struct verify_email_in {
	struct in_val token;
};

static const struct vfield verify_email_fields[] = {
	{ "token", V_STRING, VF_REQUIRED, 1, 256, NULL, IN(struct verify_email_in, token), NULL },
};

const struct input auth_verify_email_input = INPUT(struct verify_email_in,
    verify_email_fields, NULL);

static enum err
verify_email_work(struct req *r, void *ctx)
{
	struct code_tx *t = ctx;
	struct code_ref c;
	enum db_rc rc;
	enum err e;

	if ((e = code_lookup(r, t, CODE_EMAIL_VERIFY, &c)) != ERR_OK || t->wrong)
		return e;
	if ((rc = db_accounts_email_verified(r->db, r->a, c.user_id)) != DB_OK ||
	    (rc = db_codes_use(r->db, r->a, c.id)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
auth_verify_email(struct req *r)
{
	const struct verify_email_in *in = r->in;
	struct code_tx t;
	enum err e;

	memset(&t, 0, sizeof(t));
	sha256_hex(in->token.s, strlen(in->token.s), t.hash);
	if ((e = code_tx_run(r, verify_email_work, &t)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_AUTH_EMAIL_VERIFIED, NULL);
}

static enum err
send_phone_code_work(struct req *r, void *ctx)
{
	struct account_contact c;
	enum lang lang = r->lang;
	long long recent;
	enum db_rc rc;

	(void)ctx;
	/* the account's row is locked, so its codes are counted one request at a time */
	rc = db_accounts_lock_contact(r->db, r->a, r->user.id, &c);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	if (rc == DB_NOTFOUND || c.phone == NULL)
		return fail_field(r, ERR_VALIDATION, "phone", "REQUIRED", MSG_V_REQUIRED);
	if ((rc = db_codes_recent(r->db, r->a, r->user.id, CODE_PHONE_VERIFY, &recent)) != DB_OK)
		return fail_db(r, rc);
	if (recent >= CODES_PER_HOUR)
		return fail_msg(r, ERR_RATE_LIMITED, MSG_AUTH_CODE_TOO_MANY);
	(void)lang_parse(c.preferred_language, &lang);
	return send_code(r, r->user.id, CODE_PHONE_VERIFY, c.phone, c.first_name, lang);
}

enum err
auth_send_phone_code(struct req *r)
{
	enum err e = req_tx(r, send_phone_code_work, NULL);

	if (e == ERR_RATE_LIMITED)
		resp_header_keep(r, "Retry-After: 3600");
	if (e != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_AUTH_VERIFICATION_SENT, NULL);
}

struct verify_phone_in {
	struct in_val phone, otp;
};

static const struct vfield verify_phone_fields[] = {
	{ "phone", V_PHONE, VF_REQUIRED, 0, 32, NULL, IN(struct verify_phone_in, phone), NULL },
	{ "otp", V_STRING, VF_REQUIRED, 4, 8, NULL, IN(struct verify_phone_in, otp), NULL },
};

static const char *const verify_phone_aliases[] = { "code", "otp", NULL };

const struct input auth_verify_phone_input = INPUT_ALIASED(struct verify_phone_in,
    verify_phone_fields, NULL, verify_phone_aliases);

struct verify_phone_tx {
	const char *phone;       /* +201… */
	char        hash[65];    /* of the code presented */
	int         wrong;       /* a wrong guess, counted */
};

static enum err
verify_phone_work(struct req *r, void *ctx)
{
	struct verify_phone_tx *t = ctx;
	struct code_otp c;
	enum db_rc rc;

	t->wrong = 0;
	if ((rc = db_codes_lock_otp(r->db, r->a, r->user.id, &c)) == DB_NOTFOUND)
		return fail_code(r, "otp");
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (c.target == NULL || strcmp(c.target, t->phone) != 0)
		return fail_code(r, "phone");
	/* five guesses a code: after them it is refused, even the right one */
	if (c.attempts >= OTP_MAX_ATTEMPTS)
		return fail_field(r, ERR_VALIDATION, "otp", "TOO_MANY_ATTEMPTS",
		    MSG_AUTH_CODE_TOO_MANY);
	if (!ct_streq(c.code_hash, t->hash)) {
		/* a wrong guess counts, committed although the answer is 422 */
		if ((rc = db_codes_attempt(r->db, r->a, c.id)) != DB_OK)
			return fail_db(r, rc);
		t->wrong = 1;
		return ERR_OK;
	}
	if ((rc = db_accounts_phone_verified(r->db, r->a, r->user.id, t->phone)) != DB_OK ||
	    (rc = db_codes_use(r->db, r->a, c.id)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
auth_verify_phone(struct req *r)
{
	const struct verify_phone_in *in = r->in;
	struct verify_phone_tx t;
	enum err e;

	memset(&t, 0, sizeof(t));
	t.phone = in->phone.s;
	otp_hash(r->user.id, in->otp.s, t.hash);
	if ((e = req_tx(r, verify_phone_work, &t)) != ERR_OK)
		return e;
	if (t.wrong)
		return fail_code(r, "otp");
	return reply_ok(r, 200, MSG_AUTH_PHONE_VERIFIED, NULL);
}

enum err
auth_me(struct req *r)
{
	return users_reply_user(r, 200, MSG_AUTH_ME, r->user.id);
}

/* /api/auth: sign-up, sign-in, sessions and one-time codes (seeds 000-003, DESIGN.md §4).
 *
 * A session is a short access token (JWT, 1 h) and a refresh token (256 random bits,
 * stored as SHA-256, 7 days) that rotates on every use inside its family; presenting a
 * rotated token again revokes the family. Both travel in the body and as HttpOnly
 * cookies. Codes sent to users (email verification, password reset, phone OTP) are
 * single-use, stored hashed, expire, and are queued in the outbox in the same
 * transaction that creates them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../store/activity.h"
#include "../core/auth.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../store/outbox.h"
#include "../core/phone.h"
#include "../core/router.h"
#include "../core/validate.h"
#include "../domain/identity.h"
#include "api.h"
#include "user_view.h"

#define EMAIL_TOKEN_TTL   "86400"   /* seconds: a verification link lasts a day */
#define RESET_TOKEN_TTL   "3600"    /* a password reset link lasts an hour */
#define OTP_TTL           "600"     /* a phone code lasts ten minutes */
#define OTP_MAX_ATTEMPTS  5
#define CODES_PER_HOUR    5         /* codes of one purpose a user may ask for per hour */

static const char SQL_INSERT_USER[] =
    "INSERT INTO users (email, phone, username, password_hash, role, first_name, last_name,"
    " preferred_language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_FIND_LOGIN[] =
    "SELECT id, password_hash, role, is_active, is_banned, ban_reason, banned_at,"
    " preferred_language FROM users"
    " WHERE (email = ? OR phone = ? OR username = ?) AND deleted_at IS NULL"
    " ORDER BY (email = ?) DESC LIMIT 1";
static const char SQL_FAILURES[] =
    "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(created_at), CURRENT_TIMESTAMP(3)), 0)"
    " FROM login_failures WHERE identifier = ? AND ip = ?"
    " AND created_at > CURRENT_TIMESTAMP(3) - INTERVAL ? SECOND";
static const char SQL_ADD_FAILURE[] =
    "INSERT INTO login_failures (identifier, ip) VALUES (?, ?)";
static const char SQL_LAST_LOGIN[] =
    "UPDATE users SET last_login = CURRENT_TIMESTAMP(3) WHERE id = ?";
static const char SQL_INSERT_REFRESH[] =
    "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, user_agent, ip)"
    " VALUES (?, ?, ?, CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND, ?, ?)";
static const char SQL_FIND_REFRESH[] =
    "SELECT t.id, t.user_id, t.family_id, t.expires_at < CURRENT_TIMESTAMP(3),"
    " t.revoked_at IS NOT NULL, u.role, u.is_active, u.is_banned, u.deleted_at IS NOT NULL,"
    " u.ban_reason, u.banned_at"
    " FROM refresh_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.token_hash = ? FOR UPDATE";
static const char SQL_ROTATE[] =
    "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3), revoke_reason = 'rotated'"
    " WHERE id = ?";
static const char SQL_REVOKE_FAMILY[] =
    "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3), revoke_reason = ?"
    " WHERE family_id = ? AND revoked_at IS NULL";
static const char SQL_REVOKE_FAMILY_OF[] =
    "UPDATE refresh_tokens t JOIN refresh_tokens f ON f.family_id = t.family_id"
    " SET t.revoked_at = CURRENT_TIMESTAMP(3), t.revoke_reason = 'logout'"
    " WHERE f.token_hash = ? AND t.revoked_at IS NULL";
static const char SQL_REVOKE_USER[] =
    "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3), revoke_reason = ?"
    " WHERE user_id = ? AND revoked_at IS NULL";
static const char SQL_REVOKE_ACCESS[] =
    "INSERT IGNORE INTO revoked_access_tokens (jti, expires_at) VALUES (?, FROM_UNIXTIME(?))";
static const char SQL_INSERT_CODE[] =
    "INSERT INTO one_time_codes (user_id, purpose, code_hash, target, expires_at)"
    " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND)";
static const char SQL_RETIRE_CODES[] =
    "UPDATE one_time_codes SET used_at = CURRENT_TIMESTAMP(3)"
    " WHERE user_id = ? AND purpose = ? AND used_at IS NULL";
static const char SQL_RECENT_CODES[] =
    "SELECT COUNT(*) FROM one_time_codes WHERE user_id = ? AND purpose = ?"
    " AND created_at > CURRENT_TIMESTAMP(3) - INTERVAL 1 HOUR";
static const char SQL_FIND_CODE[] =
    "SELECT c.id, c.user_id FROM one_time_codes c JOIN users u ON u.id = c.user_id"
    " WHERE c.purpose = ? AND c.code_hash = ? AND c.used_at IS NULL"
    " AND c.expires_at > CURRENT_TIMESTAMP(3) AND u.deleted_at IS NULL FOR UPDATE";
static const char SQL_FIND_OTP[] =
    "SELECT id, code_hash, attempts, target FROM one_time_codes"
    " WHERE user_id = ? AND purpose = 'phone_verify' AND used_at IS NULL"
    " AND expires_at > CURRENT_TIMESTAMP(3) ORDER BY id DESC LIMIT 1 FOR UPDATE";
static const char SQL_OTP_ATTEMPT[] =
    "UPDATE one_time_codes SET attempts = attempts + 1,"
    " used_at = IF(attempts + 1 >= ?, CURRENT_TIMESTAMP(3), used_at) WHERE id = ?";
static const char SQL_USE_CODE[] =
    "UPDATE one_time_codes SET used_at = CURRENT_TIMESTAMP(3) WHERE id = ?";
static const char SQL_EMAIL_VERIFIED[] =
    "UPDATE users SET email_verified = 1 WHERE id = ?";
static const char SQL_PHONE_VERIFIED[] =
    "UPDATE users SET phone_verified = 1 WHERE id = ? AND phone = ?";
static const char SQL_SET_PASSWORD[] =
    "UPDATE users SET password_hash = ?, email_verified = IF(?, 1, email_verified) WHERE id = ?";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id, first_name, preferred_language FROM users WHERE email = ? AND deleted_at IS NULL";
static const char SQL_USER_SECRET[] =
    "SELECT password_hash, role, phone, first_name, preferred_language, email FROM users"
    " WHERE id = ? AND deleted_at IS NULL";

/* --- sessions --- */

static void
set_cookie(struct req *r, const char *name, const char *value, const char *path, long max_age)
{
	resp_header(r, "Set-Cookie: %s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
	    name, value, path, max_age, (r->cfg->cookie_secure || r->https) ? "; Secure" : "");
}

/* Starts a session (family NULL: a new family) and puts token, refreshToken and
 * expiresIn into data. Runs inside the caller's transaction. */
static enum db_rc
open_session(struct req *r, long long uid, const char *role, const char *family,
    json_object *data)
{
	struct jwt_claims claims;
	char hash[65], ua[256];
	char *refresh = random_hex(r->a, 32), *access;
	enum db_rc rc;

	if (family == NULL)
		family = random_hex(r->a, 16);
	if (refresh == NULL || family == NULL)
		return DB_ERR;
	sha256_hex(refresh, strlen(refresh), hash);
	snprintf(ua, sizeof(ua), "%s", r->user_agent ? r->user_agent : "");
	rc = db_run(r->db, r->a, SQL_INSERT_REFRESH, DB_ARGS(DB_INT(uid), DB_STR(family),
	    DB_STR(hash), DB_INT(r->cfg->refresh_token_ttl), DB_STR(ua), DB_STR(r->remote_addr)),
	    NULL);
	if (rc != DB_OK)
		return rc;
	if ((access = jwt_issue(r->a, r->cfg, uid, role, &claims)) == NULL)
		return DB_ERR;
	json_object_object_add(data, "token", json_object_new_string(access));
	json_object_object_add(data, "refreshToken", json_object_new_string(refresh));
	json_object_object_add(data, "expiresIn", json_object_new_int(r->cfg->access_token_ttl));
	set_cookie(r, "accessToken", access, "/", r->cfg->access_token_ttl);
	set_cookie(r, "refreshToken", refresh, "/api", r->cfg->refresh_token_ttl);
	return DB_OK;
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

/* Creates a code, retires the older ones of its purpose and queues the message. */
static enum db_rc
send_code(struct req *r, long long uid, const char *purpose, const char *target,
    const char *first_name, enum lang lang)
{
	int otp = strcmp(purpose, "phone_verify") == 0;
	char *code = otp ? random_digits(r->a, 6) : random_hex(r->a, 32);
	const char *ttl = otp ? OTP_TTL : strcmp(purpose, "password_reset") == 0 ?
	    RESET_TOKEN_TTL : EMAIL_TOKEN_TTL;
	json_object *payload;
	char hash[65];
	enum db_rc rc;

	if (code == NULL)
		return DB_ERR;
	if (otp)
		otp_hash(uid, code, hash);
	else
		sha256_hex(code, strlen(code), hash);
	if ((rc = db_run(r->db, r->a, SQL_RETIRE_CODES, DB_ARGS(DB_INT(uid), DB_STR(purpose)),
	    NULL)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_INSERT_CODE, DB_ARGS(DB_INT(uid), DB_STR(purpose),
	    DB_STR(hash), DB_STR(target), DB_STR(ttl)), NULL)) != DB_OK)
		return rc;
	payload = json_owned(r->a, json_object_new_object());
	json_object_object_add(payload, "name", json_new_str(first_name));
	json_object_object_add(payload, otp ? "code" : "token", json_object_new_string(code));
	if (!otp) {
		const char *page = strcmp(purpose, "password_reset") == 0 ? "reset-password" :
		    "verify-email";

		json_object_object_add(payload, "link", json_object_new_string(arena_printf(r->a,
		    "%s/%s?token=%s", r->cfg->public_url, page, code)));
	}
	if (otp)
		return db_outbox_queue(r->db, r->a, OUTBOX_SMS, uid, target, "phone_otp", lang, NULL,
		    payload);
	return db_outbox_queue(r->db, r->a, OUTBOX_EMAIL, uid, target,
	    strcmp(purpose, "password_reset") == 0 ? "reset_password" : "verify_email", lang,
	    NULL, payload);
}

/* Finds a live long code by its hash and locks it; returns the user id or 0. */
static long long
take_code(struct req *r, const char *purpose, const char *token, long long *code_id,
    enum db_rc *rc)
{
	struct db_result res;
	char hash[65];

	sha256_hex(token, strlen(token), hash);
	*rc = db_run(r->db, r->a, SQL_FIND_CODE, DB_ARGS(DB_STR(purpose), DB_STR(hash)), &res);
	if (*rc != DB_OK || res.nrows == 0)
		return 0;
	*code_id = db_get_ll(&res, 0, 0, 0);
	return db_get_ll(&res, 0, 1, 0);
}

static void
reply_code_invalid(struct req *r, const char *field)
{
	reply_field_error(r, ERR_VALIDATION, field, "INVALID_OR_EXPIRED", MSG_AUTH_CODE_INVALID);
}

/* --- sign-up --- */

struct signup {
	const char *email;       /* normalized */
	const char *phone;       /* normalized */
	const char *username;
	const char *password;
	const char *first_name;
	const char *last_name;
	const char *role;        /* canonical */
	enum lang   lang;
};

/* Creates the user, the verification codes and, when data is not NULL, a session.
 * Replies on failure and returns 0; returns the new id on success. */
static long long
signup(struct req *r, const struct signup *s, json_object *data)
{
	char hash[PASSWORD_HASH_LEN];
	struct db_result res;
	long long uid = 0;
	json_object *d;
	enum db_rc rc;

	/* the slow hash runs before the transaction opens */
	if (password_hash(r->cfg, s->password, hash) != 0) {
		reply_error(r, ERR_INTERNAL, NULL);
		return 0;
	}
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((rc = db_run(r->db, r->a, SQL_INSERT_USER, DB_ARGS(DB_STR(s->email), DB_STR(s->phone),
	    DB_STR(s->username), DB_STR(hash), DB_STR(s->role), DB_STR(s->first_name),
	    DB_STR(s->last_name), DB_STR(lang_code(s->lang))), &res)) != DB_OK)
		goto fail;
	uid = (long long)res.insert_id;
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "role", json_object_new_string(s->role));
	if ((rc = send_code(r, uid, "email_verify", s->email, s->first_name, s->lang)) != DB_OK ||
	    (s->phone != NULL &&
	    (rc = send_code(r, uid, "phone_verify", s->phone, s->first_name, s->lang)) != DB_OK))
		goto fail;
	r->user.id = uid;   /* the activity log names the new user as the actor */
	(void)role_parse(s->role, &r->user.role);
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "user.register", "user", uid, d)) != DB_OK)
		goto fail;
	if (data != NULL && (rc = open_session(r, uid, s->role, NULL, data)) != DB_OK)
		goto fail;
	if ((rc = db_commit(r->db)) != DB_OK)
		goto fail;
	return uid;
fail:
	db_rollback(r->db);
	r->user.id = 0;
	users_reply_taken(r, rc);
	return 0;
}

static const char *const langs[] = { "ar", "en", NULL };

static const struct vfield register_fields[] = {
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, 0, NULL },
	{ "phone", V_PHONE, VF_REQUIRED, 0, 32, NULL, 0, NULL },
	{ "password", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, 0, NULL },
	{ "firstName", V_STRING, VF_REQUIRED, 1, 100, NULL, 0, NULL },
	{ "lastName", V_STRING, VF_REQUIRED, 1, 100, NULL, 0, NULL },
	{ "username", V_STRING, 0, 3, 64, NULL, 0, NULL },
	{ "role", V_STRING, 0, 1, 32, NULL, 0, NULL },
	{ "preferredLanguage", V_ENUM, 0, 0, 0, langs, 0, NULL },
};

/* Seed 002 sends fullName: split it into first and last name when those are absent. */
static void
split_full_name(struct req *r, json_object *body)
{
	const char *full = json_get_str(body, "fullName"), *sp;

	if (full == NULL || json_has(body, "firstName"))
		return;
	while (*full == ' ')
		full++;
	sp = strchr(full, ' ');
	json_object_object_add(body, "firstName", json_object_new_string(sp ?
	    arena_strndup(r->a, full, (size_t)(sp - full)) : full));
	if (!json_has(body, "lastName"))
		json_object_object_add(body, "lastName", json_object_new_string(sp ? sp + 1 : "-"));
}

/* Fills s from a validated body; replies 422 and returns -1 on a rule the field list
 * cannot express. */
static int
signup_from(struct req *r, struct signup *s, const char *email, const char *phone,
    const char *username, const char *role_word, const char *pref)
{
	char *e = arena_alloc(r->a, 256), *p = NULL;

	memset(s, 0, sizeof(*s));
	(void)email_normalize(email, e, 256);
	if (phone != NULL) {
		p = arena_alloc(r->a, PHONE_E164_LEN);
		(void)phone_normalize(phone, p, PHONE_E164_LEN);
	}
	if (username != NULL && !username_valid(username)) {
		reply_field_error(r, ERR_VALIDATION, "username", "INVALID_FORMAT", MSG_V_INVALID_FORMAT);
		return -1;
	}
	if ((s->role = role_for_signup(role_word)) == NULL) {
		reply_field_error(r, ERR_VALIDATION, "role", "INVALID_VALUE", MSG_V_INVALID_VALUE);
		return -1;
	}
	s->email = e;
	s->phone = p;
	s->username = username;
	s->lang = r->lang;
	if (pref != NULL)
		(void)lang_parse(pref, &s->lang);
	return 0;
}

void
auth_register(struct req *r)
{
	json_object *data, *user;
	struct signup s;
	long long uid;
	enum db_rc rc;

	if (json_object_is_type(r->json, json_type_object))
		split_full_name(r, r->json);
	if (validate_or_reply(r, r->json, register_fields, NFIELDS(register_fields)) != 0)
		return;
	if (signup_from(r, &s, json_get_str(r->json, "email"), json_get_str(r->json, "phone"),
	    json_get_str(r->json, "username"), json_get_str(r->json, "role"),
	    json_get_str(r->json, "preferredLanguage")) != 0)
		return;
	s.password = json_get_str(r->json, "password");
	s.first_name = json_get_str(r->json, "firstName");
	s.last_name = json_get_str(r->json, "lastName");
	data = json_owned(r->a, json_object_new_object());
	if ((uid = signup(r, &s, data)) == 0)
		return;
	if ((user = user_view_load(r, uid, &rc)) == NULL) {
		reply_db_error(r, rc == DB_OK ? DB_ERR : rc);
		return;
	}
	json_object_object_add(data, "user", user);
	reply_ok(r, 201, MSG_AUTH_REGISTERED, json_object_get(data));
}

/* Seed 003: {username, first_name, last_name, email, phone_number, password, user_type}
 * -> 201 {username, first_name, email}. */
static const char *const v1_types[] = { "customer", "mechanic", NULL };
static const struct vfield v1_register_fields[] = {
	{ "username", V_STRING, VF_REQUIRED, 3, 64, NULL, 0, NULL },
	{ "first_name", V_STRING, VF_REQUIRED, 1, 100, NULL, 0, NULL },
	{ "last_name", V_STRING, VF_REQUIRED, 1, 100, NULL, 0, NULL },
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, 0, NULL },
	{ "phone_number", V_PHONE, VF_REQUIRED, 0, 32, NULL, 0, NULL },
	{ "password", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, 0, NULL },
	{ "user_type", V_ENUM, 0, 0, 0, v1_types, 0, NULL },
};

void
auth_v1_register(struct req *r)
{
	json_object *out;
	struct signup s;

	if (validate_or_reply(r, r->json, v1_register_fields, NFIELDS(v1_register_fields)) != 0)
		return;
	if (signup_from(r, &s, json_get_str(r->json, "email"),
	    json_get_str(r->json, "phone_number"), json_get_str(r->json, "username"),
	    json_get_str(r->json, "user_type"), NULL) != 0)
		return;
	s.password = json_get_str(r->json, "password");
	s.first_name = json_get_str(r->json, "first_name");
	s.last_name = json_get_str(r->json, "last_name");
	if (signup(r, &s, NULL) == 0)
		return;
	out = json_object_new_object();
	json_object_object_add(out, "username", json_object_new_string(s.username));
	json_object_object_add(out, "first_name", json_object_new_string(s.first_name));
	json_object_object_add(out, "email", json_object_new_string(s.email));
	reply_json(r, 201, out);
}

/* --- sign-in --- */

/* Checks the credentials, the failed-login limit, the ban and the login type, then opens
 * a session into data. Replies and returns 0 on refusal; returns the user id. */
static long long
sign_in(struct req *r, const char *identifier, const char *password, enum login_type type,
    json_object *data)
{
	char email[256], phone[PHONE_E164_LEN], key[300];
	const char *ip = r->remote_addr ? r->remote_addr : "-", *role;
	struct db_result res, fails;
	long long uid = 0, wait;
	enum db_rc rc;

	if (type == LOGIN_INVALID) {
		reply_error(r, ERR_ROLE_NOT_ALLOWED, NULL);
		return 0;
	}
	if (email_normalize(identifier, email, sizeof(email)) != 0)
		snprintf(email, sizeof(email), "%s", identifier);
	if (identifier_kind(identifier, phone, sizeof(phone)) != IDENT_PHONE)
		phone[0] = '\0';
	/* the limit counts per identifier and address, so one attacker cannot lock a user
	 * out from everywhere, and a shared carrier address does not lock out everyone */
	snprintf(key, sizeof(key), "%s", phone[0] ? phone : email);
	rc = db_run(r->db, r->a, SQL_FAILURES, DB_ARGS(DB_STR(key), DB_STR(ip),
	    DB_INT(r->cfg->login_window_seconds)), &fails);
	if (rc != DB_OK)
		goto dberr;
	wait = login_retry_after(db_get_ll(&fails, 0, 0, 0), r->cfg->login_max_failures,
	    db_get_ll(&fails, 0, 1, 0), r->cfg->login_window_seconds);
	if (wait > 0) {
		resp_header_keep(r, "Retry-After: %lld", wait);
		reply_error_msg(r, ERR_RATE_LIMITED, MSG_AUTH_TOO_MANY_LOGINS);
		return 0;
	}
	rc = db_run(r->db, r->a, SQL_FIND_LOGIN, DB_ARGS(DB_STR(email),
	    DB_STR(phone[0] ? phone : NULL), DB_STR(identifier), DB_STR(email)), &res);
	if (rc != DB_OK)
		goto dberr;
	if (res.nrows == 0)
		password_burn(r->cfg, password);   /* the same time as a wrong password */
	if (res.nrows == 0 || !password_verify(db_get(&res, 0, 1), password)) {
		if ((rc = db_run(r->db, r->a, SQL_ADD_FAILURE, DB_ARGS(DB_STR(key), DB_STR(ip)),
		    NULL)) != DB_OK)
			goto dberr;
		reply_error(r, ERR_INVALID_CREDENTIALS, NULL);
		return 0;
	}
	uid = db_get_ll(&res, 0, 0, 0);
	role = db_get(&res, 0, 2);
	req_set_user_lang(r, db_get(&res, 0, 7));
	if (db_get_ll(&res, 0, 4, 0)) {
		reply_user_banned(r, db_get(&res, 0, 5), db_get(&res, 0, 6));
		return 0;
	}
	if (!db_get_ll(&res, 0, 3, 1)) {
		reply_error(r, ERR_ACCOUNT_DISABLED, NULL);
		return 0;
	}
	if (!login_type_admits(type, role)) {
		reply_error(r, ERR_ROLE_NOT_ALLOWED, NULL);
		return 0;
	}
	if ((rc = db_begin(r->db)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_LAST_LOGIN, DB_ARGS(DB_INT(uid)), NULL)) != DB_OK ||
	    (rc = open_session(r, uid, role, NULL, data)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK) {
		db_rollback(r->db);
		goto dberr;
	}
	return uid;
dberr:
	reply_db_error(r, rc == DB_OK ? DB_ERR : rc);
	return 0;
}

/* One identifier under any of the seeds' names (DESIGN.md §4). */
static const char *
login_identifier(json_object *body)
{
	static const char *const names[] = { "identifier", "email", "phone", "username",
		"loginIdentifier" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = json_get_str(body, names[i]);

		if (v != NULL && *v != '\0')
			return v;
	}
	return NULL;
}

static const struct vfield login_fields[] = {
	{ "identifier", V_STRING, 0, 1, 254, NULL, 0, NULL },
	{ "email", V_STRING, 0, 1, 254, NULL, 0, NULL },
	{ "phone", V_STRING, 0, 1, 32, NULL, 0, NULL },
	{ "username", V_STRING, 0, 1, 64, NULL, 0, NULL },
	{ "loginIdentifier", V_STRING, 0, 1, 254, NULL, 0, NULL },
	{ "password", V_STRING, VF_REQUIRED, 1, 128, NULL, 0, NULL },
	{ "type", V_STRING, 0, 0, 32, NULL, 0, NULL },
};

void
auth_login(struct req *r)
{
	json_object *data, *user;
	enum login_type type;
	const char *id;
	long long uid;
	enum db_rc rc;

	if (validate_or_reply(r, r->json, login_fields, NFIELDS(login_fields)) != 0)
		return;
	if ((id = login_identifier(r->json)) == NULL) {
		reply_field_error(r, ERR_VALIDATION, "identifier", "REQUIRED", MSG_V_REQUIRED);
		return;
	}
	/* seed 001 §5.1: the dashboard's sign-in takes an email, never a phone or username */
	type = login_type_parse(json_get_str(r->json, "type"));
	if (type == LOGIN_ADMINS && strchr(id, '@') == NULL) {
		reply_field_error(r, ERR_VALIDATION, "identifier", "INVALID_FORMAT",
		    MSG_AUTH_STAFF_EMAIL_ONLY);
		return;
	}
	data = json_owned(r->a, json_object_new_object());
	if ((uid = sign_in(r, id, json_get_str(r->json, "password"), type, data)) == 0)
		return;
	if ((user = user_view_load(r, uid, &rc)) == NULL) {
		reply_db_error(r, rc == DB_OK ? DB_ERR : rc);
		return;
	}
	json_object_object_add(data, "user", user);
	reply_ok(r, 200, MSG_AUTH_LOGGED_IN, json_object_get(data));
}

/* Seed 003: {username, password} -> 202 {token, refresh_token}. */
static const struct vfield v1_login_fields[] = {
	{ "username", V_STRING, VF_REQUIRED, 1, 254, NULL, 0, NULL },
	{ "password", V_STRING, VF_REQUIRED, 1, 128, NULL, 0, NULL },
};

void
auth_v1_login(struct req *r)
{
	json_object *data, *out, *v;

	if (validate_or_reply(r, r->json, v1_login_fields, NFIELDS(v1_login_fields)) != 0)
		return;
	data = json_owned(r->a, json_object_new_object());
	if (sign_in(r, json_get_str(r->json, "username"), json_get_str(r->json, "password"),
	    LOGIN_ANY, data) == 0)
		return;
	out = json_object_new_object();
	json_object_object_get_ex(data, "token", &v);
	json_object_object_add(out, "token", json_object_get(v));
	json_object_object_get_ex(data, "refreshToken", &v);
	json_object_object_add(out, "refresh_token", json_object_get(v));
	reply_json(r, 202, out);
}

/* --- refresh and logout --- */

static const char *
presented_refresh_token(struct req *r)
{
	const char *t = json_get_str(r->json, "refreshToken");

	if (t == NULL)
		t = json_get_str(r->json, "refresh_token");
	if (t == NULL)
		t = req_cookie(r, "refreshToken");
	return (t != NULL && *t != '\0' && strlen(t) <= 256) ? t : NULL;
}

static const struct vfield refresh_fields[] = {
	{ "refreshToken", V_STRING, 0, 1, 256, NULL, 0, NULL },
	{ "refresh_token", V_STRING, 0, 1, 256, NULL, 0, NULL },
};

void
auth_refresh(struct req *r)
{
	const char *tok, *family, *role;
	struct db_result res;
	json_object *data;
	char hash[65];
	enum db_rc rc;

	if (validate_or_reply(r, r->json, refresh_fields, NFIELDS(refresh_fields)) != 0)
		return;
	if ((tok = presented_refresh_token(r)) == NULL) {
		reply_field_error(r, ERR_VALIDATION, "refreshToken", "REQUIRED", MSG_V_REQUIRED);
		return;
	}
	sha256_hex(tok, strlen(tok), hash);
	if ((rc = db_begin(r->db)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_FIND_REFRESH, DB_ARGS(DB_STR(hash)), &res)) != DB_OK)
		goto fail;
	if (res.nrows == 0 || db_get_ll(&res, 0, 3, 1) != 0 || db_get_ll(&res, 0, 8, 1) != 0) {
		db_rollback(r->db);
		reply_error(r, ERR_TOKEN_INVALID, NULL);
		return;
	}
	family = db_get(&res, 0, 2);
	if (db_get_ll(&res, 0, 4, 0) != 0) {
		/* a rotated token came back: someone holds a copy; end the whole family */
		if ((rc = db_run(r->db, r->a, SQL_REVOKE_FAMILY, DB_ARGS(DB_STR("reuse"),
		    DB_STR(family)), NULL)) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
			goto fail;
		log_warn("msg=refresh_token_reuse user=%lld family=%s", db_get_ll(&res, 0, 1, 0),
		    family);
		clear_cookies(r);
		reply_error(r, ERR_TOKEN_INVALID, NULL);
		return;
	}
	if (db_get_ll(&res, 0, 7, 0) != 0) {
		db_rollback(r->db);
		reply_user_banned(r, db_get(&res, 0, 9), db_get(&res, 0, 10));
		return;
	}
	if (db_get_ll(&res, 0, 6, 1) == 0) {
		db_rollback(r->db);
		reply_error(r, ERR_ACCOUNT_DISABLED, NULL);
		return;
	}
	role = db_get(&res, 0, 5);
	data = json_owned(r->a, json_object_new_object());
	if ((rc = db_run(r->db, r->a, SQL_ROTATE, DB_ARGS(DB_INT(db_get_ll(&res, 0, 0, 0))),
	    NULL)) != DB_OK ||
	    (rc = open_session(r, db_get_ll(&res, 0, 1, 0), role, family, data)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_AUTH_REFRESHED, json_object_get(data));
	return;
fail:
	reply_rollback(r, rc);
}

void
auth_logout(struct req *r)
{
	const char *tok;
	char hash[65];
	enum db_rc rc;

	if (validate_or_reply(r, r->json, refresh_fields, NFIELDS(refresh_fields)) != 0)
		return;
	tok = presented_refresh_token(r);
	if (tok == NULL && r->user.id == 0) {
		reply_error(r, ERR_UNAUTHORIZED, NULL);
		return;
	}
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if (tok != NULL) {
		sha256_hex(tok, strlen(tok), hash);
		if ((rc = db_run(r->db, r->a, SQL_REVOKE_FAMILY_OF, DB_ARGS(DB_STR(hash)),
		    NULL)) != DB_OK)
			goto fail;
	}
	/* the access token itself stops working too, not only at its expiry */
	if (r->user.id != 0 && (rc = db_run(r->db, r->a, SQL_REVOKE_ACCESS,
	    DB_ARGS(DB_STR(r->user.jti), DB_INT(r->user.token_exp)), NULL)) != DB_OK)
		goto fail;
	if ((rc = db_commit(r->db)) != DB_OK)
		goto fail;
	clear_cookies(r);
	reply_ok(r, 200, MSG_AUTH_LOGGED_OUT, NULL);
	return;
fail:
	reply_rollback(r, rc);
}

/* --- passwords --- */

static const struct vfield forgot_fields[] = {
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, 0, NULL },
};

/* Always the same answer, so the endpoint does not tell who is registered. */
void
auth_forgot_password(struct req *r)
{
	struct db_result res, recent;
	char email[256];
	enum lang lang = r->lang;
	long long uid;
	enum db_rc rc;

	if (validate_or_reply(r, r->json, forgot_fields, NFIELDS(forgot_fields)) != 0)
		return;
	(void)email_normalize(json_get_str(r->json, "email"), email, sizeof(email));
	if ((rc = db_run(r->db, r->a, SQL_USER_BY_EMAIL, DB_ARGS(DB_STR(email)), &res)) != DB_OK)
		goto fail;
	if (res.nrows == 0)
		goto done;
	uid = db_get_ll(&res, 0, 0, 0);
	if ((rc = db_run(r->db, r->a, SQL_RECENT_CODES, DB_ARGS(DB_INT(uid),
	    DB_STR("password_reset")), &recent)) != DB_OK)
		goto fail;
	if (db_get_ll(&recent, 0, 0, 0) >= CODES_PER_HOUR)
		goto done;
	(void)lang_parse(db_get(&res, 0, 2), &lang);
	if ((rc = db_begin(r->db)) != DB_OK ||
	    (rc = send_code(r, uid, "password_reset", email, db_get(&res, 0, 1), lang)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
done:
	reply_ok(r, 200, MSG_AUTH_RESET_SENT, NULL);
	return;
fail:
	reply_rollback(r, rc);
}

static const struct vfield reset_fields[] = {
	{ "token", V_STRING, VF_REQUIRED, 1, 256, NULL, 0, NULL },
	{ "newPassword", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, 0, NULL },
};

void
auth_reset_password(struct req *r)
{
	char hash[PASSWORD_HASH_LEN];
	long long uid, code_id = 0;
	enum db_rc rc = DB_OK;

	json_alias(r->json, "password", "newPassword");   /* seed 002 clients */
	if (validate_or_reply(r, r->json, reset_fields, NFIELDS(reset_fields)) != 0)
		return;
	if (password_hash(r->cfg, json_get_str(r->json, "newPassword"), hash) != 0) {
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((uid = take_code(r, "password_reset", json_get_str(r->json, "token"), &code_id,
	    &rc)) == 0) {
		if (rc != DB_OK)
			goto fail;
		db_rollback(r->db);
		reply_code_invalid(r, "token");
		return;
	}
	/* the link proved the address; every session of the old password ends */
	if ((rc = db_run(r->db, r->a, SQL_SET_PASSWORD, DB_ARGS(DB_STR(hash), DB_INT(1),
	    DB_INT(uid)), NULL)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_USE_CODE, DB_ARGS(DB_INT(code_id)), NULL)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_REVOKE_USER, DB_ARGS(DB_STR("password"), DB_INT(uid)),
	    NULL)) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_AUTH_PASSWORD_RESET, NULL);
	return;
fail:
	reply_rollback(r, rc);
}

static const struct vfield change_fields[] = {
	{ "currentPassword", V_STRING, VF_REQUIRED, 1, 128, NULL, 0, NULL },
	{ "newPassword", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, 0, NULL },
};

void
auth_change_password(struct req *r)
{
	char hash[PASSWORD_HASH_LEN];
	struct db_result res;
	json_object *data;
	enum db_rc rc;

	if (validate_or_reply(r, r->json, change_fields, NFIELDS(change_fields)) != 0)
		return;
	if ((rc = db_run(r->db, r->a, SQL_USER_SECRET, DB_ARGS(DB_INT(r->user.id)), &res)) != DB_OK)
		goto fail;
	if (res.nrows == 0 ||
	    !password_verify(db_get(&res, 0, 0), json_get_str(r->json, "currentPassword"))) {
		reply_field_error(r, ERR_VALIDATION, "currentPassword", "INVALID",
		    MSG_AUTH_WRONG_PASSWORD);
		return;
	}
	if (strcmp(json_get_str(r->json, "currentPassword"),
	    json_get_str(r->json, "newPassword")) == 0) {
		reply_field_error(r, ERR_VALIDATION, "newPassword", "INVALID_VALUE", MSG_V_INVALID_VALUE);
		return;
	}
	if (password_hash(r->cfg, json_get_str(r->json, "newPassword"), hash) != 0) {
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	/* other sessions end; this one continues with a fresh pair of tokens */
	data = json_owned(r->a, json_object_new_object());
	if ((rc = db_begin(r->db)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_SET_PASSWORD, DB_ARGS(DB_STR(hash), DB_INT(0),
	    DB_INT(r->user.id)), NULL)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_REVOKE_USER, DB_ARGS(DB_STR("password"),
	    DB_INT(r->user.id)), NULL)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_REVOKE_ACCESS, DB_ARGS(DB_STR(r->user.jti),
	    DB_INT(r->user.token_exp)), NULL)) != DB_OK ||
	    (rc = open_session(r, r->user.id, db_get(&res, 0, 1), NULL, data)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_AUTH_PASSWORD_CHANGED, json_object_get(data));
	return;
fail:
	reply_rollback(r, rc);
}

/* --- verification --- */

static const struct vfield verify_email_fields[] = {
	{ "token", V_STRING, VF_REQUIRED, 1, 256, NULL, 0, NULL },
};

void
auth_verify_email(struct req *r)
{
	long long uid, code_id = 0;
	enum db_rc rc = DB_OK;

	if (validate_or_reply(r, r->json, verify_email_fields, NFIELDS(verify_email_fields)) != 0)
		return;
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((uid = take_code(r, "email_verify", json_get_str(r->json, "token"), &code_id,
	    &rc)) == 0) {
		if (rc != DB_OK)
			goto fail;
		db_rollback(r->db);
		reply_code_invalid(r, "token");
		return;
	}
	if ((rc = db_run(r->db, r->a, SQL_EMAIL_VERIFIED, DB_ARGS(DB_INT(uid)), NULL)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_USE_CODE, DB_ARGS(DB_INT(code_id)), NULL)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_AUTH_EMAIL_VERIFIED, NULL);
	return;
fail:
	reply_rollback(r, rc);
}

void
auth_send_phone_code(struct req *r)
{
	struct db_result res, recent;
	enum lang lang = r->lang;
	enum db_rc rc;

	if ((rc = db_run(r->db, r->a, SQL_USER_SECRET, DB_ARGS(DB_INT(r->user.id)), &res)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_RECENT_CODES, DB_ARGS(DB_INT(r->user.id),
	    DB_STR("phone_verify")), &recent)) != DB_OK)
		goto fail;
	if (res.nrows == 0 || db_get(&res, 0, 2) == NULL) {
		reply_field_error(r, ERR_VALIDATION, "phone", "REQUIRED", MSG_V_REQUIRED);
		return;
	}
	if (db_get_ll(&recent, 0, 0, 0) >= CODES_PER_HOUR) {
		resp_header_keep(r, "Retry-After: 3600");
		reply_error_msg(r, ERR_RATE_LIMITED, MSG_AUTH_CODE_TOO_MANY);
		return;
	}
	(void)lang_parse(db_get(&res, 0, 4), &lang);
	if ((rc = db_begin(r->db)) != DB_OK ||
	    (rc = send_code(r, r->user.id, "phone_verify", db_get(&res, 0, 2), db_get(&res, 0, 3),
	    lang)) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_AUTH_VERIFICATION_SENT, NULL);
	return;
fail:
	reply_rollback(r, rc);
}

static const struct vfield verify_phone_fields[] = {
	{ "phone", V_PHONE, VF_REQUIRED, 0, 32, NULL, 0, NULL },
	{ "otp", V_STRING, VF_REQUIRED, 4, 8, NULL, 0, NULL },
};

void
auth_verify_phone(struct req *r)
{
	char phone[PHONE_E164_LEN], hash[65];
	struct db_result res;
	enum db_rc rc;

	json_alias(r->json, "code", "otp");
	if (validate_or_reply(r, r->json, verify_phone_fields, NFIELDS(verify_phone_fields)) != 0)
		return;
	(void)phone_normalize(json_get_str(r->json, "phone"), phone, sizeof(phone));
	otp_hash(r->user.id, json_get_str(r->json, "otp"), hash);
	if ((rc = db_begin(r->db)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_FIND_OTP, DB_ARGS(DB_INT(r->user.id)), &res)) != DB_OK)
		goto fail;
	if (res.nrows == 0 || db_get(&res, 0, 3) == NULL || strcmp(db_get(&res, 0, 3), phone) != 0) {
		db_rollback(r->db);
		reply_code_invalid(r, res.nrows == 0 ? "otp" : "phone");
		return;
	}
	if (!ct_streq(db_get(&res, 0, 1), hash)) {
		/* a wrong guess counts; the fifth one burns the code */
		if ((rc = db_run(r->db, r->a, SQL_OTP_ATTEMPT, DB_ARGS(DB_INT(OTP_MAX_ATTEMPTS),
		    DB_INT(db_get_ll(&res, 0, 0, 0))), NULL)) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
			goto fail;
		if (db_get_ll(&res, 0, 2, 0) + 1 >= OTP_MAX_ATTEMPTS)
			reply_field_error(r, ERR_VALIDATION, "otp", "TOO_MANY_ATTEMPTS",
			    MSG_AUTH_CODE_TOO_MANY);
		else
			reply_code_invalid(r, "otp");
		return;
	}
	if ((rc = db_run(r->db, r->a, SQL_PHONE_VERIFIED, DB_ARGS(DB_INT(r->user.id),
	    DB_STR(phone)), NULL)) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_USE_CODE, DB_ARGS(DB_INT(db_get_ll(&res, 0, 0, 0))),
	    NULL)) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_AUTH_PHONE_VERIFIED, NULL);
	return;
fail:
	reply_rollback(r, rc);
}

void
auth_me(struct req *r)
{
	json_object *user, *data;
	enum db_rc rc;

	if ((user = user_view_load(r, r->user.id, &rc)) == NULL) {
		reply_db_error(r, rc == DB_OK ? DB_ERR : rc);
		return;
	}
	data = json_object_new_object();
	json_object_object_add(data, "user", user);
	reply_ok(r, 200, MSG_AUTH_ME, data);
}

/* /api/admin/users: seed 001 §5.8's user management for the dashboard — the paginated
 * list, staff accounts, ban and unban — and `warsha-fcgi --create-admin`, which makes
 * the first admin (DESIGN.md §7).
 *
 * Who may do what (seed 001 §7.6: a moderator moderates but is not an admin):
 * - admins: create admins and moderators; ban and unban anyone but themselves,
 *   other admins included (an admin account gone rogue must be stoppable by a peer).
 * - moderators: create moderators only; ban and unban customers, technicians and
 *   corporate accounts, never an admin or another moderator (403).
 * - nobody bans themselves (409: a state change not allowed on oneself).
 * A ban ends every session at once: refresh tokens are revoked here, and the router
 * reads is_banned on every request, so access tokens already issued stop working. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/activity.h"
#include "../core/auth.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../core/phone.h"
#include "../core/router.h"
#include "../core/validate.h"
#include "../domain/identity.h"
#include "api.h"
#include "user_view.h"

static const char SQL_INSERT_STAFF[] =
    "INSERT INTO users (email, phone, password_hash, role, first_name, last_name,"
    " email_verified) VALUES (?, ?, ?, ?, ?, ?, 1)";
static const char SQL_LOCK_TARGET[] =
    "SELECT role, is_banned, ban_reason FROM users WHERE id = ? AND deleted_at IS NULL"
    " FOR UPDATE";
static const char SQL_BAN[] =
    "UPDATE users SET is_banned = 1, ban_reason = ?, banned_at = CURRENT_TIMESTAMP(3),"
    " banned_by = ? WHERE id = ?";
static const char SQL_UNBAN[] =
    "UPDATE users SET is_banned = 0, ban_reason = NULL, banned_at = NULL, banned_by = NULL"
    " WHERE id = ?";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id FROM users WHERE email = ?";
/* --create-admin runs without a request, so without activity_record(): the actor is
 * nobody (NULL), and there is no address. */
static const char SQL_BOOTSTRAP_ACTIVITY[] =
    "INSERT INTO activity_log (actor_id, actor_role, action, target_type, target_id, details)"
    " VALUES (NULL, NULL, 'admin.bootstrap', 'user', ?, ?)";

static int
is_staff_role(const char *role)
{
	return strcmp(role, "admin") == 0 || strcmp(role, "moderator") == 0;
}

void
admin_users_list(struct req *r)
{
	users_list_filtered(r, 1);
}

/* --- staff accounts --- */

/* seed 001 writes roles capitalized ("Admin", "Moderator") */
static const char *const staff_roles[] = { "admin", "moderator", "Admin", "Moderator", "ADMIN",
	"MODERATOR", NULL };

static const struct vfield create_fields[] = {
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL },
	{ "password", V_PASSWORD, VF_REQUIRED, 0, 0, NULL },
	{ "firstName", V_STRING, VF_REQUIRED, 1, 100, NULL },
	{ "lastName", V_STRING, VF_REQUIRED, 1, 100, NULL },
	{ "phone", V_PHONE, VF_NULLABLE, 0, 0, NULL },
	{ "role", V_ENUM, 0, 0, 0, staff_roles },   /* default: admin */
};

void
admin_users_create_admin(struct req *r)
{
	const char *phone_in = json_get_str(r->json, "phone"), *role = "admin", *word;
	char email[256], phone[PHONE_E164_LEN], hash[PASSWORD_HASH_LEN];
	struct db_result res;
	json_object *d;
	long long id;
	enum db_rc rc;

	if (validate_or_reply(r, r->json, create_fields, NFIELDS(create_fields)) != 0)
		return;
	if ((word = json_get_str(r->json, "role")) != NULL)
		role = role_from_alias(word);   /* one of staff_roles: "admin" or "moderator" */
	if (r->user.role != ROLE_ADMIN && strcmp(role, "moderator") != 0) {
		reply_error_msg(r, ERR_FORBIDDEN, "admin.admins_only");
		return;
	}
	/* validated above, so both normalize */
	(void)email_normalize(json_get_str(r->json, "email"), email, sizeof(email));
	if (phone_in != NULL)
		(void)phone_normalize(phone_in, phone, sizeof(phone));
	/* the slow hash runs before the transaction opens */
	if (password_hash(r->cfg, json_get_str(r->json, "password"), hash) != 0) {
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((rc = db_run(r->db, r->a, SQL_INSERT_STAFF, DB_ARGS(DB_STR(email),
	    DB_STR(phone_in != NULL ? phone : NULL), DB_STR(hash), DB_STR(role),
	    DB_STR(json_get_str(r->json, "firstName")), DB_STR(json_get_str(r->json, "lastName"))),
	    &res)) != DB_OK)
		goto fail;
	id = (long long)res.insert_id;
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "role", json_object_new_string(role));
	json_object_object_add(d, "email", json_object_new_string(email));
	if ((rc = activity_record(r, "admin.create", "user", id, d)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	explicit_bzero(hash, sizeof(hash));
	users_reply_user(r, 201, "admin.created", id);
	return;
fail:
	explicit_bzero(hash, sizeof(hash));
	db_rollback(r->db);
	users_reply_taken(r, rc);
}

/* --- ban and unban --- */

static const struct vfield ban_fields[] = {
	{ "reason", V_STRING, VF_REQUIRED, 3, 500, NULL },
};

/* Locks the target of a ban or unban and checks who may touch it. Replies and returns
 * -1 when the request ends here. */
static int
lock_target(struct req *r, long long id, struct db_result *row)
{
	if (begin_locked_row(r, SQL_LOCK_TARGET, id, row) != 0)
		return -1;
	if (r->user.role != ROLE_ADMIN && is_staff_role(db_get(row, 0, 0))) {
		db_rollback(r->db);
		reply_error_msg(r, ERR_FORBIDDEN, "admin.admins_only");
		return -1;
	}
	return 0;
}

void
admin_users_ban(struct req *r)
{
	struct db_result row;
	json_object *d;
	const char *reason;
	long long id;
	enum db_rc rc = DB_OK;

	if (req_param_id(r, 0, &id) != 0)
		return;
	if (validate_or_reply(r, r->json, ban_fields, NFIELDS(ban_fields)) != 0)
		return;
	reason = json_get_str(r->json, "reason");
	if (id == r->user.id) {
		reply_error_msg(r, ERR_CONFLICT, "user.self_action");
		return;
	}
	if (lock_target(r, id, &row) != 0)
		return;
	if (db_get_ll(&row, 0, 1, 0) != 0) {
		db_rollback(r->db);
		reply_error_msg(r, ERR_CONFLICT, "user.already_banned");
		return;
	}
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "reason", json_object_new_string(reason));
	if ((rc = db_run(r->db, r->a, SQL_BAN, DB_ARGS(DB_STR(reason), DB_INT(r->user.id),
	    DB_INT(id)), NULL)) != DB_OK ||
	    (rc = users_revoke_sessions(r, id, "banned")) != DB_OK ||
	    (rc = activity_record(r, "user.ban", "user", id, d)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	users_reply_user(r, 200, "user.banned", id);
	return;
fail:
	reply_rollback(r, rc);
}

void
admin_users_unban(struct req *r)
{
	struct db_result row;
	json_object *d;
	long long id;
	enum db_rc rc = DB_OK;

	if (req_param_id(r, 0, &id) != 0)
		return;
	if (id == r->user.id) {   /* unreachable in practice: a banned caller gets no further */
		reply_error_msg(r, ERR_CONFLICT, "user.self_action");
		return;
	}
	if (lock_target(r, id, &row) != 0)
		return;
	if (db_get_ll(&row, 0, 1, 0) == 0) {
		db_rollback(r->db);
		reply_error_msg(r, ERR_CONFLICT, "user.not_banned");
		return;
	}
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "reason", json_new_str(db_get(&row, 0, 2)));
	if ((rc = db_run(r->db, r->a, SQL_UNBAN, DB_ARGS(DB_INT(id)), NULL)) != DB_OK ||
	    (rc = activity_record(r, "user.unban", "user", id, d)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	users_reply_user(r, 200, "user.unbanned", id);
	return;
fail:
	reply_rollback(r, rc);
}

/* --- warsha-fcgi --create-admin --- */

#define GENERATED_PASSWORD_LEN 20

/* A password of GENERATED_PASSWORD_LEN characters from [A-Za-z0-9] (about 119 bits),
 * drawn again until it holds an upper-case letter, a lower-case letter and a digit, so
 * it meets the policy it will be held to. */
static int
generate_password(char out[GENERATED_PASSWORD_LEN + 1])
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char buf[64];
	size_t n, i;

	do {
		n = 0;
		while (n < GENERATED_PASSWORD_LEN) {
			if (random_bytes(buf, sizeof(buf)) != 0)
				return -1;
			/* 248 = 4 * 62: larger bytes are dropped, so every character is equally likely */
			for (i = 0; i < sizeof(buf) && n < GENERATED_PASSWORD_LEN; i++)
				if (buf[i] < 248)
					out[n++] = alphabet[buf[i] % 62];
		}
		out[n] = '\0';
	} while (!password_policy_ok(out));
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* The first admin, from WARSHA_ADMIN_EMAIL (default admin@warsha.local) and
 * WARSHA_ADMIN_PASSWORD. Without a password one is generated and printed once on
 * stdout, which scripts/dev shows and never logs. An existing account of that e-mail is
 * left alone (its password is not touched), so running this again is harmless. */
int
admin_bootstrap(const struct config *cfg)
{
	const char *email_in = getenv("WARSHA_ADMIN_EMAIL"), *pw = getenv("WARSHA_ADMIN_PASSWORD");
	char email[256], hash[PASSWORD_HASH_LEN], generated[GENERATED_PASSWORD_LEN + 1];
	struct db *db = NULL;
	struct db_result res;
	struct arena a;
	json_object *d = NULL;
	long long id;
	enum db_rc rc;
	int ret = -1, made = 0;

	arena_init(&a, 0);
	memset(hash, 0, sizeof(hash));
	memset(generated, 0, sizeof(generated));
	if (email_in == NULL || *email_in == '\0')
		email_in = "admin@warsha.local";
	if (email_normalize(email_in, email, sizeof(email)) != 0) {
		fprintf(stderr, "warsha-fcgi: WARSHA_ADMIN_EMAIL is not a valid e-mail address\n");
		goto out;
	}
	if (pw != NULL && *pw != '\0' && !password_policy_ok(pw)) {
		fprintf(stderr, "warsha-fcgi: WARSHA_ADMIN_PASSWORD needs at least 8 characters"
		    " with upper case, lower case and a digit\n");
		goto out;
	}
	if ((db = db_open(cfg)) == NULL)
		goto out;
	if ((rc = db_run(db, &a, SQL_USER_BY_EMAIL, DB_ARGS(DB_STR(email)), &res)) != DB_OK) {
		log_error("msg=create_admin_failed error=\"%s\"", db_last_error(db));
		goto out;
	}
	if (res.nrows > 0) {
		printf("admin exists: %s\n", email);
		ret = fflush(stdout) == 0 ? 0 : -1;
		goto out;
	}
	if (pw == NULL || *pw == '\0') {
		if (generate_password(generated) != 0) {
			log_error("msg=create_admin_failed error=no_randomness");
			goto out;
		}
		pw = generated;
		made = 1;
	}
	if (password_hash(cfg, pw, hash) != 0)
		goto out;
	if ((rc = db_begin(db)) != DB_OK)
		goto fail;
	if ((rc = db_run(db, &a, SQL_INSERT_STAFF, DB_ARGS(DB_STR(email), DB_NULL, DB_STR(hash),
	    DB_STR("admin"), DB_STR("Warsha"), DB_STR("Admin")), &res)) != DB_OK)
		goto fail;
	id = (long long)res.insert_id;
	d = json_object_new_object();
	json_object_object_add(d, "email", json_object_new_string(email));
	if ((rc = db_run(db, &a, SQL_BOOTSTRAP_ACTIVITY, DB_ARGS(DB_STR(arena_printf(&a, "%lld", id)),
	    DB_STR(json_text(&a, d, NULL))), NULL)) != DB_OK)
		goto fail;
	/* Shown before the commit: if stdout fails, no admin exists whose password nobody
	 * saw. (A failed commit after this leaves a printed password for no account; the
	 * next run prints a new one.) */
	printf("admin email: %s\n", email);
	if (made)
		printf("admin password: %s\n", pw);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		db_rollback(db);
		log_error("msg=create_admin_failed error=stdout_unwritable");
		goto out;
	}
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	log_info("msg=admin_created id=%lld", id);
	ret = 0;
	goto out;
fail:
	db_rollback(db);
	if (rc == DB_DUP) {
		/* another --create-admin won the race: that admin stands */
		printf("admin exists: %s\n", email);
		ret = fflush(stdout) == 0 ? 0 : -1;
	} else {
		log_error("msg=create_admin_failed error=\"%s\"", db_last_error(db));
	}
out:
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(generated, sizeof(generated));
	json_object_put(d);
	arena_free(&a);
	db_close(db);
	return ret;
}

/* /api/admin/users: seed 001 §5.8's user management for the dashboard — the paginated
 * list, staff accounts, ban and unban — and `warsha-fcgi --create-admin`, which makes
 * the first admin (docs/configuration.md).
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

#include "../core/auth.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../core/router.h"
#include "../core/validate.h"
#include "../domain/identity.h"
#include "../store/activity.h"
#include "../store/sessions.h"
#include "../store/users.h"
#include "api.h"
#include "user_view.h"

static int
is_staff_role(const char *role)
{
	return strcmp(role, "admin") == 0 || strcmp(role, "moderator") == 0;
}

/* The dashboard's list: GET /api/users with ?status= (admin_users_list_query). */
enum err
admin_users_list(struct req *r)
{
	return users_list_filtered(r);
}

/* --- staff accounts --- */

/* seed 001 writes roles capitalized ("Admin", "Moderator") */
static const char *const staff_roles[] = { "admin", "moderator", "Admin", "Moderator", "ADMIN",
	"MODERATOR", NULL };

/* Any of staff_roles, as its canonical word. */
static const char *
canonical_role(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_NONE;
	v->s = role_from_alias(v->s);
	return v->s == NULL ? "INVALID_VALUE" : NULL;
}

struct create_in {
	struct in_val email, password, first_name, last_name, phone, role;
};

static const struct vfield create_fields[] = {
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, IN(struct create_in, email), NULL },
	{ "password", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, IN(struct create_in, password), NULL },
	{ "firstName", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct create_in, first_name),
	    NULL },
	{ "lastName", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct create_in, last_name),
	    NULL },
	{ "phone", V_PHONE, VF_NULLABLE, 0, 0, NULL, IN(struct create_in, phone), NULL },
	/* default: admin */
	{ "role", V_ENUM, 0, 0, 0, staff_roles, IN(struct create_in, role), canonical_role },
};

const struct input admin_users_create_input = INPUT(struct create_in, create_fields, NULL);

struct create_tx {
	struct staff_new staff;
	long long        id;
};

static enum err
create_work(struct req *r, void *ctx)
{
	struct create_tx *t = ctx;
	json_object *d;
	enum db_rc rc;

	if ((rc = db_users_insert_staff(r->db, r->a, &t->staff, &t->id)) != DB_OK)
		return fail_db(r, rc);   /* a taken e-mail or phone: 409 naming it */
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "role", json_object_new_string(t->staff.role));
	json_object_object_add(d, "email", json_object_new_string(t->staff.email));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "admin.create", "user", t->id,
	    d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
admin_users_create_admin(struct req *r)
{
	const struct create_in *in = r->in;
	char hash[PASSWORD_HASH_LEN];
	struct create_tx t;
	enum err e;

	memset(&t, 0, sizeof(t));
	t.staff.role = in->role.set ? in->role.s : "admin";
	if (r->user.role != ROLE_ADMIN && strcmp(t.staff.role, "moderator") != 0)
		return fail_msg(r, ERR_FORBIDDEN, MSG_ADMIN_ADMINS_ONLY);
	/* the slow hash runs before the transaction opens */
	if (password_hash(r->cfg, in->password.s, hash) != 0)
		return fail(r, ERR_INTERNAL);
	t.staff.email = in->email.s;
	t.staff.phone = in->phone.set && !in->phone.null ? in->phone.s : NULL;
	t.staff.password_hash = hash;
	t.staff.first_name = in->first_name.s;
	t.staff.last_name = in->last_name.s;
	e = req_tx(r, create_work, &t);
	explicit_bzero(hash, sizeof(hash));
	if (e != ERR_OK)
		return e;
	return users_reply_user(r, 201, MSG_ADMIN_CREATED, t.id);
}

/* --- ban and unban --- */

struct ban_in {
	struct in_val reason;
};

static const struct vfield ban_fields[] = {
	/* optional, as seed 001 shows the call (PATCH …/ban with no body works) */
	{ "reason", V_STRING, 0, 3, 500, NULL, IN(struct ban_in, reason), NULL },
};

/* Recorded when staff give no reason; shown to the user as it is, in both languages. */
#define BAN_DEFAULT_REASON "مخالفة شروط الاستخدام — Violation of the terms of use"

const struct input admin_users_ban_input = INPUT(struct ban_in, ban_fields, NULL);

struct ban_tx {
	long long   id;
	const char *reason;     /* NULL: an unban */
};

/* Locks the target of a ban or unban and checks who may touch it. */
static enum err
lock_target(struct req *r, long long id, struct user_target *t)
{
	enum db_rc rc;

	if ((rc = db_users_lock_target(r->db, r->a, id, t)) != DB_OK)
		return fail_db(r, rc);
	if (r->user.role != ROLE_ADMIN && is_staff_role(t->role))
		return fail_msg(r, ERR_FORBIDDEN, MSG_ADMIN_ADMINS_ONLY);
	return ERR_OK;
}

static enum err
ban_work(struct req *r, void *ctx)
{
	const struct ban_tx *b = ctx;
	struct user_target t;
	json_object *d;
	enum db_rc rc;
	enum err e;

	if ((e = lock_target(r, b->id, &t)) != ERR_OK)
		return e;
	if (t.is_banned)
		return fail_msg(r, ERR_CONFLICT, MSG_USER_ALREADY_BANNED);
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "reason", json_object_new_string(b->reason));
	if ((rc = db_users_ban(r->db, r->a, b->id, b->reason, r->user.id)) != DB_OK ||
	    (rc = db_sessions_revoke_user(r->db, r->a, b->id, "banned")) != DB_OK ||
	    (rc = sessions_auth_check(r, b->id)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.ban", "user", b->id,
	    d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
admin_users_ban(struct req *r)
{
	const struct ban_in *in = r->in;
	struct ban_tx b = { 0, in->reason.set ? in->reason.s : BAN_DEFAULT_REASON };
	enum err e;

	if ((e = req_param_id(r, 0, &b.id)) != ERR_OK)
		return e;
	if (b.id == r->user.id)
		return fail_msg(r, ERR_CONFLICT, MSG_USER_SELF_ACTION);
	if ((e = req_tx(r, ban_work, &b)) != ERR_OK)
		return e;
	return users_reply_user(r, 200, MSG_USER_BANNED, b.id);
}

static enum err
unban_work(struct req *r, void *ctx)
{
	const struct ban_tx *b = ctx;
	struct user_target t;
	json_object *d;
	enum db_rc rc;
	enum err e;

	if ((e = lock_target(r, b->id, &t)) != ERR_OK)
		return e;
	if (!t.is_banned)
		return fail_msg(r, ERR_CONFLICT, MSG_USER_NOT_BANNED);
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "reason", json_new_str(t.ban_reason));
	if ((rc = db_users_unban(r->db, r->a, b->id)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.unban", "user", b->id,
	    d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
admin_users_unban(struct req *r)
{
	struct ban_tx b = { 0, NULL };
	enum err e;

	if ((e = req_param_id(r, 0, &b.id)) != ERR_OK)
		return e;
	/* unreachable in practice: a banned caller gets no further than the router */
	if (b.id == r->user.id)
		return fail_msg(r, ERR_CONFLICT, MSG_USER_SELF_ACTION);
	if ((e = req_tx(r, unban_work, &b)) != ERR_OK)
		return e;
	return users_reply_user(r, 200, MSG_USER_UNBANNED, b.id);
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
	const struct actor nobody = { 0, NULL, NULL };
	struct staff_new staff = { email, NULL, hash, "admin", "Warsha", "Admin" };
	struct db *db = NULL;
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
	rc = db_users_id_by_email(db, &a, email, &id);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		log_error("msg=create_admin_failed error=\"%s\"", db_last_error(db));
		goto out;
	}
	if (rc == DB_OK) {
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
	if ((rc = db_users_insert_staff(db, &a, &staff, &id)) != DB_OK)
		goto fail;
	d = json_object_new_object();
	json_object_object_add(d, "email", json_object_new_string(email));
	/* the actor is nobody: no one signed in made this account */
	if ((rc = db_activity_record(db, &a, &nobody, "admin.bootstrap", "user", id, d)) != DB_OK)
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

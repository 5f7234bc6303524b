/* A person's rights over their data (seed 001 §4, §5.9; docs/privacy.md): the contact
 * form, the export of everything Warsha holds about them, and the erasure of their
 * account. What each table gives to an export and loses in an erasure is
 * fcgi/store/privacy.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/auth.h"
#include "../core/validate.h"
#include "../domain/limits.h"
#include "../store/accounts.h"
#include "../store/activity.h"
#include "../store/codes.h"
#include "../store/contact.h"
#include "../store/limits.h"
#include "../store/outbox.h"
#include "../store/privacy.h"
#include "../store/sessions.h"
#include "../store/settings.h"
#include "../store/users.h"
#include "api.h"

/* A counter locked, checked against max in window and counted: ERR_OK, or 429 with
 * the seconds to wait in *wait. Inside a unit of work. */
static enum err
take(struct req *r, const struct limit_key *k, long max, long window, long long *wait)
{
	struct limit_state st;
	enum db_rc rc;

	if ((rc = db_limits_lock(r->db, r->a, k, window, &st)) != DB_OK)
		return fail_db(r, rc);
	*wait = limit_retry_after((long)st.n, max, (long)st.window_age, window);
	if (*wait > 0)
		return fail(r, ERR_RATE_LIMITED);
	if ((rc = db_limits_add(r->db, r->a, k)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

static enum err
limited(struct req *r, enum err e, long long wait)
{
	if (e == ERR_RATE_LIMITED && wait > 0)
		resp_header_keep(r, "Retry-After: %lld", wait);
	return e;
}

/* --- POST /api/send-email (seed 001 §5.9) --- */

struct contact_in {
	struct in_val name, email, phone, subject, message;
};

/* Text that is only blanks is no text. */
static const char *
not_blank(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_NONE;
	return v->s[strspn(v->s, " \t\r\n")] == '\0' ? "REQUIRED" : NULL;
}

static const struct vfield contact_fields[] = {
	{ "name", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct contact_in, name), not_blank },
	{ "email", V_EMAIL, VF_REQUIRED, 0, 0, NULL, IN(struct contact_in, email), NULL },
	{ "phone", V_PHONE, 0, 0, 0, NULL, IN(struct contact_in, phone), NULL },
	{ "subject", V_STRING, 0, 0, 200, NULL, IN(struct contact_in, subject), NULL },
	{ "message", V_STRING, VF_REQUIRED, 1, 5000, NULL, IN(struct contact_in, message),
	    not_blank },
};

const struct input contact_send_input = INPUT(struct contact_in, contact_fields, NULL);

struct contact_tx {
	struct contact_new msg;
	long long          id;
	long long          wait;
};

#define SUPPORT_EMAIL_KEY "support_email"

static enum err
contact_work(struct req *r, void *ctx)
{
	struct contact_tx *t = ctx;
	struct limit_key ip = { LIMIT_CONTACT, NULL, t->msg.ip };
	struct limit_key mail = { LIMIT_CONTACT_EMAIL, t->msg.email, NULL };
	const char *to;
	json_object *p, *addr;
	enum lang lang = r->lang;
	enum db_rc rc;
	enum err e;

	/* counters in the order of enum limit_scope */
	if ((e = take(r, &ip, CONTACT_MAX, CONTACT_WINDOW, &t->wait)) != ERR_OK ||
	    (e = take(r, &mail, CONTACT_EMAIL_MAX, CONTACT_WINDOW, &t->wait)) != ERR_OK)
		return e;
	if ((rc = db_contact_insert(r->db, r->a, &t->msg, &t->id)) != DB_OK)
		return fail_db(r, rc);
	/* to support's address (the support_email setting); the message is kept either way */
	rc = db_settings_value(r->db, r->a, SUPPORT_EMAIL_KEY, &to);
	if (rc == DB_NOTFOUND)
		return ERR_OK;
	if (rc != DB_OK)
		return fail_db(r, rc);
	addr = json_owned(r->a, json_tokener_parse(to));
	if (!json_object_is_type(addr, json_type_string))
		return ERR_OK;
	p = json_owned(r->a, json_object_new_object());
	json_object_object_add(p, "contactId", json_object_new_int64(t->id));
	json_object_object_add(p, "name", json_object_new_string(t->msg.name));
	json_object_object_add(p, "email", json_object_new_string(t->msg.email));
	if (t->msg.phone != NULL)
		json_object_object_add(p, "phone", json_object_new_string(t->msg.phone));
	if (t->msg.subject != NULL)
		json_object_object_add(p, "subject", json_object_new_string(t->msg.subject));
	json_object_object_add(p, "message", json_object_new_string(t->msg.message));
	json_object_object_add(p, "replyTo", json_object_new_string(t->msg.email));
	if ((rc = db_outbox_queue(r->db, r->a, OUTBOX_EMAIL, 0, json_object_get_string(addr),
	    "contact_message", lang, NULL, p)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
contact_send(struct req *r)
{
	const struct contact_in *in = r->in;
	struct contact_tx t;
	json_object *d;
	enum err e;

	memset(&t, 0, sizeof(t));
	t.msg.user_id = r->user.id;
	t.msg.name = in->name.s;
	t.msg.email = in->email.s;
	t.msg.phone = in->phone.set ? in->phone.s : NULL;
	t.msg.subject = in->subject.set && in->subject.s[0] != '\0' ? in->subject.s : NULL;
	t.msg.message = in->message.s;
	t.msg.lang = lang_code(r->lang);
	t.msg.ip = r->remote_addr != NULL ? r->remote_addr : "-";
	if ((e = req_tx(r, contact_work, &t)) != ERR_OK)
		return limited(r, e, t.wait);
	d = json_object_new_object();
	json_object_object_add(d, "id", json_object_new_int64(t.id));
	return reply_ok(r, 201, MSG_CONTACT_SENT, d);
}

/* --- GET /api/users/me/export --- */

struct export_tx {
	json_object *data;
	long long    wait;
};

static enum err
export_work(struct req *r, void *ctx)
{
	struct export_tx *t = ctx;
	char subject[32];
	struct limit_key k = { LIMIT_EXPORT, subject, NULL };
	json_object *d;
	enum db_rc rc;
	enum err e;

	snprintf(subject, sizeof(subject), "user:%lld", r->user.id);
	if ((e = take(r, &k, EXPORT_MAX, EXPORT_WINDOW, &t->wait)) != ERR_OK)
		return e;
	/* one snapshot: every part as of the same moment */
	if ((rc = db_privacy_export(r->db, r->a, r->user.id, t->data)) != DB_OK)
		return fail_db(r, rc);
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "format", json_object_new_string("warsha-export-1"));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "user.export", "user",
	    r->user.id, d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
users_me_export(struct req *r)
{
	struct export_tx t;
	char at[32];
	time_t now = time(NULL);
	struct tm tm;
	enum err e;

	memset(&t, 0, sizeof(t));
	t.data = json_object_new_object();
	if ((e = req_tx(r, export_work, &t)) != ERR_OK) {
		json_object_put(t.data);
		return limited(r, e, t.wait);
	}
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(t.data, "format", json_object_new_string("warsha-export-1"));
	json_object_object_add(t.data, "exportedAt", json_object_new_string(at));
	resp_header(r, "Content-Disposition: attachment; filename=\"warsha-export-%lld.json\"",
	    r->user.id);
	resp_header(r, "Cache-Control: no-store");
	return reply_ok(r, 200, MSG_PRIVACY_EXPORT, t.data);
}

/* --- DELETE /api/users/me --- */

struct erase_in {
	struct in_val password;
};

static const struct vfield erase_fields[] = {
	{ "password", V_STRING, VF_REQUIRED, 1, 128, NULL, IN(struct erase_in, password), NULL },
};

const struct input users_me_delete_input = INPUT(struct erase_in, erase_fields, NULL);

static enum err
erase_work(struct req *r, void *ctx)
{
	struct user_target u;
	long long open;
	json_object *d;
	enum db_rc rc;
	enum err e;

	(void)ctx;
	if ((rc = db_users_lock_target(r->db, r->a, r->user.id, &u)) != DB_OK)
		return fail_db(r, rc);
	/* a party to work under way finishes or cancels it first: the other party
	 * still needs to reach them */
	if ((rc = db_privacy_open_booking(r->db, r->a, r->user.id, &open)) != DB_OK)
		return fail_db(r, rc);
	if (open != 0)
		return fail_msg(r, ERR_CONFLICT, MSG_PRIVACY_OPEN_BOOKING);
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "role", json_object_new_string(u.role));
	json_object_object_add(d, "self", json_object_new_boolean(1));
	if ((e = uploads_erase_owner(r, r->user.id)) != ERR_OK)
		return e;
	if ((rc = db_users_anonymize(r->db, r->a, r->user.id)) != DB_OK ||
	    (rc = db_privacy_erase(r->db, r->a, r->user.id)) != DB_OK ||
	    (rc = db_sessions_revoke_user(r->db, r->a, r->user.id, "deleted")) != DB_OK ||
	    (rc = db_sessions_end_access(r->db, r->a, r->user.id, auth_now_us())) != DB_OK ||
	    (rc = sessions_auth_check(r, r->user.id)) != DB_OK ||
	    (rc = db_codes_retire_user(r->db, r->a, r->user.id)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.delete", "user",
	    r->user.id, d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
users_me_delete(struct req *r)
{
	const struct erase_in *in = r->in;
	const char *hash;
	enum db_rc rc;
	enum err e;

	/* staff accounts are closed by an admin (DELETE /api/users/:id), so the last admin
	 * cannot lock everyone out */
	if (r->user.role & ROLE_STAFF)
		return fail_msg(r, ERR_FORBIDDEN, MSG_PRIVACY_STAFF_DELETE);
	rc = db_accounts_password(r->db, r->a, r->user.id, &hash);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	if (rc == DB_NOTFOUND || !password_verify(hash, in->password.s))
		return fail_field(r, ERR_VALIDATION, "password", "INVALID",
		    MSG_AUTH_WRONG_PASSWORD);
	if ((e = req_tx(r, erase_work, NULL)) != ERR_OK)
		return e;
	resp_header(r, "Set-Cookie: accessToken=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
	resp_header(r, "Set-Cookie: refreshToken=; Path=/api; Max-Age=0; HttpOnly; SameSite=Lax");
	return reply_ok(r, 200, MSG_USER_DELETED, NULL);
}

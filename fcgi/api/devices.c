/* Push devices (seed 004): POST /api/users/fcm-token registers the caller's app
 * installation for push, DELETE /api/users/fcm-token forgets it (on sign-out). The
 * notifier sends a user's push rows to their newest devices and deletes the tokens FCM
 * calls dead (docs/notifications.md, "Delivery"). */
#include <string.h>

#include "../store/devices.h"
#include "api.h"

static const char *const platforms[] = { "ios", "android", "web", NULL };

struct token_in {
	struct in_val token, device, platform;
};

/* FCM registration tokens are ASCII without spaces (letters, digits, - _ : . and so on) */
static const char *
check_token(struct in_val *v, struct arena *a, enum msg *msg)
{
	const unsigned char *p;

	(void)a;
	for (p = (const unsigned char *)v->s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return "INVALID_VALUE";
	*msg = MSG_NONE;
	return NULL;
}

static const struct vfield register_fields[] = {
	{ "token", V_STRING, VF_REQUIRED, 1, 512, NULL, IN(struct token_in, token), check_token },
	{ "device", V_STRING, VF_NULLABLE, 0, 100, NULL, IN(struct token_in, device), NULL },
	{ "platform", V_ENUM, VF_REQUIRED, 0, 0, platforms, IN(struct token_in, platform), NULL },
};

static const struct vfield unregister_fields[] = {
	{ "token", V_STRING, VF_REQUIRED, 1, 512, NULL, IN(struct token_in, token), check_token },
};

const struct input devices_register_input = INPUT(struct token_in, register_fields, NULL);
const struct input devices_unregister_input = INPUT(struct token_in, unregister_fields, NULL);

struct device_tx {
	unsigned long long removed;
};

static enum err
register_work(struct req *r, void *ctx)
{
	const struct token_in *in = r->in;
	enum db_rc rc;

	(void)ctx;
	if ((rc = db_devices_register(r->db, r->a, r->user.id, in->token.s,
	    in->device.set && !in->device.null ? in->device.s : NULL, in->platform.s)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
devices_register(struct req *r)
{
	const struct token_in *in = r->in;
	json_object *data;
	enum err e;

	if ((e = req_tx(r, register_work, NULL)) != ERR_OK)
		return e;
	data = json_object_new_object();
	json_object_object_add(data, "token", json_object_new_string(in->token.s));
	json_object_object_add(data, "device", in->device.set && !in->device.null ?
	    json_object_new_string(in->device.s) : NULL);
	json_object_object_add(data, "platform", json_object_new_string(in->platform.s));
	return reply_ok(r, 200, MSG_DEVICE_REGISTERED, data);
}

static enum err
unregister_work(struct req *r, void *ctx)
{
	const struct token_in *in = r->in;
	struct device_tx *t = ctx;
	enum db_rc rc;

	if ((rc = db_devices_unregister(r->db, r->a, r->user.id, in->token.s, &t->removed))
	    != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Forgetting a token that is not the caller's (or not known) is the same answer with
 * removed 0: sign-out goes on whatever the server remembers. */
enum err
devices_unregister(struct req *r)
{
	struct device_tx t = { 0 };
	json_object *data;
	enum err e;

	if ((e = req_tx(r, unregister_work, &t)) != ERR_OK)
		return e;
	data = json_object_new_object();
	json_object_object_add(data, "removed", json_object_new_int64((long long)t.removed));
	return reply_ok(r, 200, MSG_DEVICE_REMOVED, data);
}

#include "identity.h"

#include <string.h>
#include <strings.h>

#include "core/phone.h"

static const struct {
	const char *word;
	const char *role;
} aliases[] = {
	{ "customer", "customer" }, { "user", "customer" }, { "client", "customer" },
	{ "clients", "customer" }, { "customers", "customer" },
	{ "technician", "technician" }, { "craftsman", "technician" },
	{ "professional", "technician" }, { "mechanic", "technician" },
	{ "admin", "admin" }, { "moderator", "moderator" }, { "corporate", "corporate" },
};

const char *
role_from_alias(const char *word)
{
	size_t i;

	if (word == NULL)
		return NULL;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(aliases[i].word, word) == 0)
			return aliases[i].role;
	return NULL;
}

const char *
role_for_signup(const char *word)
{
	const char *role;

	if (word == NULL || *word == '\0')
		return "customer";
	role = role_from_alias(word);
	if (role == NULL || strcmp(role, "admin") == 0 || strcmp(role, "moderator") == 0)
		return NULL;
	return role;
}

enum login_type
login_type_parse(const char *s)
{
	if (s == NULL || *s == '\0')
		return LOGIN_ANY;
	if (strcmp(s, "clients") == 0)
		return LOGIN_CLIENTS;
	if (strcmp(s, "admins") == 0)
		return LOGIN_ADMINS;
	return LOGIN_INVALID;
}

int
login_type_admits(enum login_type t, const char *role)
{
	int staff = strcmp(role, "admin") == 0 || strcmp(role, "moderator") == 0;

	switch (t) {
	case LOGIN_ANY:
		return 1;
	case LOGIN_CLIENTS:
		/* the apps: customers and technicians (corporate accounts book like customers) */
		return !staff;
	case LOGIN_ADMINS:
		return staff;
	case LOGIN_INVALID:
		break;
	}
	return 0;
}

int
username_valid(const char *u)
{
	int letter = 0;

	for (; *u != '\0'; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z'))
			letter = 1;
		else if (!(*u >= '0' && *u <= '9') && *u != '_' && *u != '.')
			return 0;
	}
	return letter;
}

enum identifier_kind
identifier_kind(const char *id, char *phone_out, size_t phone_len)
{
	if (strchr(id, '@') != NULL)
		return IDENT_EMAIL;
	if (phone_normalize(id, phone_out, phone_len) == 0)
		return IDENT_PHONE;
	return IDENT_USERNAME;
}

long
login_retry_after(long failures, long max_failures, long oldest_age, long window)
{
	long wait;

	if (failures < max_failures)
		return 0;
	wait = window - oldest_age;
	return wait > 0 ? wait : 1;
}

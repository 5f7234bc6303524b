#include "notify_rules.h"

#include <string.h>

const char *const notify_types[] = {
	"booking_status", "payment", "promotion", "system", "emergency",   /* seed 000 */
	"invitation", "quote", "status", "review", "dispute", "admin",     /* seed 001 */
	"info", "success", "warning", "error",                             /* seed 002 */
	NULL
};

unsigned
notify_channels(unsigned wanted, const char *type, const struct notify_prefs *p)
{
	unsigned out = 0;
	int promotion = type != NULL && strcmp(type, "promotion") == 0;

	if (!p->reachable || !p->enabled)
		return 0;
	if (type != NULL && strcmp(type, "review") == 0 && !p->reviews)
		return 0;
	if ((wanted & NOTIFY_EMAIL) && p->email && p->has_email && (!promotion || p->marketing))
		out |= NOTIFY_EMAIL;
	if ((wanted & NOTIFY_SMS) && p->sms && p->has_phone && !promotion)
		out |= NOTIFY_SMS;
	if ((wanted & NOTIFY_PUSH) && p->push)
		out |= NOTIFY_PUSH;
	return out;
}

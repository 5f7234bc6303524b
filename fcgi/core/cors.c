#include "cors.h"

#include <string.h>

int
cors_origin_allowed(const char *list, const char *origin)
{
	size_t n;

	if (list == NULL || origin == NULL || *origin == '\0')
		return 0;
	n = strlen(origin);
	while (*list != '\0') {
		size_t len;

		list += strspn(list, " ,\t");
		len = strcspn(list, " ,\t");
		if (len == n && len > 0 && strncmp(list, origin, n) == 0)
			return 1;
		list += len;
	}
	return 0;
}

int
cors_apply(struct req *r, const char *origin)
{
	if (!cors_origin_allowed(r->cfg->cors_origins, origin))
		return 0;
	/* the origin is echoed only after it matched an entry, so it holds no CR or LF */
	resp_header_keep(r, "Access-Control-Allow-Origin: %s", origin);
	resp_header_keep(r, "Access-Control-Allow-Credentials: true");
	resp_header_keep(r, "Vary: Origin");
	if (r->method != HTTP_OPTIONS ||
	    req_env(r, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") == NULL)
		return 0;
	resp_header_keep(r, "Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE");
	resp_header_keep(r, "Access-Control-Allow-Headers: Authorization, Content-Type, "
	    "Accept-Language, X-Requested-With, X-Guest-Token, X-App-Platform, X-App-Version");
	resp_header_keep(r, "Access-Control-Max-Age: 600");
	reply_raw(r, 204, "text/plain", "", 0);
	return 1;
}

/* GET /api/geocode/reverse?lat=&lon= and GET /api/geocode/forward?address= (seed 002,
 * public; docs/search.md, "Geocoding").
 *
 * The answer comes from a Nominatim-compatible provider (geocode_url) when one is
 * configured: through the cache (geocode_cache) first; a call waits for its second on
 * the shared clock (geocode_clock: at most one call a second from every worker), sends
 * geocode_user_agent, and a good answer is remembered. Without a provider, or when it
 * fails (no answer within geocode_timeout_ms, an error status, text that is not its
 * JSON, nothing found), the built-in governorates answer: the one whose centroid is
 * nearest the point, or the one whose Arabic or English name the address holds. Those
 * answers are not cached: the provider is asked again next time. */
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/log.h"
#include "../core/validate.h"
#include "../domain/booking.h"
#include "../store/geocode.h"
#include "../store/user_lists.h"
#include "api.h"

/* the provider's answer, at most this many bytes */
#define PROVIDER_MAX_BYTES (256 * 1024)

/* --- input --- */

static const char *
check_coord(struct in_val *v, double max, enum msg *msg)
{
	char *end;
	double d;

	*msg = MSG_V_LOCATION;
	if (strlen(v->s) > 20 || strspn(v->s, "-+.0123456789") != strlen(v->s))
		return "INVALID_FORMAT";
	d = strtod(v->s, &end);
	if (*end != '\0' || end == v->s || !isfinite(d))
		return "INVALID_FORMAT";
	if (fabs(d) > max)
		return "OUT_OF_RANGE";
	v->d = d;
	*msg = MSG_NONE;
	return NULL;
}

static const char *
check_lat(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	return check_coord(v, 90, msg);
}

static const char *
check_lon(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	return check_coord(v, 180, msg);
}

struct reverse_q {
	struct in_val lat, lon;
};

static const struct vfield reverse_fields[] = {
	{ "lat", V_STRING, VF_REQUIRED, 1, 20, NULL, IN(struct reverse_q, lat), check_lat },
	{ "lon", V_STRING, VF_REQUIRED, 1, 20, NULL, IN(struct reverse_q, lon), check_lon },
};

const struct input geocode_reverse_query = INPUT(struct reverse_q, reverse_fields, NULL);

struct forward_q {
	struct in_val address;
};

static const struct vfield forward_fields[] = {
	{ "address", V_STRING, VF_REQUIRED, 2, 200, NULL, IN(struct forward_q, address), NULL },
};

const struct input geocode_forward_query = INPUT(struct forward_q, forward_fields, NULL);

/* --- the provider --- */

struct body {
	char  *p;
	size_t n;
	int    over;
};

static size_t
collect(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body *b = ctx;
	size_t len = size * nmemb;
	char *p;

	if (b->n + len > PROVIDER_MAX_BYTES) {
		b->over = 1;
		return 0;
	}
	if ((p = realloc(b->p, b->n + len + 1)) == NULL)
		return 0;
	memcpy(p + b->n, data, len);
	b->n += len;
	p[b->n] = '\0';
	b->p = p;
	return len;
}

/* Waits for a second of the provider's; -1 when none is free soon (or the clock is
 * unreadable): the caller answers from the governorates. */
static int
take_slot(struct req *r)
{
	long long wait_ms = -1;
	struct timespec ts;
	enum db_rc rc;

	if ((rc = db_geocode_take_slot(r->db, r->a, &wait_ms)) != DB_OK || wait_ms < 0) {
		log_warn("msg=geocode_busy rc=%d", (int)rc);
		return -1;
	}
	if (wait_ms > 0) {
		ts.tv_sec = wait_ms / 1000;
		ts.tv_nsec = (wait_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* GETs base + path_query; the parsed JSON (owned by the caller) or NULL, logged. */
static json_object *
provider_get(struct req *r, const char *path_query)
{
	const struct config *cfg = r->cfg;
	struct body b = { NULL, 0, 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	json_object *out = NULL;
	long status = 0;
	CURLcode cc;
	CURL *c;
	const char *url;
	size_t blen = strlen(cfg->geocode_url);

	url = arena_printf(r->a, "%.*s%s", (int)(blen > 0 && cfg->geocode_url[blen - 1] == '/' ?
	    blen - 1 : blen), cfg->geocode_url, path_query);
	if ((c = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, cfg->geocode_user_agent);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)cfg->geocode_timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->geocode_timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK || status != 200 || b.p == NULL ||
	    (out = json_tokener_parse(b.p)) == NULL) {
		log_warn("msg=geocode_provider_failed curl=%d status=%ld error=\"%s\" over=%d",
		    (int)cc, status, cc != CURLE_OK ? (errbuf[0] ? errbuf : curl_easy_strerror(cc)) :
		    "", b.over);
		free(b.p);
		return NULL;
	}
	free(b.p);
	return out;
}

static const char *
str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* Nominatim gives coordinates as strings; a number is taken too. */
static int
coord_of(json_object *o, const char *key, double *out)
{
	json_object *v;
	char *end;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) {
		*out = json_object_get_double(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = strtod(json_object_get_string(v), &end);
	return *end == '\0' && end != json_object_get_string(v) && isfinite(*out) ? 0 : -1;
}

/* --- answers --- */

static json_object *
governorate_json(const struct governorate *g)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "code", json_object_new_string(g->code));
	json_object_object_add(o, "nameAr", json_object_new_string(g->name_ar));
	json_object_object_add(o, "nameEn", json_object_new_string(g->name_en));
	return o;
}

static const struct governorate *
nearest(const struct governorate *g, size_t n, double lat, double lon)
{
	const struct governorate *best = NULL;
	double d, bd = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if ((d = geo_distance_km(lat, lon, g[i].lat, g[i].lng)) < bd || best == NULL) {
			best = &g[i];
			bd = d;
		}
	return best;
}

/* {lat, lon, displayName, address, governorate, source}: the governorate is always the
 * nearest centroid's, so a client can fill its governorate field either way. */
static json_object *
reverse_answer(json_object *provider, const struct governorate *g, double lat, double lon,
    enum lang lang)
{
	json_object *o = json_object_new_object(), *addr = NULL;
	const char *display = NULL;

	json_object_object_add(o, "lat", json_object_new_double(lat));
	json_object_object_add(o, "lon", json_object_new_double(lon));
	if (provider != NULL) {
		display = str_of(provider, "display_name");
		if (json_object_object_get_ex(provider, "address", &addr) &&
		    json_object_is_type(addr, json_type_object))
			json_object_get(addr);
		else
			addr = NULL;
	}
	if (addr == NULL && g != NULL) {
		addr = json_object_new_object();
		json_object_object_add(addr, "state", json_object_new_string(lang == LANG_AR ?
		    g->name_ar : g->name_en));
		json_object_object_add(addr, "country", json_object_new_string(lang == LANG_AR ?
		    "مصر" : "Egypt"));
		json_object_object_add(addr, "country_code", json_object_new_string("eg"));
	}
	if (display == NULL && g != NULL)
		display = lang == LANG_AR ? g->name_ar : g->name_en;
	json_object_object_add(o, "displayName", json_new_str(display));
	json_object_object_add(o, "address", addr);
	json_object_object_add(o, "governorate", g != NULL ? governorate_json(g) : NULL);
	json_object_object_add(o, "source", json_object_new_string(provider != NULL ? "provider" :
	    "governorates"));
	return o;
}

static enum err
reply_answer(struct req *r, json_object *answer, const char *source)
{
	json_object_object_add(answer, "source", json_object_new_string(source));
	return reply_ok(r, 200, MSG_GEOCODE_FOUND, answer);
}

/* The cached answer of kind/key, or the provider's (remembered) through fetch; NULL
 * when there is no provider or it failed. */
static json_object *
cached(struct req *r, const char *kind, const char *key)
{
	json_object *answer;

	if (db_geocode_cached(r->db, r->a, kind, key, &answer) == DB_OK)
		return answer;
	return NULL;
}

static void
remember(struct req *r, const char *kind, const char *key, json_object *answer)
{
	enum db_rc rc;

	json_object_object_del(answer, "source");
	rc = db_geocode_remember(r->db, r->a, kind, key, json_object_to_json_string_ext(answer,
	    JSON_C_TO_STRING_PLAIN));
	if (rc != DB_OK)
		log_warn("msg=geocode_cache_write_failed rc=%d", (int)rc);
}

enum err
geocode_reverse(struct req *r)
{
	const struct reverse_q *in = r->qin;
	double lat = in->lat.d, lon = in->lon.d;
	struct governorate *g;
	size_t n;
	json_object *answer, *p;
	const char *key = arena_printf(r->a, "%.5f,%.5f", lat, lon);
	enum db_rc rc;

	if ((rc = db_geocode_governorates(r->db, r->a, &g, &n)) != DB_OK)
		return fail_db(r, rc);
	if (r->cfg->geocode_url[0] != '\0') {
		if ((answer = cached(r, "reverse", key)) != NULL)
			return reply_answer(r, answer, "cache");
		if (take_slot(r) == 0 && (p = provider_get(r, arena_printf(r->a,
		    "/reverse?format=jsonv2&lat=%.7f&lon=%.7f&addressdetails=1&accept-language=%s",
		    lat, lon, lang_code(r->lang)))) != NULL) {
			json_owned(r->a, p);
			if (str_of(p, "error") == NULL && json_object_is_type(p, json_type_object)) {
				answer = reverse_answer(p, nearest(g, n, lat, lon), lat, lon, r->lang);
				remember(r, "reverse", key, answer);
				return reply_answer(r, answer, "provider");
			}
		}
	}
	answer = reverse_answer(NULL, nearest(g, n, lat, lon), lat, lon, r->lang);
	json_object_object_del(answer, "source");
	return reply_answer(r, answer, "governorates");
}

/* The governorate whose name (Arabic folded, or English in any case) the folded
 * address holds as a word run, or NULL. */
static const struct governorate *
named(struct arena *a, const struct governorate *g, size_t n, const char *folded)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *ar = user_lists_fold(a, g[i].name_ar);
		const char *en = user_lists_fold(a, g[i].name_en);

		if (strstr(folded, ar) != NULL || strcasestr(folded, en) != NULL)
			return &g[i];
		/* without the article: "جيزه" for "الجيزه" */
		if (strncmp(ar, "ال", strlen("ال")) == 0 && strlen(ar) > 6 &&
		    strstr(folded, ar + strlen("ال")) != NULL)
			return &g[i];
	}
	return NULL;
}

/* The address folded, lower-cased and with its spaces collapsed: the cache's key. */
static const char *
address_key(struct arena *a, const char *address)
{
	char *f = user_lists_fold(a, address), *o = f;
	const char *p = f;
	int space = 1;

	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (!space)
				*o++ = ' ';
			space = 1;
			continue;
		}
		*o++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		space = 0;
	}
	if (o > f && o[-1] == ' ')
		o--;
	*o = '\0';
	return f;
}

enum err
geocode_forward(struct req *r)
{
	const struct forward_q *in = r->qin;
	const char *key = address_key(r->a, in->address.s);
	const struct governorate *gov;
	struct governorate *g;
	json_object *answer, *p, *first;
	double lat, lon;
	size_t n;
	enum db_rc rc;

	if (*key == '\0')
		return fail_field(r, ERR_VALIDATION, "address", "REQUIRED", MSG_V_REQUIRED);
	if ((rc = db_geocode_governorates(r->db, r->a, &g, &n)) != DB_OK)
		return fail_db(r, rc);
	if (r->cfg->geocode_url[0] != '\0') {
		char *esc;
		CURL *c;

		if ((answer = cached(r, "forward", key)) != NULL)
			return reply_answer(r, answer, "cache");
		if ((c = curl_easy_init()) == NULL)
			return fail(r, ERR_INTERNAL);
		esc = curl_easy_escape(c, in->address.s, 0);
		curl_easy_cleanup(c);
		if (esc == NULL)
			return fail(r, ERR_INTERNAL);
		p = NULL;
		if (take_slot(r) == 0)
			p = provider_get(r, arena_printf(r->a, "/search?format=jsonv2&limit=1"
			    "&countrycodes=eg&accept-language=%s&q=%s", lang_code(r->lang), esc));
		curl_free(esc);
		if (p != NULL) {
			json_owned(r->a, p);
			if (json_object_is_type(p, json_type_array) && json_object_array_length(p) > 0 &&
			    (first = json_object_array_get_idx(p, 0)) != NULL &&
			    coord_of(first, "lat", &lat) == 0 && coord_of(first, "lon", &lon) == 0 &&
			    fabs(lat) <= 90 && fabs(lon) <= 180) {
				answer = json_object_new_object();
				json_object_object_add(answer, "lat", json_object_new_double(lat));
				json_object_object_add(answer, "lon", json_object_new_double(lon));
				json_object_object_add(answer, "displayName",
				    json_new_str(str_of(first, "display_name")));
				gov = nearest(g, n, lat, lon);
				json_object_object_add(answer, "governorate", gov != NULL ?
				    governorate_json(gov) : NULL);
				remember(r, "forward", key, answer);
				return reply_answer(r, answer, "provider");
			}
		}
	}
	if ((gov = named(r->a, g, n, key)) == NULL)
		return fail(r, ERR_NOT_FOUND);
	answer = json_object_new_object();
	json_object_object_add(answer, "lat", json_object_new_double(gov->lat));
	json_object_object_add(answer, "lon", json_object_new_double(gov->lng));
	json_object_object_add(answer, "displayName", json_object_new_string(r->lang == LANG_AR ?
	    gov->name_ar : gov->name_en));
	json_object_object_add(answer, "governorate", governorate_json(gov));
	return reply_answer(r, answer, "governorates");
}

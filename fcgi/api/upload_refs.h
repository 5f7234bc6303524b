/* Records that show uploaded images (docs/uploads.md, "References"): a service's
 * media.images, a booking's serviceDetails.images, a job's photos. Each list is given as
 * addresses, as ids, or both; our own uploads among them are found, checked and written
 * as references (upload_refs) in the record's unit of work. */
#ifndef WARSHA_API_UPLOAD_REFS_H
#define WARSHA_API_UPLOAD_REFS_H

#include "api.h"

/* A record's image list as it is kept: the addresses (our uploads as their 1200 variant)
 * and, at each position, the upload shown there (0: another site's address). */
struct image_list {
	json_object *urls;      /* array of strings; the arena's */
	long long   *ids;
	size_t       n;
};

/* Reads urls (an array of strings, or NULL) followed by ids (an array of upload ids, or
 * NULL; one already named among urls is not repeated) into l, inside the unit of work:
 * each upload is read under a shared lock, so it cannot be deleted before the record is
 * written. An address under public_url's /media/ must name an image the caller may
 * show; every other address is kept as it is. Staff may show anyone's image; others only
 * their own. An unknown, foreign or non-image upload is 422 naming "<field>[i]"; more
 * than max entries in all is 422 naming ids_field. */
enum err image_list_resolve(struct req *r, json_object *urls, const char *urls_field,
    json_object *ids, const char *ids_field, size_t max, struct image_list *l);

/* The list's addresses as the record's column text ("[...]"). */
const char *image_list_text(struct req *r, const struct image_list *l);

/* A V_ARRAY field's check: every item an upload id (a positive integer). */
const char *check_upload_ids(struct in_val *v, struct arena *a, enum msg *msg);

#endif

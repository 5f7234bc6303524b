/* Which of our images an address names (docs/uploads.md, "References"): a record's image
 * list holds addresses, and those of our own uploads are
 * <public_url>/media/<aa>/<sha256>_<150|500|1200>.<jpg|png|webp>. */
#ifndef WARSHA_CORE_MEDIA_ADDR_H
#define WARSHA_CORE_MEDIA_ADDR_H

enum media_addr {
	MEDIA_OTHER,   /* another site's address: kept as given */
	MEDIA_BAD,     /* ours (under public_url's /media/, or a bare /media/ path) but no
	                * image variant's name: an avatar's, a made-up one */
	MEDIA_IMAGE,   /* an image variant: sha holds its hash */
};

/* public_url may end in slashes (or be NULL or empty: only bare paths are ours). sha:
 * 65 bytes, the hash in lower-case hex, filled for MEDIA_IMAGE only. */
enum media_addr media_addr_parse(const char *public_url, const char *url, char sha[65]);

#endif

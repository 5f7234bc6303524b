/* A multipart/form-data upload read as it arrives (docs/uploads.md).
 *
 * form_read() feeds the request's streamed body (req_body_read) to the multipart parser
 * in 64 KiB pieces. Each file part goes straight to a temporary file under
 * <upload_dir>/tmp (created 0600, removed when the request ends unless the handler moved
 * it), its SHA-256 computed and its first bytes kept for sniffing on the way; text
 * parts are kept in the arena. Nothing holds more than a piece of the body in memory.
 *
 * The route declares its fields: a part under any other name stops the read at once
 * (422 naming it), and the limits (upload_file_limit a file, upload_max_files and the
 * route's own maximum, upload_body_limit the whole body) stop it at the byte that
 * crosses them (413 naming the field). Not a form at all is 415. */
#ifndef WARSHA_FORM_H
#define WARSHA_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "sniff.h"

struct form_spec {
	const char *const *file_fields;   /* NULL-terminated: names a file may come under */
	const char *const *text_fields;   /* NULL-terminated, or NULL: none */
	size_t             max_files;     /* this route's most (capped by upload_max_files) */
};

struct form_file {
	const char   *field;              /* the part's name */
	const char   *name;               /* display name (multipart_safe_name); never a path */
	const char   *declared_type;      /* as the client sent it: logged, never trusted */
	const char   *path;               /* the temporary file */
	int           fd;                 /* open on it, read-write */
	uint64_t      size;
	char          sha256[65];
	unsigned char head[SNIFF_HEAD_BYTES];
	size_t        head_len;
};

struct form {
	struct form_file *files;          /* in the order they came; empty file inputs skipped */
	size_t            nfiles;
	struct kvlist     fields;         /* text parts, decoded as sent (UTF-8 checked) */
};

/* Reads the whole body: ERR_OK, or the failure recorded (415, 413, 422, 500). */
enum err    form_read(struct req *r, const struct form_spec *spec, struct form *out);
/* A text field's value, or NULL. */
const char *form_field(const struct form *f, const char *name);
/* Removes what a worker that died mid-upload left in <upload_dir>/tmp (files over an
 * hour old: another worker's upload in progress is younger). Called as a worker starts. */
void        form_tmp_sweep(const char *upload_dir);
/* Where uploads wait while they are read: <upload_dir>/tmp, made when missing. */
const char *form_tmp_dir(struct req *r);

#endif

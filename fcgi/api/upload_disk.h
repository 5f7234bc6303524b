/* Where uploads live under upload_dir, and writing them there safely (docs/uploads.md):
 *
 *   public/<aa>/<sha256>_<variant>.<ext>   image variants, served by nginx at /media/
 *   files/<aa>/<32 hex>[.enc]              /api/files, through the worker (X-Accel-Redirect
 *                                          for plain ones; .enc ones decrypted)
 *   tmp/                                   uploads being read; never served
 *
 * <aa> is the first two hex digits: 256 directories keep each one small. A file
 * appears whole or not at all: it is written under tmp/ and renamed into place (one
 * filesystem), mode 0640 so nginx (group warsha) may read it. No name a client chose
 * ever reaches the disk. */
#ifndef WARSHA_UPLOAD_DISK_H
#define WARSHA_UPLOAD_DISK_H

#include <stddef.h>

#include "../core/http.h"

/* <upload_dir>/<rel>: its directory made when missing. NULL on failure (logged). */
const char *upload_path(struct req *r, const char *rel);
/* Writes buf to <upload_dir>/<rel> (temporary file, fsync, rename): 0 or -1 (logged). */
int         upload_write(struct req *r, const char *rel, const void *buf, size_t len);
/* Moves the open temporary file tmp (fd) to <upload_dir>/<rel>: 0 or -1 (logged). */
int         upload_move(struct req *r, const char *tmp, int fd, const char *rel);
/* 1 when <upload_dir>/<rel> is a regular file. */
int         upload_exists(struct req *r, const char *rel);
/* Removes <upload_dir>/<rel>; a missing file is no error. */
void        upload_remove(struct req *r, const char *rel);

#endif

#include "upload_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/form.h"
#include "../core/log.h"

/* Makes each directory of rel's path under upload_dir (rel has no "..": we build it). */
static int
make_dirs(struct req *r, const char *rel)
{
	char *p = arena_printf(r->a, "%s/%s", r->cfg->upload_dir, rel), *s;
	size_t base = strlen(r->cfg->upload_dir);

	if (mkdir(r->cfg->upload_dir, 0750) != 0 && errno != EEXIST)
		return -1;
	for (s = p + base + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0750) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

const char *
upload_path(struct req *r, const char *rel)
{
	if (make_dirs(r, rel) != 0) {
		log_error("msg=upload_mkdir_failed path=%s error=\"%s\"", rel, strerror(errno));
		return NULL;
	}
	return arena_printf(r->a, "%s/%s", r->cfg->upload_dir, rel);
}

int
upload_move(struct req *r, const char *tmp, int fd, const char *rel)
{
	const char *dst = upload_path(r, rel);

	if (dst == NULL)
		return -1;
	if (fchmod(fd, 0640) != 0 || fsync(fd) != 0 || rename(tmp, dst) != 0) {
		log_error("msg=upload_store_failed path=%s error=\"%s\"", rel, strerror(errno));
		return -1;
	}
	return 0;
}

int
upload_write(struct req *r, const char *rel, const void *buf, size_t len)
{
	const char *dir = form_tmp_dir(r);
	char *tmp;
	const char *p = buf;
	int fd, rc;

	if (dir == NULL) {
		log_error("msg=upload_tmp_dir_failed error=\"%s\"", strerror(errno));
		return -1;
	}
	tmp = arena_printf(r->a, "%s/vr-XXXXXX", dir);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		log_error("msg=upload_tmp_failed error=\"%s\"", strerror(errno));
		return -1;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("msg=upload_write_failed error=\"%s\"", strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	rc = upload_move(r, tmp, fd, rel);
	close(fd);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int
upload_exists(struct req *r, const char *rel)
{
	struct stat st;

	return stat(arena_printf(r->a, "%s/%s", r->cfg->upload_dir, rel), &st) == 0 &&
	    S_ISREG(st.st_mode);
}

void
upload_remove(struct req *r, const char *rel)
{
	const char *p = arena_printf(r->a, "%s/%s", r->cfg->upload_dir, rel);

	if (unlink(p) != 0 && errno != ENOENT)
		log_error("msg=upload_remove_failed path=%s error=\"%s\"", rel, strerror(errno));
}

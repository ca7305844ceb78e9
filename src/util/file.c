/* file.c: durable files, written the one way every module uses. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

int
file_write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_fsync_dir(const char *path)
{
	struct stat	 sb;
	char		*dir = NULL;
	int		 fd, rc, saved;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		dir = g_strdup(path);
	else
		dir = g_path_get_dirname(path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	g_free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char	*tmp;
	int	 fd, saved;

	tmp = g_strdup_printf("%s.tmp.%ld.%u", path, (long)getpid(),
	    g_random_int());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		goto fail;
	if (file_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail_unlink;
	}
	if (close(fd) != 0)
		goto fail_unlink;
	if (rename(tmp, path) != 0)
		goto fail_unlink;
	g_free(tmp);
	return file_fsync_dir(path);

fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	g_free(tmp);
	errno = saved;
	return -1;
}

int
file_mkdir_p(const char *path, mode_t mode)
{
	return g_mkdir_with_parents(path, (int)mode);
}

char *
file_read_all(const char *path, size_t *len)
{
	char	*buf = NULL;
	gsize	 n = 0;

	if (!g_file_get_contents(path, &buf, &n, NULL)) {
		if (errno == 0)
			errno = EIO;
		return NULL;
	}
	if (len != NULL)
		*len = n;
	return buf;
}

int
file_remove_tree(const char *path)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*de;
	char		*child;
	int		 rc = 0;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlink(path);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		child = g_build_filename(path, de->d_name, NULL);
		if (file_remove_tree(child) != 0)
			rc = -1;
		g_free(child);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

int
file_check_owner(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	if (sb.st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* file.c: durable files, written the one way every module uses. */
#include "satchel-config.h"

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

/* Deeper trees than this are not ours: stop rather than run out of fds. */
#define FILE_REMOVE_DEPTH	128

static int	file_remove_at(int, const char *, int);
static int	file_remove_walk(int, int);

/* Remove name in dfd: a file or link by unlinkat, a directory by walking it. */
static int
file_remove_at(int dfd, const char *name, int depth)
{
	struct stat	sb, osb;
	int		fd, rc, saved;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode)) {
		if (unlinkat(dfd, name, 0) != 0 && errno != ENOENT)
			return -1;
		return 0;
	}
	if (depth >= FILE_REMOVE_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0) {
		/* Swapped for a link or a file since the fstatat. */
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(dfd, name, 0) == 0 ||
			    errno == ENOENT ? 0 : -1;
		return errno == ENOENT ? 0 : -1;
	}
	/* The directory we looked at, not another one moved in its place. */
	if (fstat(fd, &osb) != 0 || osb.st_dev != sb.st_dev ||
	    osb.st_ino != sb.st_ino) {
		close(fd);
		errno = EAGAIN;
		return -1;
	}
	rc = file_remove_walk(fd, depth + 1);
	saved = errno;
	close(fd);
	if (unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return -1;
	errno = saved;
	return rc;
}

static int
file_remove_walk(int dirfd, int depth)
{
	DIR		*d;
	struct dirent	*de;
	int		 fd, rc = 0, saved = 0;

	if ((fd = dup(dirfd)) < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (file_remove_at(dirfd, de->d_name, depth) != 0) {
			saved = errno;
			rc = -1;
		}
	}
	closedir(d);
	errno = saved;
	return rc;
}

int
file_remove_contents(int dirfd)
{
	return file_remove_walk(dirfd, 0);
}

int
file_remove_tree(const char *path)
{
	g_autofree char	*dir = NULL, *name = NULL;
	int		 dfd, rc, saved;

	dir = g_path_get_dirname(path);
	name = g_path_get_basename(path);
	if (strcmp(name, "/") == 0 || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1;
	rc = file_remove_at(dfd, name, 0);
	saved = errno;
	close(dfd);
	errno = saved;
	return rc;
}

int
file_remove_dir_at(int parentfd, const char *name, dev_t dev, ino_t ino)
{
	struct stat	sb;
	int		fd, rc, saved;

	if (fstatat(parentfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode) || sb.st_dev != dev || sb.st_ino != ino) {
		errno = EEXIST;
		return -1;
	}
	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || sb.st_dev != dev || sb.st_ino != ino) {
		close(fd);
		errno = EEXIST;
		return -1;
	}
	rc = file_remove_contents(fd);
	saved = errno;
	close(fd);
	/* Only the same directory, checked again just before. */
	if (fstatat(parentfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(sb.st_mode) && sb.st_dev == dev && sb.st_ino == ino &&
	    unlinkat(parentfd, name, AT_REMOVEDIR) != 0)
		return -1;
	errno = saved;
	return rc;
}

int
file_remove_dir_checked(const char *path, dev_t dev, ino_t ino)
{
	g_autofree char	*dir = NULL, *name = NULL;
	int		 dfd, rc, saved;

	dir = g_path_get_dirname(path);
	name = g_path_get_basename(path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1;
	rc = file_remove_dir_at(dfd, name, dev, ino);
	saved = errno;
	close(dfd);
	errno = saved;
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

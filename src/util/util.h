/*
 * util.h: the bottom layer. Depends on libc and GLib only.
 *
 * Logging, durable files, XDG paths, terminal-safe text and small helpers
 * every other module uses. Nothing here prints to the user except through
 * the log sink, which the CLI or the UI installs.
 */
#ifndef SATCHEL_UTIL_H
#define SATCHEL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>

#include "util/gettext.h"
#define _(s) gettext(s)
#define N_(s) gettext_noop(s)

/* log.c: leveled logging into a sink set by the front end. */
enum log_level {
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
};
typedef void (*log_sink_fn)(enum log_level, const char *msg, void *data);
/* Install a sink (NULL restores the default: warnings and errors to stderr). */
void	log_set_sink(log_sink_fn fn, void *data);
/* Messages below this level are dropped (default WARN; SATCHEL_DEBUG=1 sets DEBUG). */
void	log_set_level(enum log_level);
void	log_debug(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void	log_info(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void	log_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void	log_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* file.c: durable files. All return 0 on success, -1 with errno set. */
/* fsync the directory that holds path (or path itself if it is a directory). */
int	file_fsync_dir(const char *dir);
/*
 * Write data to path atomically: a unique temporary file in the same
 * directory (O_CREAT|O_EXCL, mode), write, fsync, close, rename over path,
 * fsync the directory. On failure nothing is left behind.
 */
int	file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Write all of buf to fd, retrying on EINTR and short writes. */
int	file_write_all(int fd, const void *buf, size_t len);
/* mkdir -p with mode for every component created. */
int	file_mkdir_p(const char *path, mode_t mode);
/* Read a whole file into a new buffer (g_free). NULL with errno on error. */
char	*file_read_all(const char *path, size_t *len);
/*
 * Remove a file or a directory tree. Only the last component of path is
 * looked up by name; below it everything is removed relative to open
 * directory handles (openat/unlinkat, O_NOFOLLOW), so a symbolic link is
 * removed, never followed, even one swapped in while the walk runs.
 * Returns 0 (also when path does not exist) or -1 with errno.
 */
int	file_remove_tree(const char *path);
/*
 * Remove everything inside the open directory dirfd the same way (the
 * directory itself stays; dirfd stays open). 0 or -1 with errno.
 */
int	file_remove_contents(int dirfd);
/*
 * Remove the directory called name in the open directory parentfd only
 * if it is still the directory dev/ino (lstat, no link followed): a name
 * someone else recreated after we removed ours is left alone. 0 when it
 * was removed or is not there, -1 with errno (EEXIST: another file).
 */
int	file_remove_dir_at(int parentfd, const char *name, dev_t dev, ino_t ino);
/* The same for a path: its parent is opened, then as above. */
int	file_remove_dir_checked(const char *path, dev_t dev, ino_t ino);
/*
 * Check a directory we keep private data in: it must be owned by us.
 * Returns 0, or -1 with errno EPERM when someone else owns it.
 */
int	file_check_owner(const char *path);

/*
 * time.c: t (seconds since the epoch) in local time as fmt
 * (g_date_time_format); "-" for no time (t <= 0), "?" for one GLib cannot
 * represent. Newly allocated (g_free).
 */
char	*time_local_format(int64_t t, const char *fmt);
/*
 * t in the local time zone (looked up once a process), or NULL where GLib
 * cannot represent it; g_date_time_unref.
 */
GDateTime *time_local(int64_t t);

/* path.c: XDG locations. Returned strings are newly allocated (g_free). */
char	*path_config_file(void);	/* $XDG_CONFIG_HOME/satchel/config */
char	*path_data_dir(void);		/* $XDG_DATA_HOME/satchel */
/* Expand a leading ~ or ~/ to $HOME. */
char	*path_expand(const char *path);

/*
 * sanitize.c: terminal-safe text (DESIGN invariant 6). Every string that came
 * from mail or a server goes through here before it is drawn or printed.
 */
enum sanitize_flags {
	SANITIZE_KEEP_NEWLINE = 1 << 0,	/* keep \n (for bodies), else it becomes a space */
	SANITIZE_KEEP_TAB = 1 << 1,	/* keep \t, else it becomes a space */
};
/*
 * Return a newly allocated valid UTF-8 copy of len bytes of s (len -1: up to
 * NUL) where invalid bytes become U+FFFD, C0/DEL/C1 controls (ESC included)
 * become U+FFFD, and bidirectional controls, line/paragraph separators and
 * other invisible formatting characters are dropped. Never NULL.
 */
char	*sanitize_text(const char *s, gssize len, unsigned flags);
/* Display width in terminal columns of valid UTF-8 (wcwidth; controls count 1). */
size_t	 sanitize_width(const char *utf8);
/*
 * Copy of utf8 cut to at most cols columns, never splitting a character;
 * if ellipsis and it was cut, the last column is "…".
 */
char	*sanitize_truncate(const char *utf8, size_t cols, gboolean ellipsis);

/* Safe file name from an untrusted name: base name only, no controls, no
 * leading dots, no slashes; "attachment" if nothing is left. */
char	*sanitize_filename(const char *name);

#endif

/*
 * store-import.c: import a Maildir, an mbox or a single message file.
 * Files are read and parsed by the reader threads; each message not already
 * in the store (same content hash and Message-ID) is written to tmp/, and a
 * batch is made durable with one sync, renamed into place and committed.
 * A source directory (or mbox) whose mtime and size are what the last
 * import recorded is skipped without being read.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "store/store-private.h"

#define STORE_IMPORT_BATCH	1000
#define STORE_IMPORT_CHUNK	(256 * 1024)
/* Maildir files handed to the reader threads at a time: bounds memory. */
#define STORE_IMPORT_FILES	4096

struct store_import_src {
	char		*key;		/* import_state path */
	int64_t		 mtime;
	int64_t		 size;
	int		 subdir;	/* where messages go */
};

struct store_import_pending {
	char		*tmp;
	char		*dest;
};

struct store_import {
	struct store		*st;
	const char		*folder;
	int64_t			 fid;
	char			*top;
	struct store_progress	*pr;
	store_progress_fn	 fn;
	void			*data;
	GPtrArray		*pending;	/* struct store_import_pending */
	int			 syncfd;
	gboolean		 counted;	/* pr->total already set */
};

static void	 store_import_pending_free(gpointer);
static int	 store_import_copy(const struct store_reader_job *, int64_t,
		    int);
static enum store_status store_import_flush(struct store_import *);
static enum store_status store_import_one(struct store_import *,
		    struct store_reader_result *, int, unsigned);
static gboolean	 store_import_unchanged(struct store *,
		    struct store_import_src *);
static enum store_status store_import_record(struct store *,
		    struct store_import_src *);
static void	 store_import_mbox_jobs(const char *, const char *, size_t,
		    GPtrArray *);
static enum store_status store_import_run(struct store_import *,
		    GPtrArray *, int, struct store_import_src *);
static gboolean	 store_import_regular(DIR *, const char *, const char *);

static void
store_import_pending_free(gpointer p)
{
	struct store_import_pending *pe = p;

	g_free(pe->tmp);
	g_free(pe->dest);
	g_free(pe);
}

/*
 * Is the Maildir entry name a regular file? A symbolic link (to another
 * file of the user's), a FIFO (which would block the import), a device
 * or a directory is not a message: it is logged and skipped. The readers
 * open with O_NOFOLLOW | O_NONBLOCK and check again, so a swap after
 * this look gains nothing.
 */
static gboolean
store_import_regular(DIR *d, const char *dir, const char *name)
{
	struct stat	 sb;
	const char	*kind;

	if (fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return TRUE;	/* gone or unreadable: counted by the reader */
	if (S_ISREG(sb.st_mode))
		return TRUE;
	if (S_ISLNK(sb.st_mode))
		kind = _("a symbolic link");
	else if (S_ISFIFO(sb.st_mode))
		kind = _("a FIFO");
	else if (S_ISDIR(sb.st_mode))
		kind = _("a directory");
	else
		kind = _("a device or socket");
	log_warn(_("%s/%s: skipped: %s, not a message file"), dir, name,
	    kind);
	return FALSE;
}

/* Copy the job's len bytes to fd in small chunks; -1 with errno on error. */
static int
store_import_copy(const struct store_reader_job *j, int64_t len, int fd)
{
	g_autofree char	*buf = NULL;
	int64_t		 done = 0;
	ssize_t		 n;
	int		 in, e;

	if ((in = open(j->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) < 0)
		return -1;
	buf = g_malloc(STORE_IMPORT_CHUNK);
	while (done < len) {
		n = pread(in, buf, (size_t)MIN(len - done, STORE_IMPORT_CHUNK),
		    (off_t)(j->offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n == 0 ? EIO : errno;
			close(in);
			errno = e;
			return -1;
		}
		if (file_write_all(fd, buf, (size_t)n) != 0) {
			e = errno;
			close(in);
			errno = e;
			return -1;
		}
		done += n;
	}
	close(in);
	return 0;
}

static gboolean
store_import_unchanged(struct store *st, struct store_import_src *src)
{
	static const char sql[] =
	    "SELECT mtime, size FROM import_state WHERE path = ?";
	sqlite3_stmt	*stmt;
	gboolean	 same = FALSE;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, src->key, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		same = sqlite3_column_int64(stmt, 0) == src->mtime &&
		    sqlite3_column_int64(stmt, 1) == src->size;
	sqlite3_reset(stmt);
	return same;
}

static enum store_status
store_import_record(struct store *st, struct store_import_src *src)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO import_state(path, mtime, size)"
	    " VALUES (?, ?, ?)";
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, src->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, src->mtime);
	sqlite3_bind_int64(stmt, 3, src->size);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "import state");
	return STORE_OK;
}

/*
 * Make the batch durable: one syncfs() for all the files written to tmp/
 * (instead of an fsync each), then rename them into place. The directory
 * fsync and the commit follow in store_tx_commit().
 */
static enum store_status
store_import_flush(struct store_import *im)
{
	struct store	*st = im->st;
	guint		 i;

	if (im->pending->len == 0)
		return STORE_OK;
	if (syncfs(im->syncfd) != 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", im->top, g_strerror(errno));
	for (i = 0; i < im->pending->len; i++) {
		struct store_import_pending *pe = im->pending->pdata[i];

		if (rename(pe->tmp, pe->dest) != 0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", pe->dest, g_strerror(errno));
		g_ptr_array_add(st->tx_files, g_strdup(pe->dest));
		g_clear_pointer(&pe->tmp, g_free);
	}
	g_ptr_array_set_size(im->pending, 0);
	return STORE_OK;
}

static enum store_status
store_import_one(struct store_import *im, struct store_reader_result *res,
    int subdir, unsigned flags)
{
	static const char dup[] =
	    "SELECT 1 FROM messages WHERE hash = ? AND message_id IS ?";
	struct store		*st = im->st;
	struct store_item	*it = res->item;
	struct store_import_pending *pe;
	g_autofree char		*unique = NULL, *name = NULL;
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int			 fd, rc;

	if ((stmt = store_stmt(st, dup)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, it->hash);
	if (it->sum->message_id != NULL)
		sqlite3_bind_text(stmt, 2, it->sum->message_id, -1,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 2);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW) {
		im->pr->duplicates++;
		return STORE_OK;
	}
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "import");

	unique = store_unique_name(st);
	name = subdir == STORE_SUBDIR_CUR ? store_name_with_flags(unique,
	    flags) : g_strdup(unique);
	pe = g_new0(struct store_import_pending, 1);
	pe->tmp = g_build_filename(im->top, "tmp", unique, NULL);
	pe->dest = g_build_filename(im->top, subdir == STORE_SUBDIR_CUR ?
	    "cur" : "new", name, NULL);
	fd = open(pe->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || store_import_copy(res->job, it->size, fd) != 0 ||
	    close(fd) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		unlink(pe->tmp);
		s = store_set_error(st, store_errno_status(e), "%s: %s",
		    pe->tmp, g_strerror(e));
		store_import_pending_free(pe);
		return s;
	}
	g_ptr_array_add(im->pending, pe);
	it->folder = g_strdup(im->folder);
	it->folder_id = im->fid;
	it->subdir = subdir;
	it->name = g_strdup(name);
	it->base = g_strdup(unique);
	it->flags = flags & STORE_MAILDIR_FLAGS;
	it->delivered = (int64_t)time(NULL);
	if ((s = store_item_insert(st, it, 0, NULL)) != STORE_OK)
		return s;
	im->pr->imported++;
	return STORE_OK;
}

static enum store_status
store_import_run(struct store_import *im, GPtrArray *jobs, int subdir,
    struct store_import_src *src)
{
	struct store			*st = im->st;
	struct store_reader		*rd;
	struct store_reader_result	*res;
	enum store_status		 s = STORE_OK;
	guint				 inbatch = 0;

	if (!im->counted)
		im->pr->total += jobs->len;
	rd = store_reader_new(jobs);
	if ((s = store_tx_begin(st)) != STORE_OK) {
		store_reader_free(rd);
		return s;
	}
	while ((res = store_reader_next(rd)) != NULL) {
		unsigned flags = 0;

		im->pr->done++;
		im->pr->current = res->job->path;
		if (res->item != NULL)
			im->pr->bytes += (guint64)res->item->size;
		if (res->item == NULL) {
			im->pr->unreadable++;
			store_reader_result_free(res);
			continue;
		}
		if (subdir == STORE_SUBDIR_CUR) {
			const char *slash = strrchr(res->job->path, '/');

			store_name_parse(slash != NULL ? slash + 1 :
			    res->job->path, NULL, NULL, NULL, &flags);
		}
		flags &= STORE_MAILDIR_FLAGS;
		s = store_import_one(im, res, subdir, flags);
		store_reader_result_free(res);
		if (s != STORE_OK)
			goto fail;
		if (++inbatch >= STORE_IMPORT_BATCH) {
			inbatch = 0;
			if ((s = store_import_flush(im)) != STORE_OK)
				goto fail;
			if ((s = store_tx_commit(st)) != STORE_OK)
				goto out;
			if ((s = store_tx_begin(st)) != STORE_OK)
				goto out;
		}
		if (im->fn != NULL && im->pr->done % 128 == 0)
			im->fn(im->pr, im->data);
	}
	if ((s = store_import_flush(im)) != STORE_OK)
		goto fail;
	if (src != NULL && (s = store_import_record(st, src)) != STORE_OK)
		goto fail;
	s = store_tx_commit(st);
	goto out;
fail:
	{
		guint i;

		for (i = 0; i < im->pending->len; i++) {
			struct store_import_pending *pe =
			    im->pending->pdata[i];

			if (pe->tmp != NULL)
				unlink(pe->tmp);
		}
		g_ptr_array_set_size(im->pending, 0);
	}
	store_tx_rollback(st);
out:
	store_reader_free(rd);
	if (im->fn != NULL)
		im->fn(im->pr, im->data);
	return s;
}

/*
 * Split an mbox into jobs: a message starts after a "From " line that
 * opens the file or follows an empty line, or at an MMDF ^A^A^A^A line.
 */
static void
store_import_mbox_jobs(const char *path, const char *buf, size_t len,
    GPtrArray *jobs)
{
	const char	*p = buf, *end = buf + len, *eol, *start = NULL;
	gboolean	 prev_empty = TRUE;

	while (p < end) {
		gboolean sep = FALSE;
		const char *next;

		eol = memchr(p, '\n', (size_t)(end - p));
		next = eol != NULL ? eol + 1 : end;
		if ((size_t)(end - p) >= 5 && memcmp(p, "From ", 5) == 0 &&
		    prev_empty)
			sep = TRUE;
		else if ((size_t)(end - p) >= 4 && memcmp(p, "\001\001\001\001",
		    4) == 0)
			sep = TRUE;
		if (sep) {
			if (start != NULL && p > start) {
				struct store_reader_job *j = g_new0(
				    struct store_reader_job, 1);

				j->path = g_strdup(path);
				j->offset = start - buf;
				j->len = p - start;
				g_ptr_array_add(jobs, j);
			}
			start = next;
		} else if (start == NULL)
			start = p;	/* no leading From line */
		prev_empty = p == eol || (eol == p + 1 && *p == '\r');
		p = next;
	}
	if (start != NULL && start < end) {
		/* Skip a tail of blank lines (MMDF end marker included). */
		const char *q = start;

		while (q < end && (*q == '\n' || *q == '\r' || *q == '\001'))
			q++;
		if (q < end) {
			struct store_reader_job *j = g_new0(
			    struct store_reader_job, 1);

			j->path = g_strdup(path);
			j->offset = start - buf;
			j->len = end - start;
			g_ptr_array_add(jobs, j);
		}
	}
	/* Drop messages that are only blank lines or an MMDF marker. */
	{
		guint i = 0;

		while (i < jobs->len) {
			struct store_reader_job *j = jobs->pdata[i];
			const char *q = buf + j->offset;
			const char *e = q + j->len;

			while (q < e && (*q == '\n' || *q == '\r' ||
			    *q == '\001' || *q == ' ' || *q == '\t'))
				q++;
			if (q == e) {
				g_free(j->path);
				g_free(j);
				g_ptr_array_remove_index(jobs, i);
			} else
				i++;
		}
	}
}

enum store_status
store_import(struct store *st, const char *path, const char *folder,
    store_progress_fn fn, void *data, struct store_progress *result)
{
	struct store_import	 im;
	struct store_progress	 pr;
	struct stat		 sb;
	enum store_status	 s = STORE_OK;
	g_autofree char		*real = NULL;
	int			 i;

	memset(&pr, 0, sizeof(pr));
	memset(&im, 0, sizeof(im));
	if (result != NULL)
		memset(result, 0, sizeof(*result));
	if (folder == NULL)
		folder = STORE_INBOX;
	if (stat(path, &sb) != 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", path, g_strerror(errno));
	if (store_path_is_index(st->dir, path))
		return store_set_error(st, STORE_ERR_INVALID,
		    _("%s: this is the store's own index, not mail"), path);
	if ((real = realpath(path, NULL)) == NULL)
		real = g_strdup(path);
	im.st = st;
	im.folder = folder;
	im.pr = &pr;
	im.fn = fn;
	im.data = data;
	if ((s = store_folder_id(st, folder, TRUE, &im.fid)) != STORE_OK)
		return s;
	im.top = store_folder_path(st, folder);
	im.pending = g_ptr_array_new_with_free_func(store_import_pending_free);
	if ((im.syncfd = open(im.top, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
	    0) {
		s = store_set_error(st, store_errno_status(errno), "%s: %s",
		    im.top, g_strerror(errno));
		goto out;
	}

	if (S_ISDIR(sb.st_mode)) {
		static const char *const subs[] = { "new", "cur" };
		gboolean maildir = FALSE;

		for (i = 0; i < 2 && s == STORE_OK; i++) {
			g_autofree char *sub = g_build_filename(real, subs[i],
			    NULL);
			struct store_import_src src;
			struct dirent *de;
			struct stat ssb;
			GPtrArray *jobs;
			gboolean last;
			DIR *d;

			if (stat(sub, &ssb) != 0 || !S_ISDIR(ssb.st_mode))
				continue;
			maildir = TRUE;
			memset(&src, 0, sizeof(src));
			src.key = sub;
			src.mtime = (int64_t)ssb.st_mtim.tv_sec * 1000000000 +
			    ssb.st_mtim.tv_nsec;
			src.size = 0;
			if (store_import_unchanged(st, &src))
				continue;
			if ((d = opendir(sub)) == NULL) {
				s = store_set_error(st,
				    store_errno_status(errno), "%s: %s", sub,
				    g_strerror(errno));
				break;
			}
			/* Count first, for the progress total. */
			while ((de = readdir(d)) != NULL)
				if (de->d_name[0] != '.')
					pr.total++;
			rewinddir(d);
			im.counted = TRUE;
			/*
			 * In chunks, so that memory does not grow with the
			 * number of files; the source is recorded as done
			 * with the last one.
			 */
			do {
				jobs = g_ptr_array_new();
				while (jobs->len < STORE_IMPORT_FILES &&
				    (de = readdir(d)) != NULL) {
					struct store_reader_job *j;

					if (de->d_name[0] == '.')
						continue;
					if (!store_import_regular(d, sub,
					    de->d_name)) {
						pr.skipped++;
						pr.total--;
						continue;
					}
					j = g_new0(struct store_reader_job, 1);
					j->path = g_build_filename(sub,
					    de->d_name, NULL);
					j->len = -1;
					g_ptr_array_add(jobs, j);
				}
				last = de == NULL;
				s = store_import_run(&im, jobs, i == 0 ?
				    STORE_SUBDIR_NEW : STORE_SUBDIR_CUR,
				    last ? &src : NULL);
			} while (s == STORE_OK && !last);
			closedir(d);
			im.counted = FALSE;
		}
		if (!maildir && s == STORE_OK)
			s = store_set_error(st, STORE_ERR_INVALID,
			    _("%s: not a Maildir (no cur/ or new/) and not an "
			    "mbox file"), path);
	} else if (S_ISREG(sb.st_mode)) {
		struct store_import_src	 src;
		GMappedFile		*mf;
		GPtrArray		*jobs = g_ptr_array_new();
		GError			*gerr = NULL;
		const char		*buf;
		size_t			 len;

		memset(&src, 0, sizeof(src));
		src.key = real;
		src.mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
		    sb.st_mtim.tv_nsec;
		src.size = (int64_t)sb.st_size;
		if (store_import_unchanged(st, &src)) {
			g_ptr_array_unref(jobs);
			goto out;
		}
		if ((mf = g_mapped_file_new(real, FALSE, &gerr)) == NULL) {
			s = store_set_error(st, STORE_ERR_IO, "%s", gerr->message);
			g_error_free(gerr);
			g_ptr_array_unref(jobs);
			goto out;
		}
		buf = g_mapped_file_get_contents(mf);
		len = g_mapped_file_get_length(mf);
		if (len >= 5 && memcmp(buf, "From ", 5) == 0)
			store_import_mbox_jobs(real, buf, len, jobs);
		else if (len >= 4 && memcmp(buf, "\001\001\001\001", 4) == 0)
			store_import_mbox_jobs(real, buf, len, jobs);
		else {
			/* One message in a file. */
			struct store_reader_job *j = g_new0(
			    struct store_reader_job, 1);

			j->path = g_strdup(real);
			j->len = -1;
			g_ptr_array_add(jobs, j);
		}
		g_mapped_file_unref(mf);
		s = store_import_run(&im, jobs, STORE_SUBDIR_NEW, &src);
	} else
		s = store_set_error(st, STORE_ERR_INVALID,
		    _("%s: not a Maildir or an mbox file"), path);
out:
	if (im.syncfd > 0)
		close(im.syncfd);
	g_ptr_array_unref(im.pending);
	g_free(im.top);
	if (result != NULL)
		*result = pr;
	return s;
}

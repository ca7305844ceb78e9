/*
 * store-import.c: import a Maildir, an mbox or a single message file.
 * Files are read and parsed by the reader threads; each message not already
 * in the store (same content hash and Message-ID) is written to tmp/, and a
 * batch is made durable with one sync, renamed into place and committed.
 * A source directory (or mbox) whose mtime and size are what the last
 * import recorded is skipped without being read.
 */
#include "satchel-config.h"

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
	guint64			 batch_new;	/* imported, not yet committed */
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
	if (fd < 0 || (res->data != NULL ? file_write_all(fd,
	    g_bytes_get_data(res->data, NULL), g_bytes_get_size(res->data)) :
	    store_import_copy(res->job, it->size, fd)) != 0 ||
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
	if ((s = store_item_insert(st, it, 0, NULL)) != STORE_OK) {
		/* Not indexed: its file must not join the batch. */
		unlink(pe->tmp);
		g_ptr_array_remove_index(im->pending, im->pending->len - 1);
		return s;
	}
	im->batch_new++;	/* counted as imported once committed */
	return STORE_OK;
}

/*
 * Where the job's message goes (STORE_SUBDIR_*) and its Maildir flags: a
 * file from cur/ (or mutt's new/NAME:2,T for deleted unread mail) keeps
 * the flags of its name, an mbox message those of its Status lines.
 */
static int
store_import_dest(const struct store_reader_job *job, int subdir,
    unsigned *flags)
{
	int dest = subdir;

	*flags = 0;
	if (job->len < 0) {
		const char *slash = strrchr(job->path, '/');
		const char *name = slash != NULL ? slash + 1 : job->path;

		if (subdir == STORE_SUBDIR_CUR || strstr(name, ":2,") != NULL) {
			store_name_parse(name, NULL, NULL, NULL, flags);
			dest = STORE_SUBDIR_CUR;
		}
	} else if (job->status) {
		*flags = job->flags;
		dest = STORE_SUBDIR_CUR;
	}
	*flags &= STORE_MAILDIR_FLAGS;
	return dest;
}

/* A failed batch: its files written so far are removed, its rows undone. */
static void
store_import_discard(struct store_import *im)
{
	guint i;

	for (i = 0; i < im->pending->len; i++) {
		struct store_import_pending *pe = im->pending->pdata[i];

		if (pe->tmp != NULL)
			unlink(pe->tmp);
	}
	g_ptr_array_set_size(im->pending, 0);
	store_tx_rollback(im->st);
	im->batch_new = 0;
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
	guint64				 budget, inbytes = 0;

	if (!im->counted)
		im->pr->total += jobs->len;
	rd = store_reader_new(jobs);
	if ((s = store_tx_begin(st)) != STORE_OK) {
		store_reader_free(rd);
		return s;
	}
	im->batch_new = 0;
	budget = store_space_budget(st);
	while ((res = store_reader_next(rd)) != NULL) {
		unsigned flags;
		int dest;
		guint64 size;

		im->pr->done++;
		im->pr->current = res->job->path;
		if (res->item != NULL)
			im->pr->bytes += (guint64)res->item->size;
		if (res->item == NULL) {
			if (res->errnum == ENODATA)
				im->pr->empty++;
			else
				im->pr->unreadable++;
			store_reader_result_free(res);
			continue;
		}
		dest = store_import_dest(res->job, subdir, &flags);
		size = (guint64)res->item->size;
		s = store_import_one(im, res, dest, flags);
		store_reader_result_free(res);
		if (s == STORE_ERR_NOSPC && inbatch > 0) {
			/* Keep what arrived whole: commit it alone. */
			g_autofree char *why = g_strdup(store_errmsg(st));

			if (store_import_flush(im) == STORE_OK &&
			    store_tx_commit(st) == STORE_OK) {
				im->pr->imported += im->batch_new;
				im->batch_new = 0;
				store_set_error(st, s, "%s", why);
				goto out;
			}
			store_set_error(st, s, "%s", why);
			goto fail;
		}
		if (s != STORE_OK)
			goto fail;
		inbytes += size;
		/*
		 * A batch is committed at STORE_IMPORT_BATCH messages or when
		 * it holds half of the space left: near a full disk each
		 * message is committed alone, so that what fits is kept and
		 * the index still has room for its commit.
		 */
		if (++inbatch >= STORE_IMPORT_BATCH || inbytes >= budget) {
			inbatch = 0;
			inbytes = 0;
			if ((s = store_import_flush(im)) != STORE_OK)
				goto fail;
			if ((s = store_tx_commit(st)) != STORE_OK) {
				im->batch_new = 0;
				goto out;
			}
			im->pr->imported += im->batch_new;
			im->batch_new = 0;
			budget = store_space_budget(st);
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
	if ((s = store_tx_commit(st)) == STORE_OK)
		im->pr->imported += im->batch_new;
	im->batch_new = 0;
	goto out;
fail:
	store_import_discard(im);
out:
	store_reader_free(rd);
	if (im->fn != NULL)
		im->fn(im->pr, im->data);
	return s;
}

/* A line of a mapped file: [p, next), next past the line end. */
struct store_import_line {
	const char	*p;
	const char	*next;
	gboolean	 blank;		/* empty (line end only) */
};

static void
store_import_line(const char *p, const char *end, char eolc,
    struct store_import_line *l)
{
	const char *eol = memchr(p, eolc, (size_t)(end - p));

	l->p = p;
	l->next = eol != NULL ? eol + 1 : end;
	l->blank = p == eol || (eol == p + 1 && *p == '\r');
}

static gboolean
store_import_prefix(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && g_ascii_strncasecmp(p, word, n) == 0;
}

/*
 * A From_ line: "From SENDER Www Mmm dd hh:mm:ss yyyy", the form every
 * mbox writer uses. After a blank line a time of day is enough (some
 * writers vary the date); elsewhere only the strict form separates.
 */
static gboolean
store_import_from_line(const char *p, const char *end, gboolean strict)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char	*q;
	int		 i;
	gboolean	 day = FALSE, month = FALSE, clock = FALSE;

	if (!store_import_prefix(p, end, "From "))
		return FALSE;
	q = p + 5;
	while (q < end && *q != ' ' && *q != '\n' && *q != '\r')
		q++;			/* the sender */
	while (q < end && *q == ' ')
		q++;
	if (end - q < 8)
		return FALSE;
	for (i = 0; i < 7; i++)
		if (memcmp(q, days + 3 * i, 3) == 0)
			day = TRUE;
	for (i = 0; i < 12; i++)
		if (memcmp(q + 4, months + 3 * i, 3) == 0)
			month = TRUE;
	for (; q + 5 <= end && *q != '\n' && *q != '\r'; q++)
		if (g_ascii_isdigit(q[0]) && g_ascii_isdigit(q[1]) &&
		    q[2] == ':' && g_ascii_isdigit(q[3]) &&
		    g_ascii_isdigit(q[4]))
			clock = TRUE;
	return clock && (!strict || (day && month));
}

/*
 * Read the header block that starts at p: Content-Length (-1 if none or
 * unparsable), the flags of Status: and X-Status:, and where the body
 * starts (end if there is no blank line).
 */
static const char *
store_import_headers(const char *p, const char *end, char eolc,
    int64_t *clen, unsigned *flags, gboolean *status)
{
	struct store_import_line l;

	*clen = -1;
	*flags = 0;
	*status = FALSE;
	for (; p < end; p = l.next) {
		const char *v;

		store_import_line(p, end, eolc, &l);
		if (l.blank)
			return l.next;
		if (store_import_prefix(p, l.next, "Content-Length:")) {
			char *e;
			gint64 n;

			v = p + 15;
			while (v < l.next && (*v == ' ' || *v == '\t'))
				v++;
			n = g_ascii_strtoll(v, &e, 10);
			*clen = e > v && n >= 0 && (e == l.next || *e == '\n' ||
			    *e == '\r' || *e == ' ') ? n : -1;
		} else if (store_import_prefix(p, l.next, "Status:")) {
			*status = TRUE;
			for (v = p + 7; v < l.next; v++)
				if (*v == 'R')
					*flags |= STORE_FLAG_SEEN;
		} else if (store_import_prefix(p, l.next, "X-Status:")) {
			*status = TRUE;
			for (v = p + 9; v < l.next; v++)
				if (*v == 'A')
					*flags |= STORE_FLAG_REPLIED;
				else if (*v == 'F')
					*flags |= STORE_FLAG_FLAGGED;
				else if (*v == 'D')
					*flags |= STORE_FLAG_TRASHED;
				else if (*v == 'T')
					*flags |= STORE_FLAG_DRAFT;
		}
	}
	return end;
}

static void
store_import_add_job(GPtrArray *jobs, const char *path, const char *buf,
    const char *start, const char *end, gboolean unquote)
{
	struct store_reader_job	*j;
	const char		*q;
	int64_t			 clen;

	for (q = start; q < end; q++)
		if (*q != '\n' && *q != '\r' && *q != '\001' && *q != ' ' &&
		    *q != '\t')
			break;
	if (q == end)
		return;		/* only blank lines or an MMDF marker */
	j = g_new0(struct store_reader_job, 1);
	j->path = g_strdup(path);
	j->offset = start - buf;
	j->len = end - start;
	j->unquote = unquote;
	store_import_headers(start, end, memchr(start, '\n',
	    (size_t)(end - start)) != NULL ? '\n' : '\r', &clen, &j->flags,
	    &j->status);
	g_ptr_array_add(jobs, j);
}

/*
 * Where a message that starts at start ends, if its Content-Length is
 * consistent: the counted body ends the file or is followed by the next
 * From_ line (after one blank line or none). NULL otherwise.
 */
static const char *
store_import_counted(const char *start, const char *end, char eolc)
{
	const char	*body, *e;
	int64_t		 clen;
	unsigned	 flags;
	gboolean	 status;

	body = store_import_headers(start, end, eolc, &clen, &flags, &status);
	if (clen < 0 || clen > end - body)
		return NULL;
	e = body + clen;
	if (clen > 0 && e[-1] != eolc)
		return NULL;
	if (e == end || store_import_prefix(e, end, "From "))
		return e;
	if (*e == '\r' && e + 1 < end && e[1] == '\n')
		e++;
	if (*e == eolc && (e + 1 == end || store_import_prefix(e + 1, end,
	    "From ")))
		return body + clen;
	return NULL;
}

/*
 * Split an mbox into jobs: a message starts after the "From " line that
 * opens the file, a From_ line (see above), or at an MMDF ^A^A^A^A line. The blank line before a From_
 * line belongs to the mbox, not to the message. A consistent
 * Content-Length bounds its message (mboxcl2: From lines in the body are
 * not quoted); elsewhere ">From " lines are unquoted (mboxrd). A file
 * without any line feed has CR line ends.
 */
static void
store_import_mbox_jobs(const char *path, const char *buf, size_t len,
    GPtrArray *jobs)
{
	const char	*p = buf, *end = buf + len, *start = NULL;
	const char	*prev = NULL;	/* the line before p, if blank */
	char		 eolc = memchr(buf, '\n', len) == NULL &&
			    memchr(buf, '\r', len) != NULL ? '\r' : '\n';
	gboolean	 prev_blank = TRUE, quoted = FALSE, first = TRUE;

	while (p < end) {
		struct store_import_line l;
		gboolean sep = FALSE;
		const char *q;

		store_import_line(p, end, eolc, &l);
		if (store_import_prefix(p, end, "From ") && (first ||
		    store_import_from_line(p, l.next, !prev_blank)))
			sep = TRUE;
		else if (store_import_prefix(p, end, "\001\001\001\001"))
			sep = TRUE;
		if (!l.blank)
			first = FALSE;
		if (sep) {
			const char *counted;

			if (start != NULL && p > start)
				store_import_add_job(jobs, path, buf, start,
				    prev != NULL && prev >= start ? prev : p,
				    quoted);
			start = l.next;
			quoted = FALSE;
			prev = NULL;
			prev_blank = FALSE;
			if (*p == 'F' && (counted = store_import_counted(start,
			    end, eolc)) != NULL) {
				store_import_add_job(jobs, path, buf, start,
				    counted, FALSE);
				start = NULL;
				p = counted;
				prev_blank = TRUE;
				while (p < end && (*p == '\n' || *p == '\r')) {
					store_import_line(p, end, eolc, &l);
					if (!l.blank)
						break;
					p = l.next;
				}
				continue;
			}
			p = l.next;
			continue;
		}
		if (start == NULL)
			start = p;	/* no leading From line */
		for (q = p; q < l.next && *q == '>'; q++)
			;
		if (q > p && store_import_prefix(q, l.next, "From "))
			quoted = TRUE;
		prev_blank = l.blank;
		prev = l.blank ? p : NULL;
		p = l.next;
	}
	if (start != NULL && start < end)
		store_import_add_job(jobs, path, buf, start,
		    prev != NULL && prev >= start ? prev : end, quoted);
}

/*
 * A line that starts a message in an archive without From_ lines: after a
 * blank line, the field the file starts with (Return-Path:, Date:, ...),
 * in a block of header fields that has From: and a transport field.
 */
static gboolean
store_import_header_start(const char *p, const char *end, char eolc,
    const char *first, size_t firstlen)
{
	struct store_import_line l;
	gboolean from = FALSE, transport = FALSE;
	int n = 0;

	if ((size_t)(end - p) <= firstlen || g_ascii_strncasecmp(p, first,
	    firstlen) != 0 || p[firstlen] != ':')
		return FALSE;
	for (; p < end; p = l.next, n++) {
		const char *c;

		store_import_line(p, end, eolc, &l);
		if (l.blank)
			break;
		if (*p == ' ' || *p == '\t')
			continue;
		for (c = p; c < l.next && *c != ':' && *c > ' ' && *c < 127;
		    c++)
			;
		if (c == p || c >= l.next || *c != ':')
			return FALSE;
		if (store_import_prefix(p, l.next, "From:"))
			from = TRUE;
		if (store_import_prefix(p, l.next, "Message-ID:") ||
		    store_import_prefix(p, l.next, "Received:") ||
		    store_import_prefix(p, l.next, "Return-Path:"))
			transport = TRUE;
	}
	return n >= 2 && from && transport;
}

/*
 * Split a file of messages without From_ lines (some list archives): a
 * new message starts where the first header field of the file comes again
 * after a blank line, in a block of header fields. FALSE if the file holds
 * one message.
 */
static gboolean
store_import_header_jobs(const char *path, const char *buf, size_t len,
    GPtrArray *jobs)
{
	const char	*p = buf, *end = buf + len, *start = buf, *c;
	const char	*prev = NULL;
	char		 eolc = memchr(buf, '\n', len) == NULL ? '\r' : '\n';
	g_autofree char	*first = NULL;
	gboolean	 prev_blank = FALSE, split = FALSE;

	for (c = buf; c < end && *c != ':' && *c > ' ' && *c < 127; c++)
		;
	if (c == buf || c >= end || *c != ':' || !store_import_header_start(
	    buf, end, eolc, buf, (size_t)(c - buf)))
		return FALSE;
	first = g_strndup(buf, (gsize)(c - buf));
	while (p < end) {
		struct store_import_line l;

		store_import_line(p, end, eolc, &l);
		if (prev_blank && p > start && store_import_header_start(p,
		    end, eolc, first, strlen(first))) {
			store_import_add_job(jobs, path, buf, start,
			    prev != NULL ? prev : p, FALSE);
			start = p;
			split = TRUE;
		}
		prev_blank = l.blank;
		prev = l.blank ? p : NULL;
		p = l.next;
	}
	if (!split)
		return FALSE;
	store_import_add_job(jobs, path, buf, start, end, FALSE);
	return TRUE;
}

/* Import the new/ and cur/ directories of the Maildir at real, in chunks. */
static enum store_status
store_import_maildir(struct store_import *im, const char *real,
    const char *path)
{
	static const char *const subs[] = { "new", "cur" };
	struct store		*st = im->st;
	struct store_progress	*pr = im->pr;
	enum store_status	 s = STORE_OK;
	gboolean		 maildir = FALSE;
	int			 i;

	for (i = 0; i < 2 && s == STORE_OK; i++) {
		g_autofree char *sub = g_build_filename(real, subs[i], NULL);
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
		if (store_import_unchanged(st, &src)) {
			pr->unchanged++;
			continue;
		}
		if ((d = opendir(sub)) == NULL) {
			s = store_set_error(st, store_errno_status(errno),
			    "%s: %s", sub, g_strerror(errno));
			break;
		}
		/* Count first, for the progress total. */
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				pr->total++;
		rewinddir(d);
		im->counted = TRUE;
		/*
		 * In chunks, so that memory does not grow with the number of
		 * files; the source is recorded as done with the last one.
		 */
		do {
			jobs = g_ptr_array_new();
			while (jobs->len < STORE_IMPORT_FILES &&
			    (de = readdir(d)) != NULL) {
				struct store_reader_job *j;

				if (de->d_name[0] == '.')
					continue;
				if (!store_import_regular(d, sub, de->d_name)) {
					pr->skipped++;
					pr->total--;
					continue;
				}
				j = g_new0(struct store_reader_job, 1);
				j->path = g_build_filename(sub, de->d_name,
				    NULL);
				j->len = -1;
				g_ptr_array_add(jobs, j);
			}
			last = de == NULL;
			s = store_import_run(im, jobs, i == 0 ?
			    STORE_SUBDIR_NEW : STORE_SUBDIR_CUR,
			    last ? &src : NULL);
		} while (s == STORE_OK && !last);
		closedir(d);
		im->counted = FALSE;
	}
	if (!maildir && s == STORE_OK)
		s = store_set_error(st, STORE_ERR_INVALID,
		    _("%s: not a Maildir (no cur/ or new/) and not an "
		    "mbox file"), path);
	return s;
}

/*
 * The jobs of the file buf: an mbox (From_ lines or MMDF markers), a file
 * of messages each starting with a header, or one message.
 */
static void
store_import_file_jobs(struct store_import *im, const char *real,
    const char *buf, size_t len, GPtrArray *jobs)
{
	size_t skip;

	/* Blank lines before the first From_ line are allowed. */
	for (skip = 0; skip < len && (buf[skip] == '\n' ||
	    buf[skip] == '\r'); skip++)
		;
	if (len - skip >= 5 && memcmp(buf + skip, "From ", 5) == 0)
		store_import_mbox_jobs(real, buf, len, jobs);
	else if (len - skip >= 4 && memcmp(buf + skip,
	    "\001\001\001\001", 4) == 0)
		store_import_mbox_jobs(real, buf, len, jobs);
	else if (len > 0 && store_import_header_jobs(real, buf, len, jobs))
		;
	else {
		/* One message in a file. */
		struct store_reader_job *j = g_new0(struct store_reader_job,
		    1);

		j->path = g_strdup(real);
		j->len = -1;
		g_ptr_array_add(jobs, j);
	}
	if (jobs->len == 0) {
		/* Only blank lines and MMDF markers, or nothing. */
		for (skip = 0; skip < len && (g_ascii_isspace(buf[skip]) ||
		    buf[skip] == '\001'); skip++)
			;
		if (skip < len)
			im->pr->unreadable++;
		else
			im->pr->empty++;
	}
}

/* Import the regular file real (sb its stat), unless it is unchanged. */
static enum store_status
store_import_file(struct store_import *im, char *real,
    const struct stat *sb)
{
	struct store_import_src	 src;
	GMappedFile		*mf;
	GPtrArray		*jobs;
	GError			*gerr = NULL;
	enum store_status	 s;

	memset(&src, 0, sizeof(src));
	src.key = real;
	src.mtime = (int64_t)sb->st_mtim.tv_sec * 1000000000 +
	    sb->st_mtim.tv_nsec;
	src.size = (int64_t)sb->st_size;
	if (store_import_unchanged(im->st, &src)) {
		im->pr->unchanged++;
		return STORE_OK;
	}
	if ((mf = g_mapped_file_new(real, FALSE, &gerr)) == NULL) {
		s = store_set_error(im->st, STORE_ERR_IO, "%s", gerr->message);
		g_error_free(gerr);
		return s;
	}
	jobs = g_ptr_array_new();
	store_import_file_jobs(im, real, g_mapped_file_get_contents(mf),
	    g_mapped_file_get_length(mf), jobs);
	g_mapped_file_unref(mf);
	return store_import_run(im, jobs, STORE_SUBDIR_NEW, &src);
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
	    0)
		s = store_set_error(st, store_errno_status(errno), "%s: %s",
		    im.top, g_strerror(errno));
	else if (S_ISDIR(sb.st_mode))
		s = store_import_maildir(&im, real, path);
	else if (S_ISREG(sb.st_mode))
		s = store_import_file(&im, real, &sb);
	else
		s = store_set_error(st, STORE_ERR_INVALID,
		    _("%s: not a Maildir or an mbox file"), path);
	if (im.syncfd > 0)
		close(im.syncfd);
	g_ptr_array_unref(im.pending);
	g_free(im.top);
	if (result != NULL)
		*result = pr;
	return s;
}

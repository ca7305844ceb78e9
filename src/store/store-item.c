/*
 * store-item.c: one message file on its way into the index: read and parse
 * it (no database, safe in a worker thread), then insert the row, the
 * full-text entry and its place in a thread.
 */
#include "satchel-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "store/store-private.h"

/* Bytes hashed per read. */
#define STORE_ITEM_CHUNK	(64 * 1024)

/* A reply that lost its references joins a thread this recent. */
#define STORE_SUBJECT_WINDOW	(30 * 24 * 3600)

static char	*store_item_subject_base(const char *, gboolean *);
static enum store_status store_item_thread(struct store *,
		    struct store_item *, const char *, gboolean, int64_t *);
static enum store_status store_item_thread_lookup(struct store *,
		    const char *, int64_t *);
static enum store_status store_item_thread_merge(struct store *, int64_t,
		    int64_t);
static void	 store_bind_text(sqlite3_stmt *, int, const char *);
static enum store_status store_item_terms_delete(struct store *, int64_t);
static enum store_status store_item_each(struct store *,
		    const char *const *, size_t, int64_t, const char *);
static enum store_status store_item_dirty_old(struct store *, int64_t,
		    int64_t *);
static enum store_status store_item_row(struct store *, struct store_item *,
		    const char *, int64_t, int64_t, int64_t, int64_t *);
static enum store_status store_item_text_drop(struct store *, int64_t);
static enum store_status store_item_text(struct store *, int64_t,
		    struct mime_summary *);

int64_t
store_item_hash(const void *data, size_t len)
{
	GChecksum	*ck = g_checksum_new(G_CHECKSUM_SHA1);
	guint8		 buf[20];
	gsize		 n = sizeof(buf);
	int64_t		 h = 0;
	int		 i;

	g_checksum_update(ck, data, len);
	g_checksum_get_digest(ck, buf, &n);
	g_checksum_free(ck);
	for (i = 0; i < 8; i++)
		h = (int64_t)((uint64_t)h << 8 | buf[i]);
	return h;
}

/*
 * Read and parse len bytes at offset of the file at path (len < 0: the
 * whole file). The file is hashed in small chunks and parsed from a
 * seekable stream, so memory does not grow with the size of the message.
 * NULL with errno set if the file cannot be read.
 */
struct store_item *
store_item_read(const char *path, int64_t offset, int64_t len)
{
	struct store_item	*it;
	GMimeMessage		*m;
	GMimeStream		*fs, *sub;
	GChecksum		*ck;
	struct stat		 sb;
	guint8			 dig[20];
	gsize			 dn = sizeof(dig);
	char			*buf;
	int64_t			 done = 0;
	ssize_t			 n;
	gboolean		 blank = TRUE;
	int			 fd, e, i;

	/*
	 * A message is a regular file: never a link followed to someone's
	 * file, never a FIFO or device that blocks or never ends.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) < 0)
		return NULL;
	if (fstat(fd, &sb) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (len < 0) {
		len = (int64_t)sb.st_size - offset;
		if (len < 0)
			len = 0;
	}
	ck = g_checksum_new(G_CHECKSUM_SHA1);
	buf = g_malloc(STORE_ITEM_CHUNK);
	while (done < len) {
		n = pread(fd, buf, (size_t)MIN(len - done, STORE_ITEM_CHUNK),
		    (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_checksum_update(ck, (const guchar *)buf, (gsize)n);
		for (i = 0; blank && i < n; i++)
			blank = g_ascii_isspace(buf[i]);
		done += n;
	}
	e = errno;
	g_free(buf);
	if (done < len) {
		g_checksum_free(ck);
		close(fd);
		errno = e != 0 ? e : EIO;
		return NULL;
	}
	it = g_new0(struct store_item, 1);
	it->size = len;
	it->blank = blank;
	g_checksum_get_digest(ck, dig, &dn);
	g_checksum_free(ck);
	for (i = 0; i < 8; i++)
		it->hash = (int64_t)((uint64_t)it->hash << 8 | dig[i]);

	fs = g_mime_stream_fs_new(fd);		/* owns fd */
	sub = g_mime_stream_substream(fs, offset, offset + len);
	m = mime_message_from_stream(sub);
	it->sum = mime_summarize(m);
	if (m != NULL)
		g_object_unref(m);
	g_object_unref(sub);
	g_object_unref(fs);
	return it;
}

struct store_item *
store_item_read_mem(GBytes *data)
{
	struct store_item	*it;
	GMimeMessage		*m;
	GMimeStream		*ms;
	gsize			 len, i;
	const char		*p = g_bytes_get_data(data, &len);

	it = g_new0(struct store_item, 1);
	it->size = (int64_t)len;
	it->hash = store_item_hash(p, len);
	it->blank = TRUE;
	for (i = 0; it->blank && i < len; i++)
		it->blank = g_ascii_isspace(p[i]);
	ms = g_mime_stream_mem_new_with_buffer(p, len);
	m = mime_message_from_stream(ms);
	it->sum = mime_summarize(m);
	if (m != NULL)
		g_object_unref(m);
	g_object_unref(ms);
	return it;
}

void
store_item_free(struct store_item *it)
{
	if (it == NULL)
		return;
	g_free(it->folder);
	g_free(it->name);
	g_free(it->base);
	g_free(it->account);
	g_free(it->uidl);
	mime_summary_free(it->sum);
	g_free(it);
}

/*
 * Subject for matching replies: prefixes like "Re:", "Fwd:", "AW:" and
 * "[list]" removed, case folded. *reply is set when a reply prefix was seen.
 */
static char *
store_item_subject_base(const char *subject, gboolean *reply)
{
	static const char *const pfx[] = {
		"re", "aw", "sv", "antw", "vs", "ref", "fwd", "fw", "wg",
		"tr", "rv", NULL
	};
	const char	*p = subject;
	gboolean	 again = TRUE;
	int		 i;

	*reply = FALSE;
	if (subject == NULL)
		return g_strdup("");
	while (again) {
		again = FALSE;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			const char *e = strchr(p, ']');

			if (e != NULL && e - p < 40) {
				p = e + 1;
				again = TRUE;
				continue;
			}
		}
		for (i = 0; pfx[i] != NULL; i++) {
			size_t n = strlen(pfx[i]);
			const char *q = p + n;

			if (g_ascii_strncasecmp(p, pfx[i], n) != 0)
				continue;
			if (*q == '[') {	/* Re[2]: */
				while (g_ascii_isdigit(*++q))
					;
				if (*q != ']')
					continue;
				q++;
			}
			if (*q != ':')
				continue;
			p = q + 1;
			if (i < 6)
				*reply = TRUE;
			again = TRUE;
			break;
		}
	}
	{
		g_autofree char *t = g_strstrip(g_strdup(p));

		return g_utf8_casefold(t, -1);
	}
}

static void
store_bind_text(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
}

void
store_item_dirty(struct store *st, int64_t thread_id)
{
	int64_t	*k;

	if (g_hash_table_contains(st->dirty_threads, &thread_id))
		return;
	k = g_new(int64_t, 1);
	*k = thread_id;
	g_hash_table_add(st->dirty_threads, k);
}

static enum store_status
store_item_thread_lookup(struct store *st, const char *msgid, int64_t *tid)
{
	static const char sql[] =
	    "SELECT thread_id FROM thread_ids WHERE message_id = ?";
	sqlite3_stmt	*stmt;
	int		 rc;

	*tid = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, msgid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*tid = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_error(st, rc, "thread lookup");
	return STORE_OK;
}

static enum store_status
store_item_thread_merge(struct store *st, int64_t keep, int64_t gone)
{
	static const char m[] =
	    "UPDATE messages SET thread_id = ? WHERE thread_id = ?";
	static const char t[] =
	    "UPDATE thread_ids SET thread_id = ? WHERE thread_id = ?";
	static const char s[] = "DELETE FROM thread_summary WHERE thread_id = ?";
	const char	*sqls[] = { m, t };
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;

	for (i = 0; i < G_N_ELEMENTS(sqls); i++) {
		if ((stmt = store_stmt(st, sqls[i])) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_int64(stmt, 1, keep);
		sqlite3_bind_int64(stmt, 2, gone);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sql_error(st, rc, "thread merge");
	}
	if ((stmt = store_stmt(st, s)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, gone);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "thread merge");
	store_item_dirty(st, keep);
	return STORE_OK;
}

/*
 * Find (or start) the thread of a message: any thread that already holds
 * its Message-ID (a reply came first) or one of its references. Threads it
 * connects are merged. A reply without references falls back to a recent
 * message with the same base subject.
 */
static enum store_status
store_item_thread(struct store *st, struct store_item *it,
    const char *subject_base, gboolean reply, int64_t *tid)
{
	static const char maxsql[] =
	    "SELECT max(coalesce((SELECT max(thread_id) FROM messages), 0),"
	    " coalesce((SELECT max(thread_id) FROM thread_ids), 0)) + 1";
	static const char subj[] =
	    "SELECT thread_id FROM messages WHERE subject_base = ?"
	    " AND date BETWEEN ? AND ? ORDER BY date DESC LIMIT 1";
	static const char put[] =
	    "INSERT OR REPLACE INTO thread_ids(message_id, thread_id)"
	    " VALUES (?, ?)";
	struct mime_summary	*sum = it->sum;
	g_autoptr(GPtrArray)	 ids = g_ptr_array_new_with_free_func(g_free);
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int64_t			 found = 0, t = 0;
	guint			 i;
	int			 rc;

	if (sum->references != NULL) {
		char **v = g_strsplit(sum->references, " ", 0);

		for (i = 0; v[i] != NULL; i++)
			if (*v[i] != '\0')
				g_ptr_array_add(ids, v[i]);
			else
				g_free(v[i]);
		g_free(v);
	}
	if (sum->in_reply_to != NULL)
		g_ptr_array_add(ids, g_strdup(sum->in_reply_to));
	if (sum->message_id != NULL)
		g_ptr_array_add(ids, g_strdup(sum->message_id));
	for (i = 0; i < ids->len; i++) {
		if ((s = store_item_thread_lookup(st, ids->pdata[i], &t)) !=
		    STORE_OK)
			return s;
		if (t == 0 || t == found)
			continue;
		if (found == 0)
			found = t;
		else if ((s = store_item_thread_merge(st, MIN(found, t),
		    MAX(found, t))) != STORE_OK)
			return s;
		else
			found = MIN(found, t);
	}
	if (found == 0 && reply && sum->references == NULL &&
	    sum->in_reply_to == NULL && *subject_base != '\0') {
		if ((stmt = store_stmt(st, subj)) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_text(stmt, 1, subject_base, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, sum->date - STORE_SUBJECT_WINDOW);
		sqlite3_bind_int64(stmt, 3, sum->date);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			found = sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
	}
	if (found == 0) {
		if (st->next_thread == 0) {
			if ((stmt = store_stmt(st, maxsql)) == NULL)
				return STORE_ERR_DB;
			rc = sqlite3_step(stmt);
			if (rc == SQLITE_ROW)
				st->next_thread = sqlite3_column_int64(stmt, 0);
			sqlite3_reset(stmt);
			if (rc != SQLITE_ROW)
				return store_sql_error(st, rc, "thread id");
		}
		found = st->next_thread++;
	}
	for (i = 0; i < ids->len; i++) {
		if ((stmt = store_stmt(st, put)) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_text(stmt, 1, ids->pdata[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, found);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sql_error(st, rc, "thread ids");
	}
	*tid = found;
	return STORE_OK;
}

/*
 * Index the item (insert a row, or with replace_id > 0 overwrite that
 * row's file and content, keeping id and flags). Runs inside a
 * transaction.
 */
enum store_status
store_item_insert(struct store *st, struct store_item *it,
    int64_t replace_id, int64_t *id_out)
{
	struct mime_summary	*sum = it->sum;
	g_autofree char		*sbase = NULL;
	enum store_status	 s;
	gboolean		 reply;
	int64_t			 tid = 0, id = 0, date, oldfid = 0;

	sbase = store_item_subject_base(sum->subject, &reply);
	date = sum->date != 0 ? sum->date : it->delivered;
	if (sum->date == 0)
		sum->date = date;
	if ((s = store_item_thread(st, it, sbase, reply, &tid)) != STORE_OK)
		return s;
	if (replace_id > 0 && (s = store_item_dirty_old(st, replace_id,
	    &oldfid)) != STORE_OK)
		return s;
	if ((s = store_item_row(st, it, sbase, date, tid, replace_id, &id)) !=
	    STORE_OK)
		return s;
	/* A new row, or a replaced one in another folder: the counts. */
	if (oldfid != it->folder_id && ((oldfid > 0 &&
	    (s = store_folder_count_add(st, oldfid, -1)) != STORE_OK) ||
	    (s = store_folder_count_add(st, it->folder_id, 1)) != STORE_OK))
		return s;
	if (replace_id > 0 && (s = store_item_text_drop(st, id)) != STORE_OK)
		return s;
	if ((s = store_item_text(st, id, sum)) != STORE_OK)
		return s;
	store_item_dirty(st, tid);
	store_folder_touch(st, it->folder_id);
	if (id_out != NULL)
		*id_out = id;
	return STORE_OK;
}

/*
 * A replaced message's new content may start another thread (no
 * Message-ID, other references): the old thread's summary must be
 * recomputed too, or it lists a message it no longer has.
 */
static enum store_status
store_item_dirty_old(struct store *st, int64_t replace_id, int64_t *fid)
{
	static const char oldtid[] =
	    "SELECT thread_id, folder_id FROM messages WHERE id = ?";
	sqlite3_stmt	*stmt;

	if ((stmt = store_stmt(st, oldtid)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, replace_id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		store_item_dirty(st, sqlite3_column_int64(stmt, 0));
		*fid = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	return STORE_OK;
}

/* The message's row: a new one, or replace_id's rewritten; its id. */
static enum store_status
store_item_row(struct store *st, struct store_item *it, const char *sbase,
    int64_t date, int64_t tid, int64_t replace_id, int64_t *id)
{
	static const char ins[] =
	    "INSERT INTO messages(folder_id, subdir, base, name, account,"
	    " uidl, message_id, in_reply_to, refs, date, delivered, from_name,"
	    " from_addr, to_addr, cc_addr, subject, subject_base, size, flags,"
	    " has_attachment, snippet, hash, thread_id, list_id,"
	    " dsn_original_message_id, dsn_envid, dsn_action, dsn_status,"
	    " dsn_diagnostic, dsn_recipient, crypt)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26,"
	    " ?27, ?28, ?29, ?30, ?32)";
	static const char upd[] =
	    "UPDATE messages SET folder_id = ?1, subdir = ?2, base = ?3,"
	    " name = ?4, account = coalesce(?5, account),"
	    " uidl = coalesce(?6, uidl), message_id = ?7, in_reply_to = ?8,"
	    " refs = ?9, date = ?10, delivered = ?11, from_name = ?12,"
	    " from_addr = ?13, to_addr = ?14, cc_addr = ?15, subject = ?16,"
	    " subject_base = ?17, size = ?18, flags = ?19,"
	    " has_attachment = ?20, snippet = ?21, hash = ?22,"
	    " thread_id = ?23, list_id = ?24, dsn_original_message_id = ?25,"
	    " dsn_envid = ?26, dsn_action = ?27, dsn_status = ?28,"
	    " dsn_diagnostic = ?29, dsn_recipient = ?30, crypt = ?32"
	    " WHERE id = ?31";
	struct mime_summary	*sum = it->sum;
	sqlite3_stmt		*stmt;
	int			 rc;

	if ((stmt = store_stmt(st, replace_id > 0 ? upd : ins)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, it->folder_id);
	sqlite3_bind_int(stmt, 2, (int)it->subdir);
	store_bind_text(stmt, 3, it->base);
	store_bind_text(stmt, 4, it->name);
	store_bind_text(stmt, 5, it->account);
	store_bind_text(stmt, 6, it->uidl);
	store_bind_text(stmt, 7, sum->message_id);
	store_bind_text(stmt, 8, sum->in_reply_to);
	store_bind_text(stmt, 9, sum->references);
	sqlite3_bind_int64(stmt, 10, date);
	sqlite3_bind_int64(stmt, 11, it->delivered);
	store_bind_text(stmt, 12, sum->from);
	store_bind_text(stmt, 13, sum->from_addr);
	store_bind_text(stmt, 14, sum->to);
	store_bind_text(stmt, 15, sum->cc);
	store_bind_text(stmt, 16, sum->subject);
	store_bind_text(stmt, 17, sbase);
	sqlite3_bind_int64(stmt, 18, it->size);
	sqlite3_bind_int(stmt, 19, (int)it->flags);
	sqlite3_bind_int(stmt, 20, sum->has_attachment ? 1 : 0);
	store_bind_text(stmt, 21, sum->snippet);
	sqlite3_bind_int64(stmt, 22, it->hash);
	sqlite3_bind_int64(stmt, 23, tid);
	store_bind_text(stmt, 24, sum->list_id);
	store_bind_text(stmt, 25, sum->dsn_original_message_id);
	store_bind_text(stmt, 26, sum->dsn_envid);
	store_bind_text(stmt, 27, sum->dsn_action);
	store_bind_text(stmt, 28, sum->dsn_status);
	store_bind_text(stmt, 29, sum->dsn_diagnostic);
	store_bind_text(stmt, 30, sum->dsn_recipient);
	sqlite3_bind_int(stmt, 32, (int)(sum->crypt & 3));
	if (replace_id > 0)
		sqlite3_bind_int64(stmt, 31, replace_id);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "insert message");
	*id = replace_id > 0 ? replace_id : sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

/* Take a replaced message's old text out of both FTS tables. */
static enum store_status
store_item_text_drop(struct store *st, int64_t id)
{
	static const char *const ftsdel[] = {
		"DELETE FROM msg_fts WHERE rowid = ?",
	};
	enum store_status	 s;

	if ((s = store_item_terms_delete(st, id)) != STORE_OK)
		return s;
	return store_item_each(st, ftsdel, 1, id, "index text");
}

/*
 * The same text into the FTS tables (msg_terms and msg_head keep no copy;
 * msg_head has the headers only).
 */
static enum store_status
store_item_text(struct store *st, int64_t id, struct mime_summary *sum)
{
	static const char fts[] =
	    "INSERT INTO msg_fts(rowid, subject, sender, recipients, body,"
	    " attachments) VALUES (?, ?, ?, ?, ?, ?)";
	static const char terms[] =
	    "INSERT INTO msg_terms(rowid, subject, sender, recipients, body,"
	    " attachments) VALUES (?, ?, ?, ?, ?, ?)";
	static const char head[] =
	    "INSERT INTO msg_head(rowid, subject, sender, recipients)"
	    " VALUES (?, ?, ?, ?)";
	const char	*sqls[] = { fts, terms, head };
	g_autofree char	*sender = NULL, *rcpt = NULL;
	sqlite3_stmt	*stmt;
	int		 rc, i;

	sender = g_strjoin(" ", sum->from != NULL ? sum->from : "",
	    sum->from_addr != NULL ? sum->from_addr : "", NULL);
	rcpt = g_strjoin(" ", sum->to != NULL ? sum->to : "",
	    sum->cc != NULL ? sum->cc : "", NULL);
	for (i = 0; i < (int)G_N_ELEMENTS(sqls); i++) {
		if ((stmt = store_stmt(st, sqls[i])) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_int64(stmt, 1, id);
		store_bind_text(stmt, 2, sum->subject);
		store_bind_text(stmt, 3, sender);
		store_bind_text(stmt, 4, rcpt);
		if (sqls[i] != head) {
			store_bind_text(stmt, 5, sum->body_text);
			store_bind_text(stmt, 6, sum->attachment_names);
		}
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sql_error(st, rc, "index text");
	}
	return STORE_OK;
}

/*
 * Take message id's words out of msg_terms and msg_head, which keep no
 * copy of the text: their 'delete' command is given the text that went
 * in, read back from msg_fts (so this runs before msg_fts loses the row).
 */
static enum store_status
store_item_terms_delete(struct store *st, int64_t id)
{
	static const char terms[] =
	    "INSERT INTO msg_terms(msg_terms, rowid, subject, sender,"
	    " recipients, body, attachments) SELECT 'delete', rowid, subject,"
	    " sender, recipients, body, attachments FROM msg_fts"
	    " WHERE rowid = ?";
	static const char head[] =
	    "INSERT INTO msg_head(msg_head, rowid, subject, sender,"
	    " recipients) SELECT 'delete', rowid, subject, sender, recipients"
	    " FROM msg_fts WHERE rowid = ?";
	const char	*sqls[] = { terms, head };

	return store_item_each(st, sqls, G_N_ELEMENTS(sqls), id, "index text");
}

/* Run each of the n statements sqls with id bound to their parameter. */
static enum store_status
store_item_each(struct store *st, const char *const *sqls, size_t n,
    int64_t id, const char *what)
{
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		if ((stmt = store_stmt(st, sqls[i])) == NULL)
			return STORE_ERR_DB;
		sqlite3_bind_int64(stmt, 1, id);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sql_error(st, rc, what);
	}
	return STORE_OK;
}

enum store_status
store_item_delete_row(struct store *st, int64_t id)
{
	static const char sel[] =
	    "SELECT thread_id, folder_id FROM messages WHERE id = ?";
	static const char del[] = "DELETE FROM messages WHERE id = ?";
	static const char ftsdel[] = "DELETE FROM msg_fts WHERE rowid = ?";
	const char	*sqls[] = { del, ftsdel };
	sqlite3_stmt	*stmt;
	enum store_status s;
	int64_t		 fid = 0;

	if ((stmt = store_stmt(st, sel)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		store_item_dirty(st, sqlite3_column_int64(stmt, 0));
		fid = sqlite3_column_int64(stmt, 1);
		store_folder_touch(st, fid);
	}
	sqlite3_reset(stmt);
	if ((s = store_item_terms_delete(st, id)) != STORE_OK ||
	    (s = store_item_each(st, sqls, G_N_ELEMENTS(sqls), id,
	    "delete message")) != STORE_OK)
		return s;
	return fid > 0 ? store_folder_count_add(st, fid, -1) : STORE_OK;
}

/* Recompute the per-folder (and all-folders, id 0) rows of a thread. */
void
store_item_thread_refresh(struct store *st, int64_t tid)
{
	static const char del[] =
	    "DELETE FROM thread_summary WHERE thread_id = ?1";
	static const char ins[] =
	    "INSERT INTO thread_summary(folder_id, thread_id, last_date,"
	    " count, unread, flags, newest_msg_id)"
	    " SELECT folder_id, ?1, max(date), count(*),"
	    "  sum((flags & 1) = 0),"
	    "  max(flags & 1) | max(flags & 2) | max(flags & 4) |"
	    "  max(flags & 8) | max(flags & 16) | max(flags & 32) |"
	    "  max(flags & 256) | max(flags & 512),"
	    "  (SELECT m2.id FROM messages m2 WHERE m2.thread_id = ?1"
	    "   AND m2.folder_id = m.folder_id ORDER BY m2.date DESC,"
	    "   m2.id DESC LIMIT 1)"
	    " FROM messages m WHERE thread_id = ?1 GROUP BY folder_id";
	static const char all[] =
	    "INSERT INTO thread_summary(folder_id, thread_id, last_date,"
	    " count, unread, flags, newest_msg_id)"
	    " SELECT 0, ?1, max(last_date), sum(count), sum(unread),"
	    "  max(flags & 1) | max(flags & 2) | max(flags & 4) |"
	    "  max(flags & 8) | max(flags & 16) | max(flags & 32) |"
	    "  max(flags & 256) | max(flags & 512),"
	    "  (SELECT m2.id FROM messages m2 WHERE m2.thread_id = ?1"
	    "   ORDER BY m2.date DESC, m2.id DESC LIMIT 1)"
	    " FROM thread_summary WHERE thread_id = ?1 AND folder_id <> 0"
	    " HAVING count(*) > 0";
	const char	*sqls[] = { del, ins, all };
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;

	for (i = 0; i < G_N_ELEMENTS(sqls); i++) {
		if ((stmt = store_stmt(st, sqls[i])) == NULL) {
			st->tx_failed = TRUE;
			return;
		}
		sqlite3_bind_int64(stmt, 1, tid);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			store_sql_error(st, rc, "thread summary");
			st->tx_failed = TRUE;
			return;
		}
	}
}

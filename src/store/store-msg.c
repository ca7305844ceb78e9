/*
 * store-msg.c: one message of the index: read it, change its flags (index
 * and Maildir info suffix), move and delete it.
 */
#include "satchel-config.h"

#include <inttypes.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

/* What store_msg_from_row() reads, in this order (FROM messages m JOIN folders f). */
const char store_msg_columns[] =
    "m.id, f.name, m.account, m.uidl, m.message_id, m.in_reply_to, m.refs,"
    " m.date, m.from_name, m.from_addr, m.to_addr, m.cc_addr, m.subject,"
    " m.size, m.flags, m.has_attachment, m.snippet, m.thread_id, m.subdir,"
    " m.name, m.bounce_reason";

static enum store_status store_msg_locate(struct store *, int64_t,
		    struct store_msg **);
static char	*store_msg_col(sqlite3_stmt *, int);
static enum store_status store_msg_rename(struct store *, struct store_msg *,
		    const char *, int64_t, unsigned);

static char *
store_msg_col(sqlite3_stmt *stmt, int i)
{
	const unsigned char *v = sqlite3_column_text(stmt, i);

	return v != NULL ? g_strdup((const char *)v) : NULL;
}

struct store_msg *
store_msg_from_row(struct store *st, sqlite3_stmt *stmt)
{
	struct store_msg	*m = g_new0(struct store_msg, 1);
	g_autofree char		*name = NULL;

	m->id = sqlite3_column_int64(stmt, 0);
	m->folder = store_msg_col(stmt, 1);
	m->account = store_msg_col(stmt, 2);
	m->uidl = store_msg_col(stmt, 3);
	m->message_id = store_msg_col(stmt, 4);
	m->in_reply_to = store_msg_col(stmt, 5);
	m->references = store_msg_col(stmt, 6);
	m->date = sqlite3_column_int64(stmt, 7);
	m->from = store_msg_col(stmt, 8);
	m->from_addr = store_msg_col(stmt, 9);
	m->to = store_msg_col(stmt, 10);
	m->cc = store_msg_col(stmt, 11);
	m->subject = store_msg_col(stmt, 12);
	m->size = sqlite3_column_int64(stmt, 13);
	m->flags = (unsigned)sqlite3_column_int(stmt, 14);
	m->has_attachment = sqlite3_column_int(stmt, 15) != 0;
	m->snippet = store_msg_col(stmt, 16);
	m->thread_id = sqlite3_column_int64(stmt, 17);
	name = store_msg_col(stmt, 19);
	m->path = g_build_filename(st->dir, m->folder != NULL ? m->folder :
	    "", sqlite3_column_int(stmt, 18) == STORE_SUBDIR_CUR ? "cur" :
	    "new", name != NULL ? name : "", NULL);
	m->bounce_reason = store_msg_col(stmt, 20);
	return m;
}

void
store_msg_free(struct store_msg *m)
{
	if (m == NULL)
		return;
	g_free(m->folder);
	g_free(m->account);
	g_free(m->uidl);
	g_free(m->message_id);
	g_free(m->in_reply_to);
	g_free(m->references);
	g_free(m->from);
	g_free(m->from_addr);
	g_free(m->to);
	g_free(m->cc);
	g_free(m->subject);
	g_free(m->snippet);
	g_free(m->path);
	g_free(m->bounce_reason);
	g_free(m);
}

enum store_status
store_msg_get(struct store *st, int64_t id, struct store_msg **out)
{
	return store_msg_locate(st, id, out);
}

/*
 * Read the row and make sure path names the file: another Maildir reader
 * may have renamed it (flags) or moved it from new/ to cur/.
 */
static enum store_status
store_msg_locate(struct store *st, int64_t id, struct store_msg **out)
{
	static const char sql[] =
	    "SELECT m.id, f.name, m.account, m.uidl, m.message_id,"
	    " m.in_reply_to, m.refs, m.date, m.from_name, m.from_addr,"
	    " m.to_addr, m.cc_addr, m.subject, m.size, m.flags,"
	    " m.has_attachment, m.snippet, m.thread_id, m.subdir, m.name,"
	    " m.bounce_reason, m.base"
	    " FROM messages m JOIN folders f ON f.id = m.folder_id"
	    " WHERE m.id = ?";
	static const char upd[] =
	    "UPDATE messages SET subdir = ?, name = ? WHERE id = ?";
	static const char *const subs[] = { "new", "cur" };
	struct store_msg	*m;
	sqlite3_stmt		*stmt;
	g_autofree char		*base = NULL;
	int			 rc, i;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		if (rc == SQLITE_DONE)
			return store_set_error(st, STORE_ERR_NOTFOUND,
			    _("no message %" PRId64), id);
		return store_sql_error(st, rc, "message");
	}
	m = store_msg_from_row(st, stmt);
	base = store_msg_col(stmt, 21);
	sqlite3_reset(stmt);
	if (access(m->path, F_OK) == 0 || base == NULL) {
		*out = m;
		return STORE_OK;
	}
	for (i = 0; i < 2; i++) {
		g_autofree char *dir = g_build_filename(st->dir, m->folder,
		    subs[i], NULL);
		struct dirent *de;
		size_t n = strlen(base);
		DIR *d;

		if ((d = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL)
			if (strncmp(de->d_name, base, n) == 0 &&
			    (de->d_name[n] == ':' || de->d_name[n] == '\0'))
				break;
		if (de != NULL) {
			g_free(m->path);
			m->path = g_build_filename(dir, de->d_name, NULL);
			if ((stmt = store_stmt(st, upd)) != NULL) {
				sqlite3_bind_int(stmt, 1, i);
				sqlite3_bind_text(stmt, 2, de->d_name, -1,
				    SQLITE_TRANSIENT);
				sqlite3_bind_int64(stmt, 3, id);
				sqlite3_step(stmt);
				sqlite3_reset(stmt);
			}
		}
		closedir(d);
		if (de != NULL)
			break;
	}
	*out = m;
	return STORE_OK;
}

enum store_status
store_msg_by_message_id(struct store *st, const char *msgid,
    struct store_msg **out)
{
	static const char sql[] =
	    "SELECT id FROM messages WHERE message_id = ? ORDER BY id LIMIT 1";
	sqlite3_stmt	*stmt;
	int64_t		 id;
	int		 rc;
	g_autofree char	*clean = NULL;

	*out = NULL;
	if (msgid == NULL)
		return STORE_ERR_INVALID;
	clean = g_strdup(msgid[0] == '<' ? msgid + 1 : msgid);
	if (*clean != '\0' && clean[strlen(clean) - 1] == '>')
		clean[strlen(clean) - 1] = '\0';
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, clean, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no message with Message-ID <%s>"), clean);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "message-id");
	return store_msg_get(st, id, out);
}

/*
 * Rename m's file to folder (id fid) with flags, update the row. Runs in a
 * transaction the caller opened.
 */
static enum store_status
store_msg_rename(struct store *st, struct store_msg *m, const char *folder,
    int64_t fid, unsigned flags)
{
	static const char upd[] =
	    "UPDATE messages SET folder_id = ?, subdir = ?, name = ?,"
	    " flags = ? WHERE id = ?";
	g_autofree char	*oldname = g_path_get_basename(m->path);
	g_autofree char	*newname = NULL, *dest = NULL, *olddir = NULL;
	g_autofree char	*newdir = NULL;
	sqlite3_stmt	*stmt;
	enum store_subdir sub;
	int		 rc;

	olddir = g_path_get_dirname(m->path);
	sub = g_str_has_suffix(olddir, "/cur") ? STORE_SUBDIR_CUR :
	    STORE_SUBDIR_NEW;
	if ((flags & STORE_MAILDIR_FLAGS) != 0 || strchr(oldname, ':') !=
	    NULL || sub == STORE_SUBDIR_CUR) {
		newname = store_name_with_flags(oldname, flags);
		sub = STORE_SUBDIR_CUR;
	} else
		newname = g_strdup(oldname);
	dest = g_build_filename(st->dir, folder, sub == STORE_SUBDIR_CUR ?
	    "cur" : "new", newname, NULL);
	if (strcmp(dest, m->path) != 0 && rename(m->path, dest) != 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", m->path, g_strerror(errno));
	newdir = g_path_get_dirname(dest);
	if ((stmt = store_stmt(st, upd)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int64(stmt, 1, fid);
	sqlite3_bind_int(stmt, 2, (int)sub);
	sqlite3_bind_text(stmt, 3, newname, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, (int)flags);
	sqlite3_bind_int64(stmt, 5, m->id);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		/* Put the file back so the index still names it. */
		rename(dest, m->path);
		return store_sql_error(st, rc, "update message");
	}
	g_free(m->path);
	m->path = g_steal_pointer(&dest);
	return STORE_OK;
}

enum store_status
store_msg_trashed(struct store *st, const char *folder, GPtrArray **out)
{
	g_autofree char	*sql = NULL;
	sqlite3_stmt	*stmt = NULL;
	GPtrArray	*a;
	int		 rc;

	*out = NULL;
	/* The condition is the partial index's (schema 3), word for word. */
	G_STATIC_ASSERT(STORE_FLAG_TRASHED == 8);
	sql = g_strdup_printf("SELECT %s FROM messages m JOIN folders f"
	    " ON f.id = m.folder_id WHERE (m.flags & 8) != 0%s"
	    " ORDER BY f.name, m.date, m.id", store_msg_columns,
	    folder != NULL ? " AND f.name = ?" : "");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "deleted messages");
	if (folder != NULL)
		sqlite3_bind_text(stmt, 1, folder, -1, SQLITE_STATIC);
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_msg_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(a, store_msg_from_row(st, stmt));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(a);
		return store_sql_error(st, rc, "deleted messages");
	}
	*out = a;
	return STORE_OK;
}

enum store_status
store_msg_set_flags(struct store *st, int64_t id, unsigned set,
    unsigned clear)
{
	struct store_msg	*m = NULL;
	enum store_status	 s;
	int64_t			 fid;
	unsigned		 flags;

	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((s = store_msg_locate(st, id, &m)) != STORE_OK)
		goto fail;
	flags = (m->flags | set) & ~clear;
	if (flags != m->flags) {
		if ((s = store_folder_id(st, m->folder, FALSE, &fid)) !=
		    STORE_OK)
			goto fail;
		if ((s = store_msg_rename(st, m, m->folder, fid, flags)) !=
		    STORE_OK)
			goto fail;
		store_item_dirty(st, m->thread_id);
		store_folder_touch(st, fid);
	}
	store_msg_free(m);
	return store_tx_commit(st);
fail:
	store_msg_free(m);
	store_tx_rollback(st);
	return s;
}

enum store_status
store_msg_move(struct store *st, int64_t id, const char *folder)
{
	struct store_msg	*m = NULL;
	enum store_status	 s;
	int64_t			 fid, oldfid;

	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((s = store_folder_id(st, folder, FALSE, &fid)) != STORE_OK)
		goto fail;
	if ((s = store_msg_locate(st, id, &m)) != STORE_OK)
		goto fail;
	if ((s = store_folder_id(st, m->folder, FALSE, &oldfid)) != STORE_OK)
		goto fail;
	if (oldfid != fid) {
		if ((s = store_msg_rename(st, m, folder, fid, m->flags)) !=
		    STORE_OK || (s = store_folder_count_add(st, oldfid, -1)) !=
		    STORE_OK || (s = store_folder_count_add(st, fid, 1)) !=
		    STORE_OK)
			goto fail;
		store_item_dirty(st, m->thread_id);
		store_folder_touch(st, fid);
		store_folder_touch(st, oldfid);
	}
	store_msg_free(m);
	return store_tx_commit(st);
fail:
	store_msg_free(m);
	store_tx_rollback(st);
	return s;
}

enum store_status
store_msg_copy(struct store *st, int64_t id, const char *folder,
    int64_t *id_out)
{
	struct store_msg	*m = NULL;
	enum store_status	 s;
	GError			*err = NULL;
	gchar			*data = NULL;
	gsize			 len = 0;
	int64_t			 fid;

	if ((s = store_folder_id(st, folder, FALSE, &fid)) != STORE_OK)
		return s;
	if ((s = store_msg_locate(st, id, &m)) != STORE_OK)
		return s;
	if (m->flags & STORE_FLAG_PARTIAL) {
		s = store_set_error(st, STORE_ERR_INVALID, _("message %" PRId64
		    " was fetched without its body: download it first"), id);
		goto out;
	}
	if (!g_file_get_contents(m->path, &data, &len, &err)) {
		s = store_set_error(st, STORE_ERR_IO, "%s", err->message);
		g_error_free(err);
		goto out;
	}
	s = store_deliver(st, folder, data, len, NULL, m->flags &
	    (STORE_FLAG_SEEN | STORE_FLAG_REPLIED | STORE_FLAG_FLAGGED |
	    STORE_FLAG_DRAFT | STORE_FLAG_PASSED), id_out);
out:
	g_free(data);
	store_msg_free(m);
	return s;
}

enum store_status
store_msg_delete(struct store *st, int64_t id)
{
	struct store_msg	*m = NULL;
	enum store_status	 s;

	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((s = store_msg_locate(st, id, &m)) != STORE_OK)
		goto fail;
	/* The tombstone is durable before the file goes. */
	if (m->account != NULL && m->uidl != NULL &&
	    (s = store_uidl_tombstone(st, m->account, m->uidl)) != STORE_OK)
		goto fail;
	if (unlink(m->path) != 0 && errno != ENOENT) {
		s = store_set_error(st, store_errno_status(errno), "%s: %s",
		    m->path, g_strerror(errno));
		goto fail;
	}
	if ((s = store_item_delete_row(st, id)) != STORE_OK)
		goto fail;
	store_msg_free(m);
	return store_tx_commit(st);
fail:
	store_msg_free(m);
	store_tx_rollback(st);
	return s;
}

/*
 * Mark row id (of thread tid) bounced with reason (NULL: none), inside the
 * caller's transaction. STORE_ERR_NOTFOUND when there is no such row.
 */
enum store_status
store_msg_mark_bounced(struct store *st, int64_t id, int64_t tid,
    const char *reason)
{
	static const char sql[] =
	    "UPDATE messages SET flags = flags | ?, bounce_reason = ?"
	    " WHERE id = ?";
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_int(stmt, 1, STORE_FLAG_BOUNCED);
	if (reason != NULL)
		sqlite3_bind_text(stmt, 2, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 2);
	sqlite3_bind_int64(stmt, 3, id);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "bounce");
	if (sqlite3_changes(st->db) == 0)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no message %" PRId64), id);
	store_item_dirty(st, tid);
	return STORE_OK;
}

enum store_status
store_msg_set_bounce(struct store *st, int64_t id, const char *reason)
{
	static const char tsql[] =
	    "SELECT thread_id, base FROM messages WHERE id = ?";
	g_autofree char		*base = NULL;
	sqlite3_stmt		*stmt;
	enum store_status	 s;
	int64_t			 tid = 0;

	if ((s = store_tx_begin(st)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, tsql)) == NULL) {
		store_tx_rollback(st);
		return STORE_ERR_DB;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		tid = sqlite3_column_int64(stmt, 0);
		base = g_strdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_reset(stmt);
	if (base == NULL) {
		store_tx_rollback(st);
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no message %" PRId64), id);
	}
	/* Durable next to the Maildir first: a rebuilt index keeps it. */
	if ((s = store_bounce_record(st, base, reason)) != STORE_OK) {
		store_tx_rollback(st);
		return s;
	}
	if ((s = store_msg_mark_bounced(st, id, tid, reason)) != STORE_OK) {
		store_tx_rollback(st);
		return s;
	}
	return store_tx_commit(st);
}

/*
 * store.c: opening the store, the schema and its migrations, folders,
 * transactions (batches) and locks.
 */
#include "satchel-config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

/* Below this much free space a batch checkpoints the WAL after its commit. */
#define STORE_SPACE_LOW		((guint64)64 << 20)
/* A batch with fewer files is synced file by file, not with syncfs(). */
#define STORE_SYNCFS_MIN	32

/* How long a statement waits for another process's write lock (ms). */
#define STORE_BUSY_TIMEOUT	10000

/* tmp/ files older than this were left by a crash and are removed. */
#define STORE_TMP_MAX_AGE	(36 * 3600)

static const char *const store_std_folders[] = {
	STORE_INBOX, STORE_SENT, STORE_DRAFTS, STORE_OUTBOX, NULL
};

/*
 * The schema, one entry per version: migrations[i] takes user_version i to
 * i + 1. Never edit an entry that shipped; append a new one.
 */
static const char *const store_migrations[] = {
	"CREATE TABLE folders("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  new_mtime INTEGER NOT NULL DEFAULT -1,"
	"  cur_mtime INTEGER NOT NULL DEFAULT -1);"
	"CREATE TABLE messages("
	"  id INTEGER PRIMARY KEY,"
	"  folder_id INTEGER NOT NULL,"
	"  subdir INTEGER NOT NULL,"
	"  base TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  account TEXT,"
	"  uidl TEXT,"
	"  message_id TEXT,"
	"  in_reply_to TEXT,"
	"  refs TEXT,"
	"  date INTEGER NOT NULL,"
	"  delivered INTEGER NOT NULL,"
	"  from_name TEXT,"
	"  from_addr TEXT,"
	"  to_addr TEXT,"
	"  cc_addr TEXT,"
	"  subject TEXT,"
	"  subject_base TEXT,"
	"  size INTEGER NOT NULL,"
	"  flags INTEGER NOT NULL DEFAULT 0,"
	"  has_attachment INTEGER NOT NULL DEFAULT 0,"
	"  snippet TEXT,"
	"  hash INTEGER NOT NULL,"
	"  thread_id INTEGER NOT NULL,"
	"  list_id TEXT,"
	"  bounce_reason TEXT,"
	"  dsn_original_message_id TEXT,"
	"  dsn_envid TEXT,"
	"  dsn_action TEXT,"
	"  dsn_status TEXT,"
	"  dsn_diagnostic TEXT,"
	"  dsn_recipient TEXT,"
	"  UNIQUE(folder_id, base));"
	"CREATE INDEX messages_date ON messages(date);"
	"CREATE INDEX messages_folder_date ON messages(folder_id, date);"
	"CREATE INDEX messages_msgid ON messages(message_id);"
	"CREATE INDEX messages_thread ON messages(thread_id, date);"
	"CREATE INDEX messages_hash ON messages(hash);"
	"CREATE INDEX messages_uidl ON messages(account, uidl)"
	"  WHERE uidl IS NOT NULL;"
	"CREATE INDEX messages_subject_base ON messages(subject_base, date);"
	"CREATE INDEX messages_dsn ON messages(dsn_original_message_id)"
	"  WHERE dsn_original_message_id IS NOT NULL;"
	"CREATE TABLE thread_ids("
	"  message_id TEXT PRIMARY KEY,"
	"  thread_id INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX thread_ids_thread ON thread_ids(thread_id);"
	"CREATE TABLE thread_summary("
	"  folder_id INTEGER NOT NULL,"
	"  thread_id INTEGER NOT NULL,"
	"  last_date INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  unread INTEGER NOT NULL,"
	"  flags INTEGER NOT NULL,"
	"  newest_msg_id INTEGER NOT NULL,"
	"  PRIMARY KEY(folder_id, thread_id)) WITHOUT ROWID;"
	"CREATE INDEX thread_summary_date ON thread_summary(folder_id,"
	"  last_date);"
	"CREATE INDEX thread_summary_thread ON thread_summary(thread_id);"
	"CREATE VIRTUAL TABLE msg_fts USING fts5(subject, sender, recipients,"
	"  body, attachments, tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE import_state("
	"  path TEXT PRIMARY KEY,"
	"  mtime INTEGER NOT NULL,"
	"  size INTEGER NOT NULL) WITHOUT ROWID;",
	/* 2: dates by id, so a search sorts its matches without the rows. */
	"CREATE INDEX messages_id_date ON messages(id, date);",
	/* 3: the messages marked deleted, offered for purge in any session. */
	"CREATE INDEX messages_trashed ON messages(folder_id, date)"
	"  WHERE (flags & 8) != 0;",
	/*
	 * 4: is:unread and has:attachment read an index in date order (a
	 * page) or count its entries (--count) instead of every row.
	 */
	"CREATE INDEX messages_unread ON messages(date) WHERE (flags & 1) = 0;"
	"CREATE INDEX messages_attachment ON messages(date)"
	"  WHERE has_attachment = 1;",
	/*
	 * 5: is:signed and is:encrypted (1 signed, 2 encrypted, as the
	 * message's structure claims). Rows indexed before are 0 until
	 * `satchel reindex --full`.
	 */
	"ALTER TABLE messages ADD COLUMN crypt INTEGER NOT NULL DEFAULT 0;",
	/*
	 * 6: the words without positions (msg_terms), filled from the text
	 * msg_fts holds: searches without a phrase read its short lists.
	 */
	STORE_TERMS_CREATE
	"INSERT INTO msg_terms(rowid, subject, sender, recipients, body,"
	"  attachments) SELECT rowid, subject, sender, recipients, body,"
	"  attachments FROM msg_fts;",
	/*
	 * 7: is:signed and is:encrypted from an index of those few rows;
	 * every text search counts is:encrypted (the note about text not
	 * searched), which read the whole messages table.
	 */
	"CREATE INDEX messages_signed ON messages(date) WHERE (crypt & 1) <> 0;"
	"CREATE INDEX messages_encrypted ON messages(date)"
	"  WHERE (crypt & 2) <> 0;",
	/*
	 * 8: the outbox queue (store-queue.c) joins the schema. It used to
	 * make its table on first use, versioned in its own queue_meta
	 * table (1: no fail_kind, 2: as below); such a table is kept with
	 * its rows (store_migrate_queue adds what version 1 lacks) and
	 * queue_meta's other rows (the DSN watermark) go to queue_marks.
	 */
	"CREATE TABLE IF NOT EXISTS queue("
	"  id INTEGER PRIMARY KEY,"
	"  msg_id INTEGER NOT NULL,"
	"  account TEXT NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  recipients TEXT NOT NULL,"
	"  message_id TEXT,"
	"  envid TEXT,"
	"  subject TEXT,"
	"  state TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  last_try INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  refused TEXT,"
	"  bounce TEXT,"
	"  fail_kind TEXT);"
	"CREATE INDEX IF NOT EXISTS queue_state ON queue(state, next_try);"
	"CREATE INDEX IF NOT EXISTS queue_msg ON queue(msg_id);"
	"CREATE INDEX IF NOT EXISTS queue_envid ON queue(envid);"
	"CREATE INDEX IF NOT EXISTS queue_message_id ON queue(message_id);"
	"CREATE TABLE IF NOT EXISTS queue_marks("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS queue_meta("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO queue_marks(key, value) SELECT key, value"
	"  FROM queue_meta WHERE key <> 'version';"
	"DROP TABLE queue_meta;",
};

/*
 * What a migration's SQL cannot say, run after it in its transaction:
 * hooks[i] (NULL: none) follows store_migrations[i].
 */
typedef enum store_status (*store_migration_hook)(struct store *);
static enum store_status store_migrate_queue(struct store *);
static const store_migration_hook store_migration_hooks[] = {
	[7] = store_migrate_queue,
};

static enum store_status store_open_db(struct store *, gboolean);
static enum store_status store_open_db_setup(struct store *);
static enum store_status store_open_db_query(struct store *);
static enum store_status store_migrate(struct store *);
static gboolean	 store_has_column(struct store *, const char *,
		    const char *);
static gboolean	 store_open_current(struct store *);
static enum store_status store_mkdir_maildir(struct store *, const char *);
static gboolean store_tmp_orphan(struct store *, const char *);
static void	 store_sweep_tmp(struct store *, const char *);
static void	 store_stmt_finalize(gpointer);
static void	 store_lock_close(gpointer);
static int64_t	 store_dir_mtime(const char *);
static void	 store_record_mtimes(struct store *);
static void	 store_sync_touched(struct store *);
static enum store_status store_flush_pending(struct store *);
static gboolean	 store_is_corrupt(int);
static void	 store_move_aside(struct store *);

const char *
store_strerror(enum store_status s)
{
	switch (s) {
	case STORE_OK:
		return _("success");
	case STORE_ERR_IO:
		return _("input/output error");
	case STORE_ERR_NOSPC:
		return _("no space left on the device");
	case STORE_ERR_DB:
		return _("index database error");
	case STORE_ERR_CORRUPT:
		return _("the index is damaged; run `satchel reindex --full`");
	case STORE_ERR_BUSY:
		return _("the store is busy (another satchel is working on it)");
	case STORE_ERR_NOTFOUND:
		return _("not found");
	case STORE_ERR_QUERY:
		return _("search syntax error");
	case STORE_ERR_PERM:
		return _("permission denied");
	case STORE_ERR_INVALID:
		return _("invalid argument");
	}
	return _("unknown error");
}

const char *
store_errmsg(struct store *st)
{
	if (st == NULL || st->errmsg == NULL)
		return _("no error");
	return st->errmsg;
}

enum store_status
store_set_error(struct store *st, enum store_status s, const char *fmt, ...)
{
	va_list	 ap;

	if (st == NULL || s == STORE_OK)
		return s;
	g_free(st->errmsg);
	va_start(ap, fmt);
	st->errmsg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	log_debug("store: %s", st->errmsg);
	return s;
}

enum store_status
store_errno_status(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		return STORE_ERR_NOSPC;
	case EACCES:
	case EPERM:
	case EROFS:
		return STORE_ERR_PERM;
	case ENOENT:
		return STORE_ERR_NOTFOUND;
	default:
		return STORE_ERR_IO;
	}
}

static gboolean
store_is_corrupt(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

enum store_status
store_sql_error(struct store *st, int rc, const char *what)
{
	enum store_status	 s;
	int			 prim = rc & 0xff;

	if (prim == SQLITE_FULL)
		s = STORE_ERR_NOSPC;
	else if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		s = STORE_ERR_BUSY;
	else if (store_is_corrupt(rc))
		s = STORE_ERR_CORRUPT;
	else if (prim == SQLITE_READONLY || prim == SQLITE_PERM ||
	    prim == SQLITE_CANTOPEN)
		s = STORE_ERR_PERM;
	else if (prim == SQLITE_IOERR)
		s = STORE_ERR_IO;
	else
		s = STORE_ERR_DB;
	if (s == STORE_ERR_CORRUPT)
		return store_set_error(st, s, _("%s/%s: %s: %s; run `satchel "
		    "reindex --full`"), st->dir, STORE_INDEX, what,
		    st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	return store_set_error(st, s, _("%s/%s: %s: %s"), st->dir,
	    STORE_INDEX, what, st->db != NULL ? sqlite3_errmsg(st->db) :
	    sqlite3_errstr(rc));
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

const char *
store_dir(struct store *st)
{
	return st->dir;
}

gboolean
store_path_is_index(const char *dir, const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	g_autofree char	*index = NULL;
	struct stat	 sb, isb;
	size_t		 i;

	if (dir == NULL || path == NULL || stat(path, &sb) != 0)
		return FALSE;
	index = g_build_filename(dir, STORE_INDEX, NULL);
	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		g_autofree char *p = g_strconcat(index, sfx[i], NULL);

		if (stat(p, &isb) == 0 && isb.st_dev == sb.st_dev &&
		    isb.st_ino == sb.st_ino)
			return TRUE;
	}
	return FALSE;
}

char *
store_folder_path(struct store *st, const char *folder)
{
	return g_build_filename(st->dir, folder, NULL);
}

/*
 * A prepared statement for sql, cached by the address of the (static)
 * string, reset and unbound. NULL on error (store_errmsg says why).
 */
sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = g_hash_table_lookup(st->stmts, sql);
	if (stmt != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		return stmt;
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_sql_error(st, rc, "prepare");
		return NULL;
	}
	g_hash_table_insert(st->stmts, (gpointer)sql, stmt);
	return stmt;
}

static void
store_stmt_finalize(gpointer p)
{
	sqlite3_finalize(p);
}

enum store_status
store_exec(struct store *st, const char *sql)
{
	int	 rc;

	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, sql);
	return STORE_OK;
}

static void
store_lock_close(gpointer p)
{
	close(GPOINTER_TO_INT(p));
}

static void
store_move_aside(struct store *st)
{
	g_autofree char	*path = g_build_filename(st->dir, STORE_INDEX, NULL);
	g_autofree char	*aside = NULL;
	static const char *const sfx[] = { "-wal", "-shm" };
	size_t		 i;

	/*
	 * The -wal and -shm go along under the new name, never unlinked:
	 * another process may still have the damaged index open, and its
	 * connection must keep a consistent (if damaged) view until it sees
	 * the error, instead of writing into files nobody reads.
	 */
	aside = g_strdup_printf("%s.damaged-%ld", path, (long)time(NULL));
	if (rename(path, aside) != 0)
		unlink(path);
	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		g_autofree char *from = g_strconcat(path, sfx[i], NULL);
		g_autofree char *to = g_strconcat(aside, sfx[i], NULL);

		if (rename(from, to) != 0 && errno != ENOENT)
			unlink(from);
	}
	log_warn(_("the damaged index was moved to %s"), aside);
}

static enum store_status
store_open_db(struct store *st, gboolean readonly)
{
	g_autofree char	*path = g_build_filename(st->dir, STORE_INDEX, NULL);
	enum store_status s;
	int		 rc;

	/*
	 * Only SQLite ever opens the index, its -wal and its -shm. Its locks
	 * are POSIX locks, owned by the process: close() of any other
	 * descriptor of the file would drop them all, those of this
	 * process's other connections included, and another process would
	 * then checkpoint and remove the WAL under them (SQLite's "How To
	 * Corrupt An SQLite Database File", 2.2). SQLite creates the file;
	 * the mode is set through its path before the first write creates
	 * the -wal and -shm, which take the database file's mode.
	 */
	if (readonly)
		return store_open_db_query(st);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "open");
	if (chmod(path, 0600) != 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", path, g_strerror(errno));
	if ((s = store_open_db_setup(st)) != STORE_OK ||
	    (s = store_exec(st, "PRAGMA journal_mode=WAL")) != STORE_OK)
		return s;
	return store_migrate(st);
}

/* The connection's settings, for reading and writing alike. */
static enum store_status
store_open_db_setup(struct store *st)
{
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT);
	sqlite3_extended_result_codes(st->db, 1);
	return store_exec(st, "PRAGMA synchronous=NORMAL;"
	    "PRAGMA secure_delete=OFF;PRAGMA cache_size=-16384;"
	    "PRAGMA foreign_keys=ON;PRAGMA temp_store=FILE");
}

/* The index opened read-only (query_only): no file is made or written. */
static enum store_status
store_open_db_query(struct store *st)
{
	g_autofree char	*path = g_build_filename(st->dir, STORE_INDEX, NULL);
	enum store_status s;
	int		 rc;

	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "open");
	if ((s = store_open_db_setup(st)) != STORE_OK)
		return s;
	return store_exec(st, "PRAGMA query_only=1;"
	    "SELECT count(*) FROM folders");
}

/*
 * TRUE when a read-only handle can serve as it is: the schema is the
 * current one and no folder's new/ or cur/ changed since the index last
 * read them (else the quick scan of a writing open has work to do).
 */
static gboolean
store_open_current(struct store *st)
{
	static const char sql[] =
	    "SELECT name, new_mtime, cur_mtime FROM folders";
	sqlite3_stmt	*stmt = NULL;
	gboolean	 ok;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL) != SQLITE_OK)
		return FALSE;
	ok = sqlite3_step(stmt) == SQLITE_ROW && (size_t)sqlite3_column_int(
	    stmt, 0) == G_N_ELEMENTS(store_migrations);
	sqlite3_finalize(stmt);
	if (!ok || sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) !=
	    SQLITE_OK)
		return FALSE;
	while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		g_autofree char *top = store_folder_path(st, (const char *)
		    sqlite3_column_text(stmt, 0));
		g_autofree char *n = g_build_filename(top, "new", NULL);
		g_autofree char *c = g_build_filename(top, "cur", NULL);

		ok = store_dir_mtime(n) == sqlite3_column_int64(stmt, 1) &&
		    store_dir_mtime(c) == sqlite3_column_int64(stmt, 2);
	}
	if (ok && rc != SQLITE_DONE)
		ok = FALSE;
	sqlite3_finalize(stmt);
	return ok;
}

/*
 * Read-only without touching the disk: first as a normal reader (the WAL
 * is used if there is one), else as an immutable file (no -shm needed;
 * what a WAL left on disk holds is not seen).
 */
static enum store_status
store_open_db_fallback(struct store *st)
{
	g_autofree char	*path = g_build_filename(st->dir, STORE_INDEX, NULL);
	g_autofree char	*uri = NULL, *esc = NULL;
	int		 rc;

	if (store_open_db(st, TRUE) == STORE_OK)
		return STORE_OK;
	sqlite3_close(st->db);
	st->db = NULL;
	g_hash_table_remove_all(st->stmts);
	esc = g_uri_escape_string(path, "/", FALSE);
	uri = g_strconcat("file:", esc, "?immutable=1", NULL);
	rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "open");
	sqlite3_extended_result_codes(st->db, 1);
	return store_exec(st, "SELECT count(*) FROM folders");
}

static enum store_status
store_migrate(struct store *st)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 s;
	int			 rc, version;
	size_t			 i;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "schema version");
	rc = sqlite3_step(stmt);
	version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
	sqlite3_finalize(stmt);
	if (version < 0)
		return store_sql_error(st, rc, "schema version");
	if ((size_t)version > G_N_ELEMENTS(store_migrations))
		return store_set_error(st, STORE_ERR_DB,
		    _("%s/%s: made by a newer satchel (schema %d)"), st->dir,
		    STORE_INDEX, version);
	if ((size_t)version == G_N_ELEMENTS(store_migrations))
		return store_exec(st, "SELECT count(*) FROM folders");
	if ((s = store_exec(st, "BEGIN IMMEDIATE")) != STORE_OK)
		return s;
	/* Another process may have migrated while we waited for the lock. */
	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL);
	version = -1;
	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (version < 0 || (size_t)version > G_N_ELEMENTS(store_migrations)) {
		s = store_sql_error(st, rc, "schema version");
		goto fail;
	}
	for (i = (size_t)version; i < G_N_ELEMENTS(store_migrations); i++) {
		/* A new index: its (empty) FTS table as new ones have it. */
		if (i == 1 && version == 0 && (s = store_exec(st,
		    "DROP TABLE msg_fts;" STORE_FTS_CREATE)) != STORE_OK)
			goto fail;
		g_autofree char *sql = NULL;

		if ((s = store_exec(st, store_migrations[i])) != STORE_OK)
			goto fail;
		if (i < G_N_ELEMENTS(store_migration_hooks) &&
		    store_migration_hooks[i] != NULL &&
		    (s = store_migration_hooks[i](st)) != STORE_OK)
			goto fail;
		sql = g_strdup_printf("PRAGMA user_version=%zu", i + 1);
		if ((s = store_exec(st, sql)) != STORE_OK)
			goto fail;
	}
	if ((s = store_exec(st, "COMMIT")) != STORE_OK)
		goto fail;
	return STORE_OK;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return s;
}

/* TRUE when table has column (PRAGMA table_info). */
static gboolean
store_has_column(struct store *st, const char *table, const char *column)
{
	g_autofree char	*sql = g_strdup_printf("PRAGMA table_info(%s)", table);
	sqlite3_stmt	*stmt = NULL;
	gboolean	 has = FALSE;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return FALSE;
	while (!has && sqlite3_step(stmt) == SQLITE_ROW)
		has = g_strcmp0((const char *)sqlite3_column_text(stmt, 1),
		    column) == 0;
	sqlite3_finalize(stmt);
	return has;
}

/*
 * Migration 8's hook: a queue table made by the outbox's own version 1
 * has no fail_kind (what a deferred entry waits for). ALTER TABLE ADD
 * COLUMN has no IF NOT EXISTS, so the column is looked for first.
 */
static enum store_status
store_migrate_queue(struct store *st)
{
	if (store_has_column(st, "queue", "fail_kind"))
		return STORE_OK;
	return store_exec(st, "ALTER TABLE queue ADD COLUMN fail_kind TEXT;");
}

/* A handle on dir with nothing open yet. */
static struct store *
store_new(const char *dir, unsigned flags)
{
	struct store	*st;
	char		 host[256];
	char		*p;

	st = g_new0(struct store, 1);
	st->dir = g_strdup(dir);
	st->open_flags = flags;
	st->stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal,
	    NULL, store_stmt_finalize);
	st->folder_ids = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	st->touched = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, NULL);
	st->dirty_threads = g_hash_table_new_full(g_int64_hash,
	    g_int64_equal, g_free, NULL);
	st->tx_files = g_ptr_array_new_with_free_func(g_free);
	st->tx_pending = g_ptr_array_new_with_free_func(store_pending_free);
	st->parse_queue = g_queue_new();
	g_mutex_init(&st->parse_lock);
	g_cond_init(&st->parse_cond);
	st->locks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    store_lock_close);
	if (gethostname(host, sizeof(host)) != 0)
		g_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	host[32] = '\0';
	for (p = host; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
			*p = '_';
	st->host = g_strdup(host);
	st->data_version = -1;
	return st;
}

/* The store directory exists (made if flags allow), is ours. */
static enum store_status
store_open_dir(struct store *st, const char *dir, unsigned flags)
{
	struct stat	sb;
	gboolean	readonly = (flags & STORE_OPEN_READONLY) != 0;

	if (stat(dir, &sb) != 0) {
		if (errno != ENOENT || (flags & STORE_OPEN_CREATE) == 0 ||
		    readonly)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", dir, g_strerror(errno));
		if (file_mkdir_p(dir, 0700) != 0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", dir, g_strerror(errno));
	} else if (!S_ISDIR(sb.st_mode))
		return store_set_error(st, STORE_ERR_INVALID,
		    _("%s: not a directory"), dir);
	if (file_check_owner(dir) != 0)
		return store_set_error(st, STORE_ERR_PERM,
		    _("%s: owned by another user; refusing to use it"), dir);
	return STORE_OK;
}

/*
 * Nothing but reading a current index: no schema work, no write, no
 * Maildir scan, no message parsing. Kept apart from store_open() so that a
 * program that only searches links none of the writing code.
 */
enum store_status
store_open_query(const char *dir, struct store **out)
{
	struct store		*st;
	enum store_status	 s;

	*out = st = store_new(dir, STORE_OPEN_QUERY);
	if ((s = store_open_dir(st, dir, STORE_OPEN_READONLY)) != STORE_OK)
		return s;
	if ((s = store_open_db_query(st)) != STORE_OK)
		return s;
	if (!store_open_current(st))
		return store_set_error(st, STORE_ERR_INVALID, "%s: %s", dir,
		    _("the index is not current"));
	return STORE_OK;
}

enum store_status
store_open(const char *dir, unsigned flags, struct store **out)
{
	struct store		*st;
	enum store_status	 s;
	gboolean		 readonly = (flags & STORE_OPEN_READONLY) != 0;
	int			 i;

	*out = st = store_new(dir, flags);
	if ((s = store_open_dir(st, dir, flags)) != STORE_OK)
		return s;
	if ((flags & STORE_OPEN_QUERY) != 0 && !readonly) {
		if (store_open_db_query(st) == STORE_OK &&
		    store_open_current(st))
			return STORE_OK;
		/* Not current: open it to write, as without the flag. */
		if (st->db != NULL)
			sqlite3_close(st->db);
		st->db = NULL;
		g_clear_pointer(&st->errmsg, g_free);
		st->open_flags &= ~(unsigned)STORE_OPEN_QUERY;
	}
	if ((flags & STORE_OPEN_RESET) != 0 && !readonly)
		store_move_aside(st);
	s = store_open_db(st, readonly);
	if (s == STORE_ERR_CORRUPT && (flags & STORE_OPEN_REBUILD) != 0) {
		sqlite3_close(st->db);
		st->db = NULL;
		g_hash_table_remove_all(st->stmts);
		store_move_aside(st);
		s = store_open_db(st, readonly);
	}
	if ((s == STORE_ERR_NOSPC || s == STORE_ERR_IO) && !readonly) {
		/*
		 * A full disk: the WAL (or its -shm) cannot be made. The
		 * mail must stay readable: open the index read-only, as it
		 * is on disk, and refuse writes.
		 */
		g_autofree char *why = g_strdup(store_errmsg(st));

		sqlite3_close(st->db);
		st->db = NULL;
		g_hash_table_remove_all(st->stmts);
		if (store_open_db_fallback(st) == STORE_OK) {
			log_warn(_("%s: %s; the index is open read-only"), dir,
			    why);
			st->open_flags |= STORE_OPEN_READONLY;
			return STORE_OK;
		}
		return store_set_error(st, s, "%s", why);
	}
	if (s != STORE_OK)
		return s;
	if (readonly)
		return STORE_OK;
	for (i = 0; store_std_folders[i] != NULL; i++) {
		int64_t id;

		if ((s = store_folder_id(st, store_std_folders[i], TRUE, &id))
		    != STORE_OK)
			return s;
	}
	if ((flags & STORE_OPEN_NOSCAN) != 0)
		return STORE_OK;
	/*
	 * Bring the index up to date with the Maildir: files renamed in by a
	 * process killed before it committed, flag changes by other readers.
	 * Only directories whose mtime changed are read.
	 */
	return store_reindex(st, FALSE, NULL, NULL, NULL);
}

enum store_status
store_check(struct store *st)
{
	sqlite3_stmt	*stmt = NULL;
	gboolean	 ok = FALSE;
	int		 rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &stmt,
	    NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "check");
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		ok = g_strcmp0((const char *)sqlite3_column_text(stmt, 0),
		    "ok") == 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && !store_is_corrupt(rc))
		return store_sql_error(st, rc, "check");
	if (!ok)
		return store_set_error(st, STORE_ERR_CORRUPT,
		    _("%s/%s is damaged; run `satchel reindex --full`"),
		    st->dir, STORE_INDEX);
	return STORE_OK;
}

enum store_status
store_poll(struct store *st, gboolean *changed)
{
	static const char dv[] = "PRAGMA data_version";
	static const char fl[] =
	    "SELECT name, new_mtime, cur_mtime FROM folders";
	sqlite3_stmt		*stmt;
	enum store_status	 s = STORE_OK;
	gboolean		 stale = FALSE;
	int64_t			 v;
	int			 rc;

	*changed = FALSE;
	if ((stmt = store_stmt(st, dv)) == NULL)
		return STORE_ERR_DB;
	rc = sqlite3_step(stmt);
	v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "data version");
	/*
	 * The first poll has nothing to compare with, but another process
	 * may have committed between the open (when the caller read what it
	 * shows) and now, and already recorded the folders' new mtimes:
	 * report a change once, or that commit would never be seen.
	 */
	if (st->data_version < 0 || v != st->data_version)
		*changed = TRUE;
	st->data_version = v;

	if ((stmt = store_stmt(st, fl)) == NULL)
		return STORE_ERR_DB;
	while (!stale && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		g_autofree char *top = store_folder_path(st,
		    (const char *)sqlite3_column_text(stmt, 0));
		g_autofree char *n = g_build_filename(top, "new", NULL);
		g_autofree char *c = g_build_filename(top, "cur", NULL);

		stale = store_dir_mtime(n) != sqlite3_column_int64(stmt, 1) ||
		    store_dir_mtime(c) != sqlite3_column_int64(stmt, 2);
	}
	sqlite3_reset(stmt);
	if (!stale && rc != SQLITE_DONE)
		return store_sql_error(st, rc, "folders");
	if (!stale)
		return STORE_OK;
	/*
	 * Read the changed folders again. A process that renamed files in and
	 * has not committed yet holds the write lock: do not wait for it (the
	 * caller is a user interface), ask again at the next poll.
	 */
	sqlite3_busy_timeout(st->db, 100);
	s = store_reindex(st, FALSE, NULL, NULL, NULL);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT);
	if (s == STORE_OK)
		*changed = TRUE;
	return s;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->tx_depth > 0)
		store_tx_rollback(st);
	store_delivery_discard(st);
	if (st->parse_pool != NULL)
		g_thread_pool_free(st->parse_pool, FALSE, TRUE);
	g_queue_free(st->parse_queue);
	g_mutex_clear(&st->parse_lock);
	g_cond_clear(&st->parse_cond);
	g_hash_table_destroy(st->stmts);
	if (st->db != NULL)
		sqlite3_close(st->db);
	g_hash_table_destroy(st->folder_ids);
	g_hash_table_destroy(st->touched);
	g_hash_table_destroy(st->dirty_threads);
	g_ptr_array_unref(st->tx_files);
	g_ptr_array_unref(st->tx_pending);
	g_hash_table_destroy(st->locks);
	g_free(st->host);
	g_free(st->errmsg);
	g_free(st->dir);
	g_free(st);
}

/* Unique Maildir name: time.MusecPpidQn.host */
char *
store_unique_name(struct store *st)
{
	gint64	 now = g_get_real_time();

	return g_strdup_printf("%" G_GINT64_FORMAT ".M%" G_GINT64_FORMAT
	    "P%ldQ%u.%s", now / G_USEC_PER_SEC, now % G_USEC_PER_SEC,
	    (long)getpid(), ++st->counter, st->host);
}

gboolean
store_folder_name_valid(const char *name)
{
	const char	*p;

	if (name == NULL || *name == '\0' || *name == '.' ||
	    strlen(name) > 200 || !g_utf8_validate(name, -1, NULL))
		return FALSE;
	for (p = name; *p != '\0'; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return FALSE;
	return TRUE;
}

static enum store_status
store_mkdir_maildir(struct store *st, const char *name)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	g_autofree char	*top = store_folder_path(st, name);
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autofree char *d = g_build_filename(top, subs[i], NULL);

		if (file_mkdir_p(d, 0700) != 0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", d, g_strerror(errno));
	}
	store_sweep_tmp(st, top);
	return STORE_OK;
}

/*
 * TRUE when a tmp/ file name is one of ours (store_unique_name) written on
 * this host by a process that is gone: a fetch, import or compose killed
 * before it renamed the file. A reused pid keeps the file (the age rule
 * takes it later); our own files are never touched.
 */
static gboolean
store_tmp_orphan(struct store *st, const char *name)
{
	const char	*p, *dot;
	char		*end;
	gint64		 pid;

	if ((p = strchr(name, '.')) == NULL || p[1] != 'M' ||
	    (p = strchr(p, 'P')) == NULL)
		return FALSE;
	pid = g_ascii_strtoll(p + 1, &end, 10);
	if (end == p + 1 || *end != 'Q' || pid <= 1 || pid > G_MAXINT32 ||
	    pid == (gint64)getpid())
		return FALSE;
	if ((dot = strchr(end, '.')) == NULL || strcmp(dot + 1, st->host) != 0)
		return FALSE;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/*
 * Remove what crashed writers left in a folder's tmp/: files older than
 * 36 hours (the Maildir rule) and files of a writer that is gone.
 */
static void
store_sweep_tmp(struct store *st, const char *top)
{
	g_autofree char	*tmp = g_build_filename(top, "tmp", NULL);
	struct dirent	*de;
	struct stat	 sb;
	time_t		 now = time(NULL);
	DIR		*d;
	int		 fd;

	if ((d = opendir(tmp)) == NULL)
		return;
	fd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (now - sb.st_mtime > STORE_TMP_MAX_AGE ||
		    store_tmp_orphan(st, de->d_name)) {
			if (unlinkat(fd, de->d_name, 0) != 0 && errno != ENOENT)
				log_warn("store: %s/%s: %s", tmp, de->d_name,
				    g_strerror(errno));
		}
	}
	closedir(d);
}

void
store_sweep_folder(struct store *st, const char *folder)
{
	g_autofree char	*top = store_folder_path(st, folder);

	store_sweep_tmp(st, top);
}

enum store_status
store_folder_id(struct store *st, const char *name, gboolean create,
    int64_t *id)
{
	static const char sel[] = "SELECT id FROM folders WHERE name = ?";
	/* Another process may create the same folder at the same time. */
	static const char ins[] =
	    "INSERT INTO folders(name) VALUES (?) ON CONFLICT(name) DO NOTHING";
	sqlite3_stmt		*stmt;
	gpointer		 v;
	enum store_status	 s;
	int			 rc;

	if (g_hash_table_lookup_extended(st->folder_ids, name, NULL, &v)) {
		*id = (int64_t)GPOINTER_TO_SIZE(v);
		return STORE_OK;
	}
	if (!store_folder_name_valid(name))
		return store_set_error(st, STORE_ERR_INVALID,
		    _("invalid folder name \"%s\""), name);
	if ((stmt = store_stmt(st, sel)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
		g_hash_table_insert(st->folder_ids, g_strdup(name),
		    GSIZE_TO_POINTER((gsize)*id));
		return STORE_OK;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "folder");
	if (!create)
		return store_set_error(st, STORE_ERR_NOTFOUND,
		    _("no folder \"%s\""), name);
	if ((s = store_mkdir_maildir(st, name)) != STORE_OK)
		return s;
	if ((stmt = store_stmt(st, ins)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, rc, "create folder");
	if ((stmt = store_stmt(st, sel)) == NULL)
		return STORE_ERR_DB;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(st, rc, "create folder");
	g_hash_table_insert(st->folder_ids, g_strdup(name),
	    GSIZE_TO_POINTER((gsize)*id));
	return STORE_OK;
}

char *
store_folder_name(struct store *st, int64_t id)
{
	static const char sql[] = "SELECT name FROM folders WHERE id = ?";
	sqlite3_stmt	*stmt;
	char		*name = NULL;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		name = g_strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	return name;
}

enum store_status
store_folder_create(struct store *st, const char *name)
{
	int64_t	 id;

	return store_folder_id(st, name, TRUE, &id);
}

void
store_folder_free(struct store_folder *f)
{
	if (f == NULL)
		return;
	g_free(f->name);
	g_free(f);
}

enum store_status
store_folders(struct store *st, GPtrArray **out)
{
	static const char sql[] =
	    "SELECT f.name, (SELECT count(*) FROM messages m"
	    "   WHERE m.folder_id = f.id),"
	    "  (SELECT count(*) FROM messages m WHERE m.folder_id = f.id"
	    "   AND (m.flags & 1) = 0)"
	    " FROM folders f ORDER BY CASE f.name WHEN 'INBOX' THEN 0"
	    "  WHEN 'Sent' THEN 1 WHEN 'Drafts' THEN 2 WHEN 'Outbox' THEN 3"
	    "  ELSE 4 END, f.name";
	sqlite3_stmt	*stmt;
	GPtrArray	*a;
	int		 rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return STORE_ERR_DB;
	a = g_ptr_array_new_with_free_func((GDestroyNotify)store_folder_free);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_folder *f = g_new0(struct store_folder, 1);

		f->name = g_strdup((const char *)sqlite3_column_text(stmt, 0));
		f->total = (guint64)sqlite3_column_int64(stmt, 1);
		f->unread = (guint64)sqlite3_column_int64(stmt, 2);
		g_ptr_array_add(a, f);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(a);
		return store_sql_error(st, rc, "folders");
	}
	*out = a;
	return STORE_OK;
}

void
store_folder_touch(struct store *st, int64_t id)
{
	int64_t	*key;

	/* g_hash_table_add() would swap in a new key: free nothing it holds. */
	if (g_hash_table_contains(st->touched, &id))
		return;
	key = g_new(int64_t, 1);
	*key = id;
	g_hash_table_add(st->touched, key);
}

static int64_t
store_dir_mtime(const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
}

/* fsync the new/ and cur/ directories of every folder the tx touched. */
static void
store_sync_touched(struct store *st)
{
	GHashTableIter	 it;
	gpointer	 k;

	g_hash_table_iter_init(&it, st->touched);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		g_autofree char *name = store_folder_name(st, *(int64_t *)k);
		g_autofree char *top = NULL, *n = NULL, *c = NULL;

		if (name == NULL)
			continue;
		top = store_folder_path(st, name);
		n = g_build_filename(top, "new", NULL);
		c = g_build_filename(top, "cur", NULL);
		file_fsync_dir(n);
		file_fsync_dir(c);
	}
}

/*
 * Record the directory mtimes of touched folders so that the next open
 * does not read them again. Runs inside the transaction that indexed our
 * own changes: anything renamed in by a process that died before its
 * commit leaves a different mtime behind.
 */
static void
store_record_mtimes(struct store *st)
{
	static const char sql[] =
	    "UPDATE folders SET new_mtime = ?, cur_mtime = ? WHERE id = ?";
	GHashTableIter	 it;
	gpointer	 k;
	sqlite3_stmt	*stmt;

	g_hash_table_iter_init(&it, st->touched);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		g_autofree char *name = store_folder_name(st, *(int64_t *)k);
		g_autofree char *top = NULL, *n = NULL, *c = NULL;

		if (name == NULL || (stmt = store_stmt(st, sql)) == NULL)
			continue;
		top = store_folder_path(st, name);
		n = g_build_filename(top, "new", NULL);
		c = g_build_filename(top, "cur", NULL);
		sqlite3_bind_int64(stmt, 1, store_dir_mtime(n));
		sqlite3_bind_int64(stmt, 2, store_dir_mtime(c));
		sqlite3_bind_int64(stmt, 3, *(int64_t *)k);
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
}

void
store_pending_free(gpointer p)
{
	struct store_pending *pe = p;

	if (pe == NULL)
		return;
	if (pe->tmp != NULL)
		unlink(pe->tmp);
	g_free(pe->tmp);
	g_free(pe->dest);
	g_free(pe);
}

/*
 * Make the batch's files durable, then rename each into new/ or cur/; the
 * directory fsync and the index commit follow. A big batch takes one
 * syncfs() on the store's file system (one journal commit instead of one
 * per file; measured faster than an fdatasync per file, see
 * doc/bench/fetch.md); a small one an fdatasync per file, so that it does
 * not wait for what other programs have written to the same file system.
 * A crash before the renames leaves only tmp/ files (swept later, never
 * recorded as stored); a crash after some renames leaves complete files
 * that the next open indexes (their directory mtime changed).
 */
static enum store_status
store_flush_pending(struct store *st)
{
	guint	 i;
	int	 fd;

	if (st->tx_pending->len == 0)
		return STORE_OK;
	if (st->tx_pending->len < STORE_SYNCFS_MIN) {
		for (i = 0; i < st->tx_pending->len; i++) {
			struct store_pending *pe = st->tx_pending->pdata[i];

			if ((fd = open(pe->tmp, O_RDONLY | O_CLOEXEC)) < 0 ||
			    fdatasync(fd) != 0) {
				int e = errno;

				if (fd >= 0)
					close(fd);
				return store_set_error(st,
				    store_errno_status(e), "%s: %s", pe->tmp,
				    g_strerror(e));
			}
			close(fd);
		}
	} else {
		if ((fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
		    0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", st->dir, g_strerror(errno));
		if (syncfs(fd) != 0) {
			int e = errno;

			close(fd);
			return store_set_error(st, store_errno_status(e),
			    "%s: %s", st->dir, g_strerror(e));
		}
		close(fd);
	}
	for (i = 0; i < st->tx_pending->len; i++) {
		struct store_pending *pe = st->tx_pending->pdata[i];

		if (pe->tmp == NULL)
			continue;
		if (rename(pe->tmp, pe->dest) != 0)
			return store_set_error(st, store_errno_status(errno),
			    "%s: %s", pe->dest, g_strerror(errno));
		g_clear_pointer(&pe->tmp, g_free);
		g_ptr_array_add(st->tx_files, g_steal_pointer(&pe->dest));
	}
	g_ptr_array_set_size(st->tx_pending, 0);
	return STORE_OK;
}

/*
 * The connections run with synchronous=NORMAL: in WAL mode a commit then
 * survives a crash of the process, but the WAL is synced only at
 * checkpoints, so a power cut can take back the last commits. That is
 * fine for what the Maildir can rebuild, not for the queue. This syncs
 * the WAL as synchronous=FULL does at each commit, for the commits that
 * need it. (The pragma itself cannot change inside a transaction.) The
 * sync goes through SQLite's own handle of the WAL: no descriptor of the
 * index files is opened or closed here.
 */
static enum store_status
store_sync_wal(struct store *st)
{
	sqlite3_file	*wal = NULL;
	int		 rc;

	rc = sqlite3_file_control(st->db, "main",
	    SQLITE_FCNTL_JOURNAL_POINTER, &wal);
	if (rc != SQLITE_OK || wal == NULL || wal->pMethods == NULL)
		return STORE_OK;	/* no WAL open: nothing pending */
	rc = wal->pMethods->xSync(wal, SQLITE_SYNC_FULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "sync");
	return STORE_OK;
}

enum store_status
store_sync(struct store *st)
{
	if (st->tx_depth > 0) {
		st->tx_sync = TRUE;
		return STORE_OK;
	}
	return store_sync_wal(st);
}

enum store_status
store_tx_begin(struct store *st)
{
	enum store_status	 s;

	if (st->tx_depth++ > 0)
		return STORE_OK;
	st->tx_failed = FALSE;
	st->tx_sync = FALSE;
	st->next_thread = 0;
	if ((s = store_exec(st, "BEGIN IMMEDIATE")) != STORE_OK) {
		st->tx_depth = 0;
		return s;
	}
	return STORE_OK;
}

enum store_status
store_tx_commit(struct store *st)
{
	GHashTableIter		 it;
	gpointer		 k;
	enum store_status	 s;

	if (st->tx_depth == 0)
		return STORE_OK;
	if (--st->tx_depth > 0)
		return STORE_OK;
	if ((s = store_delivery_drain(st, TRUE)) != STORE_OK) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return s;
	}
	if (st->tx_failed) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return STORE_ERR_DB;
	}
	if ((s = store_flush_pending(st)) != STORE_OK) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return s;
	}
	store_sync_touched(st);
	g_hash_table_iter_init(&it, st->dirty_threads);
	while (g_hash_table_iter_next(&it, &k, NULL))
		store_item_thread_refresh(st, *(int64_t *)k);
	g_hash_table_remove_all(st->dirty_threads);
	if (st->tx_failed) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return STORE_ERR_DB;
	}
	/* Reindex records the mtimes it read before its scan itself. */
	if (!st->bulk)
		store_record_mtimes(st);
	if ((s = store_exec(st, "COMMIT")) != STORE_OK) {
		st->tx_depth = 1;
		store_tx_rollback(st);
		return s;
	}
	g_hash_table_remove_all(st->touched);
	g_ptr_array_set_size(st->tx_files, 0);
	if (st->tx_sync) {
		st->tx_sync = FALSE;
		return store_sync_wal(st);
	}
	return STORE_OK;
}

void
store_tx_rollback(struct store *st)
{
	guint	 i;

	if (st->tx_depth == 0)
		return;
	st->tx_depth = 0;
	store_delivery_discard(st);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	/* The batch's files must not stay: nothing recorded them. */
	for (i = 0; i < st->tx_files->len; i++)
		unlink(g_ptr_array_index(st->tx_files, i));
	g_ptr_array_set_size(st->tx_files, 0);
	g_ptr_array_set_size(st->tx_pending, 0);	/* unlinks tmp/ */
	g_hash_table_remove_all(st->touched);
	g_hash_table_remove_all(st->dirty_threads);
	g_hash_table_remove_all(st->folder_ids);
}

/*
 * Bytes a batch may write before it is committed: an eighth of the space
 * left on the store's file system. The index takes about as many bytes
 * again (the text for search), first in the WAL and later in the database,
 * so this keeps room for the commit. Near a full disk each message becomes
 * a batch of its own.
 */
guint64
store_space_budget(struct store *st)
{
	struct statvfs	 sv;
	guint64		 left;

	if (statvfs(st->dir, &sv) != 0)
		return G_MAXUINT64;
	left = (guint64)sv.f_bavail * (guint64)sv.f_frsize;
	if (left < STORE_SPACE_LOW && st->tx_depth == 0 &&
	    sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) == SQLITE_OK && statvfs(st->dir, &sv) == 0) {
		/* Checkpointed: the WAL is reused instead of growing. */
		left = (guint64)sv.f_bavail * (guint64)sv.f_frsize;
	}
	return left / 8;
}

enum store_status
store_begin(struct store *st)
{
	return store_tx_begin(st);
}

enum store_status
store_commit(struct store *st)
{
	return store_tx_commit(st);
}

void
store_rollback(struct store *st)
{
	store_tx_rollback(st);
}

enum store_status
store_lock(struct store *st, const char *name)
{
	g_autofree char	*file = NULL, *path = NULL;
	int		 fd;

	if (name == NULL || !store_folder_name_valid(name))
		return store_set_error(st, STORE_ERR_INVALID,
		    _("invalid lock name"));
	if (g_hash_table_contains(st->locks, name))
		return STORE_OK;
	file = g_strconcat(".lock-", name, NULL);
	path = g_build_filename(st->dir, file, NULL);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", path, g_strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			return store_set_error(st, STORE_ERR_BUSY,
			    _("%s is locked by another process"), path);
		return store_set_error(st, STORE_ERR_IO, "%s: %s", path,
		    g_strerror(e));
	}
	g_hash_table_insert(st->locks, g_strdup(name), GINT_TO_POINTER(fd));
	return STORE_OK;
}

void
store_unlock(struct store *st, const char *name)
{
	if (st != NULL && name != NULL)
		g_hash_table_remove(st->locks, name);
}

/*
 * store-db.c: the index database, the store's floor 0: error statuses and
 * messages, prepared statements (cached) and plain execution, opening the
 * database file (to write, to query, read-only as a fallback), moving a
 * damaged one aside, the schema and its migrations, the quick check. It
 * calls nothing else of the store (tools/check-store-floor.sh).
 */
#include "satchel-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

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
	/*
	 * 9: the words of the subject, sender and recipients alone
	 * (msg_head), filled from the text msg_fts holds: subject:, from:
	 * and to: read the messages whose headers have the word, not the
	 * list of every message that has it anywhere.
	 */
	STORE_HEAD_CREATE
	"INSERT INTO msg_head(rowid, subject, sender, recipients)"
	"  SELECT rowid, subject, sender, recipients FROM msg_fts;",
	/*
	 * 10: how many messages have a word (in a column), read from the
	 * FTS index itself: a search decides how to read a page, and counts
	 * a word, without walking the word's list row by row. Tables of
	 * the schema only (fts5vocab keeps no data).
	 */
	"CREATE VIRTUAL TABLE msg_terms_vocab USING fts5vocab(msg_terms,"
	"  'row');"
	"CREATE VIRTUAL TABLE msg_head_vocab USING fts5vocab(msg_head, 'col');",
	/*
	 * 11: how many messages each folder has (store_folder_count_add),
	 * so that a count of a folder or of all messages reads a row per
	 * folder, not an index of every message.
	 */
	"CREATE TABLE folder_counts("
	"  folder_id INTEGER PRIMARY KEY,"
	"  n INTEGER NOT NULL);"
	"INSERT INTO folder_counts(folder_id, n) SELECT folder_id, count(*)"
	"  FROM messages GROUP BY folder_id;",
};

/*
 * What a migration's SQL cannot say, run after it in its transaction:
 * hooks[i] (NULL: none) follows store_migrations[i].
 */
typedef enum store_status (*store_migration_hook)(struct store *);
static enum store_status store_migrate_queue(struct store *);
static enum store_status store_migrate_tune(struct store *);
static const store_migration_hook store_migration_hooks[] = {
	[7] = store_migrate_queue,
	[8] = store_migrate_tune,
};

static enum store_status store_migrate(struct store *);
static gboolean	 store_has_column(struct store *, const char *,
		    const char *);
static gboolean	 store_is_corrupt(int);
static enum store_status store_db_open_setup(struct store *);

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

void
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

void
store_db_move_aside(struct store *st)
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

enum store_status
store_db_open(struct store *st, gboolean readonly)
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
		return store_db_open_query(st);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "open");
	if (chmod(path, 0600) != 0)
		return store_set_error(st, store_errno_status(errno),
		    "%s: %s", path, g_strerror(errno));
	if ((s = store_db_open_setup(st)) != STORE_OK ||
	    (s = store_exec(st, "PRAGMA journal_mode=WAL")) != STORE_OK)
		return s;
	return store_migrate(st);
}

/* The connection's settings, for reading and writing alike. */
static enum store_status
store_db_open_setup(struct store *st)
{
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT);
	sqlite3_extended_result_codes(st->db, 1);
	return store_exec(st, "PRAGMA synchronous=NORMAL;"
	    "PRAGMA secure_delete=OFF;PRAGMA cache_size=-16384;"
	    "PRAGMA foreign_keys=ON;PRAGMA temp_store=FILE");
}

/* The index opened read-only (query_only): no file is made or written. */
enum store_status
store_db_open_query(struct store *st)
{
	g_autofree char	*path = g_build_filename(st->dir, STORE_INDEX, NULL);
	enum store_status s;
	int		 rc;

	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return store_sql_error(st, rc, "open");
	if ((s = store_db_open_setup(st)) != STORE_OK)
		return s;
	return store_exec(st, "PRAGMA query_only=1;"
	    "SELECT count(*) FROM folders");
}

/* TRUE when the index's schema is the current one (no migration to run). */
gboolean
store_db_current(struct store *st)
{
	sqlite3_stmt	*stmt = NULL;
	gboolean	 ok;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
	    NULL) != SQLITE_OK)
		return FALSE;
	ok = sqlite3_step(stmt) == SQLITE_ROW && (size_t)sqlite3_column_int(
	    stmt, 0) == G_N_ELEMENTS(store_migrations);
	sqlite3_finalize(stmt);
	return ok;
}

/*
 * Read-only without touching the disk: first as a normal reader (the WAL
 * is used if there is one), else as an immutable file (no -shm needed;
 * what a WAL left on disk holds is not seen).
 */
enum store_status
store_db_open_fallback(struct store *st)
{
	g_autofree char	*path = g_build_filename(st->dir, STORE_INDEX, NULL);
	g_autofree char	*uri = NULL, *esc = NULL;
	int		 rc;

	if (store_db_open(st, TRUE) == STORE_OK)
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

static const char *const store_fts_tables[] = { "msg_fts", "msg_terms",
    "msg_head" };

/*
 * How the three FTS tables are written, kept in each table's own
 * configuration. A bulk build (a reindex past its first 10,000 messages)
 * merges segments 16 at a time instead of 4: each entry is rewritten
 * about half as often as a large index grows, and the reindex merges all
 * into one at the end. Everyday additions merge 4 at a time, so that a search
 * never reads many segments (each costs a lookup per word and per probe).
 * Both hold 4 MiB of new entries in memory before writing them as a
 * segment instead of 1 MiB (fewer, larger segments: less merging).
 * Measured in doc/BENCHMARKS.md (issue 18). An SQLite that does not know
 * a setting keeps its default: these change speed, never what is found.
 */
void
store_fts_tune(struct store *st, gboolean bulk)
{
	size_t	 i;

	for (i = 0; i < G_N_ELEMENTS(store_fts_tables); i++) {
		const char *t = store_fts_tables[i];
		g_autofree char *sql = g_strdup_printf("INSERT INTO %s(%s,"
		    " rank) VALUES('automerge', %d); INSERT INTO %s(%s, rank)"
		    " VALUES('hashsize', 4194304);", t, t, bulk ? 16 : 4, t, t);

		if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			log_debug("store: %s: %s", t, sqlite3_errmsg(st->db));
	}
}

/* Migration 9's hook: the older tables are written as new ones are. */
static enum store_status
store_migrate_tune(struct store *st)
{
	store_fts_tune(st, FALSE);
	return STORE_OK;
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

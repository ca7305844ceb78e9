/* test-store.c: delivery, flags, threads, search, UIDLs, reindex, import. */
#include "satchel-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/mime.h"
#include "store/store.h"
#include "store/store-private.h"
#include "store/store-pattern.h"
#include "store/store-addr.h"

struct fixture {
	char		*dir;
	struct store	*st;
};

static char *
msg_text(const char *mid, const char *irt, const char *subject,
    const char *from, const char *date, const char *body)
{
	return g_strdup_printf("From: %s\nTo: Bob <bob@example.org>\n"
	    "Subject: %s\nDate: %s\n%s%s%s%s%s%s"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
	    "%s\n", from, subject, date,
	    mid != NULL ? "Message-ID: <" : "", mid != NULL ? mid : "",
	    mid != NULL ? ">\n" : "",
	    irt != NULL ? "In-Reply-To: <" : "", irt != NULL ? irt : "",
	    irt != NULL ? ">\n" : "", body);
}

static int64_t
deliver(struct store *st, const char *folder, const char *text,
    const struct store_origin *o, unsigned flags)
{
	int64_t	 id = 0;

	assert_int_equal(store_deliver(st, folder, text, strlen(text), o,
	    flags, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static int64_t	 sql_int(sqlite3 *, const char *);

static guint64
count(struct store *st, const char *q)
{
	struct store_query	*qq = NULL;
	guint64			 n = 0;
	GError			*err = NULL;

	assert_int_equal(store_query_new(st, q, NULL, &qq, &err), STORE_OK);
	assert_int_equal(store_query_count(qq, &n), STORE_OK);
	store_query_free(qq);
	return n;
}

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);
	g_autofree char	*tmp = g_dir_make_tmp("test-store-XXXXXX", NULL);

	assert_non_null(tmp);
	f->dir = g_build_filename(tmp, "store", NULL);
	assert_int_equal(store_open(f->dir, STORE_OPEN_CREATE, &f->st),
	    STORE_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	g_autofree char	*parent = g_path_get_dirname(f->dir);

	store_close(f->st);
	file_remove_tree(parent);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static void
test_open_degenerate(void **state)
{
	struct store	*st = NULL;
	g_autofree char	*tmp = g_dir_make_tmp("test-store-XXXXXX", NULL);
	g_autofree char	*missing = g_build_filename(tmp, "nope", NULL);
	g_autofree char	*file = g_build_filename(tmp, "file", NULL);
	struct stat	 sb;
	GPtrArray	*folders = NULL;

	/* Missing without CREATE. */
	assert_int_equal(store_open(missing, 0, &st), STORE_ERR_NOTFOUND);
	assert_non_null(store_errmsg(st));
	store_close(st);
	store_close(NULL);
	/* A file, not a directory. */
	assert_int_equal(g_file_set_contents(file, "x", 1, NULL), TRUE);
	assert_int_equal(store_open(file, STORE_OPEN_CREATE, &st),
	    STORE_ERR_INVALID);
	store_close(st);
	/* Created 0700, index 0600, standard folders. */
	assert_int_equal(store_open(missing, STORE_OPEN_CREATE, &st),
	    STORE_OK);
	assert_int_equal(stat(missing, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	{
		g_autofree char *idx = g_build_filename(missing, STORE_INDEX,
		    NULL);

		assert_int_equal(stat(idx, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	assert_int_equal(store_folders(st, &folders), STORE_OK);
	assert_true(folders->len >= 4);
	assert_string_equal(((struct store_folder *)folders->pdata[0])->name,
	    "INBOX");
	assert_string_equal(((struct store_folder *)folders->pdata[3])->name,
	    "Outbox");
	g_ptr_array_unref(folders);
	assert_int_equal(store_folder_create(st, "../evil"),
	    STORE_ERR_INVALID);
	assert_int_equal(store_folder_create(st, ".hidden"),
	    STORE_ERR_INVALID);
	assert_int_equal(store_folder_create(st, "Archive"), STORE_OK);
	store_close(st);
	/* Read-only open works on an existing store. */
	assert_int_equal(store_open(missing, STORE_OPEN_READONLY, &st),
	    STORE_OK);
	store_close(st);
	file_remove_tree(tmp);
}

static void
test_deliver_and_get(void **state)
{
	struct fixture		*f = *state;
	struct store_origin	 o = { "work", "UID:1/x" };
	struct store_msg	*m = NULL;
	g_autofree char		*text = NULL, *data = NULL;
	struct stat		 sb;
	int64_t			 id;
	size_t			 len;

	text = g_strdup("From: =?ISO-8859-1?Q?Caf=E9?= <cafe@example.org>\r\n"
	    "To: a@example.org, =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\n"
	    "Subject: =?ISO-8859-1?Q?cr=E8me_br=FBl=E9e?=\r\n"
	    "Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
	    "Message-ID: <one@example.org>\r\n"
	    "Content-Type: text/plain; charset=iso-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "Voil=E0 the body.\r\n");
	id = deliver(f->st, STORE_INBOX, text, &o, 0);
	assert_int_equal(store_msg_get(f->st, id, &m), STORE_OK);
	assert_string_equal(m->folder, "INBOX");
	assert_string_equal(m->account, "work");
	assert_string_equal(m->uidl, "UID:1/x");
	assert_string_equal(m->message_id, "one@example.org");
	assert_string_equal(m->from, "Café");
	assert_string_equal(m->from_addr, "cafe@example.org");
	assert_string_equal(m->subject, "crème brûlée");
	assert_non_null(strstr(m->to, "Jürgen"));
	assert_int_equal(m->date, 1704189600);
	assert_int_equal(m->flags, 0);
	assert_string_equal(m->snippet, "Voilà the body.");
	assert_int_equal(stat(m->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_non_null(strstr(m->path, "/INBOX/new/"));
	data = file_read_all(m->path, &len);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(data, text, len);
	store_msg_free(m);
	assert_int_equal(store_msg_by_message_id(f->st, "<one@example.org>",
	    &m), STORE_OK);
	assert_int_equal(m->id, id);
	store_msg_free(m);
	assert_int_equal(store_msg_get(f->st, 99999, &m), STORE_ERR_NOTFOUND);
	assert_null(m);

	/* Bad origins are refused. */
	{
		struct store_origin bad = { "work", "has\ttab" };

		assert_int_equal(store_deliver(f->st, NULL, "x", 1, &bad, 0,
		    NULL), STORE_ERR_INVALID);
		bad.uidl = "\033[2J";
		assert_int_equal(store_deliver(f->st, NULL, "x", 1, &bad, 0,
		    NULL), STORE_ERR_INVALID);
		bad.uidl = "";
		assert_int_equal(store_deliver(f->st, NULL, "x", 1, &bad, 0,
		    NULL), STORE_ERR_INVALID);
	}
	/* The keys pop3/ gives odd UIDLs hold a space; they are stored. */
	{
		struct store_origin key = { "work", "~ 852841f91ae9434afb26f5453d0"
		    "9f11809ed8972924b612dd91abd7f80cb7d29" };

		assert_int_equal(store_deliver(f->st, NULL, "x", 1, &key, 0,
		    NULL), STORE_OK);
	}
	assert_int_equal(store_deliver(f->st, "NoSuchFolder", "x", 1, NULL, 0,
	    NULL), STORE_ERR_NOTFOUND);
	/* A broken message is still stored. */
	id = deliver(f->st, NULL, "\x01\x02garbage without headers", NULL, 0);
	assert_true(id > 0);
}

static void
test_flags(void **state)
{
	struct fixture		*f = *state;
	struct store_msg	*m = NULL;
	g_autofree char		*text = msg_text("f@x", NULL, "flags",
	    "a@x", "Mon, 01 Jan 2024 00:00:00 +0000", "body");
	int64_t			 id;
	guint64			 all;

	id = deliver(f->st, NULL, text, NULL, 0);
	assert_int_equal(store_msg_set_flags(f->st, id, STORE_FLAG_SEEN |
	    STORE_FLAG_FLAGGED, 0), STORE_OK);
	assert_int_equal(store_msg_get(f->st, id, &m), STORE_OK);
	assert_int_equal(m->flags, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	assert_non_null(strstr(m->path, "/cur/"));
	assert_true(g_str_has_suffix(m->path, ":2,FS"));
	assert_int_equal(access(m->path, F_OK), 0);
	store_msg_free(m);
	assert_int_equal(store_msg_set_flags(f->st, id, STORE_FLAG_REPLIED,
	    STORE_FLAG_FLAGGED), STORE_OK);
	assert_int_equal(store_msg_get(f->st, id, &m), STORE_OK);
	assert_true(g_str_has_suffix(m->path, ":2,RS"));
	assert_int_equal(count(f->st, "is:unread"), 0);
	assert_int_equal(count(f->st, "is:replied"), 1);

	/* Another Maildir reader renames the file: we follow. */
	{
		g_autofree char *other = NULL;

		other = g_strdup(m->path);
		*strrchr(other, ',') = '\0';
		{
			g_autofree char *renamed = g_strconcat(other, ",ST",
			    NULL);
			struct store_msg *m2 = NULL;

			assert_int_equal(rename(m->path, renamed), 0);
			assert_int_equal(store_msg_get(f->st, id, &m2),
			    STORE_OK);
			assert_string_equal(m2->path, renamed);
			store_msg_free(m2);
		}
	}
	store_msg_free(m);
	/* Move and delete; the folders' counts follow. */
	all = count(f->st, "");
	assert_int_equal(all, sql_int(f->st->db, "SELECT count(*) FROM"
	    " messages"));
	assert_int_equal(count(f->st, "folder:Sent"), 0);
	assert_int_equal(store_msg_move(f->st, id, STORE_SENT), STORE_OK);
	assert_int_equal(store_msg_get(f->st, id, &m), STORE_OK);
	assert_string_equal(m->folder, "Sent");
	assert_int_equal(access(m->path, F_OK), 0);
	store_msg_free(m);
	assert_int_equal(count(f->st, "folder:Sent"), 1);
	assert_int_equal(count(f->st, "folder:INBOX"), sql_int(f->st->db,
	    "SELECT count(*) FROM messages WHERE folder_id ="
	    " (SELECT id FROM folders WHERE name = 'INBOX')"));
	assert_int_equal(count(f->st, ""), all);
	assert_int_equal(store_msg_delete(f->st, id), STORE_OK);
	assert_int_equal(store_msg_get(f->st, id, &m), STORE_ERR_NOTFOUND);
	assert_int_equal(count(f->st, "folder:Sent"), 0);
	assert_int_equal(count(f->st, ""), all - 1);
	assert_int_equal(count(f->st, "folder:Nowhere"), 0);
}

/*
 * A reply chain as deep as a stranger cares to make it is walked without
 * recursion: on a thread with a 256 KiB stack, 20,000 levels would need
 * several MiB of frames.
 */
#define DEEP_CHAIN	20000
struct deep_walk {
	struct store	*st;
	int64_t		 thread_id;
	GPtrArray	*msgs;
	enum store_status rc;
};

static void *
deep_walk_run(void *p)
{
	struct deep_walk *w = p;

	w->rc = store_thread_messages(w->st, w->thread_id, &w->msgs);
	return NULL;
}

static void
test_thread_deep_chain(void **state)
{
	struct fixture		*f = *state;
	struct deep_walk	 w = { f->st, 0, NULL, STORE_OK };
	GPtrArray		*th = NULL;
	GError			*err = NULL;
	pthread_attr_t		 attr;
	pthread_t		 tid;
	int			 i;

	assert_int_equal(store_begin(f->st), STORE_OK);
	for (i = 0; i < DEEP_CHAIN; i++) {
		g_autofree char *mid = g_strdup_printf("d%d@x", i);
		g_autofree char *irt = i > 0 ? g_strdup_printf("d%d@x",
		    i - 1) : NULL;
		g_autofree char *date = g_strdup_printf("Mon, 01 Jan 2024 "
		    "%02d:%02d:%02d +0000", i / 3600 % 24, i / 60 % 60,
		    i % 60);
		g_autofree char *text = msg_text(mid, irt, "deep", "a@x",
		    date, "x");

		deliver(f->st, NULL, text, NULL, STORE_FLAG_SEEN);
	}
	assert_int_equal(store_commit(f->st), STORE_OK);
	assert_int_equal(store_threads_page(f->st, NULL, NULL, 0, 10, &th,
	    &err), STORE_OK);
	assert_int_equal(th->len, 1);
	w.thread_id = ((struct store_thread *)th->pdata[0])->id;
	g_ptr_array_unref(th);

	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
	assert_int_equal(pthread_create(&tid, &attr, deep_walk_run, &w), 0);
	assert_int_equal(pthread_join(tid, NULL), 0);
	pthread_attr_destroy(&attr);
	assert_int_equal(w.rc, STORE_OK);
	assert_int_equal(w.msgs->len, DEEP_CHAIN);
	for (i = 0; i < DEEP_CHAIN; i += 997) {
		struct store_msg *m = w.msgs->pdata[i];
		g_autofree char *mid = g_strdup_printf("d%d@x", i);

		assert_string_equal(m->message_id, mid);
		/* Depths stop at 64 (store-thread.c), as the index draws them. */
		assert_int_equal(m->depth, MIN(i, 64));
	}
	g_ptr_array_unref(w.msgs);
}

/* Copy: the same bytes in another folder, flags but T kept, original untouched. */
static void
test_copy(void **state)
{
	struct fixture		*f = *state;
	struct store_msg	*m = NULL, *c = NULL;
	g_autofree char		*text = msg_text("f@x", NULL, "copied",
	    "a@x", "Mon, 01 Jan 2024 00:00:00 +0000", "body to copy");
	gchar			*a = NULL, *b = NULL;
	gsize			 alen = 0, blen = 0;
	int64_t			 id, cid = 0;

	id = deliver(f->st, NULL, text, NULL, STORE_FLAG_SEEN |
	    STORE_FLAG_TRASHED | STORE_FLAG_FLAGGED);
	assert_int_equal(store_msg_copy(f->st, id, "Nowhere", &cid),
	    STORE_ERR_NOTFOUND);
	assert_int_equal(store_folder_create(f->st, "Keep"), STORE_OK);
	assert_int_equal(store_msg_copy(f->st, id, "Keep", &cid), STORE_OK);
	assert_true(cid > 0 && cid != id);
	assert_int_equal(store_msg_get(f->st, id, &m), STORE_OK);
	assert_int_equal(store_msg_get(f->st, cid, &c), STORE_OK);
	assert_string_equal(m->folder, "INBOX");
	assert_string_equal(c->folder, "Keep");
	assert_int_equal(c->flags, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	assert_string_not_equal(m->path, c->path);
	assert_true(g_file_get_contents(m->path, &a, &alen, NULL));
	assert_true(g_file_get_contents(c->path, &b, &blen, NULL));
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_int_equal(count(f->st, "folder:Keep"), 1);
	assert_int_equal(count(f->st, "subject:copied"), 2);
	g_free(a);
	g_free(b);
	store_msg_free(m);
	store_msg_free(c);
	/* A headers-only message is not copied. */
	id = deliver(f->st, NULL, text, NULL, STORE_FLAG_PARTIAL);
	assert_int_equal(store_msg_copy(f->st, id, "Keep", NULL),
	    STORE_ERR_INVALID);
	assert_int_equal(count(f->st, "folder:Keep"), 1);
	assert_int_equal(store_msg_copy(f->st, 99999, "Keep", NULL),
	    STORE_ERR_NOTFOUND);
}

/* Threads in the order asked, in a folder and under a query. */
static void
test_threads_sorted(void **state)
{
	struct fixture		*f = *state;
	static const enum store_sort sorts[] = {
		STORE_SORT_DATE_DESC, STORE_SORT_DATE_ASC, STORE_SORT_FROM,
		STORE_SORT_SUBJECT, STORE_SORT_SIZE,
	};
	/* Subjects of the threads' roots, per sort above. */
	static const char *const want[][3] = {
		{ "zebra", "apple", "mango" },
		{ "mango", "apple", "zebra" },
		{ "apple", "mango", "zebra" },	/* Ann, Bob, Cid */
		{ "apple", "mango", "zebra" },
		{ "mango", "zebra", "apple" },
	};
	g_autofree char		*big = g_strnfill(3000, 'x');
	char			*m[5];
	GPtrArray		*th = NULL;
	GError			*err = NULL;
	size_t			 i, j;

	m[0] = msg_text("m1@x", NULL, "mango", "Bob <b@x>",
	    "Mon, 01 Jan 2024 10:00:00 +0000", big);
	m[1] = msg_text("a1@x", NULL, "apple", "Ann <a@x>",
	    "Tue, 02 Jan 2024 10:00:00 +0000", "small");
	m[2] = msg_text("a2@x", "a1@x", "Re: apple", "Zed <z@x>",
	    "Wed, 03 Jan 2024 10:00:00 +0000", "small");
	m[3] = msg_text("z1@x", NULL, "zebra", "Cid <c@x>",
	    "Thu, 04 Jan 2024 10:00:00 +0000", "a bit longer than small");
	m[4] = msg_text("z2@x", "z1@x", "Re: zebra", "Ann <a@x>",
	    "Fri, 05 Jan 2024 10:00:00 +0000", "another reply, longer");
	for (i = 0; i < G_N_ELEMENTS(m); i++) {
		deliver(f->st, NULL, m[i], NULL, 0);
		g_free(m[i]);
	}
	for (i = 0; i < G_N_ELEMENTS(sorts); i++) {
		assert_int_equal(store_threads_page_sorted(f->st, STORE_INBOX,
		    NULL, sorts[i], 0, 10, &th, &err), STORE_OK);
		assert_int_equal(th->len, 3);
		for (j = 0; j < 3; j++)
			assert_string_equal(((struct store_thread *)
			    th->pdata[j])->subject, want[i][j]);
		g_ptr_array_unref(th);
		/* A query (and its paging) keeps the order. */
		assert_int_equal(store_threads_page_sorted(f->st, STORE_INBOX,
		    "NOT nosuchword", sorts[i], 1, 1, &th, &err), STORE_OK);
		assert_int_equal(th->len, 1);
		assert_string_equal(((struct store_thread *)
		    th->pdata[0])->subject, want[i][1]);
		g_ptr_array_unref(th);
	}
	/* The default order is store_threads_page's. */
	assert_int_equal(store_threads_page(f->st, STORE_INBOX, NULL, 0, 10,
	    &th, &err), STORE_OK);
	assert_string_equal(((struct store_thread *)th->pdata[0])->subject,
	    "zebra");
	g_ptr_array_unref(th);
}

static void
test_threads(void **state)
{
	struct fixture		*f = *state;
	GPtrArray		*th = NULL, *msgs = NULL;
	GError			*err = NULL;
	g_autofree char		*a = NULL, *b = NULL, *c = NULL, *d = NULL;
	g_autofree char		*e = NULL;
	struct store_thread	*t;
	guint64			 n;

	/* The reply arrives before its parent. */
	b = msg_text("b@x", "a@x", "Re: plan", "Bea <b@x>",
	    "Tue, 02 Jan 2024 10:00:00 +0000", "reply");
	a = msg_text("a@x", NULL, "plan", "Ann <a@x>",
	    "Mon, 01 Jan 2024 10:00:00 +0000", "root");
	c = msg_text("c@x", "b@x", "Re: plan", "Ann <a@x>",
	    "Wed, 03 Jan 2024 10:00:00 +0000", "reply 2");
	/* Lost its references: joins by subject. */
	d = msg_text("d@x", NULL, "RE: Plan", "Dan <d@x>",
	    "Thu, 04 Jan 2024 10:00:00 +0000", "late");
	e = msg_text("e@x", NULL, "other", "Eve <e@x>",
	    "Fri, 05 Jan 2024 10:00:00 +0000", "alone");
	deliver(f->st, NULL, b, NULL, 0);
	deliver(f->st, NULL, a, NULL, 0);
	deliver(f->st, NULL, c, NULL, STORE_FLAG_SEEN);
	deliver(f->st, STORE_SENT, d, NULL, STORE_FLAG_SEEN);
	deliver(f->st, NULL, e, NULL, 0);

	assert_int_equal(store_threads_count(f->st, NULL, NULL, &n, &err),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_threads_count(f->st, STORE_INBOX, NULL, &n,
	    &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_threads_page(f->st, NULL, NULL, 0, 10, &th,
	    &err), STORE_OK);
	assert_int_equal(th->len, 2);
	t = th->pdata[0];
	assert_string_equal(t->subject, "other");
	t = th->pdata[1];
	assert_int_equal(t->count, 4);
	assert_int_equal(t->unread, 2);
	assert_string_equal(t->subject, "plan");
	assert_string_equal(t->authors, "Ann, Bea, Dan");
	assert_int_equal(store_thread_messages(f->st, t->id, &msgs),
	    STORE_OK);
	assert_int_equal(msgs->len, 4);
	assert_string_equal(((struct store_msg *)msgs->pdata[0])->message_id,
	    "a@x");
	assert_int_equal(((struct store_msg *)msgs->pdata[0])->depth, 0);
	assert_string_equal(((struct store_msg *)msgs->pdata[1])->message_id,
	    "b@x");
	assert_int_equal(((struct store_msg *)msgs->pdata[1])->depth, 1);
	assert_int_equal(((struct store_msg *)msgs->pdata[2])->depth, 2);
	g_ptr_array_unref(msgs);
	g_ptr_array_unref(th);
	/* Inbox view: the thread's Inbox part only (3 of 4). */
	assert_int_equal(store_threads_page(f->st, STORE_INBOX, NULL, 1, 10,
	    &th, &err), STORE_OK);
	assert_int_equal(th->len, 1);
	assert_int_equal(((struct store_thread *)th->pdata[0])->count, 3);
	g_ptr_array_unref(th);
	/* With a query. */
	assert_int_equal(store_threads_page(f->st, NULL, "from:dan", 0, 10,
	    &th, &err), STORE_OK);
	assert_int_equal(th->len, 1);
	assert_int_equal(((struct store_thread *)th->pdata[0])->count, 4);
	g_ptr_array_unref(th);
	assert_int_equal(store_threads_page(f->st, NULL, "from:(", 0, 10,
	    &th, &err), STORE_ERR_QUERY);
	assert_non_null(err);
	g_clear_error(&err);
}

static void	search_plans(struct store *);

static void
test_search(void **state)
{
	static const struct {
		const char	*q;
		guint64		 n;
	} t[] = {
		{ "", 4 },
		{ "banana", 2 },
		{ "BANANA", 2 },
		{ "cafe", 1 },			/* diacritics folded */
		{ "\"ripe banana\"", 1 },
		{ "\"banana ripe\"", 0 },
		{ "from:alice", 2 },
		{ "from:alice@example.org", 2 },
		{ "to:carol", 1 },
		{ "subject:report", 1 },
		{ "subject:banana", 0 },
		{ "banana AND from:bob", 1 },
		{ "banana OR report", 3 },
		{ "NOT banana", 2 },
		{ "-banana", 2 },
		{ "banana -from:bob", 1 },
		{ "banana AND NOT ripe", 1 },
		{ "banana -ripe -split", 0 },
		{ "banana NOT (ripe OR split)", 0 },
		{ "fruit -from:bob", 1 },
		{ "-banana -report", 1 },
		{ "is:unread -banana", 1 },
		{ "banana AND NOT is:flagged", 1 },
		{ "(banana -ripe) OR report", 2 },
		{ "banana -ripe is:unread", 1 },
		{ "alic* -fruit", 1 },
		{ "(banana OR report) AND is:unread", 3 },
		{ "(banana OR report) AND NOT is:flagged", 2 },
		{ "is:flagged", 1 },
		{ "is:read", 1 },
		{ "has:attachment", 1 },
		{ "attachment:invoice", 1 },
		{ "invoice.pdf", 1 },
		{ "date:2023", 1 },
		{ "date:2024-01..2024-02", 2 },
		{ "date:2024-03-05", 1 },
		{ "date:..2024-01", 2 },
		{ "date:2024-02..", 2 },
		{ "date:7d..", 0 },
		{ "folder:Sent", 1 },
		{ "folder:INBOX banana", 2 },
		{ "folder:Sent banana", 0 },
		{ "account:home", 1 },
		{ "id:m2@x", 1 },
		{ "bana*", 2 },
		{ "http://example.org/x", 0 },
		{ "\"\"", 4 },
		{ "'; DROP TABLE messages; --", 0 },
	};
	static const char *const bad[] = {
		"(banana", "banana)", "\"unterminated", "from:", "is:purple",
		"date:2024-13", "date:yesterdayish", "AND banana", "banana OR",
		"NOT", "has:wings", "banana AND AND x", "()",
	};
	static const struct {
		const char	*q;
		guint64		 n;
	} pat[] = {
		{ "~f alice", 2 }, { "~s report", 1 }, { "~t carol", 1 },
		{ "~c carol", 1 }, { "~b banana", 2 }, { "~B invoice", 1 },
		{ "~N", 3 }, { "~F", 1 }, { "~A", 4 }, { "all", 4 },
		{ "!~N", 1 }, { "~f alice | ~f bob", 3 }, { "~f alice ~b banana", 1 },
		{ "~d 01/01/2024-31/01/2024", 1 }, { "~d 15/02/2024", 1 },
		{ "~d -31/12/2023", 1 }, { "~d 01/02/2024-", 2 },
		{ "~d <1w", 0 }, { "~d >1w", 4 }, { "!(~f alice | ~F)", 1 },
		{ "~s \"quarterly report\"", 1 }, { "~f ^alice", 2 },
		{ "~L carol", 1 }, { "~f alice banana", 1 },
	};
	struct fixture		*f = *state;
	struct store_origin	 o = { "home", "u1" };
	struct store_query	*q = NULL;
	GPtrArray		*page = NULL;
	GError			*err = NULL;
	g_autofree char		*m1 = NULL, *m2 = NULL, *m3 = NULL;
	const char		*m4;
	size_t			 i;
	int64_t			 id;

	m1 = msg_text("m1@x", NULL, "fruit", "Alice <alice@example.org>",
	    "Mon, 15 Jan 2024 10:00:00 +0000", "a ripe banana and a café");
	m2 = msg_text("m2@x", NULL, "more fruit", "Bob <bob@example.org>",
	    "Thu, 15 Feb 2024 10:00:00 +0000", "banana split");
	m3 = msg_text("m3@x", NULL, "Quarterly report",
	    "Alice <alice@example.org>", "Tue, 05 Mar 2024 10:00:00 +0000",
	    "numbers");
	m4 = "From: Dave <dave@example.org>\nTo: Carol <carol@example.org>\n"
	    "Subject: invoice\nDate: Fri, 01 Dec 2023 10:00:00 +0000\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=XX\n\n--XX\n"
	    "Content-Type: text/plain\n\nsee attached\n--XX\n"
	    "Content-Type: application/pdf\n"
	    "Content-Disposition: attachment; filename=\"invoice.pdf\"\n"
	    "Content-Transfer-Encoding: base64\n\nJVBERi0=\n--XX--\n";
	deliver(f->st, NULL, m1, NULL, 0);
	id = deliver(f->st, NULL, m2, &o, STORE_FLAG_FLAGGED);
	(void)id;
	deliver(f->st, NULL, m3, NULL, 0);
	deliver(f->st, STORE_SENT, m4, NULL, STORE_FLAG_SEEN);

	assert_int_equal(store_query_new(f->st, NULL, NULL, &q, &err),
	    STORE_OK);
	store_query_free(q);
	store_query_free(NULL);
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		guint64 n = count(f->st, t[i].q);

		if (n != t[i].n)
			fail_msg("query '%s': %" G_GUINT64_FORMAT " matches, "
			    "expected %" G_GUINT64_FORMAT, t[i].q, n, t[i].n);
	}
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		q = NULL;
		if (store_query_new(f->st, bad[i], NULL, &q, &err) !=
		    STORE_ERR_QUERY)
			fail_msg("query '%s' should be a syntax error", bad[i]);
		assert_null(q);
		assert_non_null(err);
		assert_null(strstr(err->message, "SQL"));
		assert_null(strstr(err->message, "fts5"));
		g_clear_error(&err);
	}
	/* mutt's patterns, translated, find what mutt would. */
	for (i = 0; i < G_N_ELEMENTS(pat); i++) {
		g_autofree char *tq = store_pattern_translate(pat[i].q, &err);
		guint64 n;

		if (tq == NULL)
			fail_msg("pattern '%s': %s", pat[i].q, err->message);
		n = count(f->st, tq);
		if (n != pat[i].n)
			fail_msg("pattern '%s' ('%s'): %" G_GUINT64_FORMAT
			    " matches, expected %" G_GUINT64_FORMAT, pat[i].q,
			    tq, n, pat[i].n);
	}
	/* Pages come newest first. */
	assert_int_equal(store_query_new(f->st, "", STORE_INBOX, &q, &err),
	    STORE_OK);
	assert_int_equal(store_query_page(q, STORE_SORT_DATE_DESC, 0, 2,
	    &page), STORE_OK);
	assert_int_equal(page->len, 2);
	assert_string_equal(((struct store_msg *)page->pdata[0])->subject,
	    "Quarterly report");
	g_ptr_array_unref(page);
	assert_int_equal(store_query_page(q, STORE_SORT_DATE_DESC, 2, 2,
	    &page), STORE_OK);
	assert_int_equal(page->len, 1);
	g_ptr_array_unref(page);
	store_query_free(q);
	search_plans(f->st);
}

/* mutt's patterns as text in the search language. */
static void
test_patterns(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "~f alice", "from:alice" },
		{ "~s hello", "subject:hello" },
		{ "~t bob ~c carol", "to:bob cc:carol" },
		{ "~C list", "to:list" },
		{ "~b 'two words'", "body:\"two words\"" },
		{ "~s \"^Re: lunch$\"", "subject:\"Re: lunch\"" },
		{ "~N", "is:unread" }, { "~U", "is:unread" },
		{ "~F", "is:flagged" }, { "~D", "is:trashed" },
		{ "~Q ~R", "is:replied is:read" },
		{ "~A", "" }, { "all", "" }, { "  all ", "" },
		{ "!~N ~F", "NOT is:unread is:flagged" },
		{ "~f a | ~f b", "from:a OR from:b" },
		{ "!(~f a|~s b)", "NOT (from:a OR subject:b)" },
		{ "~d <1w", "date:1w.." }, { "~d >2d", "date:..2d" },
		{ "~d =3m", "date:4m..3m" }, { "~d <12H", "date:12h.." },
		{ "~d 01/02/2024-15/03/2024", "date:2024-02-01..2024-03-15" },
		{ "~d 5/6/24", "date:2024-06-05" },
		{ "~d 31/12/99-", "date:1999-12-31.." },
		{ "~d -01/01/2020", "date:..2020-01-01" },
		{ "~L bob", "(from:bob OR to:bob)" },
		{ "~i abc@x", "id:abc@x" },
		{ "from:alice ~s hi \"a phrase\"", "from:alice subject:hi \"a phrase\"" },
		{ "~B invoice", "invoice" },
	};
	static const char *const bad[] = {
		"~f", "~s \"open", "~d 32/01/2024", "~d <1x", "~d -", "~d 1/13",
		"~z x", "!~A", "~d <5M",
	};
	GError	*err = NULL;
	size_t	 i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree char *out = store_pattern_translate(t[i].in, &err);

		if (out == NULL)
			fail_msg("'%s': %s", t[i].in, err->message);
		if (strcmp(out, t[i].out) != 0)
			fail_msg("'%s' became '%s', expected '%s'", t[i].in,
			    out, t[i].out);
		assert_true(store_pattern_is_mutt(t[i].in) ||
		    strncmp(t[i].in, "from:", 5) == 0);
	}
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *out = store_pattern_translate(bad[i], &err);

		if (out != NULL)
			fail_msg("'%s' should be refused, became '%s'", bad[i],
			    out);
		assert_non_null(err);
		g_clear_error(&err);
	}
	assert_false(store_pattern_is_mutt("banana"));
	assert_false(store_pattern_is_mutt("from:alice all"));
	assert_false(store_pattern_is_mutt("a~b"));
	assert_true(store_pattern_is_mutt("banana ~f x"));
	assert_true(store_pattern_is_mutt("(~N)"));
}

/*
 * The address book from the index: senders of received mail and the
 * recipients of sent mail, matched by address or a word of the name,
 * ranked by how often and how recently.
 */
static void
test_addr_book(void **state)
{
	struct fixture		*f = *state;
	GPtrArray		*out = NULL;
	struct store_addr	*a;
	int64_t			 now = 1735689600;	/* 2025-01-01 */
	char			*m;
	int			 i;

	/* Anna wrote three times, long ago; Andrew once, yesterday. */
	for (i = 0; i < 3; i++) {
		g_autofree char *mid = g_strdup_printf("anna%d@x", i);

		m = msg_text(mid, NULL, "old", "Anna Old <anna@old.example>",
		    "Mon, 01 Jan 2018 10:00:00 +0000", "hi");
		deliver(f->st, NULL, m, NULL, 0);
		g_free(m);
	}
	m = msg_text("andrew@x", NULL, "new", "Andrew New <andrew@new.example>",
	    "Tue, 31 Dec 2024 10:00:00 +0000", "hi");
	deliver(f->st, NULL, m, NULL, 0);
	g_free(m);
	/* We wrote to Ann Sent and to Zed (in Cc), last week. */
	deliver(f->st, STORE_SENT, "From: Me <me@example.org>\n"
	    "To: \"Sent, Ann\" <ann@sent.example>\nCc: zed@z.example\n"
	    "Subject: out\nDate: Tue, 24 Dec 2024 10:00:00 +0000\n\nx\n",
	    NULL, STORE_FLAG_SEEN);
	/* A draft's recipient was never written to. */
	deliver(f->st, STORE_DRAFTS, "From: Me <me@example.org>\n"
	    "To: anon@draft.example\nSubject: d\n\nx\n", NULL, 0);

	assert_int_equal(store_addr_complete(f->st, "an", now, 10, &out),
	    STORE_OK);
	assert_int_equal(out->len, 3);
	/* Recent and sent first, then recent, then old but often. */
	a = g_ptr_array_index(out, 0);
	assert_string_equal(a->addr, "ann@sent.example");
	assert_string_equal(a->name, "Sent, Ann");
	assert_int_equal(a->count, 1);
	a = g_ptr_array_index(out, 1);
	assert_string_equal(a->addr, "andrew@new.example");
	a = g_ptr_array_index(out, 2);
	assert_string_equal(a->addr, "anna@old.example");
	assert_int_equal(a->count, 3);
	assert_string_equal(a->name, "Anna Old");
	g_ptr_array_unref(out);

	/* A word of the name; case does not matter; a limit. */
	assert_int_equal(store_addr_complete(f->st, "NEW", now, 10, &out),
	    STORE_OK);
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct store_addr *)out->pdata[0])->addr,
	    "andrew@new.example");
	g_ptr_array_unref(out);
	assert_int_equal(store_addr_complete(f->st, "zed", now, 10, &out),
	    STORE_OK);
	assert_int_equal(out->len, 1);
	g_ptr_array_unref(out);
	assert_int_equal(store_addr_complete(f->st, "", now, 2, &out),
	    STORE_OK);
	assert_int_equal(out->len, 2);
	g_ptr_array_unref(out);
	/* Not a substring in the middle; LIKE wildcards are literal. */
	assert_int_equal(store_addr_complete(f->st, "ndrew", now, 10, &out),
	    STORE_OK);
	assert_int_equal(out->len, 0);
	g_ptr_array_unref(out);
	assert_int_equal(store_addr_complete(f->st, "%", now, 10, &out),
	    STORE_OK);
	assert_int_equal(out->len, 0);
	g_ptr_array_unref(out);
	assert_int_equal(store_addr_complete(f->st, "anon", now, 10, &out),
	    STORE_OK);
	assert_int_equal(out->len, 0);
	g_ptr_array_unref(out);
}

/* TRUE when a plan reads every row of the messages table. */
static gboolean
plan_scans_table(const char *plan)
{
	g_auto(GStrv)	 lines = g_strsplit(plan, "\n", -1);
	char		**l;

	for (l = lines; *l != NULL; l++)
		if (strcmp(*l, "SCAN m") == 0 || strcmp(*l, "SCAN messages") == 0)
			return TRUE;
	return FALSE;
}

/*
 * No kind of search reads the whole messages table, for a page or a count:
 * text through the FTS index (negations and OR inside one MATCH), flags
 * and dates through their indexes; a page walks the date index only as
 * far as LIMIT takes it.
 */
static void
search_plans(struct store *st)
{
	static const char *const qs[] = {
		"banana", "from:alice", "to:carol", "subject:report",
		"\"ripe banana\"", "date:2024-01..2024-02", "is:unread",
		"has:attachment", "folder:INBOX", "NOT banana", "-banana",
		"banana OR report", "banana AND NOT ripe", "banana -ripe -split",
		"-banana -report", "bana*", "is:unread -banana",
		"banana AND NOT is:flagged", "is:encrypted", "is:signed",
	};
	struct store_query	*q = NULL;
	GError			*err = NULL;
	size_t			 i;
	int			 count;

	for (i = 0; i < G_N_ELEMENTS(qs); i++) {
		assert_int_equal(store_query_new(st, qs[i], NULL, &q, &err),
		    STORE_OK);
		for (count = 0; count < 2; count++) {
			g_autofree char *plan = NULL;

			assert_int_equal(store_query_plan(q, count,
			    STORE_SORT_DATE_DESC, 50, &plan), STORE_OK);
			if (plan_scans_table(plan))
				fail_msg("query '%s' (%s) reads every row:\n%s",
				    qs[i], count ? "count" : "page", plan);
		}
		store_query_free(q);
	}
}

/* One integer from sql. */
static int64_t
sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*stmt = NULL;
	int64_t		 n;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Messages of table (an FTS table) matching the FTS5 expression. */
static int64_t
fts_count(struct store *st, const char *table, const char *match)
{
	g_autofree char	*sql = g_strdup_printf("SELECT count(*) FROM %s"
			    " WHERE %s MATCH ?", table, table);
	sqlite3_stmt	*stmt = NULL;
	int64_t		 n;

	assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(stmt, 1, match, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* TRUE when the plan of q (a page, or the count) reads table. */
static gboolean
plan_reads(struct store *st, const char *q, gboolean cnt, const char *table)
{
	struct store_query	*qq = NULL;
	GError			*err = NULL;
	g_autofree char		*plan = NULL;

	assert_int_equal(store_query_new(st, q, NULL, &qq, &err), STORE_OK);
	assert_int_equal(store_query_plan(qq, cnt, STORE_SORT_DATE_DESC, 50,
	    &plan), STORE_OK);
	store_query_free(qq);
	return strstr(plan, table) != NULL;
}

/*
 * Searches without a phrase read msg_terms (words without positions);
 * phrases read msg_fts; terms of the headers alone (subject:, from:, to:,
 * phrases among them) read msg_head. msg_terms and msg_head keep no copy
 * of the text: a message deleted or replaced (the full body of a partial
 * fetch) must leave no entry of its old words behind.
 */
static void
test_search_terms(void **state)
{
	static const struct {
		const char	*q;
		const char	*table;
	} plans[] = {
		{ "apple", "msg_terms" },
		{ "subject:apple", "msg_head" },
		{ "subject:\"apple crate\"", "msg_head" },
		{ "subject:crate -subject:pear", "msg_head" },
		{ "to:ann OR from:ann", "msg_head" },
		{ "subject:apple ripe", "msg_terms" },
		{ "from:ann@example.org ripe", "msg_fts" },
		{ "apple AND NOT pear", "msg_terms" },
		{ "NOT apple", "msg_terms" },
		{ "apple OR pear", "msg_terms" },
		{ "app*", "msg_terms" },
		{ "\"ripe apple\"", "msg_fts" },
		{ "\"ripe apple\" -pear", "msg_fts" },
		{ "from:ann@example.org", "msg_head" },
	};
	struct fixture		*f = *state;
	struct store_delivery	*d = NULL;
	g_autofree char		*a = NULL, *p = NULL, *q = NULL, *o = NULL;
	int64_t			 ida, idp, idq = 0;
	size_t			 i;
	int			 cnt;

	a = msg_text("a@x", NULL, "apple crate", "Ann <ann@example.org>",
	    "Mon, 15 Jan 2024 10:00:00 +0000", "a ripe apple");
	p = msg_text("p@x", NULL, "pear crate", "Ann <ann@example.org>",
	    "Tue, 16 Jan 2024 10:00:00 +0000", "a ripe pear");
	q = msg_text("p@x", NULL, "quince crate", "Ann <ann@example.org>",
	    "Tue, 16 Jan 2024 10:00:00 +0000", "a ripe quince");
	ida = deliver(f->st, NULL, a, NULL, 0);
	idp = deliver(f->st, NULL, p, NULL, STORE_FLAG_PARTIAL);
	o = msg_text("o@x", NULL, "other", "Bo <bo@x.org>",
	    "Wed, 17 Jan 2024 10:00:00 +0000", "nothing ripe");
	deliver(f->st, NULL, o, NULL, 0);
	assert_int_equal(count(f->st, "ripe AND NOT pear"), 2);
	assert_int_equal(count(f->st, "subject:crate -subject:pear"), 1);
	assert_int_equal(count(f->st, "\"ripe pear\" OR apple"), 2);
	assert_int_equal(count(f->st, "subject:\"pear crate\""), 1);
	assert_int_equal(count(f->st, "subject:\"crate pear\""), 0);
	assert_int_equal(count(f->st, "subject:ripe"), 0);
	assert_int_equal(count(f->st, "from:ann@example.org ripe"), 2);
	assert_int_equal(count(f->st, "from:ann@example.org -subject:apple"),
	    1);
	for (i = 0; i < G_N_ELEMENTS(plans); i++)
		for (cnt = 0; cnt < 2; cnt++)
			if (!plan_reads(f->st, plans[i].q, cnt,
			    plans[i].table))
				fail_msg("query '%s' (%s) does not read %s",
				    plans[i].q, cnt ? "count" : "page",
				    plans[i].table);
	/* The pear message's full body replaces it: now a quince. */
	assert_int_equal(store_delivery_begin(f->st, NULL, &d), STORE_OK);
	assert_int_equal(store_delivery_write(d, q, strlen(q)), STORE_OK);
	assert_int_equal(store_delivery_commit_replace(d, idp, &idq),
	    STORE_OK);
	assert_int_equal(count(f->st, "pear"), 0);
	assert_int_equal(count(f->st, "quince"), 1);
	assert_int_equal(fts_count(f->st, "msg_terms", "pear"), 0);
	assert_int_equal(fts_count(f->st, "msg_head", "pear"), 0);
	assert_int_equal(fts_count(f->st, "msg_head", "quince"), 1);
	/* The replaced row stays one message of its folder. */
	assert_int_equal(count(f->st, "folder:INBOX"), sql_int(f->st->db,
	    "SELECT count(*) FROM messages WHERE folder_id = (SELECT id"
	    " FROM folders WHERE name = 'INBOX')"));
	assert_int_equal(store_msg_delete(f->st, ida), STORE_OK);
	assert_int_equal(count(f->st, ""), sql_int(f->st->db,
	    "SELECT count(*) FROM messages"));
	assert_int_equal(count(f->st, "apple"), 0);
	assert_int_equal(count(f->st, "NOT apple"), 2);
	assert_int_equal(fts_count(f->st, "msg_terms", "ripe"), 2);
	assert_int_equal(fts_count(f->st, "msg_fts", "ripe"), 2);
	assert_int_equal(fts_count(f->st, "msg_head", "apple"), 0);
	assert_int_equal(fts_count(f->st, "msg_head", "ann"), 1);
	assert_int_equal(sqlite3_exec(f->st->db, "INSERT INTO msg_terms("
	    "msg_terms) VALUES('integrity-check')", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->st->db, "INSERT INTO msg_head("
	    "msg_head) VALUES('integrity-check')", NULL, NULL, NULL),
	    SQLITE_OK);
	/* All three hold more in memory; everyday merges stay small. */
	assert_int_equal(sql_int(f->st->db, "SELECT count(*) FROM ("
	    "SELECT k, v FROM msg_fts_config UNION ALL "
	    "SELECT k, v FROM msg_terms_config UNION ALL "
	    "SELECT k, v FROM msg_head_config) WHERE (k = 'automerge' AND"
	    " v = 4) OR (k = 'hashsize' AND v = 4194304)"), 6);
}

/* Message i (0-based) of test_search_pages has the word of every k. */
static gboolean
pages_has(int i, int k)
{
	return i % k == 0;
}

/*
 * Pages of text searches, whichever way they are read: by probing along
 * the dates (a word in most messages), by sorting the matches, or by the
 * matches read once and put in the SQL in place of the text term (few
 * enough for the page wanted). Every page must be the matches newest
 * first, as counted.
 */
static void
test_search_pages(void **state)
{
	static const struct {
		const char	*q;
		int		 k;	/* matches: messages i with i % k == 0 */
		gboolean	 neg;	/* ... or i % k != 0 */
	} t[] = {
		{ "alpha", 1, FALSE }, { "beta", 3, FALSE },
		{ "subject:gamma", 5, FALSE }, { "\"delta epsilon\"", 7, FALSE },
		{ "from:sender11", 11, FALSE }, { "alpha AND NOT beta", 3, TRUE },
		{ "NOT beta", 3, TRUE }, { "beta OR zeta", 3, FALSE },
		{ "alpha -subject:gamma", 5, TRUE },
	};
	struct fixture		*f = *state;
	struct store_query	*q = NULL;
	GError			*err = NULL;
	GPtrArray		*page = NULL;
	int64_t			 ids[120];
	size_t			 i;
	int			 n = 120, m, want, off, j, got;

	for (m = 0; m < n; m++) {
		g_autofree char *date = g_strdup_printf("Mon, 1 Jan 2024 "
		    "%02d:%02d:00 +0000", m / 60, m % 60);
		g_autofree char *from = g_strdup_printf("<sender%d@x>",
		    m % 11 == 0 ? 11 : m % 11);
		g_autofree char *body = g_strdup_printf("alpha%s%s",
		    pages_has(m, 3) ? " beta" : "",
		    pages_has(m, 7) ? " delta epsilon" : " epsilon delta");
		g_autofree char *text = msg_text(NULL, NULL,
		    pages_has(m, 5) ? "gamma" : "other", from, date, body);

		ids[m] = deliver(f->st, NULL, text, NULL, 0);
	}
	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		int expect = 0;

		for (m = 0; m < n; m++)
			expect += pages_has(m, t[i].k) != t[i].neg;
		assert_int_equal(count(f->st, t[i].q), expect);
		assert_int_equal(store_query_new(f->st, t[i].q, NULL, &q,
		    &err), STORE_OK);
		for (want = 1; want <= 9; want += 4) {
			for (off = 0; off < expect; off += want) {
				assert_int_equal(store_query_page(q,
				    STORE_SORT_DATE_DESC, (guint64)off,
				    (guint)want, &page), STORE_OK);
				/* Newest first: the off-th match from the end. */
				got = 0;
				for (m = n - 1, j = 0; m >= 0 && got <
				    (int)page->len; m--) {
					if (pages_has(m, t[i].k) == t[i].neg)
						continue;
					if (j++ < off)
						continue;
					if (((struct store_msg *)page->pdata[
					    got])->id != ids[m])
						fail_msg("query '%s' offset %d"
						    " want %d: row %d is %"
						    G_GINT64_FORMAT ", not %"
						    G_GINT64_FORMAT, t[i].q,
						    off, want, got,
						    ((struct store_msg *)
						    page->pdata[got])->id,
						    ids[m]);
					got++;
				}
				assert_int_equal(page->len, MIN(want,
				    expect - off));
				g_ptr_array_unref(page);
			}
		}
		store_query_free(q);
	}
}

static void
test_uidl(void **state)
{
	struct fixture		*f = *state;
	struct store_origin	 o1 = { "acct one", "a,b:c/d%e" };
	struct store_origin	 o2 = { "acct one", "plain-2" };
	g_autofree char		*long_uidl = g_strnfill(70, '~');
	struct store_origin	 o3 = { "acct one", long_uidl };
	GHashTable		*h = NULL;
	struct store_uidl	*u;
	int64_t			 id1, id3;

	id1 = deliver(f->st, NULL, "Subject: one\n\nx\n", &o1, 0);
	deliver(f->st, NULL, "Subject: two\n\nx\n", &o2, 0);
	id3 = deliver(f->st, NULL, "Subject: three\n\nx\n", &o3, 0);
	assert_int_equal(store_uidl_known(f->st, "acct one", &h), STORE_OK);
	assert_int_equal(g_hash_table_size(h), 3);
	assert_non_null(g_hash_table_lookup(h, "a,b:c/d%e"));
	assert_non_null(g_hash_table_lookup(h, long_uidl));
	g_hash_table_destroy(h);
	assert_int_equal(store_uidl_known(f->st, "other", &h), STORE_OK);
	assert_int_equal(g_hash_table_size(h), 0);
	g_hash_table_destroy(h);
	/* Deleted locally: still known, as deleted. */
	assert_int_equal(store_msg_delete(f->st, id1), STORE_OK);
	assert_int_equal(store_uidl_known(f->st, "acct one", &h), STORE_OK);
	assert_int_equal(g_hash_table_size(h), 3);
	u = g_hash_table_lookup(h, "a,b:c/d%e");
	assert_non_null(u);
	assert_true(u->deleted_locally);
	g_hash_table_destroy(h);
	(void)id3;

	/* The index goes away: everything comes back from the Maildir. */
	{
		g_autofree char *idx = g_build_filename(f->dir, STORE_INDEX,
		    NULL);
		g_autofree char *wal = g_strconcat(idx, "-wal", NULL);
		g_autofree char *shm = g_strconcat(idx, "-shm", NULL);

		store_close(f->st);
		assert_int_equal(unlink(idx), 0);
		unlink(wal);
		unlink(shm);
		assert_int_equal(store_open(f->dir, STORE_OPEN_CREATE, &f->st),
		    STORE_OK);
	}
	assert_int_equal(store_uidl_known(f->st, "acct one", &h), STORE_OK);
	assert_int_equal(g_hash_table_size(h), 3);
	u = g_hash_table_lookup(h, "a,b:c/d%e");
	assert_non_null(u);
	assert_true(u->deleted_locally);
	u = g_hash_table_lookup(h, long_uidl);
	assert_non_null(u);
	assert_false(u->deleted_locally);
	g_hash_table_destroy(h);
	assert_int_equal(store_uidl_forget(f->st, "acct one", "a,b:c/d%e"),
	    STORE_OK);
	assert_int_equal(store_uidl_known(f->st, "acct one", &h), STORE_OK);
	assert_int_equal(g_hash_table_size(h), 2);
	g_hash_table_destroy(h);
}

static void
test_batch(void **state)
{
	struct fixture	*f = *state;
	int64_t		 id;
	int		 i;

	/* Rolled back: nothing stays, not even the files. */
	assert_int_equal(store_begin(f->st), STORE_OK);
	for (i = 0; i < 3; i++)
		deliver(f->st, NULL, "Subject: batch\n\nx\n", NULL, 0);
	store_rollback(f->st);
	assert_int_equal(count(f->st, "subject:batch"), 0);
	{
		g_autofree char *newd = g_build_filename(f->dir, "INBOX",
		    "new", NULL);
		GDir *d = g_dir_open(newd, 0, NULL);

		assert_non_null(d);
		assert_null(g_dir_read_name(d));
		g_dir_close(d);
	}
	assert_int_equal(store_begin(f->st), STORE_OK);
	for (i = 0; i < 3; i++)
		id = deliver(f->st, NULL, "Subject: batch\n\nx\n", NULL, 0);
	assert_int_equal(store_commit(f->st), STORE_OK);
	assert_true(id > 0);
	assert_int_equal(count(f->st, "subject:batch"), 3);
}

static guint
count_dir(const char *dir, const char *folder, const char *sub)
{
	g_autofree char	*path = g_build_filename(dir, folder, sub, NULL);
	GDir		*d = g_dir_open(path, 0, NULL);
	guint		 n = 0;

	assert_non_null(d);
	while (g_dir_read_name(d) != NULL)
		n++;
	g_dir_close(d);
	return n;
}

/* Streamed deliveries without id_out: parsed ahead, synced at commit. */
static void
deliver_streamed(struct store *st, int i, const char *account)
{
	struct store_delivery	*d = NULL;
	struct store_origin	 o;
	g_autofree char		*uidl = g_strdup_printf("u%d", i);
	g_autofree char		*text = g_strdup_printf(
	    "Subject: streamed %d\nMessage-ID: <s%d@x>\n%s"
	    "Date: Tue, 14 Nov 2023 22:%02d:%02d +0000\n\n"
	    "common words here%s\n", i, i, i > 0 ? "References: <s0@x>\n" :
	    "", i / 60 % 60, i % 60, i % 10 == 0 ? " tenth" : "");

	o.account = account;
	o.uidl = uidl;
	assert_int_equal(store_delivery_begin(st, NULL, &d), STORE_OK);
	assert_int_equal(store_delivery_write(d, text, strlen(text)),
	    STORE_OK);
	assert_int_equal(store_delivery_commit(d, &o, 0, NULL), STORE_OK);
}

static void
test_batch_deferred(void **state)
{
	struct fixture		*f = *state;
	struct store_query	*q = NULL;
	GPtrArray		*page = NULL;
	GHashTable		*known = NULL;
	int			 i;

	/* Rolled back: tmp/ and new/ end empty. */
	assert_int_equal(store_begin(f->st), STORE_OK);
	for (i = 0; i < 50; i++)
		deliver_streamed(f->st, i, "acct");
	assert_int_equal(count_dir(f->dir, "INBOX", "new"), 0);
	assert_int_equal(count_dir(f->dir, "INBOX", "tmp"), 50);
	store_rollback(f->st);
	assert_int_equal(count_dir(f->dir, "INBOX", "tmp"), 0);
	assert_int_equal(count_dir(f->dir, "INBOX", "new"), 0);
	assert_int_equal(count(f->st, "streamed"), 0);

	/* Committed: every file renamed, indexed once, in one thread. */
	assert_int_equal(store_begin(f->st), STORE_OK);
	for (i = 0; i < 600; i++)
		deliver_streamed(f->st, i, "acct");
	assert_int_equal(count_dir(f->dir, "INBOX", "new"), 0);
	assert_int_equal(store_commit(f->st), STORE_OK);
	assert_int_equal(count_dir(f->dir, "INBOX", "tmp"), 0);
	assert_int_equal(count_dir(f->dir, "INBOX", "new"), 600);
	assert_int_equal(count(f->st, "streamed"), 600);
	assert_int_equal(count(f->st, "tenth"), 60);
	assert_int_equal(count(f->st, "thread:1"), 600);
	assert_int_equal(store_uidl_known(f->st, "acct", &known), STORE_OK);
	assert_int_equal(g_hash_table_size(known), 600);
	g_hash_table_unref(known);

	/* A word in every message: the first page comes newest first. */
	assert_int_equal(store_query_new(f->st, "common", NULL, &q, NULL),
	    STORE_OK);
	assert_int_equal(store_query_page(q, STORE_SORT_DATE_DESC, 0, 5,
	    &page), STORE_OK);
	assert_int_equal(page->len, 5);
	for (i = 0; i < 5; i++) {
		struct store_msg *m = page->pdata[i];
		g_autofree char *want = g_strdup_printf("streamed %d",
		    599 - i);

		assert_string_equal(m->subject, want);
	}
	g_ptr_array_unref(page);
	store_query_free(q);
	/* A rarer one, sorted from its matches. */
	assert_int_equal(store_query_new(f->st, "tenth", NULL, &q, NULL),
	    STORE_OK);
	assert_int_equal(store_query_page(q, STORE_SORT_DATE_DESC, 0, 2,
	    &page), STORE_OK);
	assert_int_equal(page->len, 2);
	assert_string_equal(((struct store_msg *)page->pdata[0])->subject,
	    "streamed 590");
	assert_string_equal(((struct store_msg *)page->pdata[1])->subject,
	    "streamed 580");
	g_ptr_array_unref(page);
	assert_int_equal(store_query_page(q, STORE_SORT_DATE_DESC, 3, 1,
	    &page), STORE_OK);
	assert_int_equal(page->len, 1);
	assert_string_equal(((struct store_msg *)page->pdata[0])->subject,
	    "streamed 560");
	g_ptr_array_unref(page);
	store_query_free(q);
}

/*
 * A crash between the two steps of commit_replace leaves the partial file
 * next to the full one: reindex keeps the full one only.
 */
static void
test_reindex_partial_pair(void **state)
{
	struct fixture		*f = *state;
	struct store_progress	 pr;
	g_autofree char		*part = NULL, *full = NULL;
	struct store_msg	*m = NULL;

	part = g_build_filename(f->dir, "INBOX", "new",
	    "1700000000.M1P1.h,A=acct,U=u1,H", NULL);
	full = g_build_filename(f->dir, "INBOX", "new",
	    "1700000001.M2P1.h,A=acct,U=u1", NULL);
	assert_true(g_file_set_contents(part,
	    "Subject: pair\nMessage-ID: <pair@x>\n\n", -1, NULL));
	assert_true(g_file_set_contents(full,
	    "Subject: pair\nMessage-ID: <pair@x>\n\nthe whole body\n", -1,
	    NULL));
	assert_int_equal(store_reindex(f->st, TRUE, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(count(f->st, "subject:pair"), 1);
	assert_false(g_file_test(part, G_FILE_TEST_EXISTS));
	assert_true(g_file_test(full, G_FILE_TEST_EXISTS));
	assert_int_equal(store_msg_by_message_id(f->st, "pair@x", &m),
	    STORE_OK);
	assert_int_equal(m->flags & STORE_FLAG_PARTIAL, 0);
	store_msg_free(m);
}

static void
test_reindex_external(void **state)
{
	struct fixture		*f = *state;
	struct store_progress	 pr;
	g_autofree char		*path = NULL;
	int64_t			 id;
	struct store_msg	*m = NULL;

	id = deliver(f->st, NULL, "Subject: kept\n\nx\n", NULL, 0);
	/* Another program drops a file into cur/ with flags. */
	path = g_build_filename(f->dir, "INBOX", "cur",
	    "1700000000.M1P1.other:2,FS", NULL);
	assert_true(g_file_set_contents(path,
	    "Subject: dropped in\nMessage-ID: <drop@x>\n\nhello\n", -1, NULL));
	assert_int_equal(store_reindex(f->st, FALSE, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(pr.imported, 1);
	assert_int_equal(store_msg_by_message_id(f->st, "drop@x", &m),
	    STORE_OK);
	assert_int_equal(m->flags, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	assert_int_equal(m->date, 1700000000);
	store_msg_free(m);
	/* Nothing changed: nothing read. */
	assert_int_equal(store_reindex(f->st, FALSE, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(pr.total, 0);
	/* Full: everything read again, ids kept. */
	assert_int_equal(store_reindex(f->st, TRUE, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(pr.imported, 2);
	assert_int_equal(store_msg_get(f->st, id, &m), STORE_OK);
	store_msg_free(m);
	assert_int_equal(count(f->st, ""), 2);
	/* A file removed behind our back disappears from the index. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(store_reindex(f->st, FALSE, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(count(f->st, ""), 1);
	assert_int_equal(store_check(f->st), STORE_OK);
}

static void
test_import(void **state)
{
	struct fixture		*f = *state;
	struct store_progress	 pr;
	g_autofree char		*parent = g_path_get_dirname(f->dir);
	g_autofree char		*md = g_build_filename(parent, "src", NULL);
	g_autofree char		*mbox = g_build_filename(parent, "x.mbox",
	    NULL);
	int			 i;

	for (i = 0; i < 2; i++) {
		g_autofree char *d = g_build_filename(md, i ? "cur" : "new",
		    NULL);

		assert_int_equal(file_mkdir_p(d, 0700), 0);
	}
	for (i = 0; i < 10; i++) {
		g_autofree char *p = g_strdup_printf("%s/%s/%d.x%s", md,
		    i % 2 ? "cur" : "new", i, i % 2 ? ":2,S" : "");
		g_autofree char *t = g_strdup_printf("Subject: imp %d\n"
		    "Message-ID: <imp%d@x>\n\nbody %d\n", i, i, i);

		assert_true(g_file_set_contents(p, t, -1, NULL));
	}
	/* An exact copy and an empty file. */
	{
		g_autofree char *p = g_build_filename(md, "new", "dup", NULL);
		g_autofree char *e = g_build_filename(md, "new", "empty", NULL);

		assert_true(g_file_set_contents(p,
		    "Subject: imp 0\nMessage-ID: <imp0@x>\n\nbody 0\n", -1,
		    NULL));
		assert_true(g_file_set_contents(e, "", 0, NULL));
	}
	assert_int_equal(store_import(f->st, md, NULL, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(pr.imported, 10);
	assert_int_equal(pr.duplicates, 1);
	assert_int_equal(pr.unreadable, 0);
	assert_int_equal(pr.empty, 1);		/* not a message */
	assert_int_equal(count(f->st, "is:read"), 5);
	/* Again: nothing changed, nothing read. */
	assert_int_equal(store_import(f->st, md, NULL, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(pr.done, 0);
	/* Touched: read again, all duplicates. */
	{
		g_autofree char *p = g_build_filename(md, "new", "extra", NULL);

		assert_true(g_file_set_contents(p,
		    "Subject: extra\n\nnew one\n", -1, NULL));
	}
	assert_int_equal(store_import(f->st, md, "Archive", NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(pr.imported, 1);
	assert_int_equal(count(f->st, "folder:Archive"), 1);

	/* mbox, with a From_ line inside a body that is not a separator. */
	assert_true(g_file_set_contents(mbox,
	    "From a@x Mon Jan  1 00:00:00 2024\nSubject: mb1\n\nline\n"
	    "From here on it is body\n\n"
	    "From b@x Mon Jan  1 00:00:00 2024\nSubject: mb2\n\nline\n\n"
	    "From c@x Mon Jan  1 00:00:00 2024\nSubject: mb3\n\nend\n", -1,
	    NULL));
	assert_int_equal(store_import(f->st, mbox, NULL, NULL, NULL, &pr),
	    STORE_OK);
	assert_int_equal(pr.imported, 3);
	assert_int_equal(count(f->st, "subject:mb1 \"here on it is body\""),
	    1);
	assert_int_equal(store_import(f->st, "/nonexistent/x", NULL, NULL,
	    NULL, &pr), STORE_ERR_NOTFOUND);
	assert_int_equal(store_import(f->st, parent, NULL, NULL, NULL, &pr),
	    STORE_ERR_INVALID);
}

static void
test_dsn(void **state)
{
	struct fixture		*f = *state;
	sqlite3_stmt		*stmt;
	const char		*dsn =
	    "From: MAILER-DAEMON@x\nTo: me@x\nSubject: Undelivered\n"
	    "Message-ID: <bounce@x>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=B\n\n--B\nContent-Type: text/plain\n\nfailed\n--B\n"
	    "Content-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.org\n"
	    "Original-Envelope-Id: ENV123\n\n"
	    "Final-Recipient: rfc822; nobody@example.org\nAction: failed\n"
	    "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n"
	    "\n--B\nContent-Type: text/rfc822-headers\n\n"
	    "From: me@x\nMessage-ID: <orig@x>\nSubject: hi\n\n--B--\n";
	int64_t			 id;

	id = deliver(f->st, NULL, dsn, NULL, 0);
	stmt = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->st),
	    "SELECT dsn_original_message_id, dsn_envid, dsn_status,"
	    " dsn_diagnostic, dsn_recipient, dsn_action FROM messages"
	    " WHERE id = ?", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_int64(stmt, 1, id);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(stmt, 0), "orig@x");
	assert_string_equal(sqlite3_column_text(stmt, 1), "ENV123");
	assert_string_equal(sqlite3_column_text(stmt, 2), "5.1.1");
	assert_string_equal(sqlite3_column_text(stmt, 3),
	    "550 5.1.1 no such user");
	assert_string_equal(sqlite3_column_text(stmt, 4),
	    "nobody@example.org");
	assert_string_equal(sqlite3_column_text(stmt, 5), "failed");
	sqlite3_finalize(stmt);
	assert_int_equal(store_msg_set_bounce(f->st, id, "550 no such user"),
	    STORE_OK);
	assert_int_equal(count(f->st, "is:bounced"), 1);
	assert_int_equal(store_msg_set_bounce(f->st, 4242, "x"),
	    STORE_ERR_NOTFOUND);

	/* The index goes away: the flag and the reason come back. */
	{
		g_autofree char *idx = g_build_filename(f->dir, STORE_INDEX,
		    NULL);
		g_autofree char *wal = g_strconcat(idx, "-wal", NULL);
		g_autofree char *shm = g_strconcat(idx, "-shm", NULL);
		struct store_progress pr;

		store_close(f->st);
		assert_int_equal(unlink(idx), 0);
		unlink(wal);
		unlink(shm);
		assert_int_equal(store_open(f->dir, STORE_OPEN_CREATE, &f->st),
		    STORE_OK);
		assert_int_equal(store_reindex(f->st, FALSE, NULL, NULL, &pr),
		    STORE_OK);
		assert_int_equal(store_reindex(f->st, TRUE, NULL, NULL, &pr),
		    STORE_OK);
	}
	assert_int_equal(count(f->st, "is:bounced"), 1);
	stmt = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->st),
	    "SELECT bounce_reason, message_id FROM messages"
	    " WHERE flags & ? != 0", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_int(stmt, 1, STORE_FLAG_BOUNCED);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(stmt, 0), "550 no such user");
	assert_string_equal(sqlite3_column_text(stmt, 1), "bounce@x");
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
}

static void
test_lock(void **state)
{
	struct fixture	*f = *state;
	struct store	*other = NULL;

	assert_int_equal(store_lock(f->st, "fetch"), STORE_OK);
	assert_int_equal(store_lock(f->st, "fetch"), STORE_OK);
	assert_int_equal(store_open(f->dir, 0, &other), STORE_OK);
	assert_int_equal(store_lock(other, "fetch"), STORE_ERR_BUSY);
	store_unlock(f->st, "fetch");
	assert_int_equal(store_lock(other, "fetch"), STORE_OK);
	assert_int_equal(store_lock(other, "../x"), STORE_ERR_INVALID);
	store_close(other);
}

static void
test_names(void **state)
{
	static const struct {
		const char	*account;
		const char	*uidl;
	} t[] = {
		{ "work", "1" },
		{ "work", "AAA/BBB:CCC,DDD" },
		{ "ünï cødé", "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%"
		    "%%%%%%%%%%%%%%%%%%%%%%" },
		{ "a", "~!@#$^&*()_+{}|\"<>?`-=[];'.." },
	};
	size_t	 i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree char *base = store_name_build("123.M4P5Q6.host",
		    t[i].account, t[i].uidl, i == 1);
		g_autofree char *name = NULL;
		g_autofree char *b = NULL, *a = NULL, *u = NULL;
		unsigned flags;

		assert_non_null(base);
		name = store_name_with_flags(base, STORE_FLAG_SEEN |
		    STORE_FLAG_REPLIED);
		assert_null(strchr(base, '/'));
		assert_null(strchr(base, ':'));
		assert_true(strlen(name) < 255);
		store_name_parse(name, &b, &a, &u, &flags);
		assert_string_equal(b, base);
		assert_string_equal(a, t[i].account);
		assert_string_equal(u, t[i].uidl);
		assert_int_equal(flags, STORE_FLAG_SEEN | STORE_FLAG_REPLIED |
		    (i == 1 ? STORE_FLAG_PARTIAL : 0));
	}
	/* Dovecot-style fields and keywords survive a flag change. */
	{
		g_autofree char *n = store_name_with_flags(
		    "1.M2.host,S=123:2,Sab", STORE_FLAG_FLAGGED);

		assert_string_equal(n, "1.M2.host,S=123:2,Fab");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_degenerate),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test_setup_teardown(test_deliver_and_get, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_deep_chain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_threads_sorted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search_terms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_uidl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_deferred, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reindex_partial_pair,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reindex_external, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_book, setup,
		    teardown),
	};
	int	 rc;

	mime_init();
	rc = cmocka_run_group_tests_name("store", tests, NULL, NULL);
	mime_shutdown();
	return rc;
}

/*
 * store-reader.c: a small pipeline for import and reindex. Worker threads
 * read and parse message files (GMime, no database) ahead of the caller,
 * which takes the results in order and does the database work. At most
 * STORE_READER_WINDOW results wait at any time.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "store/store-private.h"

#define STORE_READER_WINDOW	256
#define STORE_READER_MAX_THREADS 4

struct store_reader {
	GPtrArray			*jobs;
	struct store_reader_result	**results;
	GThread				*threads[STORE_READER_MAX_THREADS];
	guint				 nthreads;
	guint				 next_job;	/* next to hand to a worker */
	guint				 next_out;	/* next to return */
	gboolean			 stop;
	GMutex				 lock;
	GCond				 cond;
};

static gpointer	 store_reader_worker(gpointer);
static GBytes	*store_reader_unquote(const struct store_reader_job *);
static void	 store_reader_job_free(gpointer);

static void
store_reader_job_free(gpointer p)
{
	struct store_reader_job *j = p;

	g_free(j->path);
	g_free(j);
}

/*
 * Read an mboxrd message and take one '>' off every line that is ">From "
 * after any number of '>'. NULL with errno set if it cannot be read.
 */
static GBytes *
store_reader_unquote(const struct store_reader_job *j)
{
	GString		*out;
	char		*buf, *p, *end, *eol;
	int64_t		 done = 0;
	ssize_t		 n;
	int		 fd, e;

	if ((fd = open(j->path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	buf = g_malloc((gsize)j->len + 1);
	while (done < j->len) {
		n = pread(fd, buf + done, (size_t)(j->len - done),
		    (off_t)(j->offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n == 0 ? EIO : errno;
			g_free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		done += n;
	}
	close(fd);
	out = g_string_sized_new((gsize)j->len);
	for (p = buf, end = buf + j->len; p < end; p = eol) {
		char *q = p;

		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL &&
		    (eol = memchr(p, '\r', (size_t)(end - p))) == NULL)
			eol = end;
		else
			eol++;
		while (q < eol && *q == '>')
			q++;
		if (q > p && eol - q >= 5 && memcmp(q, "From ", 5) == 0)
			p++;
		g_string_append_len(out, p, eol - p);
	}
	g_free(buf);
	return g_string_free_to_bytes(out);
}

static gpointer
store_reader_worker(gpointer p)
{
	struct store_reader		*r = p;
	struct store_reader_result	*res;
	struct store_reader_job		*j;
	guint				 i;

	for (;;) {
		g_mutex_lock(&r->lock);
		while (!r->stop && r->next_job < r->jobs->len &&
		    r->next_job >= r->next_out + STORE_READER_WINDOW)
			g_cond_wait(&r->cond, &r->lock);
		if (r->stop || r->next_job >= r->jobs->len) {
			g_mutex_unlock(&r->lock);
			return NULL;
		}
		i = r->next_job++;
		g_mutex_unlock(&r->lock);

		j = r->jobs->pdata[i];
		res = g_new0(struct store_reader_result, 1);
		res->job = j;
		errno = 0;
		if (j->unquote && j->len >= 0) {
			if ((res->data = store_reader_unquote(j)) != NULL)
				res->item = store_item_read_mem(res->data);
		} else
			res->item = store_item_read(j->path, j->offset, j->len);
		if (res->item == NULL)
			res->errnum = errno != 0 ? errno : EIO;
		else if (res->item->size == 0 || res->item->blank) {
			g_clear_pointer(&res->item, store_item_free);
			res->errnum = ENODATA;
		}
		g_mutex_lock(&r->lock);
		r->results[i] = res;
		g_cond_broadcast(&r->cond);
		g_mutex_unlock(&r->lock);
	}
}

struct store_reader *
store_reader_new(GPtrArray *jobs)
{
	struct store_reader	*r = g_new0(struct store_reader, 1);
	guint			 i, n;

	g_ptr_array_set_free_func(jobs, store_reader_job_free);
	r->jobs = jobs;
	r->results = g_new0(struct store_reader_result *, jobs->len + 1);
	g_mutex_init(&r->lock);
	g_cond_init(&r->cond);
	n = g_get_num_processors();
	n = CLAMP(n, 1, STORE_READER_MAX_THREADS);
	if (jobs->len < 64)
		n = 1;
	for (i = 0; i < n; i++)
		r->threads[r->nthreads++] = g_thread_new("store-reader",
		    store_reader_worker, r);
	return r;
}

struct store_reader_result *
store_reader_next(struct store_reader *r)
{
	struct store_reader_result	*res;

	g_mutex_lock(&r->lock);
	if (r->next_out >= r->jobs->len) {
		g_mutex_unlock(&r->lock);
		return NULL;
	}
	while (r->results[r->next_out] == NULL)
		g_cond_wait(&r->cond, &r->lock);
	res = r->results[r->next_out];
	r->results[r->next_out] = NULL;
	r->next_out++;
	g_cond_broadcast(&r->cond);
	g_mutex_unlock(&r->lock);
	return res;
}

void
store_reader_result_free(struct store_reader_result *res)
{
	if (res == NULL)
		return;
	store_item_free(res->item);
	if (res->data != NULL)
		g_bytes_unref(res->data);
	g_free(res);
}

void
store_reader_free(struct store_reader *r)
{
	guint	 i;

	if (r == NULL)
		return;
	g_mutex_lock(&r->lock);
	r->stop = TRUE;
	g_cond_broadcast(&r->cond);
	g_mutex_unlock(&r->lock);
	for (i = 0; i < r->nthreads; i++)
		g_thread_join(r->threads[i]);
	for (i = 0; i < r->jobs->len; i++)
		store_reader_result_free(r->results[i]);
	g_free(r->results);
	g_ptr_array_unref(r->jobs);
	g_mutex_clear(&r->lock);
	g_cond_clear(&r->cond);
	g_free(r);
}

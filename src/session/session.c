/*
 * session.c: a running satchel's config and store, loaded and opened once
 * for whichever front end asks first. The session layer sits between
 * pop3/smtp and the front ends (session.h).
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "config/config.h"
#include "mime/mime.h"
#include "store/store.h"
#include "session/session.h"

G_DEFINE_QUARK(satchel-session-error-quark, session_error)

static int	session_store_exit(enum store_status);

struct config *
session_config(struct session *s, GError **err)
{
	if (s->config != NULL)
		return s->config;
	if (s->ca_file != NULL && s->pop3_oneoff == NULL) {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_CONFIG, "%s",
		    _("satchel: --ca-file goes with --pop3 (in a config file, "
		    "use ca_file)\n"));
		return NULL;
	}
	if (s->pop3_oneoff != NULL) {
		if (!s->borrowed) {
			g_set_error(err, SESSION_ERROR, SESSION_ERROR_CONFIG,
			    "%s", _("satchel: --pop3 goes with --borrowed\n"));
			return NULL;
		}
		if ((s->config = session_borrowed_oneoff(s, err)) == NULL)
			return NULL;
	} else if (config_load(s->config_path, &s->config, err) !=
	    CONFIG_OK) {
		/* The config's own message: a line like ours. */
		if (err != NULL && *err != NULL) {
			char *line = g_strdup_printf("satchel: %s\n",
			    (*err)->message);

			g_free((*err)->message);
			(*err)->message = line;
		}
		return NULL;
	}
	/* Before any gpg runs: the keyring and whether to index plain text. */
	if (s->config->gnupghome != NULL)
		g_setenv("GNUPGHOME", s->config->gnupghome, TRUE);
	mime_set_summary_flags(s->config->index_decrypted ?
	    MIME_SUMMARY_DECRYPT : 0);
	if (s->borrowed || s->config->borrowed) {
		if (!session_borrowed_begin(s, s->config, err)) {
			config_free(s->config);
			s->config = NULL;
			return NULL;
		}
	}
	return s->config;
}

struct store *
session_store(struct session *s, unsigned flags, enum store_status *status,
    GError **err)
{
	struct config		*c;
	enum store_status	 st;

	if (status != NULL)
		*status = STORE_OK;
	if (s->store != NULL)
		return s->store;
	if ((c = session_config(s, err)) == NULL)
		return NULL;
	st = store_open(c->store, flags, &s->store);
	if (st != STORE_OK) {
		g_set_error(err, SESSION_ERROR, SESSION_ERROR_STORE,
		    _("satchel: cannot open the store %s: %s\n"), c->store,
		    s->store != NULL ? store_errmsg(s->store) :
		    store_strerror(st));
		store_close(s->store);
		s->store = NULL;
		if (status != NULL)
			*status = st;
		return NULL;
	}
	return s->store;
}

static int
session_store_exit(enum store_status st)
{
	switch (st) {
	case STORE_OK:
		return SESSION_EXIT_OK;
	case STORE_ERR_PERM:
		return SESSION_EXIT_NOPERM;
	case STORE_ERR_BUSY:
		return SESSION_EXIT_TEMPFAIL;
	case STORE_ERR_NOSPC:
	case STORE_ERR_IO:
		return SESSION_EXIT_IOERR;
	case STORE_ERR_CORRUPT:
		return SESSION_EXIT_DATAERR;
	default:
		return SESSION_EXIT_CANTCREAT;
	}
}

int
session_open(struct session *s, unsigned flags, GError **err)
{
	enum store_status	st = STORE_OK;
	GError			*e = NULL;

	if (session_store(s, flags, &st, &e) != NULL)
		return SESSION_EXIT_OK;
	st = g_error_matches(e, SESSION_ERROR, SESSION_ERROR_STORE) ? st :
	    STORE_OK;
	g_propagate_error(err, e);
	return st != STORE_OK ? session_store_exit(st) : SESSION_EXIT_CONFIG;
}

void
session_close_store(struct session *s)
{
	store_close(s->store);
	s->store = NULL;
}

void
session_release(struct session *s)
{
	session_close_store(s);
	config_free(s->config);
	s->config = NULL;
	session_borrowed_end(s);
}

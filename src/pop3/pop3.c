/*
 * pop3.c: what the POP3 module shares: status names, the error domain,
 * cancelling and which secret an account needs.
 */
#include "satchel-config.h"

#include <libetpan/libetpan.h>

#include "util/util.h"
#include "config/config.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "pop3/pop3-session.h"

struct pop3_cancel {
	GMutex		 lock;
	gint		 set;
	mailstream	*stream;
};

G_DEFINE_QUARK(satchel-pop3-error-quark, pop3_error)

const char *
pop3_strerror(enum pop3_status status)
{
	switch (status) {
	case POP3_OK:
		return _("success");
	case POP3_DEFERRED:
		return _("the server asks to wait before the next login");
	case POP3_ERR_NETWORK:
		return _("network error");
	case POP3_ERR_TIMEOUT:
		return _("the server did not answer in time");
	case POP3_ERR_PROTOCOL:
		return _("the server sent an invalid reply");
	case POP3_ERR_SERVER:
		return _("the server reported an error");
	case POP3_ERR_IN_USE:
		return _("the mailbox is in use by another session");
	case POP3_ERR_LOGIN_DELAY:
		return _("logged in too soon after the last login");
	case POP3_ERR_SYS_TEMP:
		return _("temporary server problem");
	case POP3_ERR_LOCKED:
		return _("another fetch is running on this store");
	case POP3_ERR_CANCELLED:
		return _("cancelled");
	case POP3_ERR_STORE:
		return _("could not write to the mail store");
	case POP3_ERR_AUTH:
		return _("authentication failed");
	case POP3_ERR_SYS_PERM:
		return _("permanent server problem");
	case POP3_ERR_CERT:
		return _("the server certificate is not trusted");
	case POP3_ERR_TLS:
		return _("TLS handshake failed");
	case POP3_ERR_NO_STLS:
		return _("the server does not offer STLS");
	case POP3_ERR_PLAINTEXT:
		return _("refusing to send a password over an unencrypted connection");
	case POP3_ERR_NO_MECH:
		return _("the authentication method is not available");
	case POP3_ERR_NO_UIDL:
		return _("the server does not support UIDL");
	case POP3_ERR_NO_SECRET:
		return _("no password or token given");
	case POP3_ERR_CONFIG:
		return _("account configuration error");
	case POP3_ERR_NOTFOUND:
		return _("the message is no longer on the server");
	}
	return _("unknown error");
}

gboolean
pop3_status_is_temporary(enum pop3_status status)
{
	switch (status) {
	case POP3_DEFERRED:
	case POP3_ERR_NETWORK:
	case POP3_ERR_TIMEOUT:
	case POP3_ERR_PROTOCOL:
	case POP3_ERR_SERVER:
	case POP3_ERR_IN_USE:
	case POP3_ERR_LOGIN_DELAY:
	case POP3_ERR_SYS_TEMP:
	case POP3_ERR_LOCKED:
	case POP3_ERR_CANCELLED:
	case POP3_ERR_STORE:
		return TRUE;
	default:
		return FALSE;
	}
}

enum pop3_secret
pop3_account_secret(const struct account *acct)
{
	const char *m = acct != NULL ? acct->pop3_auth : NULL;

	if (net_sasl_mech_is_oauth(net_sasl_mech_from_name(m)))
		return POP3_SECRET_OAUTH2;
	return POP3_SECRET_PASSWORD;
}

struct pop3_cancel *
pop3_cancel_new(void)
{
	struct pop3_cancel *c;

	c = g_new0(struct pop3_cancel, 1);
	g_mutex_init(&c->lock);
	return c;
}

void
pop3_cancel_trigger(struct pop3_cancel *c)
{
	if (c == NULL)
		return;
	g_atomic_int_set(&c->set, 1);
	g_mutex_lock(&c->lock);
	if (c->stream != NULL)
		mailstream_cancel(c->stream);
	g_mutex_unlock(&c->lock);
}

gboolean
pop3_cancel_is_set(struct pop3_cancel *c)
{
	return c != NULL && g_atomic_int_get(&c->set) != 0;
}

void
pop3_cancel_attach(struct pop3_cancel *c, void *stream)
{
	if (c == NULL)
		return;
	g_mutex_lock(&c->lock);
	c->stream = stream;
	g_mutex_unlock(&c->lock);
	if (stream != NULL && g_atomic_int_get(&c->set))
		pop3_cancel_trigger(c);
}

void
pop3_cancel_free(struct pop3_cancel *c)
{
	if (c == NULL)
		return;
	g_mutex_clear(&c->lock);
	g_free(c);
}

/*
 * smtp.c: status names, results and small helpers shared by the SMTP code.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "net/net.h"
#include "smtp/smtp.h"

G_DEFINE_QUARK(smtp-error-quark, smtp_error)

const char *
smtp_strerror(enum smtp_status st)
{
	switch (st) {
	case SMTP_OK:
		return _("success");
	case SMTP_ERR_RESOLVE:
		return _("unknown host");
	case SMTP_ERR_CONNECT:
		return _("cannot connect");
	case SMTP_ERR_TIMEOUT:
		return _("the server did not answer in time");
	case SMTP_ERR_NETWORK:
		return _("connection lost");
	case SMTP_ERR_TLS:
		return _("TLS handshake failed");
	case SMTP_ERR_NOSTARTTLS:
		return _("the server does not offer STARTTLS");
	case SMTP_ERR_CERT:
		return _("server certificate not trusted");
	case SMTP_ERR_PLAINTEXT:
		return _("refusing to send a password over an unencrypted "
		    "connection");
	case SMTP_ERR_NOAUTH:
		return _("the server offers no usable authentication");
	case SMTP_ERR_AUTH:
		return _("authentication failed");
	case SMTP_ERR_TEMP:
		return _("temporary failure");
	case SMTP_ERR_PERM:
		return _("permanent failure");
	case SMTP_ERR_PROTOCOL:
		return _("unexpected reply from the server");
	case SMTP_ERR_INVALID:
		return _("invalid address");
	}
	return _("unknown error");
}

gboolean
smtp_status_is_network(enum smtp_status st)
{
	switch (st) {
	case SMTP_ERR_RESOLVE:
	case SMTP_ERR_CONNECT:
	case SMTP_ERR_TIMEOUT:
	case SMTP_ERR_NETWORK:
	case SMTP_ERR_TLS:
		return TRUE;
	default:
		return FALSE;
	}
}

gboolean
smtp_status_is_temporary(enum smtp_status st)
{
	if (smtp_status_is_network(st))
		return TRUE;
	switch (st) {
	case SMTP_ERR_TEMP:
	/*
	 * A reply that is not SMTP (garbage, a code like 2500, a reply
	 * without end) says nothing about the message: retry with backoff
	 * rather than fail it for good.
	 */
	case SMTP_ERR_PROTOCOL:
		return TRUE;
	default:
		return FALSE;
	}
}

gboolean
smtp_mech_is_oauth2(const char *mech)
{
	return net_sasl_mech_is_oauth(net_sasl_mech_from_name(mech));
}

void
smtp_refusal_free(struct smtp_refusal *r)
{
	if (r == NULL)
		return;
	g_free(r->addr);
	g_free(r->text);
	g_free(r);
}

void
smtp_result_init(struct smtp_result *r)
{
	memset(r, 0, sizeof *r);
	r->refused = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)smtp_refusal_free);
}

void
smtp_result_clear(struct smtp_result *r)
{
	g_free(r->text);
	if (r->refused != NULL)
		g_ptr_array_unref(r->refused);
	memset(r, 0, sizeof *r);
}

char *
smtp_xtext(const char *s)
{
	GString			*out = g_string_new(NULL);
	const unsigned char	*p;

	for (p = (const unsigned char *)s; p != NULL && *p != '\0'; p++) {
		if (*p < 33 || *p > 126 || *p == '+' || *p == '=')
			g_string_append_printf(out, "+%02X", *p);
		else
			g_string_append_c(out, (char)*p);
	}
	return g_string_free(out, FALSE);
}

/*
 * net-sasl.c: the client side of the SASL mechanisms POP3 and SMTP share
 * (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER), encoded here with GLib
 * (base64, HMAC-MD5) so that a login never depends on an optional system
 * plugin. The protocol modules own the wire; this file only maps a
 * challenge to a response.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "net/net.h"

struct net_sasl {
	enum net_sasl_mech	 mech;
	char			*user;
	char			*secret;
	char			*host;
	unsigned		 port;
	char			*ir;		/* initial response, plain */
	gsize			 ir_len;
	gboolean		 ir_pending;	/* not sent with the command */
	gboolean		 started;
	guint			 step;		/* challenges answered */
};

static const struct {
	enum net_sasl_mech	 mech;
	const char		*name;
} net_sasl_names[] = {
	{ NET_SASL_PLAIN, "PLAIN" },
	{ NET_SASL_LOGIN, "LOGIN" },
	{ NET_SASL_CRAM_MD5, "CRAM-MD5" },
	{ NET_SASL_XOAUTH2, "XOAUTH2" },
	{ NET_SASL_OAUTHBEARER, "OAUTHBEARER" },
};

static char	*net_sasl_encode(const void *, gsize);

enum net_sasl_mech
net_sasl_mech_from_name(const char *name)
{
	gsize i;

	if (name == NULL)
		return NET_SASL_NONE;
	for (i = 0; i < G_N_ELEMENTS(net_sasl_names); i++)
		if (g_ascii_strcasecmp(name, net_sasl_names[i].name) == 0)
			return net_sasl_names[i].mech;
	return NET_SASL_NONE;
}

const char *
net_sasl_mech_name(enum net_sasl_mech mech)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(net_sasl_names); i++)
		if (net_sasl_names[i].mech == mech)
			return net_sasl_names[i].name;
	return "";
}

gboolean
net_sasl_mech_is_oauth(enum net_sasl_mech mech)
{
	return mech == NET_SASL_XOAUTH2 || mech == NET_SASL_OAUTHBEARER;
}

gboolean
net_sasl_mech_sends_secret(enum net_sasl_mech mech)
{
	return mech != NET_SASL_CRAM_MD5;
}

void
net_sasl_wipe(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
}

static char *
net_sasl_encode(const void *data, gsize len)
{
	return g_base64_encode(data, len);
}

struct net_sasl *
net_sasl_new(enum net_sasl_mech mech, const char *user, const char *secret,
    const char *host, unsigned port)
{
	struct net_sasl	*sa;
	GString		*raw;

	sa = g_new0(struct net_sasl, 1);
	sa->mech = mech;
	sa->user = g_strdup(user != NULL ? user : "");
	sa->secret = g_strdup(secret != NULL ? secret : "");
	sa->host = g_strdup(host != NULL ? host : "");
	sa->port = port;
	raw = g_string_new(NULL);
	switch (mech) {
	case NET_SASL_PLAIN:
		/* authzid (empty) NUL authcid NUL password */
		g_string_append_c(raw, '\0');
		g_string_append(raw, sa->user);
		g_string_append_c(raw, '\0');
		g_string_append(raw, sa->secret);
		break;
	case NET_SASL_XOAUTH2:
		g_string_append_printf(raw, "user=%s\001auth=Bearer %s\001\001",
		    sa->user, sa->secret);
		break;
	case NET_SASL_OAUTHBEARER:
		/* RFC 7628 3.1: GS2 header, then key=value pairs. */
		g_string_append_printf(raw, "n,a=%s,\001host=%s\001port=%u\001"
		    "auth=Bearer %s\001\001", sa->user, sa->host, sa->port,
		    sa->secret);
		break;
	default:
		break;
	}
	if (raw->len > 0) {
		sa->ir_len = raw->len;
		sa->ir = g_memdup2(raw->str, raw->len);
		sa->ir_pending = TRUE;
	}
	explicit_bzero(raw->str, raw->len);
	g_string_free(raw, TRUE);
	return sa;
}

void
net_sasl_free(struct net_sasl *sa)
{
	if (sa == NULL)
		return;
	if (sa->ir != NULL)
		explicit_bzero(sa->ir, sa->ir_len);
	g_free(sa->ir);
	net_sasl_wipe(sa->secret);
	g_free(sa->secret);
	g_free(sa->user);
	g_free(sa->host);
	g_free(sa);
}

char *
net_sasl_initial(struct net_sasl *sa, gsize max)
{
	char *b64;

	if (sa->started || !sa->ir_pending)
		return NULL;
	sa->started = TRUE;
	/* The base64 form is 4 octets per 3, rounded up. */
	if ((sa->ir_len + 2) / 3 * 4 > max)
		return NULL;
	b64 = net_sasl_encode(sa->ir, sa->ir_len);
	sa->ir_pending = FALSE;
	return b64;
}

char *
net_sasl_step(struct net_sasl *sa, const char *challenge)
{
	guint step = sa->step++;

	sa->started = TRUE;
	if (sa->ir_pending) {
		/* The server asked for the response we did not send inline. */
		sa->ir_pending = FALSE;
		return net_sasl_encode(sa->ir, sa->ir_len);
	}
	switch (sa->mech) {
	case NET_SASL_XOAUTH2:
		/* The challenge is a JSON error; an empty line ends it. */
		return g_strdup("");
	case NET_SASL_OAUTHBEARER:
		/* RFC 7628 3.2.3: a single ^A. */
		return net_sasl_encode("\001", 1);
	case NET_SASL_LOGIN:
		if (step == 0)
			return net_sasl_encode(sa->user, strlen(sa->user));
		if (step == 1)
			return net_sasl_encode(sa->secret, strlen(sa->secret));
		break;
	case NET_SASL_CRAM_MD5:
		if (step == 0 && challenge != NULL) {
			g_autofree guchar	*chal = NULL;
			g_autofree char		*hex = NULL;
			char			*plain, *b64;
			gsize			 clen = 0;

			chal = g_base64_decode(challenge, &clen);
			if (clen == 0)
				break;
			/* RFC 2195: user SP hex(HMAC-MD5(password, chal)) */
			hex = g_compute_hmac_for_data(G_CHECKSUM_MD5,
			    (const guchar *)sa->secret, strlen(sa->secret),
			    chal, clen);
			plain = g_strdup_printf("%s %s", sa->user, hex);
			b64 = net_sasl_encode(plain, strlen(plain));
			net_sasl_wipe(plain);
			g_free(plain);
			return b64;
		}
		break;
	default:
		break;
	}
	return g_strdup("*");
}

/*
 * session-secret.c: the credentials API of the session layer (session.h):
 * a password or an OAuth token, from the account's command or else from
 * the front end's prompt, for POP3 and SMTP alike.
 */
#include "satchel-config.h"

#include "config/config.h"
#include "pop3/pop3.h"
#include "session/session.h"

enum session_secret_kind
session_pop3_secret_kind(const struct account *a)
{
	return pop3_account_secret(a) == POP3_SECRET_OAUTH2 ?
	    SESSION_SECRET_TOKEN : SESSION_SECRET_PASSWORD;
}

enum config_status
session_secret(const struct account *a, enum config_service service,
    enum session_secret_kind kind, session_ask_fn ask, void *data,
    char **secret, GError **err)
{
	enum config_status	cs;
	char			*s;

	*secret = NULL;
	if (kind == SESSION_SECRET_TOKEN)
		cs = config_oauth2_token(a, secret, err);
	else
		cs = config_password(a, service, secret, err);
	if (cs != CONFIG_ERR_NO_SECRET || ask == NULL)
		return cs;
	if ((s = ask(a, service, kind, data)) == NULL)
		return CONFIG_ERR_NO_SECRET;
	g_clear_error(err);
	*secret = s;
	return CONFIG_OK;
}

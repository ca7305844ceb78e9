/*
 * compose-resent.c: a message bounced (mutt's word; "redirected") to new
 * recipients, as RFC 5322 section 3.6.6 describes: the message as it is,
 * with a block of Resent-* fields added at the top. Nothing of the
 * original is re-encoded: its bytes follow the new fields unchanged.
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "mime/compose.h"

static void	 compose_resent_field(GString *, const char *, const char *,
		    const char *);

/* "Name: value" folded at the commas of value when it is long. */
static void
compose_resent_field(GString *out, const char *name, const char *value,
    const char *eol)
{
	g_auto(GStrv)	 parts = NULL;
	gsize		 col;
	guint		 i;

	g_string_append_printf(out, "%s: ", name);
	col = strlen(name) + 2;
	if (strlen(value) + col <= 78 || strstr(value, ", ") == NULL) {
		g_string_append_printf(out, "%s%s", value, eol);
		return;
	}
	parts = g_strsplit(value, ", ", -1);
	for (i = 0; parts[i] != NULL; i++) {
		gsize	w = strlen(parts[i]);

		if (i > 0) {
			g_string_append_c(out, ',');
			col++;
			if (col + 1 + w > 78) {
				g_string_append_printf(out, "%s ", eol);
				col = 1;
			} else {
				g_string_append_c(out, ' ');
				col++;
			}
		}
		g_string_append(out, parts[i]);
		col += w;
	}
	g_string_append(out, eol);
}

GBytes *
compose_resent(const struct compose_identity *id, const char *to,
    const void *data, gsize len, GPtrArray **rcpts_out, char **resent_id,
    GError **err)
{
	g_autoptr(InternetAddressList)	 list = NULL;
	g_autoptr(InternetAddressList)	 from = NULL;
	g_autoptr(GPtrArray)		 rcpts = NULL;
	g_autoptr(GDateTime)		 now = NULL;
	g_autofree char			*to_text = NULL, *from_text = NULL;
	g_autofree char			*date = NULL, *msgid = NULL;
	g_autofree char			*mid = NULL;
	const char			*p = data, *nl, *eol, *at;
	InternetAddressMailbox		*mb;
	GString				*out;
	guint				 i;

	if (id == NULL || !compose_addr_is_safe(id->addr)) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
		    _("the sender address \"%s\" is not usable"),
		    id != NULL && id->addr != NULL ? id->addr : "");
		return NULL;
	}
	list = to != NULL ? internet_address_list_parse(NULL, to) : NULL;
	if (list == NULL) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_NO_RECIPIENT,
		    "%s", _("no recipient to bounce the message to"));
		return NULL;
	}
	rcpts = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < (guint)internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list,
		    (int)i);
		const char *a;

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
			    "%s", _("a group cannot be bounced to: name its "
			    "addresses"));
			return NULL;
		}
		a = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (!compose_addr_is_safe(a)) {
			g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_ADDRESS,
			    _("bad recipient address \"%s\""), a != NULL ?
			    a : "");
			return NULL;
		}
		g_ptr_array_add(rcpts, g_strdup(a));
	}
	if (rcpts->len == 0) {
		g_set_error(err, COMPOSE_ERROR, COMPOSE_ERR_NO_RECIPIENT,
		    "%s", _("no recipient to bounce the message to"));
		return NULL;
	}
	/* An mbox "From " line is not part of the message. */
	if (len > 5 && strncmp(p, "From ", 5) == 0 &&
	    (nl = memchr(p, '\n', len)) != NULL) {
		len -= (gsize)(nl + 1 - p);
		p = nl + 1;
	}
	/* The new fields end their lines as the message does. */
	nl = memchr(p, '\n', len);
	eol = nl != NULL && nl > p && nl[-1] == '\r' ? "\r\n" : "\n";

	from = internet_address_list_new();
	mb = INTERNET_ADDRESS_MAILBOX(internet_address_mailbox_new(
	    id->name != NULL && *id->name != '\0' ? id->name : NULL, id->addr));
	internet_address_set_charset(INTERNET_ADDRESS(mb), "utf-8");
	internet_address_list_add(from, INTERNET_ADDRESS(mb));
	g_object_unref(mb);
	from_text = internet_address_list_to_string(from, NULL, TRUE);
	to_text = internet_address_list_to_string(list, NULL, TRUE);
	now = g_date_time_new_now_local();
	date = g_mime_utils_header_format_date(now);
	at = strrchr(id->addr, '@');
	mid = g_mime_utils_generate_message_id(at != NULL ? at + 1 :
	    "localhost");
	msgid = g_strdup_printf("<%s>", mid);

	out = g_string_sized_new(len + 512);
	compose_resent_field(out, "Resent-From", from_text, eol);
	compose_resent_field(out, "Resent-To", to_text, eol);
	compose_resent_field(out, "Resent-Date", date, eol);
	compose_resent_field(out, "Resent-Message-ID", msgid, eol);
	g_string_append_len(out, p, (gssize)len);
	if (rcpts_out != NULL)
		*rcpts_out = g_steal_pointer(&rcpts);
	if (resent_id != NULL)
		*resent_id = g_steal_pointer(&mid);
	return g_string_free_to_bytes(out);
}

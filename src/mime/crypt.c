/*
 * crypt.c: verifying and decrypting the protected parts of a message, and
 * signing/encrypting a message to send, through GMime's GpgME contexts
 * (gpg for OpenPGP, gpgsm for S/MIME).
 */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"
#include "mime/crypt.h"
#include "mime/compose.h"

#define CRYPT_MAX_DEPTH		32
#define CRYPT_MAX_PARTS		10000
#define CRYPT_MAX_INLINE	(8 * 1024 * 1024)
/* gpg runs per message: hostile mail with 10,000 signed parts costs 64. */
#define CRYPT_MAX_OPS		64

struct crypt_walk {
	struct crypt_state	*st;
	unsigned		 flags;
	unsigned		 visited;
	unsigned		 ops;		/* gpg/gpgsm runs so far */
	gboolean		 clear_seen;	/* content outside every region */
};

static void	 crypt_region_free(gpointer);
static gboolean	 crypt_may_run(struct crypt_walk *, struct crypt_region *);
static void	 crypt_sig_free(gpointer);
static void	 crypt_walk(struct crypt_walk *, GMimeObject *, char **,
		    gboolean, unsigned);
static struct crypt_region *crypt_region_new(struct crypt_walk *,
		    GMimeObject *, enum crypt_protocol);
static void	 crypt_add_sigs(struct crypt_region *, GMimeSignatureList *,
		    char **);
static void	 crypt_signed(struct crypt_walk *, GMimeMultipartSigned *,
		    char **, unsigned);
static void	 crypt_encrypted(struct crypt_walk *, GMimeMultipartEncrypted *,
		    char **, unsigned);
static void	 crypt_pkcs7(struct crypt_walk *, GMimeApplicationPkcs7Mime *,
		    char **, unsigned);
static void	 crypt_inline(struct crypt_walk *, GMimePart *, char **);
static char	**crypt_from_addresses(GMimeMessage *);
static char	*crypt_part_bytes(GMimePart *, size_t, size_t *);
static gboolean	 crypt_is_marker(GMimeObject *);
static unsigned	 crypt_kinds_walk(GMimeObject *, unsigned, unsigned *);
static gboolean	 crypt_key_usable(const char *, gboolean, gboolean);
static gssize	 crypt_find_line(const char *, size_t, size_t, const char *);
static gboolean	 crypt_blank(const char *, size_t);
static const char *crypt_sender(GMimeMessage *);
static void	 crypt_text_walk(const struct crypt_state *, GMimeObject *,
		    GString *, size_t, unsigned);

const char *
crypt_strerror(enum crypt_status status)
{
	switch (status) {
	case CRYPT_OK:
		return N_("success");
	case CRYPT_ERR_INVALID:
		return N_("invalid argument");
	case CRYPT_ERR_NO_KEY:
		return N_("no usable key");
	case CRYPT_ERR_ENGINE:
		return N_("the crypto engine failed");
	}
	return N_("unknown error");
}

static void
crypt_sig_free(gpointer p)
{
	struct crypt_sig	*sig = p;

	if (sig == NULL)
		return;
	g_free(sig->email);
	g_free(sig->name);
	g_free(sig->key_id);
	g_free(sig->fingerprint);
	g_free(sig);
}

static void
crypt_region_free(gpointer p)
{
	struct crypt_region	*r = p;

	if (r == NULL)
		return;
	/* content is ours unless it is the signed part of the message. */
	if (r->content != NULL && r->owns_content)
		g_object_unref(r->content);
	g_ptr_array_unref(r->sigs);
	g_free(r->error);
	g_free(r->before);
	g_free(r->after);
	g_free(r);
}

void
crypt_state_free(struct crypt_state *st)
{
	if (st == NULL)
		return;
	g_hash_table_destroy(st->regions);
	g_free(st);
}

const struct crypt_region *
crypt_state_lookup(const struct crypt_state *st, GMimeObject *obj)
{
	if (st == NULL || obj == NULL)
		return NULL;
	return g_hash_table_lookup(st->regions, obj);
}

/* Protocol parts that carry no content of their own. */
static gboolean
crypt_is_marker(GMimeObject *obj)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);

	if (ct == NULL)
		return FALSE;
	return g_mime_content_type_is_type(ct, "application",
	    "pgp-signature") || g_mime_content_type_is_type(ct,
	    "application", "pkcs7-signature") ||
	    g_mime_content_type_is_type(ct, "application",
	    "x-pkcs7-signature") || g_mime_content_type_is_type(ct,
	    "application", "pgp-encrypted");
}

static unsigned
crypt_kinds_walk(GMimeObject *obj, unsigned depth, unsigned *visited)
{
	GMimeMessage	*inner;
	unsigned	 kinds = 0;
	int		 i, n;

	if (obj == NULL || depth > CRYPT_MAX_DEPTH ||
	    ++*visited > CRYPT_MAX_PARTS)
		return 0;
	if (GMIME_IS_MULTIPART_SIGNED(obj))
		kinds |= CRYPT_SIGNED;
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj))
		return CRYPT_ENCRYPTED;
	if (GMIME_IS_APPLICATION_PKCS7_MIME(obj)) {
		return g_mime_application_pkcs7_mime_get_smime_type(
		    GMIME_APPLICATION_PKCS7_MIME(obj)) ==
		    GMIME_SECURE_MIME_TYPE_SIGNED_DATA ? CRYPT_SIGNED :
		    CRYPT_ENCRYPTED;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			kinds |= crypt_kinds_walk(g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1, visited);
		return kinds;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		return inner != NULL ? crypt_kinds_walk(
		    g_mime_message_get_mime_part(inner), depth + 1,
		    visited) : 0;
	}
	if (GMIME_IS_TEXT_PART(obj)) {
		switch (g_mime_part_get_openpgp_data(GMIME_PART(obj))) {
		case GMIME_OPENPGP_DATA_ENCRYPTED:
			return CRYPT_ENCRYPTED;
		case GMIME_OPENPGP_DATA_SIGNED:
			return CRYPT_SIGNED;
		default:
			break;
		}
	}
	return kinds;
}

unsigned
crypt_message_kinds(GMimeMessage *msg)
{
	unsigned	 visited = 0;

	if (msg == NULL)
		return 0;
	return crypt_kinds_walk(g_mime_message_get_mime_part(msg), 0,
	    &visited);
}

/* Lower-case addresses of From (NULL-terminated, g_strfreev). */
static char **
crypt_from_addresses(GMimeMessage *msg)
{
	InternetAddressList	*l;
	InternetAddress		*a;
	GPtrArray		*out = g_ptr_array_new();
	int			 i, n;

	l = msg != NULL ? g_mime_message_get_from(msg) : NULL;
	n = l != NULL ? internet_address_list_length(l) : 0;
	for (i = 0; i < n && i < 100; i++) {
		a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a) &&
		    internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a)) != NULL)
			g_ptr_array_add(out, g_ascii_strdown(
			    internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(a)), -1));
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static struct crypt_region *
crypt_region_new(struct crypt_walk *w, GMimeObject *obj,
    enum crypt_protocol protocol)
{
	struct crypt_region	*r = g_new0(struct crypt_region, 1);

	r->object = obj;
	r->protocol = protocol;
	r->sigs = g_ptr_array_new_with_free_func(crypt_sig_free);
	g_hash_table_insert(w->st->regions, obj, r);
	return r;
}

/* FALSE (and the region says why) once a message has had its share. */
static gboolean
crypt_may_run(struct crypt_walk *w, struct crypt_region *r)
{
	if (w->ops >= CRYPT_MAX_OPS) {
		g_free(r->error);
		r->error = g_strdup("too many signed or encrypted parts: "
		    "not checked");
		return FALSE;
	}
	w->ops++;
	return TRUE;
}

static void
crypt_add_sigs(struct crypt_region *r, GMimeSignatureList *list, char **from)
{
	GMimeSignature		*s;
	GMimeCertificate	*cert;
	GMimeSignatureStatus	 status;
	struct crypt_sig	*sig;
	const char		*email;
	int			 i, n;

	n = list != NULL ? g_mime_signature_list_length(list) : 0;
	if (n > 0)
		r->kinds |= CRYPT_SIGNED;
	for (i = 0; i < n && i < 100; i++) {
		s = g_mime_signature_list_get_signature(list, i);
		sig = g_new0(struct crypt_sig, 1);
		status = g_mime_signature_get_status(s);
		/*
		 * Offline, S/MIME cannot fetch revocation lists: their
		 * absence alone does not make a signature bad.
		 */
		status &= ~(GMIME_SIGNATURE_STATUS_CRL_MISSING |
		    GMIME_SIGNATURE_STATUS_CRL_TOO_OLD);
		if (status & GMIME_SIGNATURE_STATUS_RED)
			sig->status = CRYPT_SIG_BAD;
		else if (status & GMIME_SIGNATURE_STATUS_KEY_MISSING)
			sig->status = CRYPT_SIG_UNKNOWN_KEY;
		else if (status & GMIME_SIGNATURE_STATUS_KEY_REVOKED)
			sig->status = CRYPT_SIG_REVOKED;
		else if (status & (GMIME_SIGNATURE_STATUS_KEY_EXPIRED |
		    GMIME_SIGNATURE_STATUS_SIG_EXPIRED))
			sig->status = CRYPT_SIG_EXPIRED;
		else if (status & GMIME_SIGNATURE_STATUS_ERROR_MASK)
			sig->status = CRYPT_SIG_ERROR;
		else
			sig->status = CRYPT_SIG_GOOD;
		sig->certified = (status & (GMIME_SIGNATURE_STATUS_VALID |
		    GMIME_SIGNATURE_STATUS_GREEN)) != 0;
		sig->created = g_mime_signature_get_created64(s);
		if (sig->created < 0)
			sig->created = 0;
		cert = g_mime_signature_get_certificate(s);
		if (cert != NULL) {
			email = g_mime_certificate_get_email(cert);
			if (email != NULL && *email == '<') {
				sig->email = g_strndup(email + 1,
				    strcspn(email + 1, ">"));
			} else if (email != NULL)
				sig->email = g_strdup(email);
			if (g_mime_certificate_get_name(cert) != NULL)
				sig->name = g_strdup(
				    g_mime_certificate_get_name(cert));
			email = g_mime_certificate_get_key_id(cert);
			/* GpgME may give the fingerprint: the id is its tail. */
			if (email != NULL && strlen(email) > 16)
				email += strlen(email) - 16;
			if (email != NULL)
				sig->key_id = g_strdup(email);
			if (g_mime_certificate_get_fingerprint(cert) != NULL)
				sig->fingerprint = g_strdup(
				    g_mime_certificate_get_fingerprint(cert));
		}
		if (sig->email != NULL && from != NULL) {
			g_autofree char *low = g_ascii_strdown(sig->email, -1);

			sig->from_match = g_strv_contains(
			    (const char *const *)from, low);
		}
		g_ptr_array_add(r->sigs, sig);
	}
}

static void
crypt_signed(struct crypt_walk *w, GMimeMultipartSigned *mps, char **from,
    unsigned depth)
{
	struct crypt_region	*r;
	GMimeSignatureList	*list;
	GError			*error = NULL;

	r = crypt_region_new(w, GMIME_OBJECT(mps),
	    g_strcmp0(g_mime_object_get_content_type_parameter(
	    GMIME_OBJECT(mps), "protocol"), "application/pgp-signature") == 0 ?
	    CRYPT_PGP_MIME : CRYPT_SMIME);
	r->kinds = CRYPT_SIGNED;
	if (g_mime_multipart_get_count(GMIME_MULTIPART(mps)) > 0)
		r->content = g_mime_multipart_get_part(GMIME_MULTIPART(mps),
		    GMIME_MULTIPART_SIGNED_CONTENT);
	list = crypt_may_run(w, r) ? g_mime_multipart_signed_verify(mps,
	    GMIME_VERIFY_NONE, &error) : NULL;
	if (list == NULL && r->error == NULL) {
		r->error = g_strdup(error != NULL ? error->message :
		    "verification failed");
		g_clear_error(&error);
	} else {
		crypt_add_sigs(r, list, from);
		g_object_unref(list);
	}
	if (r->content != NULL)
		crypt_walk(w, r->content, from, TRUE, depth + 1);
}

static void
crypt_encrypted(struct crypt_walk *w, GMimeMultipartEncrypted *mpe,
    char **from, unsigned depth)
{
	struct crypt_region	*r;
	GMimeDecryptResult	*result = NULL;
	GMimeObject		*clear;
	GError			*error = NULL;

	r = crypt_region_new(w, GMIME_OBJECT(mpe), CRYPT_PGP_MIME);
	r->kinds = CRYPT_ENCRYPTED;
	if (!(w->flags & CRYPT_DECRYPT) || !crypt_may_run(w, r))
		return;
	clear = g_mime_multipart_encrypted_decrypt(mpe, GMIME_DECRYPT_NONE,
	    NULL, &result, &error);
	if (clear == NULL) {
		r->error = g_strdup(error != NULL ? error->message :
		    "decryption failed");
		g_clear_error(&error);
	} else {
		r->content = clear;
		r->owns_content = TRUE;
		r->decrypted = TRUE;
	}
	if (result != NULL) {
		crypt_add_sigs(r, g_mime_decrypt_result_get_signatures(result),
		    from);
		g_object_unref(result);
	}
	if (r->content != NULL)
		crypt_walk(w, r->content, from, TRUE, depth + 1);
}

static void
crypt_pkcs7(struct crypt_walk *w, GMimeApplicationPkcs7Mime *p7, char **from,
    unsigned depth)
{
	struct crypt_region	*r;
	GMimeSignatureList	*list;
	GMimeDecryptResult	*result = NULL;
	GMimeObject		*entity = NULL;
	GError			*error = NULL;
	GMimeSecureMimeType	 type;

	r = crypt_region_new(w, GMIME_OBJECT(p7), CRYPT_SMIME);
	type = g_mime_application_pkcs7_mime_get_smime_type(p7);
	if ((type == GMIME_SECURE_MIME_TYPE_SIGNED_DATA ||
	    (w->flags & CRYPT_DECRYPT)) && !crypt_may_run(w, r)) {
		r->kinds = type == GMIME_SECURE_MIME_TYPE_SIGNED_DATA ?
		    CRYPT_SIGNED : CRYPT_ENCRYPTED;
		return;
	}
	if (type == GMIME_SECURE_MIME_TYPE_SIGNED_DATA) {
		r->kinds = CRYPT_SIGNED;
		list = g_mime_application_pkcs7_mime_verify(p7,
		    GMIME_VERIFY_NONE, &entity, &error);
		if (list != NULL) {
			crypt_add_sigs(r, list, from);
			g_object_unref(list);
		}
	} else {
		r->kinds = CRYPT_ENCRYPTED;
		if (!(w->flags & CRYPT_DECRYPT))
			return;
		entity = g_mime_application_pkcs7_mime_decrypt(p7,
		    GMIME_DECRYPT_NONE, NULL, &result, &error);
		if (entity != NULL)
			r->decrypted = TRUE;
		if (result != NULL) {
			crypt_add_sigs(r,
			    g_mime_decrypt_result_get_signatures(result),
			    from);
			g_object_unref(result);
		}
	}
	if (error != NULL) {
		r->error = g_strdup(error->message);
		g_clear_error(&error);
	}
	if (entity != NULL) {
		r->content = entity;
		r->owns_content = TRUE;
		/* Signed and then enveloped: the inner layer is a region too. */
		crypt_walk(w, entity, from, TRUE, depth + 1);
	}
}

/* The decoded content of part, at most max bytes (g_free), or NULL. */
static char *
crypt_part_bytes(GMimePart *part, size_t max, size_t *len)
{
	GMimeDataWrapper	*wrapper = g_mime_part_get_content(part);
	GMimeStream		*mem;
	GByteArray		*bytes;
	char			*out;

	*len = 0;
	if (wrapper == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(wrapper, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = MIN(bytes->len, max);
	out = g_malloc(*len + 1);
	memcpy(out, bytes->data, *len);
	out[*len] = '\0';
	g_object_unref(mem);
	return out;
}

/* Offset of a line starting with marker in text[from..len), or -1. */
static gssize
crypt_find_line(const char *text, size_t len, size_t from, const char *marker)
{
	size_t	 mlen = strlen(marker), i;

	for (i = from; i + mlen <= len; i++) {
		if ((i == 0 || text[i - 1] == '\n') &&
		    memcmp(text + i, marker, mlen) == 0)
			return (gssize)i;
	}
	return -1;
}

static gboolean
crypt_blank(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!g_ascii_isspace(s[i]))
			return FALSE;
	return TRUE;
}

/*
 * A text part with an inline PGP block: the block is verified or decrypted
 * on its own; clear text around it is kept apart (before, after) so that
 * it is never shown as part of what was signed or encrypted.
 */
static void
crypt_inline(struct crypt_walk *w, GMimePart *part, char **from)
{
	struct crypt_region	*r;
	GMimeCryptoContext	*ctx = NULL;
	GMimeStream		*in = NULL, *out = NULL;
	GMimeSignatureList	*list = NULL;
	GMimeDecryptResult	*result = NULL;
	GMimeDataWrapper	*wrapper;
	GMimeTextPart		*tp;
	GError			*error = NULL;
	const char		*begin, *end, *charset;
	char			*text;
	size_t			 len;
	gssize			 b, e;
	gboolean		 encrypted;

	encrypted = g_mime_part_get_openpgp_data(part) ==
	    GMIME_OPENPGP_DATA_ENCRYPTED;
	begin = encrypted ? "-----BEGIN PGP MESSAGE-----" :
	    "-----BEGIN PGP SIGNED MESSAGE-----";
	end = encrypted ? "-----END PGP MESSAGE-----" :
	    "-----END PGP SIGNATURE-----";
	text = crypt_part_bytes(part, CRYPT_MAX_INLINE, &len);
	if (text == NULL)
		return;
	b = crypt_find_line(text, len, 0, begin);
	e = b >= 0 ? crypt_find_line(text, len, (size_t)b, end) : -1;
	if (b < 0 || e < 0) {
		/* No complete block: the part is shown as it is. */
		w->clear_seen = TRUE;
		g_free(text);
		return;
	}
	e += (gssize)strlen(end);
	while ((size_t)e < len && text[e] != '\n')
		e++;
	if ((size_t)e < len)
		e++;
	r = crypt_region_new(w, GMIME_OBJECT(part), CRYPT_PGP_INLINE);
	r->kinds = encrypted ? CRYPT_ENCRYPTED : CRYPT_SIGNED;
	if (!crypt_blank(text, (size_t)b)) {
		r->before = g_strndup(text, (size_t)b);
		w->clear_seen = TRUE;
	}
	if (!crypt_blank(text + e, len - (size_t)e)) {
		r->after = g_strndup(text + e, len - (size_t)e);
		w->clear_seen = TRUE;
	}
	if ((encrypted && !(w->flags & CRYPT_DECRYPT)) || !crypt_may_run(w, r))
		goto out;
	ctx = g_mime_crypto_context_new("application/pgp-encrypted");
	if (ctx == NULL) {
		r->error = g_strdup("no OpenPGP engine");
		goto out;
	}
	in = g_mime_stream_mem_new_with_buffer(text + b, (size_t)(e - b));
	out = g_mime_stream_mem_new();
	if (encrypted) {
		result = g_mime_crypto_context_decrypt(ctx, GMIME_DECRYPT_NONE,
		    NULL, in, out, &error);
		if (result != NULL) {
			r->decrypted = TRUE;
			crypt_add_sigs(r,
			    g_mime_decrypt_result_get_signatures(result),
			    from);
		}
	} else {
		list = g_mime_crypto_context_verify(ctx, GMIME_VERIFY_NONE, in,
		    NULL, out, &error);
		if (list != NULL)
			crypt_add_sigs(r, list, from);
	}
	if (error != NULL) {
		r->error = g_strdup(error->message);
		g_clear_error(&error);
	}
	if (result != NULL || list != NULL) {
		/* The clear text as a text part of its own, in memory. */
		charset = g_mime_object_get_content_type_parameter(
		    GMIME_OBJECT(part), "charset");
		tp = g_mime_text_part_new_with_subtype("plain");
		g_mime_stream_reset(out);
		wrapper = g_mime_data_wrapper_new_with_stream(out,
		    GMIME_CONTENT_ENCODING_DEFAULT);
		g_mime_part_set_content(GMIME_PART(tp), wrapper);
		g_object_unref(wrapper);
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp),
		    "charset", charset != NULL ? charset : "utf-8");
		r->content = GMIME_OBJECT(tp);
		r->owns_content = TRUE;
	}
out:
	if (list != NULL)
		g_object_unref(list);
	if (result != NULL)
		g_object_unref(result);
	if (in != NULL)
		g_object_unref(in);
	if (out != NULL)
		g_object_unref(out);
	if (ctx != NULL)
		g_object_unref(ctx);
	g_free(text);
}

static void
crypt_walk(struct crypt_walk *w, GMimeObject *obj, char **from,
    gboolean inside, unsigned depth)
{
	GMimeMessage	*inner;
	char		**inner_from;
	int		 i, n;

	if (obj == NULL || depth > CRYPT_MAX_DEPTH ||
	    ++w->visited > CRYPT_MAX_PARTS)
		return;
	if (GMIME_IS_MULTIPART_SIGNED(obj)) {
		crypt_signed(w, GMIME_MULTIPART_SIGNED(obj), from, depth);
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		crypt_encrypted(w, GMIME_MULTIPART_ENCRYPTED(obj), from,
		    depth);
		return;
	}
	if (GMIME_IS_APPLICATION_PKCS7_MIME(obj)) {
		crypt_pkcs7(w, GMIME_APPLICATION_PKCS7_MIME(obj), from, depth);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			crypt_walk(w, g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), from, inside,
			    depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		if (inner == NULL)
			return;
		/* An attached message's signatures match its own From. */
		inner_from = crypt_from_addresses(inner);
		crypt_walk(w, g_mime_message_get_mime_part(inner), inner_from,
		    inside, depth + 1);
		g_strfreev(inner_from);
		if (!inside)
			w->clear_seen = TRUE;
		return;
	}
	if (GMIME_IS_TEXT_PART(obj) && (g_mime_part_get_openpgp_data(
	    GMIME_PART(obj)) == GMIME_OPENPGP_DATA_ENCRYPTED ||
	    g_mime_part_get_openpgp_data(GMIME_PART(obj)) ==
	    GMIME_OPENPGP_DATA_SIGNED)) {
		crypt_inline(w, GMIME_PART(obj), from);
		return;
	}
	if (!inside && GMIME_IS_PART(obj) && !crypt_is_marker(obj))
		w->clear_seen = TRUE;
}

struct crypt_state *
crypt_state_new(GMimeMessage *msg, unsigned flags)
{
	struct crypt_walk	 w;
	struct crypt_region	*r;
	GHashTableIter		 it;
	char			**from;

	if (msg == NULL)
		return NULL;
	memset(&w, 0, sizeof w);
	w.st = g_new0(struct crypt_state, 1);
	w.st->regions = g_hash_table_new_full(g_direct_hash, g_direct_equal,
	    NULL, crypt_region_free);
	w.flags = flags;
	from = crypt_from_addresses(msg);
	crypt_walk(&w, g_mime_message_get_mime_part(msg), from, FALSE, 0);
	g_strfreev(from);
	g_hash_table_iter_init(&it, w.st->regions);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&r))
		w.st->kinds |= r->kinds;
	w.st->partial = w.st->kinds != 0 && w.clear_seen;
	return w.st;
}

static void
crypt_text_walk(const struct crypt_state *st, GMimeObject *obj, GString *out,
    size_t max, unsigned depth)
{
	const struct crypt_region *r;
	GMimeContentType	*ct;
	char			*bytes, *text;
	size_t			 len;
	int			 i, n;

	if (obj == NULL || depth > CRYPT_MAX_DEPTH || out->len >= max)
		return;
	if ((r = crypt_state_lookup(st, obj)) != NULL) {
		if (r->before != NULL)
			g_string_append(out, r->before);
		if (r->content != NULL && r->content != obj)
			crypt_text_walk(st, r->content, out, max, depth + 1);
		if (r->after != NULL)
			g_string_append(out, r->after);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n && out->len < max; i++)
			crypt_text_walk(st, g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), out, max, depth + 1);
		return;
	}
	if (!GMIME_IS_TEXT_PART(obj))
		return;
	ct = g_mime_object_get_content_type(obj);
	if (ct == NULL || !g_mime_content_type_is_type(ct, "text", "plain"))
		return;
	bytes = crypt_part_bytes(GMIME_PART(obj), max - out->len, &len);
	if (bytes == NULL)
		return;
	text = mime_to_utf8(bytes, (gssize)len,
	    g_mime_object_get_content_type_parameter(obj, "charset"));
	if (out->len > 0)
		g_string_append_c(out, '\n');
	g_string_append(out, text);
	g_free(text);
	g_free(bytes);
}

char *
crypt_message_text(GMimeMessage *msg, size_t max)
{
	struct crypt_state	*st;
	GString			*out;
	GHashTableIter		 it;
	struct crypt_region	*r;
	gboolean		 any = FALSE;

	if (msg == NULL || !(crypt_message_kinds(msg) & CRYPT_ENCRYPTED))
		return NULL;
	st = crypt_state_new(msg, CRYPT_DECRYPT);
	g_hash_table_iter_init(&it, st->regions);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&r))
		any |= r->decrypted;
	if (!any) {
		crypt_state_free(st);
		return NULL;
	}
	out = g_string_new(NULL);
	crypt_text_walk(st, g_mime_message_get_mime_part(msg), out, max, 0);
	crypt_state_free(st);
	if (out->len > max)
		g_string_truncate(out, max);
	return g_string_free(out, FALSE);
}

/*
 * Whether the keyring has a usable key for addr: one whose user id is
 * exactly that address, not revoked, expired or disabled, able to encrypt
 * (or, with secret, a secret key able to sign).
 */
static gboolean
crypt_key_usable(const char *addr, gboolean smime, gboolean secret)
{
	g_autofree char	*pattern = NULL, *out = NULL, *want_uid = NULL;
	g_auto(GStrv)	 lines = NULL;
	const char	*argv[8];
	GError		*error = NULL;
	char		 want = secret ? 'S' : 'E';
	int		 status = 0, i = 0, j;
	gboolean	 ok = FALSE, usable = FALSE;

	if (addr == NULL || *addr == '\0' || strchr(addr, '\n') != NULL)
		return FALSE;
	/*
	 * gpg matches "<addr>" exactly; gpgsm does not for secret keys, so
	 * it gets the address and the user ids are compared below.
	 */
	pattern = smime ? g_strdup(addr) : g_strdup_printf("<%s>", addr);
	want_uid = g_strdup_printf("<%s>", addr);
	argv[i++] = smime ? "gpgsm" : "gpg";
	argv[i++] = "--batch";
	argv[i++] = "--with-colons";
	argv[i++] = secret ? "--list-secret-keys" : "--list-keys";
	argv[i++] = "--";
	argv[i++] = pattern;
	argv[i] = NULL;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
	    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
	    &error)) {
		log_warn("crypt: %s: %s", argv[0], error->message);
		g_error_free(error);
		return FALSE;
	}
	if (out == NULL)
		return FALSE;
	lines = g_strsplit(out, "\n", -1);
	for (j = 0; lines[j] != NULL && !ok; j++) {
		g_auto(GStrv) f = g_strsplit(lines[j], ":", -1);
		guint nf = g_strv_length(f);

		if (nf == 0)
			continue;
		if (nf >= 10 && strcmp(f[0], "uid") == 0) {
			/* gpgsm: the subject DN or "<addr>" per user id. */
			if (usable && (g_ascii_strcasecmp(f[9], want_uid) == 0 ||
			    g_ascii_strcasecmp(f[9], addr) == 0))
				ok = TRUE;
			continue;
		}
		if (strcmp(f[0], "pub") != 0 && strcmp(f[0], "sec") != 0 &&
		    strcmp(f[0], "crt") != 0 && strcmp(f[0], "crs") != 0)
			continue;
		usable = FALSE;
		if (nf < 12)
			continue;
		/* Validity: i invalid, r revoked, e expired, d disabled. */
		if (f[1][0] != '\0' && strchr("ired", f[1][0]) != NULL)
			continue;
		/* Upper-case capabilities are those of the whole key. */
		if (strchr(f[11], want) != NULL && strchr(f[11], 'D') == NULL)
			usable = TRUE;
		/* gpg's "<addr>" already matched the user id exactly. */
		if (usable && !smime)
			ok = TRUE;
	}
	return ok;
}

char **
crypt_missing_keys(const char *const *addresses, gboolean smime,
    gboolean secret)
{
	GPtrArray	*out = g_ptr_array_new();
	guint		 i;

	for (i = 0; addresses != NULL && addresses[i] != NULL; i++) {
		if (!crypt_key_usable(addresses[i], smime, secret))
			g_ptr_array_add(out, g_strdup(addresses[i]));
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* The sender's address (From), NULL if none. */
static const char *
crypt_sender(GMimeMessage *msg)
{
	InternetAddressList	*l = g_mime_message_get_from(msg);
	InternetAddress		*a;

	if (l == NULL || internet_address_list_length(l) < 1)
		return NULL;
	a = internet_address_list_get_address(l, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(a))
		return NULL;
	return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
}

/*
 * The keys protecting a message needs: *rcpts gets the recipients to
 * encrypt to (the sender included, so the Sent copy stays readable) when
 * encrypting; returns the addresses without a usable key (public keys of
 * the recipients, the sender's secret key when signing), NULL-terminated,
 * empty when nothing lacks (g_strfreev).
 */
static char **
crypt_protect_keys(GMimeMessage *msg, const char *signer, gboolean smime,
    gboolean sign, gboolean encrypt, GPtrArray **rcpts)
{
	GPtrArray	*all, *lack;
	char		**pub = NULL, **sec = NULL;
	guint		 i;

	*rcpts = NULL;
	if (encrypt) {
		all = compose_recipients(msg);
		*rcpts = g_ptr_array_new_with_free_func(g_free);
		for (i = 0; i < all->len; i++)
			g_ptr_array_add(*rcpts, g_strdup(
			    g_ptr_array_index(all, i)));
		g_ptr_array_unref(all);
		g_ptr_array_add(*rcpts, g_strdup(signer));
		g_ptr_array_add(*rcpts, NULL);
		pub = crypt_missing_keys((const char *const *)(*rcpts)->pdata,
		    smime, FALSE);
		g_ptr_array_remove_index(*rcpts, (*rcpts)->len - 1);
	}
	if (sign) {
		const char *self[] = { signer, NULL };

		sec = crypt_missing_keys(self, smime, TRUE);
	}
	lack = g_ptr_array_new();
	for (i = 0; pub != NULL && pub[i] != NULL; i++)
		g_ptr_array_add(lack, g_strdup(pub[i]));
	if (sec != NULL && sec[0] != NULL)
		g_ptr_array_add(lack, g_strdup(sec[0]));
	g_ptr_array_add(lack, NULL);
	g_strfreev(pub);
	g_strfreev(sec);
	return (char **)g_ptr_array_free(lack, FALSE);
}

/* The body signed, encrypted or both; NULL with *err set on failure. */
static GMimeObject *
crypt_protect_body(GMimeCryptoContext *ctx, GMimeObject *body,
    const char *signer, gboolean smime, gboolean sign, gboolean encrypt,
    GPtrArray *rcpts, GError **err)
{
	GMimeObject	*signed_obj, *result;

	if (!smime && encrypt)
		return (GMimeObject *)g_mime_multipart_encrypted_encrypt(ctx,
		    body, sign, signer, GMIME_ENCRYPT_ALWAYS_TRUST, rcpts, err);
	if (!sign)
		return (GMimeObject *)g_mime_application_pkcs7_mime_encrypt(
		    body, GMIME_ENCRYPT_ALWAYS_TRUST, rcpts, err);
	signed_obj = (GMimeObject *)g_mime_multipart_signed_sign(ctx, body,
	    signer, err);
	if (signed_obj == NULL || !encrypt)
		return signed_obj;
	result = (GMimeObject *)g_mime_application_pkcs7_mime_encrypt(
	    signed_obj, GMIME_ENCRYPT_ALWAYS_TRUST, rcpts, err);
	g_object_unref(signed_obj);
	return result;
}

enum crypt_status
crypt_message_protect(GMimeMessage *msg, unsigned flags, char ***missing,
    GError **error)
{
	GMimeCryptoContext	*ctx = NULL;
	GMimeObject		*body, *result = NULL;
	GPtrArray		*rcpts = NULL;
	GError			*err = NULL;
	const char		*signer, *subject;
	char			**lack = NULL;
	gboolean		 smime = (flags & CRYPT_PROTECT_SMIME) != 0;
	gboolean		 sign = (flags & CRYPT_PROTECT_SIGN) != 0;
	gboolean		 encrypt = (flags & CRYPT_PROTECT_ENCRYPT) != 0;
	enum crypt_status	 status = CRYPT_OK;

	if (missing != NULL)
		*missing = NULL;
	if (msg == NULL || (!sign && !encrypt))
		return CRYPT_ERR_INVALID;
	body = g_mime_message_get_mime_part(msg);
	signer = crypt_sender(msg);
	if (body == NULL || signer == NULL)
		return CRYPT_ERR_INVALID;
	lack = crypt_protect_keys(msg, signer, smime, sign, encrypt, &rcpts);
	if (lack[0] != NULL) {
		status = CRYPT_ERR_NO_KEY;
		g_set_error(error, g_quark_from_static_string("crypt"),
		    CRYPT_ERR_NO_KEY, "no usable key for %s", lack[0]);
		if (missing != NULL) {
			*missing = lack;
			lack = NULL;
		}
		goto out;
	}
	/* Protected headers: the real Subject travels inside. */
	subject = g_mime_message_get_subject(msg);
	if (subject != NULL) {
		g_mime_object_set_header(body, "Subject", subject, "utf-8");
		g_mime_object_set_content_type_parameter(body,
		    "protected-headers", "v1");
	}
	ctx = g_mime_crypto_context_new(smime ? "application/pkcs7-signature" :
	    "application/pgp-signature");
	if (ctx == NULL) {
		status = CRYPT_ERR_ENGINE;
		g_set_error(error, g_quark_from_static_string("crypt"),
		    CRYPT_ERR_ENGINE, "no %s engine", smime ? "S/MIME" :
		    "OpenPGP");
		goto out;
	}
	result = crypt_protect_body(ctx, body, signer, smime, sign, encrypt,
	    rcpts, &err);
	if (result == NULL) {
		status = CRYPT_ERR_ENGINE;
		g_set_error(error, g_quark_from_static_string("crypt"),
		    CRYPT_ERR_ENGINE, "%s", err != NULL ? err->message :
		    "failed");
		g_clear_error(&err);
		/* Leave the body as it was. */
		if (subject != NULL) {
			g_mime_object_remove_header(body, "Subject");
			g_mime_object_set_content_type_parameter(body,
			    "protected-headers", NULL);
		}
		goto out;
	}
	g_mime_message_set_mime_part(msg, result);
out:
	if (result != NULL)
		g_object_unref(result);
	if (ctx != NULL)
		g_object_unref(ctx);
	if (rcpts != NULL)
		g_ptr_array_unref(rcpts);
	g_strfreev(lack);
	return status;
}

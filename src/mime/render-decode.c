/*
 * render-decode.c: from the bytes of a part to valid UTF-8. The charset
 * label is a hint: unknown labels, invalid sequences and missing labels on
 * 8-bit text all end in valid UTF-8 (windows-1252 is the fallback, as for
 * headers), and NUL bytes survive as text for the sanitiser to replace.
 */
#include "satchel-config.h"

#include <errno.h>
#include <string.h>

#include "util/util.h"
#include "mime/render-private.h"

static char	*render_decode_iconv(const char *, size_t, const char *,
		    size_t *);
static gboolean	 render_decode_is_utf8(const char *);
static char	*render_decode_copy(const char *, size_t);

/* A NUL-terminated copy of len bytes that may hold NULs themselves. */
static char *
render_decode_copy(const char *bytes, size_t len)
{
	char	*out;

	out = g_malloc(len + 1);
	if (len > 0)
		memcpy(out, bytes, len);
	out[len] = '\0';
	return out;
}

static gboolean
render_decode_is_utf8(const char *charset)
{
	return (g_ascii_strcasecmp(charset, "utf-8") == 0 ||
	    g_ascii_strcasecmp(charset, "utf8") == 0 ||
	    g_ascii_strcasecmp(charset, "us-ascii") == 0 ||
	    g_ascii_strcasecmp(charset, "ascii") == 0 ||
	    g_ascii_strcasecmp(charset, "x-unknown") == 0 ||
	    g_ascii_strcasecmp(charset, "unknown-8bit") == 0);
}

/*
 * Convert with iconv, replacing each invalid byte by U+FFFD. NULL when the
 * charset is unknown to iconv.
 */
static char *
render_decode_iconv(const char *bytes, size_t len, const char *charset,
    size_t *outlen)
{
	GString		*out;
	GIConv		 cd;
	gchar		*in, *op;
	gsize		 inleft, opleft, r;
	char		 buf[4096];

	cd = g_iconv_open("UTF-8", g_mime_charset_iconv_name(charset));
	if (cd == (GIConv)-1)
		return NULL;
	out = g_string_sized_new(len + len / 2 + 16);
	in = (gchar *)bytes;
	inleft = len;
	while (inleft > 0) {
		op = buf;
		opleft = sizeof buf;
		r = g_iconv(cd, &in, &inleft, &op, &opleft);
		g_string_append_len(out, buf, op - buf);
		if (r != (gsize)-1)
			continue;
		if (errno == E2BIG)
			continue;
		/* EILSEQ, EINVAL (cut sequence) or anything else: skip a byte. */
		g_string_append(out, "\xEF\xBF\xBD");
		in++;
		inleft--;
		g_iconv(cd, NULL, NULL, NULL, NULL);
	}
	op = buf;
	opleft = sizeof buf;
	g_iconv(cd, NULL, NULL, &op, &opleft);
	g_string_append_len(out, buf, op - buf);
	g_iconv_close(cd);
	*outlen = out->len;
	return g_string_free(out, FALSE);
}

char *
render_decode_text(const char *bytes, size_t len, const char *charset,
    size_t *outlen)
{
	char	*out;

	if (bytes == NULL)
		len = 0;
	if (charset != NULL && *charset != '\0' &&
	    !render_decode_is_utf8(charset)) {
		out = render_decode_iconv(bytes, len, charset, outlen);
		if (out != NULL)
			return out;
		charset = NULL;		/* unknown label: as if none */
	}
	if (len == 0 || g_utf8_validate_len(bytes, len, NULL)) {
		*outlen = len;
		return render_decode_copy(bytes, len);
	}
	if (charset == NULL || g_ascii_strcasecmp(charset, "utf-8") != 0) {
		/* Unlabelled 8-bit text is most often windows-1252. */
		out = render_decode_iconv(bytes, len, "windows-1252", outlen);
		if (out != NULL)
			return out;
	}
	/* Labelled UTF-8 but broken: the sanitiser marks the bad bytes. */
	*outlen = len;
	return render_decode_copy(bytes, len);
}

GByteArray *
render_decode_part(GMimePart *part, size_t max)
{
	GMimeDataWrapper	*content;
	GMimeStream		*raw, *filtered;
	GMimeContentEncoding	 enc;
	GByteArray		*bytes;
	guint8			 buf[65536];
	gssize			 n;

	/*
	 * Decode only what is shown: a 200 MB part must not be copied into
	 * memory whole (the stream stays on the message file).
	 */
	bytes = g_byte_array_new();
	content = g_mime_part_get_content(part);
	if (content == NULL ||
	    (raw = g_mime_data_wrapper_get_stream(content)) == NULL)
		return bytes;
	g_mime_stream_reset(raw);
	filtered = g_mime_stream_filter_new(raw);
	enc = g_mime_data_wrapper_get_encoding(content);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		GMimeFilter *f = g_mime_filter_basic_new(enc, FALSE);

		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), f);
		g_object_unref(f);
	}
	while (bytes->len <= max &&
	    (n = g_mime_stream_read(filtered, (char *)buf, sizeof buf)) > 0)
		g_byte_array_append(bytes, buf, (guint)n);
	g_object_unref(filtered);
	g_mime_stream_reset(raw);
	if (bytes->len > max)
		g_byte_array_set_size(bytes, (guint)max);
	return bytes;
}

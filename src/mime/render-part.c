/*
 * render-part.c: the numbered parts of a message, saving one to a file and
 * preparing one for its mailcap viewer.
 */
#include "satchel-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "mime/render-private.h"

static void		 render_part_walk(GMimeObject *, unsigned, GArray *,
			    gboolean *, const struct crypt_state *,
			    GPtrArray *, gboolean);
static GMimeObject	*render_part_find(GMimeMessage *,
			    const struct crypt_state *, unsigned);
static GByteArray	*render_part_bytes(GMimeObject *);
static char		*render_part_name(GMimeObject *, const char *);
static int		 render_part_write(int, GByteArray *);

/*
 * Number obj's parts depth first. Content crypt made for a protected
 * object (decrypted, unwrapped) is queued on pending, numbered later.
 */
static void
render_part_walk(GMimeObject *obj, unsigned depth, GArray *out,
    gboolean *truncated, const struct crypt_state *crypt, GPtrArray *pending,
    gboolean inside)
{
	const struct crypt_region *r;
	struct render_part_ref	 ref;
	GMimeMessage		*inner;
	int			 i, count;

	if (obj == NULL)
		return;
	if (out->len >= RENDER_MAX_PARTS || depth > RENDER_MAX_DEPTH) {
		*truncated = TRUE;
		return;
	}
	r = crypt_state_lookup(crypt, obj);
	if (r != NULL && r->owns_content && r->content != NULL &&
	    pending->len < RENDER_MAX_DEPTH * 4)
		g_ptr_array_add(pending, r->content);
	memset(&ref, 0, sizeof ref);
	ref.protected_content = inside;
	if (GMIME_IS_MULTIPART(obj)) {
		count = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < count && out->len < RENDER_MAX_PARTS; i++)
			render_part_walk(g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1, out, truncated,
			    crypt, pending, inside);
		if (i < count)
			*truncated = TRUE;
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		ref.object = obj;
		ref.depth = depth > 0 ? depth - 1 : 0;
		g_array_append_val(out, ref);
		inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner != NULL)
			render_part_walk(g_mime_message_get_mime_part(inner),
			    depth + 1, out, truncated, crypt, pending, inside);
	} else if (GMIME_IS_PART(obj)) {
		ref.object = obj;
		ref.depth = depth > 0 ? depth - 1 : 0;
		g_array_append_val(out, ref);
	}
}

GArray *
render_part_collect(GMimeMessage *msg, const struct crypt_state *crypt,
    gboolean *truncated)
{
	GArray		*out;
	GPtrArray	*pending;
	GMimeObject	*body;
	guint		 i;

	out = g_array_new(FALSE, FALSE, sizeof(struct render_part_ref));
	if (msg == NULL)
		return out;
	pending = g_ptr_array_new();
	/* Parts of the top multipart, or a single-part body, are at depth 0. */
	body = g_mime_message_get_mime_part(msg);
	render_part_walk(body, 0, out, truncated, crypt, pending, FALSE);
	/* Then what decrypting or unwrapping made (it may hold more). */
	for (i = 0; i < pending->len; i++)
		render_part_walk(g_ptr_array_index(pending, i), 0, out,
		    truncated, crypt, pending, TRUE);
	g_ptr_array_free(pending, TRUE);
	return out;
}

struct render_part_list *
render_part_list(GMimeMessage *msg)
{
	return render_part_list_crypt(msg, NULL);
}

struct render_part_list *
render_part_list_crypt(GMimeMessage *msg, const struct crypt_state *crypt)
{
	struct render_part_list	*list;
	struct render_part	*part;
	struct render_part_ref	*ref;
	GMimeContentType	*ct;
	GMimeStream		*null;
	GMimeDataWrapper	*content;
	GArray			*refs;
	GMimeMessage		*inner;
	const char		*name;
	char			*type;
	gboolean		 truncated = FALSE;
	gint64			 n;
	guint			 i;

	if (msg == NULL)
		return NULL;
	refs = render_part_collect(msg, crypt, &truncated);
	list = g_new0(struct render_part_list, 1);
	list->truncated = truncated;
	list->nparts = refs->len;
	list->parts = g_new0(struct render_part, refs->len + 1);
	for (i = 0; i < refs->len; i++) {
		ref = &g_array_index(refs, struct render_part_ref, i);
		part = &list->parts[i];
		part->number = i + 1;
		part->depth = ref->depth;
		part->is_protected = ref->protected_content;
		ct = g_mime_object_get_content_type(ref->object);
		type = ct != NULL ? g_mime_content_type_get_mime_type(ct) :
		    g_strdup("text/plain");
		part->content_type = sanitize_text(type, -1, 0);
		g_free(type);
		type = g_ascii_strdown(part->content_type, -1);
		g_free(part->content_type);
		part->content_type = type;

		/* Count the decoded bytes without keeping them. */
		null = g_mime_stream_null_new();
		n = 0;
		if (GMIME_IS_MESSAGE_PART(ref->object)) {
			part->is_message = TRUE;
			part->is_attachment = TRUE;
			inner = g_mime_message_part_get_message(
			    GMIME_MESSAGE_PART(ref->object));
			if (inner != NULL)
				n = g_mime_object_write_to_stream(
				    GMIME_OBJECT(inner), NULL, null);
		} else {
			part->is_attachment = g_mime_part_is_attachment(
			    GMIME_PART(ref->object));
			name = g_mime_part_get_filename(GMIME_PART(ref->object));
			if (name != NULL)
				part->filename = sanitize_filename(name);
			content = g_mime_part_get_content(
			    GMIME_PART(ref->object));
			if (content != NULL)
				n = g_mime_data_wrapper_write_to_stream(content,
				    null);
		}
		part->size = n > 0 ? (size_t)n : 0;
		g_object_unref(null);
	}
	g_array_unref(refs);
	return list;
}

void
render_part_list_free(struct render_part_list *list)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < list->nparts; i++) {
		g_free(list->parts[i].content_type);
		g_free(list->parts[i].filename);
	}
	g_free(list->parts);
	g_free(list);
}

static GMimeObject *
render_part_find(GMimeMessage *msg, const struct crypt_state *crypt,
    unsigned number)
{
	GArray		*refs;
	GMimeObject	*obj = NULL;
	gboolean	 truncated = FALSE;

	refs = render_part_collect(msg, crypt, &truncated);
	if (number >= 1 && number <= refs->len)
		obj = g_array_index(refs, struct render_part_ref,
		    number - 1).object;
	g_array_unref(refs);
	return obj;
}

/* The bytes to save: decoded content, or an attached message as stored. */
static GByteArray *
render_part_bytes(GMimeObject *obj)
{
	GMimeMessage	*inner;
	GMimeStream	*mem;
	GByteArray	*bytes;

	if (!GMIME_IS_MESSAGE_PART(obj))
		return render_decode_part(GMIME_PART(obj), G_MAXUINT);
	mem = g_mime_stream_mem_new();
	inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
	if (inner != NULL)
		g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_object_unref(mem);
	return bytes != NULL ? bytes : g_byte_array_new();
}

/* A safe file name for obj: name if given, else its own, else a default. */
static char *
render_part_name(GMimeObject *obj, const char *name)
{
	if (name == NULL && GMIME_IS_PART(obj))
		name = g_mime_part_get_filename(GMIME_PART(obj));
	if (name == NULL && GMIME_IS_MESSAGE_PART(obj))
		name = "message.eml";
	return sanitize_filename(name);
}

static int
render_part_write(int fd, GByteArray *bytes)
{
	if (file_write_all(fd, bytes->data, bytes->len) == -1)
		return -1;
	return fsync(fd);
}

enum render_status
render_part_save(GMimeMessage *msg, unsigned number, const char *dir,
    const char *name, unsigned flags, char **saved_path, GError **error)
{
	return render_part_save_crypt(msg, NULL, number, dir, name, flags,
	    saved_path, error);
}

enum render_status
render_part_save_crypt(GMimeMessage *msg, const struct crypt_state *crypt,
    unsigned number, const char *dir, const char *name, unsigned flags,
    char **saved_path, GError **error)
{
	enum render_status	 status = RENDER_ERR_IO;
	GMimeObject		*obj;
	GByteArray		*bytes = NULL;
	struct stat		 st;
	char			*clean = NULL, *path = NULL, *tmp = NULL;
	int			 fd = -1, saved;

	if (saved_path != NULL)
		*saved_path = NULL;
	if (msg == NULL || dir == NULL || *dir == '\0')
		return RENDER_ERR_INVALID;
	obj = render_part_find(msg, crypt, number);
	if (obj == NULL)
		return RENDER_ERR_NO_PART;
	clean = render_part_name(obj, name);
	path = g_build_filename(dir, clean, NULL);
	if (!(flags & RENDER_SAVE_OVERWRITE) && lstat(path, &st) == 0) {
		status = RENDER_ERR_EXISTS;
		goto out;
	}

	bytes = render_part_bytes(obj);
	tmp = g_build_filename(dir, ".satchel-save-XXXXXX", NULL);
	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
	if (fd == -1) {
		saved = errno;
		g_free(tmp);
		tmp = NULL;
		errno = saved;
		goto fail;
	}
	if (render_part_write(fd, bytes) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (flags & RENDER_SAVE_OVERWRITE) {
		if (rename(tmp, path) == -1)
			goto fail;
	} else {
		/* link() never replaces: a file that appeared meanwhile wins. */
		if (link(tmp, path) == -1) {
			if (errno == EEXIST) {
				status = RENDER_ERR_EXISTS;
				goto out;
			}
			if (errno != EPERM && errno != ENOTSUP &&
			    errno != EOPNOTSUPP)
				goto fail;
			/* No hard links here (FAT, some FUSE): check, rename. */
			if (lstat(path, &st) == 0) {
				status = RENDER_ERR_EXISTS;
				goto out;
			}
			if (rename(tmp, path) == -1)
				goto fail;
		}
		unlink(tmp);
	}
	g_free(tmp);
	tmp = NULL;
	if (file_fsync_dir(dir) == -1)
		log_warn("fsync %s: %s", dir, g_strerror(errno));
	if (saved_path != NULL) {
		*saved_path = path;
		path = NULL;
	}
	status = RENDER_OK;
	goto out;

fail:
	saved = errno;
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
	    "%s: %s", path, g_strerror(saved));
	status = RENDER_ERR_IO;
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	g_free(tmp);
	g_free(path);
	g_free(clean);
	if (bytes != NULL)
		g_byte_array_unref(bytes);
	return status;
}

enum render_status
render_part_view(GMimeMessage *msg, unsigned number,
    const struct render_options *opts, struct render_view **viewp,
    GError **error)
{
	enum render_status	 status = RENDER_ERR_IO;
	struct mailcap_entry	*entry = NULL;
	struct render_view	*view = NULL;
	GMimeContentType	*ct;
	GMimeObject		*obj;
	GByteArray		*bytes = NULL;
	GError			*err = NULL;
	const char		*dot;
	char			*type = NULL, *clean = NULL, *dir = NULL;
	char			*fname = NULL;
	gboolean		 uses_file = FALSE;
	size_t			 i;
	int			 fd = -1, saved;

	if (viewp != NULL)
		*viewp = NULL;
	if (msg == NULL || viewp == NULL)
		return RENDER_ERR_INVALID;
	obj = render_part_find(msg, NULL, number);
	if (obj == NULL)
		return RENDER_ERR_NO_PART;
	ct = g_mime_object_get_content_type(obj);
	type = ct != NULL ? g_mime_content_type_get_mime_type(ct) :
	    g_strdup("text/plain");
	entry = mailcap_lookup(opts != NULL ? opts->mailcap_path : NULL, type,
	    FALSE);
	if (entry == NULL) {
		status = RENDER_ERR_NO_MAILCAP;
		goto out;
	}

	/* The temporary name keeps only a plain extension from the mail. */
	clean = render_part_name(obj, NULL);
	dot = strrchr(clean, '.');
	fname = g_strdup("part");
	if (dot != NULL && strlen(dot + 1) > 0 && strlen(dot + 1) <= 10) {
		for (i = 1; dot[i] != '\0' && g_ascii_isalnum(dot[i]); i++)
			;
		if (dot[i] == '\0') {
			g_free(fname);
			fname = g_strconcat("part", dot, NULL);
		}
	}
	dir = g_dir_make_tmp("satchel-XXXXXX", &err);
	if (dir == NULL) {
		g_propagate_error(error, err);
		goto out;
	}
	view = g_new0(struct render_view, 1);
	view->temp_path = g_build_filename(dir, fname, NULL);
	fd = open(view->temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	bytes = render_part_bytes(obj);
	if (fd == -1 || file_write_all(fd, bytes->data, bytes->len) == -1) {
		saved = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
		    "%s: %s", view->temp_path, g_strerror(saved));
		goto out;
	}
	saved = close(fd);
	fd = -1;
	if (saved == -1) {
		saved = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
		    "%s: %s", view->temp_path, g_strerror(saved));
		goto out;
	}
	view->argv = mailcap_argv(entry, view->temp_path, type, obj,
	    &uses_file, error);
	if (view->argv == NULL) {
		status = RENDER_ERR_MAILCAP;
		goto out;
	}
	view->stdin_path = uses_file ? NULL : view->temp_path;
	view->needs_terminal = entry->needs_terminal;
	view->copious_output = entry->copious_output;
	*viewp = view;
	view = NULL;
	status = RENDER_OK;
out:
	if (fd != -1)
		close(fd);
	render_view_free(view);
	if (bytes != NULL)
		g_byte_array_unref(bytes);
	mailcap_entry_free(entry);
	g_free(dir);
	g_free(fname);
	g_free(clean);
	g_free(type);
	return status;
}

void
render_view_free(struct render_view *view)
{
	char	*dir;

	if (view == NULL)
		return;
	if (view->temp_path != NULL) {
		unlink(view->temp_path);
		dir = g_path_get_dirname(view->temp_path);
		rmdir(dir);
		g_free(dir);
	}
	g_free(view->temp_path);
	g_strfreev(view->argv);
	g_free(view);
}

/*
 * ui-view.h: the reader's top layer, the views: the index, folders,
 * pager, attachments, URLs, help and raw lines (ui-lines.c), compose,
 * bounce and the outbox, and the table of operations that opens them
 * (ui-ops.c). Views may call each other and everything below (ui-core.h,
 * ui-widget.h); nothing below calls a view by name. ui.c, the front door,
 * sets the reader up on top of them.
 */
#ifndef SATCHEL_UI_VIEW_H
#define SATCHEL_UI_VIEW_H

#include "ui/ui-core.h"

/* ui-ops.c: the table of operations, their handlers and help. */
/* ui-ops.c */
const struct ui_op_def *ui_ops_find(const char *name);
/* An operation by its name, for ui_keys_new (ui_keys_find_fn). */
gboolean	 ui_ops_lookup(const char *name, enum ui_op *, unsigned *ctx);
const struct ui_op_def *ui_ops_get(enum ui_op);
void		 ui_ops_run(struct ui *, enum ui_op);

/* Views. */
struct ui_view	*ui_index_new(struct ui *, const char *folder);
void		 ui_index_set_folder(struct ui *, struct ui_view *, const char *);
const char	*ui_index_folder(struct ui_view *);
guint64		 ui_index_total(struct ui_view *, const char **query);
int64_t		 ui_index_current_msg(struct ui *, struct ui_view *);
gboolean	 ui_index_is(struct ui_view *);
/*
 * The tagged messages (ids, in id order); FALSE with an error said when
 * there are none.
 */
gboolean	 ui_index_tagged(struct ui *, struct ui_view *, GArray *ids);
struct ui_view	*ui_folders_new(struct ui *);
struct ui_view	*ui_help_new(struct ui *, enum ui_ctx);
struct ui_view	*ui_pager_new(struct ui *, int64_t msg_id);
gboolean	 ui_pager_is(struct ui_view *);
struct ui_view	*ui_attach_new(struct ui *, int64_t msg_id);
struct ui_view	*ui_urls_new(struct ui *, int64_t msg_id);
struct ui_view	*ui_urls_new_list(struct ui *, char **urls);
struct crypt_state;
struct _GMimeMessage;	/* GMimeMessage, without GMime's headers here */
/*
 * Verdicts and decrypted parts of mime (NULL when it is neither signed nor
 * encrypted); curses steps aside while gpg-agent may ask a passphrase.
 * Free with crypt_state_free().
 */
struct crypt_state *ui_pager_crypt_state(struct ui *,
		    struct _GMimeMessage *mime);
struct ui_view	*ui_lines_new(struct ui *, const char *title, GPtrArray *lines,
		    enum ui_ctx);

/* ui-raw.c: the message as stored, sanitised. */
void		 ui_raw_show(struct ui *, int64_t msg_id);

/* ui-compose.c */
void		 ui_compose_start(struct ui *, enum ui_op, int64_t msg_id);
/* One new message with every message of ids attached (message/rfc822). */
void		 ui_compose_forward_many(struct ui *, GArray *ids);

/* ui-bounce.c: the message, unchanged, to new recipients (Resent-*). */
void		 ui_bounce_start(struct ui *, int64_t msg_id);

/* ui-outbox.c: the queue, entry by entry. */
struct ui_view	*ui_outbox_new(struct ui *);
gboolean	 ui_outbox_is(struct ui_view *);

/* Edit the message of outbox entry queue_id (held) and queue it anew. */
void		 ui_compose_requeue(struct ui *, int64_t msg_id,
		    int64_t queue_id);
void		 ui_compose_stuck(struct ui *);


#endif

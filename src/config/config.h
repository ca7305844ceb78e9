/*
 * config.h: the user's configuration (one GKeyFile) and accounts.
 * Depends on util and net (enum net_tls_mode, struct net_endpoint). Never
 * prompts: a password that no command supplies is reported as
 * CONFIG_ERR_NO_SECRET and the front end asks the user.
 */
#ifndef SATCHEL_CONFIG_H
#define SATCHEL_CONFIG_H

#include <glib.h>

#include "net/net.h"

enum config_status {
	CONFIG_OK = 0,
	CONFIG_ERR_NOTFOUND,	/* no config file (not an error for every command) */
	CONFIG_ERR_PARSE,	/* file is not valid key-file syntax */
	CONFIG_ERR_VALUE,	/* a key has a bad value or is unknown */
	CONFIG_ERR_PERM,	/* others may write the file or its directory, or
				   it holds a secret and others may read it */
	CONFIG_ERR_COMMAND,	/* a password/token command failed */
	CONFIG_ERR_NO_SECRET,	/* no command configured: caller must prompt */
};

enum config_service {
	CONFIG_SERVICE_POP3,
	CONFIG_SERVICE_SMTP,
};

struct account {
	char		*name;		/* the NAME of [account NAME] */
	char		*address;	/* as written: "Jane Doe <jane@example.org>" */
	char		*from_name;	/* parsed display name, may be NULL */
	char		*from_addr;	/* parsed addr-spec */
	char		*folder;	/* fetched mail goes here (default INBOX) */

	char		*pop3_host;	/* NULL: this account does not fetch */
	unsigned	 pop3_port;	/* resolved default from pop3_tls */
	enum net_tls_mode pop3_tls;
	char		*pop3_user;
	char		*pop3_auth;	/* auto | user | apop | SASL mechanism */
	char		*pop3_fingerprint; /* pinned SHA-256 of the leaf, hex */

	char		*smtp_host;	/* NULL: this account does not send */
	unsigned	 smtp_port;
	enum net_tls_mode smtp_tls;
	char		*smtp_user;
	char		*smtp_auth;	/* auto | SASL mechanism */
	char		*smtp_fingerprint;

	char		*password;	/* literal password from a private file */
	char		*pop3_password_command;	/* shell-like words, run without a shell */
	char		*smtp_password_command;
	char		*oauth2_token_command;
	char		*ca_file;

	gboolean	 keep;		/* leave mail on the server (default TRUE) */
	int		 delete_after_days; /* 0 = never */
	gboolean	 delete_on_server_when_deleted;
	guint64		 max_size;	/* 0 = no limit; larger messages come headers-only */
	unsigned	 timeout;	/* seconds per network wait (default 60) */
	gboolean	 allow_plaintext;
	gboolean	 borrowed;
	char		*signature_file;
	gboolean	 crypt_sign;	/* sign new messages by default */
	gboolean	 crypt_encrypt;	/* encrypt when every recipient has a key */
	gboolean	 crypt_smime;	/* S/MIME (gpgsm) instead of OpenPGP */
	char		*signature;	/* loaded text of signature_file, or NULL */
	char		**alternates;	/* other addresses, lower case; '*' globs */
};

struct config {
	char		*path;		/* the file read, or NULL */
	char		*store;		/* expanded store directory */
	char		*editor;	/* expanded editor command */
	gboolean	 borrowed;	/* [general] borrowed or any account's */
	unsigned	 send_interval;	/* seconds between UI send retries */
	unsigned	 fetch_interval; /* seconds between UI fetches, 0 = manual */
	gboolean	 index_decrypted; /* index the text of encrypted mail */
	char		*gnupghome;	/* [general] gnupghome, NULL: gpg's default */
	GPtrArray	*accounts;	/* of struct account *, in file order */
	GHashTable	*keys;		/* [keys]: key name -> operation name */
	GPtrArray	*colors;	/* [colors]: struct config_color *, file order */
	char		*index_format;	/* NULL: the built-in layout */
	char		*date_format;	/* NULL: time today, else day and date */
	char		*status_format;	/* NULL: the built-in status bar */
	gboolean	 arrow_cursor;	/* "->" marker instead of a bar */
	/*
	 * What was wrong in [colors] (each entry was left out): the reader
	 * shows these; they never stop satchel.
	 */
	GPtrArray	*warnings;	/* char * */
	GKeyFile	*kf;		/* the parsed file, for modules' own groups */
};

/*
 * Load path (NULL: $XDG_CONFIG_HOME/satchel/config). A missing default file
 * gives an empty config and CONFIG_OK; a missing explicit file gives
 * CONFIG_ERR_NOTFOUND. On error *err names the file, group and key.
 */
enum config_status config_load(const char *path, struct config **out,
		    GError **err);
/* An empty config with defaults (store under XDG data). */
struct config	*config_new_default(void);
void		 config_free(struct config *);
/* The account called name, or the first one when name is NULL. */
struct account	*config_account(struct config *, const char *name);
/*
 * The account an address belongs to: the one whose address it is, else
 * the first whose alternates match it (case-insensitive), else NULL.
 */
struct account	*config_account_for_address(struct config *, const char *addr);
/* TRUE if addr is the account's own address or one of its alternates. */
gboolean	 config_account_owns(const struct account *, const char *addr);
/* Fill an account's derived fields (ports, from_name/addr) after edits. */
void		 config_account_finish(struct account *);
struct account	*config_account_new(const char *name);
void		 config_account_free(struct account *);

/*
 * Run the account's password command for service (pop3_/smtp_password_command,
 * else password_command) without a shell; the first line of its stdout is the
 * secret (caller frees with config_secret_free). No command, or a borrowed
 * account (passwords are only typed there): CONFIG_ERR_NO_SECRET, and the
 * caller prompts. The secret is never logged.
 */
enum config_status config_password(const struct account *,
		    enum config_service, char **secret, GError **err);
/*
 * Same for oauth2_token_command. A borrowed account runs no command:
 * CONFIG_ERR_NO_SECRET with *err saying so (the caller may ask for a token).
 */
enum config_status config_oauth2_token(const struct account *, char **token,
		    GError **err);
/* Overwrite and free a secret. NULL is fine. */
void		 config_secret_free(char *);

const char	*config_tls_name(enum net_tls_mode);

/*
 * Where the account's service is: host, port, TLS mode, timeout, ca_file
 * and the service's pinned fingerprint, borrowed from the account (which
 * must outlive *ep).
 */
void		 config_endpoint(const struct account *, enum config_service,
		    struct net_endpoint *ep);

/*
 * [colors]: "OBJECT = [ATTRIBUTE ...] FOREGROUND [BACKGROUND]", mutt's
 * objects and colour names. A colour is CONFIG_COLOR_DEFAULT (the
 * terminal's own), 0-7 (black ... white), 8-15 (brightblack ...
 * brightwhite) or 16-255 (colorNNN; color0-color15 mean 0-15 too).
 */
#define CONFIG_COLOR_DEFAULT	(-1)
enum config_color_attr {
	CONFIG_COLOR_BOLD = 1 << 0,
	CONFIG_COLOR_UNDERLINE = 1 << 1,
	CONFIG_COLOR_REVERSE = 1 << 2,
	CONFIG_COLOR_BLINK = 1 << 3,
	CONFIG_COLOR_DIM = 1 << 4,
	CONFIG_COLOR_STANDOUT = 1 << 5,
	CONFIG_COLOR_NONE = 1 << 6,	/* "none": no attribute at all */
};
struct config_color {
	char		*object;	/* canonical: "quoted" is "quoted0" */
	int		 fg, bg;	/* CONFIG_COLOR_DEFAULT or 0-255 */
	unsigned	 attrs;		/* enum config_color_attr */
};
/* The objects [colors] knows, NULL-terminated. */
extern const char *const config_color_objects[];
/*
 * Parse one [colors] line. FALSE with *err (a sentence naming what is
 * wrong) for an unknown object, colour or attribute; out is then untouched.
 */
gboolean	 config_color_parse(const char *object, const char *value,
		    struct config_color *out, GError **err);
/* A colour name ("red", "brightblue", "color208", "default"), or -2. */
int		 config_color_value(const char *name);
void		 config_color_free(struct config_color *);

/* One row per key: generated help and the man page agree with this table. */
enum config_type {
	CONFIG_TYPE_STRING,
	CONFIG_TYPE_BOOL,
	CONFIG_TYPE_UINT,
	CONFIG_TYPE_TLS,
	CONFIG_TYPE_COMMAND,
	CONFIG_TYPE_PATH,
};
struct config_option {
	const char	*group;		/* "general" or "account" */
	const char	*name;
	enum config_type type;
	const char	*def;		/* default as text, NULL: none */
	guint64		 min, max;	/* for UINT */
	const char	*help;
};
extern const struct config_option config_options[];

#endif

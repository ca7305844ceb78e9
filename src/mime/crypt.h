/*
 * crypt.h: OpenPGP (PGP/MIME, RFC 3156, and inline "traditional" PGP) and
 * S/MIME (RFC 8551) through GMime's GpgME contexts: verifying and
 * decrypting what a message holds, signing and encrypting what we send.
 * Part of the mime layer; depends on util and GMime (through mime.h).
 *
 * Nothing here prints, prompts or touches curses. gpg and gpgsm run with
 * the environment's GNUPGHOME; a passphrase is asked by gpg-agent's
 * pinentry, never by us, so a caller that holds the terminal must give it
 * up around a call that may decrypt (crypt_message_kinds() says when).
 *
 * Decrypted content lives only in memory (GMime memory streams owned by
 * the struct crypt_state); nothing here writes it to a file.
 */
#ifndef SATCHEL_CRYPT_H
#define SATCHEL_CRYPT_H

#include <glib.h>

#include "mime/mime.h"

enum crypt_status {
	CRYPT_OK = 0,
	CRYPT_ERR_INVALID,	/* NULL message, bad argument */
	CRYPT_ERR_NO_KEY,	/* a recipient or the signer has no usable key */
	CRYPT_ERR_ENGINE,	/* gpg/gpgsm failed (GError says why) */
};
/* Static English text, translated by the caller. Never NULL. */
const char	*crypt_strerror(enum crypt_status);

/* What a message claims to hold, from its structure alone (no gpg run). */
enum crypt_kind {
	CRYPT_SIGNED = 1 << 0,
	CRYPT_ENCRYPTED = 1 << 1,
};
/* enum crypt_kind bits of msg (NULL: 0). Cheap: no gpg is run. */
unsigned	 crypt_message_kinds(GMimeMessage *msg);

/* The verdict on one signature. */
enum crypt_sig_status {
	CRYPT_SIG_GOOD,		/* valid signature by a known, usable key */
	CRYPT_SIG_BAD,		/* the signed data was changed */
	CRYPT_SIG_UNKNOWN_KEY,	/* the key is not in the keyring */
	CRYPT_SIG_EXPIRED,	/* the key or the signature expired */
	CRYPT_SIG_REVOKED,	/* the key was revoked */
	CRYPT_SIG_ERROR,	/* could not be checked at all */
};

struct crypt_sig {
	enum crypt_sig_status	 status;
	char			*email;		/* signer's address, NULL if unknown */
	char			*name;		/* signer's name, NULL if unknown */
	char			*key_id;	/* NULL if unknown */
	char			*fingerprint;	/* NULL if unknown */
	gboolean		 from_match;	/* email is an address in From */
	gboolean		 certified;	/* the key is valid (signed by a trusted key) */
	gint64			 created;	/* seconds since the epoch, 0 unknown */
};

enum crypt_protocol {
	CRYPT_PGP_MIME,
	CRYPT_PGP_INLINE,
	CRYPT_SMIME,
};

/*
 * One protected object of the message: a multipart/signed, a
 * multipart/encrypted, an application/pkcs7-mime part, or a text part
 * holding an inline PGP block. Strings are UTF-8 but not sanitised.
 */
struct crypt_region {
	GMimeObject		*object;	/* the object in the message (borrowed) */
	/*
	 * What to show in the object's place: the signed content (borrowed
	 * from the message), the decrypted or verified entity (owned by the
	 * state), or NULL when it could not be decrypted.
	 */
	GMimeObject		*content;
	enum crypt_protocol	 protocol;
	unsigned		 kinds;		/* enum crypt_kind */
	gboolean		 decrypted;	/* CRYPT_ENCRYPTED and content is the plaintext */
	gboolean		 owns_content;	/* content is freed with the state */
	GPtrArray		*sigs;		/* struct crypt_sig *; empty when none */
	char			*error;		/* why decrypting/verifying failed, else NULL */
	/* Inline PGP: clear text before and after the block (may be NULL). */
	char			*before;
	char			*after;
};

struct crypt_state {
	GHashTable	*regions;	/* GMimeObject * -> struct crypt_region * */
	unsigned	 kinds;		/* enum crypt_kind of every region */
	/*
	 * Content outside every region sits next to protected content (the
	 * EFAIL shapes: a signed part beside a clear one).
	 */
	gboolean	 partial;
};

enum crypt_flags {
	CRYPT_DECRYPT = 1 << 0,	/* decrypt (else encrypted regions stay closed) */
};

/*
 * Verify every signature of msg and, with CRYPT_DECRYPT, decrypt every
 * encrypted part, descending into decrypted content (depth and count
 * capped as rendering is). Failures are recorded per region (error,
 * CRYPT_SIG_ERROR), never fatal. NULL only when msg is NULL. Free with
 * crypt_state_free().
 */
struct crypt_state	*crypt_state_new(GMimeMessage *msg, unsigned flags);
void			 crypt_state_free(struct crypt_state *);
/* The region for obj, or NULL. st may be NULL. */
const struct crypt_region *crypt_state_lookup(const struct crypt_state *st,
			    GMimeObject *obj);

/*
 * The plain text of an encrypted message for the search index: the text
 * parts of the decrypted content, capped at max bytes. NULL when nothing
 * could be decrypted. Caller g_free()s.
 */
char			*crypt_message_text(GMimeMessage *msg, size_t max);

enum crypt_protect_flags {
	CRYPT_PROTECT_SIGN = 1 << 0,
	CRYPT_PROTECT_ENCRYPT = 1 << 1,
	CRYPT_PROTECT_SMIME = 1 << 2,	/* S/MIME (gpgsm) instead of OpenPGP */
};

/*
 * Replace msg's body by its signed and/or encrypted form (PGP/MIME or
 * S/MIME), in place. signer is the From address (the key is found by it);
 * recipients are the addresses of To, Cc and Bcc, plus the signer
 * (encrypt-to-self). The Subject is copied into the protected part
 * (protected headers). When a recipient has no usable key, nothing is
 * changed, CRYPT_ERR_NO_KEY is returned and *missing (when not NULL) is a
 * NULL-terminated list of those addresses (g_strfreev). Other failures:
 * CRYPT_ERR_ENGINE with error set, msg unchanged.
 */
enum crypt_status	 crypt_message_protect(GMimeMessage *msg, unsigned flags,
			    char ***missing, GError **error);

/*
 * Addresses of the recipients (or the signer) without a usable key for
 * encryption (signing) in the keyring. NULL-terminated, g_strfreev; empty
 * when all have one.
 */
char			**crypt_missing_keys(const char *const *addresses,
			    gboolean smime, gboolean secret);

#endif

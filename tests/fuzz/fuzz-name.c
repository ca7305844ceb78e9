/*
 * fuzz-name.c: Maildir file names (src/store/store-name.c).
 *
 * Input: up to three strings separated by NUL bytes: a file name as found
 * in a Maildir (another program's, or a hostile one), then an account name
 * and a UIDL as a POP3 server and a configuration may give them.
 *
 * Properties checked:
 * - any name parses; the base has no ':' and no '/'; setting the flags the
 *   name had gives a name that parses to the same base, origin and flags,
 *   and setting flags twice is the same as once;
 * - store_name_build() of any valid origin (account: UTF-8 without '/'
 *   or control characters; UIDL: 1-70 printable ASCII, as the fetch
 *   accepts) either refuses (too long) or builds a name without '/', ':' or
 *   control characters, under 255 bytes with its info suffix, that parses
 *   back to exactly that account, UIDL and partial flag.
 */
#include "satchel-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "store/store-private.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_UNIQUE	"1700000000.M123456P789Q1R0123abcd.host"

static void
fuzz_die(const char *what, const char *name)
{
	fprintf(stderr, "fuzz-name: %s: \"%s\"\n", what, name);
	abort();
}

static gboolean
fuzz_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Parse a name found on disk; check what a rename with its flags keeps. */
static void
fuzz_parse(const char *name)
{
	g_autofree char	*base = NULL, *account = NULL, *uidl = NULL;
	g_autofree char	*base2 = NULL, *account2 = NULL, *uidl2 = NULL;
	g_autofree char	*renamed = NULL, *again = NULL;
	unsigned	 flags = 0, flags2 = 0;

	store_name_parse(name, &base, &account, &uidl, &flags);
	if (base == NULL || strchr(base, ':') != NULL)
		fuzz_die("base keeps the info suffix", name);
	if ((account == NULL) != (uidl == NULL))
		fuzz_die("half an origin", name);
	if (account != NULL && (!g_utf8_validate(account, -1, NULL) ||
	    !g_utf8_validate(uidl, -1, NULL) || *account == '\0' ||
	    *uidl == '\0'))
		fuzz_die("origin is empty or not UTF-8", name);
	/* Parsing without the optional outputs must not crash either. */
	store_name_parse(name, NULL, NULL, NULL, NULL);

	renamed = store_name_with_flags(name, flags & STORE_MAILDIR_FLAGS);
	store_name_parse(renamed, &base2, &account2, &uidl2, &flags2);
	if (strcmp(base, base2) != 0 || !fuzz_same(account, account2) ||
	    !fuzz_same(uidl, uidl2))
		fuzz_die("setting flags changed the base or origin", name);
	if ((flags & STORE_MAILDIR_FLAGS) != (flags2 & STORE_MAILDIR_FLAGS))
		fuzz_die("flags do not survive a rename", name);
	again = store_name_with_flags(renamed, flags & STORE_MAILDIR_FLAGS);
	if (strcmp(again, renamed) != 0)
		fuzz_die("setting the same flags twice changed the name", name);
	{
		g_autofree char *all = store_name_with_flags(name,
		    STORE_MAILDIR_FLAGS);
		g_autofree char *none = store_name_with_flags(all, 0);
		unsigned f = 0;

		store_name_parse(all, NULL, NULL, NULL, &f);
		if ((f & STORE_MAILDIR_FLAGS) != STORE_MAILDIR_FLAGS)
			fuzz_die("not every flag set", name);
		store_name_parse(none, NULL, NULL, NULL, &f);
		if ((f & STORE_MAILDIR_FLAGS) != 0)
			fuzz_die("a flag survived clearing", name);
	}
}

static gboolean
fuzz_uidl_ok(const char *u)
{
	size_t n = strlen(u), i;

	if (n < 1 || n > 70)
		return FALSE;
	for (i = 0; i < n; i++)
		if (u[i] < 0x21 || u[i] > 0x7e)
			return FALSE;
	return TRUE;
}

static gboolean
fuzz_account_ok(const char *a)
{
	const char *p;

	if (*a == '\0' || !g_utf8_validate(a, -1, NULL))
		return FALSE;
	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/')
			return FALSE;
	return TRUE;
}

/* Build a name from an origin; it must read back the same. */
static void
fuzz_build(const char *account, const char *uidl, gboolean partial)
{
	g_autofree char	*name = NULL, *full = NULL;
	g_autofree char	*base = NULL, *a = NULL, *u = NULL;
	unsigned	 flags = 0;
	const char	*p;

	name = store_name_build(FUZZ_UNIQUE, account, uidl, partial);
	if (name == NULL)
		return;		/* too long: the caller stores no origin */
	for (p = name; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || (unsigned char)*p < 0x20 ||
		    (unsigned char)*p >= 0x7f)
			fuzz_die("built name has an unsafe byte", name);
	full = store_name_with_flags(name, STORE_MAILDIR_FLAGS);
	if (strlen(full) >= 255)
		fuzz_die("built name is too long for a file system", name);
	store_name_parse(full, &base, &a, &u, &flags);
	if (strcmp(base, name) != 0)
		fuzz_die("base does not read back", name);
	if (!fuzz_same(a, account) || !fuzz_same(u, uidl))
		fuzz_die("origin does not read back", name);
	if (((flags & STORE_FLAG_PARTIAL) != 0) != partial)
		fuzz_die("partial flag does not read back", name);
	if ((flags & STORE_MAILDIR_FLAGS) != STORE_MAILDIR_FLAGS)
		fuzz_die("flags do not read back", name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char	*copy = g_strndup((const char *)data, size);
	const char	*end = copy + size;
	const char	*name, *account = NULL, *uidl = NULL;

	/* g_strndup stops at the first NUL: walk the pieces by hand. */
	memcpy(copy, data, size);
	name = copy;
	if (name + strlen(name) < end)
		account = name + strlen(name) + 1;
	if (account != NULL && account + strlen(account) < end)
		uidl = account + strlen(account) + 1;

	fuzz_parse(name);
	if (account != NULL)
		fuzz_parse(account);
	if (account != NULL && uidl != NULL && fuzz_account_ok(account) &&
	    fuzz_uidl_ok(uidl)) {
		fuzz_build(account, uidl, FALSE);
		fuzz_build(account, uidl, TRUE);
	}
	return 0;
}

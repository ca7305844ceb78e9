/*
 * store-pattern.h: mutt's patterns (~f alice, ~d <1w, !~N ...) translated
 * into the search language of satchel(1), so that limit and search mean
 * what a mutt user means. Part of the store module; depends on util only.
 *
 *	~f X  from:X		~s X  subject:X		~t X  to:X
 *	~c X  cc:X		~C X  to:X (to or cc)	~b X  body:X
 *	~B X  X (anywhere)	~L X  (from:X OR to:X)	~i X  id:X
 *	~e X  from:X		~d D  date:...		~r D  date:...
 *	~N ~U ~O  is:unread	~R  is:read		~F  is:flagged
 *	~D  is:trashed		~Q  is:replied		~g  is:signed
 *	~G  is:encrypted	~A  every message	!  NOT
 *	|  OR			( )  grouping
 *
 * A date D is mutt's: <Nu (younger than), >Nu (older than), =Nu (exactly
 * N units ago), u one of y m w d H; or DD[/MM[/YY[YY]]], a range of them
 * A-B, A- (from A on), -B (up to B). A query that is only "all" (mutt's
 * limit shortcut) is every message. Terms that do not start with ~ are
 * the search language already and are kept as they are.
 */
#ifndef SATCHEL_STORE_PATTERN_H
#define SATCHEL_STORE_PATTERN_H

#include <glib.h>

/*
 * TRUE if query holds a mutt pattern (a term starting with ~, or the
 * whole query is "all"): only then is it worth translating.
 */
gboolean	 store_pattern_is_mutt(const char *query);
/*
 * The query in the search language; "" for every message. NULL with *err
 * set (domain store_query_error_quark()) for a pattern satchel does not
 * know or a bad date; the message is for people. g_free.
 */
char		*store_pattern_translate(const char *query, GError **err);

#endif

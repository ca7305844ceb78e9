/* log.c: leveled logging into a sink chosen by the front end. */
#include "satchel-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/util.h"

static log_sink_fn	log_sink;
static void		*log_sink_data;
static int		log_level = -1;

static void	log_vmsg(enum log_level, const char *, va_list) G_GNUC_PRINTF(2, 0);

void
log_set_sink(log_sink_fn fn, void *data)
{
	log_sink = fn;
	log_sink_data = data;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

static void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char	*msg, *safe;

	if (log_level < 0) {
		const char *e = getenv("SATCHEL_DEBUG");
		log_level = (e != NULL && *e != '\0' && *e != '0') ?
		    LOG_LEVEL_DEBUG : LOG_LEVEL_WARN;
	}
	if ((int)level < log_level)
		return;
	msg = g_strdup_vprintf(fmt, ap);
	/* Log lines may quote server or mail text: never emit it raw. */
	safe = sanitize_text(msg, -1, 0);
	g_free(msg);
	if (log_sink != NULL)
		log_sink(level, safe, log_sink_data);
	else
		fprintf(stderr, "satchel: %s\n", safe);
	g_free(safe);
}

#define LOG_FN(name, lvl)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	log_vmsg(lvl, fmt, ap);				\
	va_end(ap);					\
}
LOG_FN(log_debug, LOG_LEVEL_DEBUG)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_error, LOG_LEVEL_ERROR)

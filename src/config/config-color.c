/*
 * config-color.c: the [colors] group. Each line names one of mutt's
 * objects and gives attributes and colours with mutt's names:
 *
 *	indicator = black cyan
 *	quoted1 = bold brightgreen default
 *	status = color231 color24
 *
 * A line that cannot be understood is left out with a warning (in
 * struct config's warnings); it never stops satchel, since a colour is
 * not worth refusing to read mail over.
 */
#include "satchel-config.h"

#include <string.h>

#include "config/config.h"
#include "util/util.h"

const char *const config_color_objects[] = {
	"normal", "indicator", "status", "tree", "header", "hdrdefault",
	"quoted0", "quoted1", "quoted2", "quoted3", "quoted4", "quoted5",
	"quoted6", "quoted7", "quoted8", "quoted9", "signature", "attachment",
	"error", "message", "search", "tagged", "index_new", "index_flagged",
	"index_deleted",
	NULL,
};

static const char *const config_color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char	*name;
	unsigned	 attr;
} config_color_attrs[] = {
	{ "bold", CONFIG_COLOR_BOLD },
	{ "underline", CONFIG_COLOR_UNDERLINE },
	{ "reverse", CONFIG_COLOR_REVERSE },
	{ "blink", CONFIG_COLOR_BLINK },
	{ "dim", CONFIG_COLOR_DIM },
	{ "standout", CONFIG_COLOR_STANDOUT },
	{ "none", CONFIG_COLOR_NONE },
	{ "normal", CONFIG_COLOR_NONE },
};

static GQuark
config_color_quark(void)
{
	return g_quark_from_static_string("satchel-config-color");
}

int
config_color_value(const char *name)
{
	const char	*p = name;
	int		 base = 0;
	size_t		 i;

	if (name == NULL)
		return -2;
	if (g_ascii_strcasecmp(name, "default") == 0)
		return CONFIG_COLOR_DEFAULT;
	if (g_ascii_strncasecmp(name, "color", 5) == 0) {
		const char *d = name + 5;
		guint64 n;
		char *end;

		if (*d == '\0' || strlen(d) > 3 || !g_ascii_isdigit(*d))
			return -2;
		n = g_ascii_strtoull(d, &end, 10);
		if (*end != '\0' || n > 255)
			return -2;
		return (int)n;
	}
	if (g_ascii_strncasecmp(name, "bright", 6) == 0) {
		p = name + 6;
		base = 8;
	}
	for (i = 0; i < G_N_ELEMENTS(config_color_names); i++)
		if (g_ascii_strcasecmp(p, config_color_names[i]) == 0)
			return base + (int)i;
	return -2;
}

/* The object's canonical name, or NULL when [colors] does not know it. */
static const char *
config_color_object(const char *object)
{
	size_t	i;

	if (g_ascii_strcasecmp(object, "quoted") == 0)
		return "quoted0";
	for (i = 0; config_color_objects[i] != NULL; i++)
		if (g_ascii_strcasecmp(object, config_color_objects[i]) == 0)
			return config_color_objects[i];
	return NULL;
}

gboolean
config_color_parse(const char *object, const char *value,
    struct config_color *out, GError **err)
{
	g_auto(GStrv)	 words = NULL;
	const char	*canon;
	int		 colors[2] = { CONFIG_COLOR_DEFAULT,
			    CONFIG_COLOR_DEFAULT };
	int		 ncolors = 0, c;
	unsigned	 attrs = 0;
	size_t		 i, j;
	gboolean	 found;

	if ((canon = config_color_object(object)) == NULL) {
		g_set_error(err, config_color_quark(), 0,
		    _("[colors] %s: unknown object"), object);
		return FALSE;
	}
	words = g_strsplit_set(value != NULL ? value : "", " \t", -1);
	for (i = 0; words[i] != NULL; i++) {
		if (*words[i] == '\0')
			continue;
		if (ncolors == 0) {
			found = FALSE;
			for (j = 0; j < G_N_ELEMENTS(config_color_attrs); j++)
				if (g_ascii_strcasecmp(words[i],
				    config_color_attrs[j].name) == 0) {
					attrs |= config_color_attrs[j].attr;
					found = TRUE;
				}
			if (found)
				continue;
		}
		if ((c = config_color_value(words[i])) == -2) {
			g_set_error(err, config_color_quark(), 0,
			    _("[colors] %s: unknown colour or attribute "
			    "'%s'"), object, words[i]);
			return FALSE;
		}
		if (ncolors == 2) {
			g_set_error(err, config_color_quark(), 0,
			    _("[colors] %s: more than a foreground and a "
			    "background colour"), object);
			return FALSE;
		}
		colors[ncolors++] = c;
	}
	if (ncolors == 0 && attrs == 0) {
		g_set_error(err, config_color_quark(), 0,
		    _("[colors] %s: no colour given"), object);
		return FALSE;
	}
	out->object = g_strdup(canon);
	out->fg = colors[0];
	out->bg = colors[1];
	out->attrs = attrs;
	return TRUE;
}

void
config_color_free(struct config_color *c)
{
	if (c == NULL)
		return;
	g_free(c->object);
	g_free(c);
}

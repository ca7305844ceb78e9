/* path.c: where satchel keeps its files (XDG base directories). */
#include "satchel-config.h"

#include <string.h>

#include "util/util.h"

char *
path_config_file(void)
{
	return g_build_filename(g_get_user_config_dir(), "satchel", "config",
	    NULL);
}

char *
path_data_dir(void)
{
	return g_build_filename(g_get_user_data_dir(), "satchel", NULL);
}

char *
path_expand(const char *path)
{
	const char *home;

	if (path == NULL)
		return NULL;
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		home = g_getenv("HOME");
		if (home == NULL)
			home = g_get_home_dir();
		return g_strconcat(home, path + 1, NULL);
	}
	return g_strdup(path);
}

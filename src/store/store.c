/* store.c: placeholder until the store lands. */
#include "config.h"
#include "store/store.h"
const char *store_strerror(enum store_status s) { return "store not built"; }
const char *store_errmsg(struct store *st) { return "store not built"; }
enum store_status store_open(const char *d, unsigned f, struct store **o) { *o = NULL; return STORE_ERR_IO; }
void store_close(struct store *st) { }

#!/bin/sh
# t0008-store-floor: the store's floor files (store-db.c, store-folder.c,
# store-tx.c, store.c) call only their own floor or those below it, never
# up into delivery, items, reindex or the like (tools/check-store-floor.sh;
# store-tx.c's calls to run a batch's deferred work excepted by name). A
# fake store shows that each case is caught, so the check on the real tree
# cannot pass by reading nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
t_init
t_plan 9

check=$top_srcdir/tools/check-store-floor.sh

t_ok "no floor file of src/store/ calls up" sh "$check" "$top_srcdir"

# fake_fn FILE NAME [CALLEE...]: a function of the sources' style in
# src/store/FILE of the fake tree, calling each CALLEE.
fake_fn() {
	f=$T_TMP/fake/src/store/$1
	name=$2
	shift 2
	mkdir -p "$(dirname "$f")"
	{
		printf 'static int\n%s(struct store *st)\n{\n' "$name"
		for c in "$@"; do
			printf '\t%s(st);\n' "$c"
		done
		printf '\treturn 0;\n}\n\n'
	} >>"$f"
}

# A fake store whose floors call down only, and a file above them.
fake_store() {
	rm -rf "$T_TMP/fake"
	fake_fn store-db.c store_exec sqlite3_exec
	fake_fn store-db.c store_sql_error store_exec g_strdup
	fake_fn store-folder.c store_folder_id store_exec log_debug
	fake_fn store-tx.c store_tx_commit store_folder_id store_exec \
	    store_delivery_drain store_item_thread_refresh
	fake_fn store.c store_close store_tx_commit store_folder_id
	fake_fn store-delivery.c store_delivery_drain store_tx_commit
	fake_fn store-item.c store_item_thread_refresh store_exec
	fake_fn store-reindex.c store_reindex store_close
}

run_check() {
	{ sh "$check" "$T_TMP/fake" 2>&1; echo "rc=$?"; } | tr '\n' ' '
}

fake_store
t_ok "calls down, and store-tx.c's deferred work, pass" sh "$check" \
    "$T_TMP/fake"

fake_store
fake_fn store.c store_open store_reindex
t_like "store.c calling reindex fails, named with its file and line" \
    "$(run_check)" \
    'src/store/store.c:[0-9]*: calls store_reindex of store-reindex.c \(not a floor\), above floor 3 rc=1'

fake_store
fake_fn store-db.c store_migrate store_folder_id
t_like "floor 0 calling floor 1 fails" "$(run_check)" \
    'store-db.c:[0-9]*: calls store_folder_id of store-folder.c \(floor 1\), above floor 0 rc=1'

fake_store
fake_fn store-folder.c store_folder_create store_tx_commit
t_like "floor 1 calling floor 2 fails" "$(run_check)" \
    'calls store_tx_commit of store-tx.c \(floor 2\), above floor 1 rc=1'

fake_store
fake_fn store-tx.c store_tx_rollback store_reindex
t_like "store-tx.c may call only the named deferred work" "$(run_check)" \
    'store-tx.c:[0-9]*: calls store_reindex of store-reindex.c'

fake_store
fake_fn store-folder.c store_folder_sweep store_delivery_drain
t_like "the exception is store-tx.c's only" "$(run_check)" \
    'store-folder.c:[0-9]*: calls store_delivery_drain of store-delivery.c'

fake_store
printf '/* store_reindex(st) */\nstatic const char s[] = "store_reindex(";\n' \
    >>"$T_TMP/fake/src/store/store.c"
t_ok "comments and strings are not calls" sh "$check" "$T_TMP/fake"

fake_store
printf 'static void\nstore_hook(void)\n{\n\tg_idle_add(store_reindex, NULL);\n}\n' \
    >>"$T_TMP/fake/src/store/store.c"
t_like "taking an upper function's address counts" "$(run_check)" \
    'store.c:[0-9]*: calls store_reindex of store-reindex.c'
t_done

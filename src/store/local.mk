## store: depends on util, mime. The only module that includes sqlite3.h.
noinst_LIBRARIES += src/store/libstore.a
STORE_QUEUE_SOURCES =
include src/store/queue.mk
src_store_libstore_a_SOURCES = src/store/store.h src/store/store.c \
	$(STORE_QUEUE_SOURCES)

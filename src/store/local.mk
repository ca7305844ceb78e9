## store: depends on util, mime. The only module that includes sqlite3.h.
noinst_LIBRARIES += src/store/libstore.a
src_store_libstore_a_SOURCES = src/store/store.h src/store/store-private.h \
	src/store/store-db.c src/store/store-folder.c src/store/store-tx.c \
	src/store/store.c src/store/store-name.c src/store/store-item.c \
	src/store/store-delivery.c src/store/store-msg.c \
	src/store/store-uidl.c src/store/store-sidefile.c \
	src/store/store-query.c \
	src/store/store-thread.c src/store/store-reader.c \
	src/store/store-reindex.c src/store/store-import.c \
	src/store/store-pattern.h src/store/store-pattern.c \
	src/store/store-addr.h src/store/store-addr.c \
	src/store/store-queue.h src/store/store-queue.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-store
TESTS += tests/unit/test-store
tests_unit_test_store_SOURCES = tests/unit/test-store.c
tests_unit_test_store_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_store_LDADD = src/store/libstore.a src/mime/libmime.a \
	src/util/libutil.a $(CMOCKA_LIBS) $(SQLITE_LIBS) $(GMIME_LIBS) \
	$(GLIB_LIBS) $(LTLIBINTL) -lpthread

check_PROGRAMS += tests/unit/test-store-queue
TESTS += tests/unit/test-store-queue
tests_unit_test_store_queue_SOURCES = tests/unit/test-store-queue.c
tests_unit_test_store_queue_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_store_queue_LDADD = src/store/libstore.a \
	src/mime/libmime.a src/util/libutil.a $(CMOCKA_LIBS) $(SQLITE_LIBS) \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread
endif

STORE_FUNC_TESTS = tests/func/t1000-store-import.sh \
	tests/func/t1010-store-crash.sh tests/func/t1020-store-enospc.sh \
	tests/func/t1030-store-reindex.sh tests/func/t1040-store-concurrent.sh \
	tests/func/t1041-store-queue-rebuild.sh tests/func/t1042-store-busy.sh \
	tests/func/t1043-store-import-special.sh \
	tests/func/t1044-store-tmp.sh \
	tests/func/t1050-store-reindex-full.sh \
	tests/func/t1045-store-import-mbox.sh \
	tests/func/t1051-store-full-read.sh \
	tests/func/t1052-store-full-batch.sh \
	tests/func/t1053-store-search-front.sh \
	tests/func/t1060-store-crypt-search.sh \
	tests/func/t1070-store-terms.sh \
	tests/func/t1071-store-bulk.sh
TESTS += $(STORE_FUNC_TESTS)
EXTRA_DIST += $(STORE_FUNC_TESTS)

# The mime summary (mime.c) is the store's: its unit test lives here.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-mime
TESTS += tests/unit/test-mime
tests_unit_test_mime_SOURCES = tests/unit/test-mime.c
tests_unit_test_mime_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mime_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

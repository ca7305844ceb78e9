## fuzz: libFuzzer harnesses (--enable-fuzzing) and hostile-input tests.
##
## Each harness source builds two ways. With --enable-fuzzing it links
## libFuzzer and tools/fuzz-run.sh runs it. Otherwise it links
## tests/fuzz/fuzz-main.c, which runs files given on the command line once,
## and t7000 replays every input under tests/fuzz/regress/NAME/ through
## tests/fuzz/fuzz-NAME, so `make check` keeps past crashes fixed.
if FUZZING
FUZZ_MAIN_SRC =
FUZZ_LINK = $(AM_LDFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer
else
FUZZ_MAIN_SRC = tests/fuzz/fuzz-main.c
FUZZ_LINK = $(AM_LDFLAGS)
endif

check_PROGRAMS += tests/fuzz/fuzz-sanitize tests/fuzz/fuzz-config \
	tests/fuzz/fuzz-mime tests/fuzz/fuzz-pop3 tests/fuzz/fuzz-query \
	tests/fuzz/fuzz-render tests/fuzz/fuzz-smtp tests/fuzz/fuzz-name \
	tests/fuzz/fuzz-import tests/fuzz/fuzz-thread tests/fuzz/fuzz-mailcap \
	tests/fuzz/fuzz-dsn tests/fuzz/fuzz-fetch tests/fuzz/fuzz-sidefiles \
	tests/fuzz/fuzz-compose

# The harnesses that work on a real store in a temporary directory.
FUZZ_STORE_SRC = tests/fuzz/scratch.c tests/fuzz/scratch.h
FUZZ_STORE_LIBS = src/store/libstore.a src/mime/libmime.a \
	src/util/libutil.a $(SQLITE_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) \
	$(LTLIBINTL) -lpthread -lm

tests_fuzz_fuzz_sanitize_SOURCES = tests/fuzz/fuzz-sanitize.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_sanitize_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_sanitize_LDADD = src/util/libutil.a $(GLIB_LIBS) $(LTLIBINTL)

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = src/config/libconfig.a src/util/libutil.a \
	$(GLIB_LIBS) $(LTLIBINTL)

tests_fuzz_fuzz_mime_SOURCES = tests/fuzz/fuzz-mime.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_mime_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_mime_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)

tests_fuzz_fuzz_compose_SOURCES = tests/fuzz/fuzz-compose.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_compose_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_compose_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)

tests_fuzz_fuzz_pop3_SOURCES = tests/fuzz/fuzz-pop3.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_pop3_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_pop3_LDADD = src/pop3/libpop3.a src/net/libnet.a \
	src/config/libconfig.a src/util/libutil.a $(ETPAN_LIBS) \
	$(GNUTLS_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread

tests_fuzz_fuzz_query_SOURCES = tests/fuzz/fuzz-query.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_query_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_query_LDADD = src/store/libstore.a src/mime/libmime.a \
	src/util/libutil.a $(SQLITE_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) \
	$(LTLIBINTL) -lpthread -lm

tests_fuzz_fuzz_render_SOURCES = tests/fuzz/fuzz-render.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_render_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_render_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)

tests_fuzz_fuzz_smtp_SOURCES = tests/fuzz/fuzz-smtp.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_smtp_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_smtp_LDADD = src/smtp/libsmtp.a src/net/libnet.a \
	src/store/libstore.a src/mime/libmime.a src/config/libconfig.a \
	src/util/libutil.a $(ETPAN_LIBS) $(GNUTLS_LIBS) $(SQLITE_LIBS) \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread -lm

tests_fuzz_fuzz_name_SOURCES = tests/fuzz/fuzz-name.c $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_name_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_name_LDADD = $(FUZZ_STORE_LIBS)

tests_fuzz_fuzz_import_SOURCES = tests/fuzz/fuzz-import.c $(FUZZ_STORE_SRC) \
	$(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_import_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_import_LDADD = $(FUZZ_STORE_LIBS)

tests_fuzz_fuzz_thread_SOURCES = tests/fuzz/fuzz-thread.c $(FUZZ_STORE_SRC) \
	$(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_thread_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_thread_LDADD = $(FUZZ_STORE_LIBS)

tests_fuzz_fuzz_mailcap_SOURCES = tests/fuzz/fuzz-mailcap.c \
	$(FUZZ_STORE_SRC) $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_mailcap_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_mailcap_LDADD = $(FUZZ_STORE_LIBS)

tests_fuzz_fuzz_dsn_SOURCES = tests/fuzz/fuzz-dsn.c $(FUZZ_STORE_SRC) \
	$(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_dsn_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_dsn_LDADD = src/smtp/libsmtp.a src/net/libnet.a \
	src/store/libstore.a src/mime/libmime.a src/config/libconfig.a \
	src/util/libutil.a $(ETPAN_LIBS) $(GNUTLS_LIBS) $(SQLITE_LIBS) \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread -lm

tests_fuzz_fuzz_fetch_SOURCES = tests/fuzz/fuzz-fetch.c $(FUZZ_STORE_SRC) \
	$(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_fetch_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_fetch_LDADD = src/pop3/libpop3.a src/net/libnet.a \
	src/store/libstore.a src/mime/libmime.a src/config/libconfig.a \
	src/util/libutil.a $(ETPAN_LIBS) $(GNUTLS_LIBS) $(SQLITE_LIBS) \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread -lm

tests_fuzz_fuzz_sidefiles_SOURCES = tests/fuzz/fuzz-sidefiles.c \
	$(FUZZ_STORE_SRC) $(FUZZ_MAIN_SRC)
tests_fuzz_fuzz_sidefiles_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_sidefiles_LDADD = $(FUZZ_STORE_LIBS)

TESTS += tests/func/t7000-hard-fuzz-regress.sh \
	tests/func/t7100-hard-mail-hostile.sh tests/func/t7110-hard-mail-huge.sh \
	tests/func/t7115-hard-reader-huge.sh \
	tests/func/t7120-hard-ui-hostile.sh tests/func/t7130-hard-ui-attach.sh \
	tests/func/t7140-hard-compose-inject.sh \
	tests/func/t7150-hard-borrowed-wipe.sh \
	tests/func/t7200-hard-pop3-hostile.sh tests/func/t7210-hard-smtp-hostile.sh \
	tests/func/t7300-hard-perms.sh
EXTRA_DIST += tests/fuzz/README tests/fuzz/regress tests/fuzz/seeds \
	tests/fuzz/config.dict tests/fuzz/mime.dict tests/fuzz/pop3.dict \
	tests/fuzz/query.dict tests/fuzz/smtp.dict tests/fuzz/import.dict \
	tests/fuzz/mailcap.dict tests/fuzz/dsn.dict \
	tests/fuzz/sidefiles.dict tests/fuzz/name.dict tests/fuzz/thread.dict \
	tests/func/t7000-hard-fuzz-regress.sh \
	tests/func/t7100-hard-mail-hostile.sh tests/func/t7110-hard-mail-huge.sh \
	tests/func/t7115-hard-reader-huge.sh \
	tests/func/t7120-hard-ui-hostile.sh tests/func/t7130-hard-ui-attach.sh \
	tests/func/t7140-hard-compose-inject.sh \
	tests/func/t7150-hard-borrowed-wipe.sh \
	tests/func/t7200-hard-pop3-hostile.sh tests/func/t7210-hard-smtp-hostile.sh \
	tests/func/t7300-hard-perms.sh tools/fuzz-run.sh \
	tools/valgrind-check.sh tests/valgrind.supp

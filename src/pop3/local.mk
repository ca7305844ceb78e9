## pop3: one POP3 session (pop3-session.c) and the fetch policy (pop3-fetch.c).
## Depends on util, net, config, store; with net and smtp the only libetpan user.
noinst_LIBRARIES += src/pop3/libpop3.a
src_pop3_libpop3_a_SOURCES = src/pop3/pop3.h src/pop3/pop3-session.h \
	src/pop3/pop3.c src/pop3/pop3-session.c src/pop3/pop3-fetch.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-pop3
TESTS += tests/unit/test-pop3
tests_unit_test_pop3_SOURCES = tests/unit/test-pop3.c
tests_unit_test_pop3_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_pop3_LDADD = src/pop3/libpop3.a src/net/libnet.a \
	src/config/libconfig.a src/util/libutil.a $(CMOCKA_LIBS) \
	$(ETPAN_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread
endif

TESTS += tests/func/t2000-fetch-dovecot.sh tests/func/t2001-fetch-faults.sh \
	tests/func/t2002-fetch-crash.sh tests/func/t2003-fetch-folder.sh \
	tests/func/t2004-fetch-pin-forms.sh tests/func/t2005-fetch-nouidl.sh
EXTRA_DIST += tests/func/t2000-fetch-dovecot.sh \
	tests/func/t2001-fetch-faults.sh tests/func/t2002-fetch-crash.sh \
	tests/func/t2003-fetch-folder.sh tests/func/t2004-fetch-pin-forms.sh \
	tests/func/t2005-fetch-nouidl.sh

TESTS += tests/func/t2010-fetch-interop.sh
EXTRA_DIST += tests/func/t2010-fetch-interop.sh
TESTS += tests/func/t2012-fetch-host-once.sh
EXTRA_DIST += tests/func/t2012-fetch-host-once.sh
TESTS += tests/func/t2006-fetch-full-disk.sh
EXTRA_DIST += tests/func/t2006-fetch-full-disk.sh

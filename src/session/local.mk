## session: what both front ends need (config, store, borrowed mode,
## credentials, fetch). Depends on every layer below; never on cli or ui.
noinst_LIBRARIES += src/session/libsession.a
src_session_libsession_a_SOURCES = src/session/session.h \
	src/session/session.c src/session/session-borrowed.c \
	src/session/session-secret.c src/session/session-fetch.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-session
TESTS += tests/unit/test-session
tests_unit_test_session_SOURCES = tests/unit/test-session.c
tests_unit_test_session_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_session_LDADD = src/session/libsession.a src/smtp/libsmtp.a \
	src/pop3/libpop3.a src/net/libnet.a src/store/libstore.a \
	src/mime/libmime.a src/config/libconfig.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(ETPAN_LIBS) $(GNUTLS_LIBS) $(SQLITE_LIBS) \
	$(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread -lm
endif

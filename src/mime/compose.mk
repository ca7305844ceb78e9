## compose: building messages, replies and forwards.
MIME_COMPOSE_SOURCES += src/mime/compose.h src/mime/compose.c \
	src/mime/compose-template.c src/mime/compose-resent.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-compose
TESTS += tests/unit/test-compose
tests_unit_test_compose_SOURCES = tests/unit/test-compose.c
tests_unit_test_compose_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_compose_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

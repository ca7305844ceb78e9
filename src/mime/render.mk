## render: message -> safe terminal lines (owned by the render work).
MIME_RENDER_SOURCES += src/mime/render.h src/mime/render-private.h \
	src/mime/render.c src/mime/render-out.c src/mime/render-plain.c \
	src/mime/render-decode.c \
	src/mime/render-part.c src/mime/mailcap.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-render
TESTS += tests/unit/test-render
tests_unit_test_render_SOURCES = tests/unit/test-render.c
tests_unit_test_render_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_render_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-render-corpus
TESTS += tests/unit/test-render-corpus
tests_unit_test_render_corpus_SOURCES = tests/unit/test-render-corpus.c
tests_unit_test_render_corpus_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_render_corpus_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-mailcap
TESTS += tests/unit/test-mailcap
tests_unit_test_mailcap_SOURCES = tests/unit/test-mailcap.c
tests_unit_test_mailcap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mailcap_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

## mime: depends on util. Parsing (mime.c), rendering (render*.c, owned by
## render.mk) and building messages (compose*.c, owned by compose.mk).
noinst_LIBRARIES += src/mime/libmime.a
MIME_RENDER_SOURCES =
MIME_COMPOSE_SOURCES =
include src/mime/render.mk
include src/mime/compose.mk
src_mime_libmime_a_SOURCES = src/mime/mime.h src/mime/mime.c \
	src/mime/html.h src/mime/html.c \
	src/mime/crypt.h src/mime/crypt.c \
	$(MIME_RENDER_SOURCES) $(MIME_COMPOSE_SOURCES)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-crypt
TESTS += tests/unit/test-crypt
tests_unit_test_crypt_SOURCES = tests/unit/test-crypt.c
tests_unit_test_crypt_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_crypt_LDADD = src/mime/libmime.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

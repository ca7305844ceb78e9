## util: libc + GLib only.
noinst_LIBRARIES += src/util/libutil.a
src_util_libutil_a_SOURCES = src/util/util.h src/util/gettext.h \
	src/util/log.c src/util/file.c src/util/path.c src/util/sanitize.c \
	src/util/time.c src/util/netwatch.c src/util/netwatch.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-util
TESTS += tests/unit/test-util
tests_unit_test_util_SOURCES = tests/unit/test-util.c
tests_unit_test_util_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_util_LDADD = src/util/libutil.a $(CMOCKA_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

## config: depends on util.
noinst_LIBRARIES += src/config/libconfig.a
src_config_libconfig_a_SOURCES = src/config/config.h src/config/config.c \
	src/config/config-table.c src/config/config-color.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-config
TESTS += tests/unit/test-config
tests_unit_test_config_SOURCES = tests/unit/test-config.c
tests_unit_test_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_config_LDADD = src/config/libconfig.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(GLIB_LIBS) $(LTLIBINTL)
endif

## net: TCP connect with timeout, TLS verification, the SASL encodings POP3
## and SMTP share. Depends on util.
noinst_LIBRARIES += src/net/libnet.a
src_net_libnet_a_SOURCES = src/net/net.h src/net/net.c src/net/net-sasl.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-net
TESTS += tests/unit/test-net
tests_unit_test_net_SOURCES = tests/unit/test-net.c
tests_unit_test_net_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_net_LDADD = src/net/libnet.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(ETPAN_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS) \
	$(LTLIBINTL) -lpthread
endif

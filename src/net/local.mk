## net: the transport POP3 and SMTP share: the endpoint, one stream open
## and STARTTLS (net-stream.c), TCP connect and TLS verification (net.c),
## the SASL encodings (net-sasl.c). Depends on util only.
noinst_LIBRARIES += src/net/libnet.a
src_net_libnet_a_SOURCES = src/net/net.h src/net/net.c src/net/net-stream.c \
	src/net/net-sasl.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-net
TESTS += tests/unit/test-net
tests_unit_test_net_SOURCES = tests/unit/test-net.c
tests_unit_test_net_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_net_LDADD = src/net/libnet.a src/util/libutil.a \
	$(CMOCKA_LIBS) $(ETPAN_LIBS) $(GNUTLS_LIBS) $(GLIB_LIBS) \
	$(LTLIBINTL) -lpthread
endif

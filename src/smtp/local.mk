## smtp: submission sessions and the outbox. Depends on util, net, config,
## mime, store.
noinst_LIBRARIES += src/smtp/libsmtp.a
src_smtp_libsmtp_a_SOURCES = src/smtp/smtp.h src/smtp/smtp.c \
	src/smtp/smtp-session.c src/smtp/outbox.h src/smtp/outbox-private.h \
	src/smtp/outbox.c src/smtp/outbox-queue.c src/smtp/outbox-send.c \
	src/smtp/outbox-bounce.c src/smtp/outbox-retry.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-outbox
TESTS += tests/unit/test-outbox
tests_unit_test_outbox_SOURCES = tests/unit/test-outbox.c
tests_unit_test_outbox_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_outbox_LDADD = src/smtp/libsmtp.a src/net/libnet.a \
	src/store/libstore.a src/mime/libmime.a src/config/libconfig.a \
	src/util/libutil.a $(CMOCKA_LIBS) $(ETPAN_LIBS) $(GNUTLS_LIBS) \
	$(SQLITE_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread
endif

TESTS += tests/func/t3000-send-basic.sh tests/func/t3100-send-retry.sh \
	tests/func/t3200-send-fake.sh tests/func/t3300-send-bounce.sh \
	tests/func/t3210-send-crash.sh tests/func/t3211-send-auth.sh
EXTRA_DIST += tests/func/t3000-send-basic.sh tests/func/t3100-send-retry.sh \
	tests/func/t3200-send-fake.sh tests/func/t3300-send-bounce.sh \
	tests/func/t3210-send-crash.sh tests/func/t3211-send-auth.sh \
	tests/fake/smtp-fake.py

TESTS += tests/func/t3310-send-bounce-rcpts.sh
EXTRA_DIST += tests/func/t3310-send-bounce-rcpts.sh \
	tests/data/dsn/exim-two-rcpts.eml \
	tests/data/dsn/opensmtpd-no-diagnostic.eml
TESTS += tests/func/t3020-compose-text-charset.sh
EXTRA_DIST += tests/func/t3020-compose-text-charset.sh
TESTS += tests/func/t3320-send-postfix.sh
EXTRA_DIST += tests/func/t3320-send-postfix.sh

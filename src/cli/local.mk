## cli: subcommands, one file each. Depends on every layer but ui
## (session below it).
noinst_LIBRARIES += src/cli/libcli.a
src_cli_libcli_a_SOURCES = src/cli/cli.h src/cli/cli.c src/cli/cli-table.c \
	src/cli/cli-fetch.c src/cli/cli-send.c src/cli/cli-compose.c \
	src/cli/cli-search.c src/cli/cli-import.c src/cli/cli-reindex.c \
	src/cli/cli-queue.c src/cli/cli-sync.c src/cli/cli-sendmail.c

## Sending when the network returns: failure kinds, sync, sendmail.
CLI_NET_TESTS = tests/func/t3400-send-waits.sh tests/func/t3410-send-sync.sh \
	tests/func/t3420-send-netns.sh tests/func/t3430-send-sendmail.sh
TESTS += $(CLI_NET_TESTS)
EXTRA_DIST += $(CLI_NET_TESTS)

## satchel sync as a systemd user unit; satchel-sendmail, a link to satchel
## that behaves as sendmail (for git send-email --smtp-server and the like).
systemduserunitdir = $(prefix)/lib/systemd/user
systemduserunit_DATA = doc/satchel-sync.service
EXTRA_DIST += doc/satchel-sync.service.in
CLEANFILES += doc/satchel-sync.service
doc/satchel-sync.service: $(srcdir)/doc/satchel-sync.service.in Makefile
	$(MKDIR_P) doc
	sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/doc/satchel-sync.service.in >$@
install-exec-hook:
	cd $(DESTDIR)$(bindir) && rm -f satchel-sendmail && \
	    ln -s satchel satchel-sendmail
uninstall-hook:
	rm -f $(DESTDIR)$(bindir)/satchel-sendmail

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-outbox-wait
TESTS += tests/unit/test-outbox-wait
tests_unit_test_outbox_wait_SOURCES = tests/unit/test-outbox-wait.c
tests_unit_test_outbox_wait_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_outbox_wait_LDADD = src/smtp/libsmtp.a src/net/libnet.a \
	src/store/libstore.a src/mime/libmime.a src/config/libconfig.a \
	src/util/libutil.a $(CMOCKA_LIBS) $(ETPAN_LIBS) $(GNUTLS_LIBS) \
	$(SQLITE_LIBS) $(GMIME_LIBS) $(GLIB_LIBS) $(LTLIBINTL) -lpthread
endif

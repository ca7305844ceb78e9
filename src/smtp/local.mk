## smtp: submission sessions and the outbox. Depends on util, config, mime,
## store, net.
noinst_LIBRARIES += src/smtp/libsmtp.a
src_smtp_libsmtp_a_SOURCES = src/smtp/smtp.h src/smtp/smtp.c \
	src/smtp/smtp-session.c src/smtp/outbox.h src/smtp/outbox.c \
	src/smtp/outbox-retry.c

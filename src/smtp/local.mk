noinst_LIBRARIES += src/smtp/libsmtp.a
src_smtp_libsmtp_a_SOURCES = src/smtp/smtp.h src/smtp/smtp.c

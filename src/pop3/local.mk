noinst_LIBRARIES += src/pop3/libpop3.a
src_pop3_libpop3_a_SOURCES = src/pop3/pop3.h src/pop3/pop3.c

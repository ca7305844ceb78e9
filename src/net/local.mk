## net: TCP connect with timeout, TLS verification, the SASL encodings POP3
## and SMTP share. Depends on util.
noinst_LIBRARIES += src/net/libnet.a
src_net_libnet_a_SOURCES = src/net/net.h src/net/net.c src/net/net-sasl.c

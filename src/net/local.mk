## net: TCP connect with timeout, TLS verification. Depends on util.
noinst_LIBRARIES += src/net/libnet.a
src_net_libnet_a_SOURCES = src/net/net.h src/net/net.c

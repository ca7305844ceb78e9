/* net.h */
#ifndef SATCHEL_NET_H
#define SATCHEL_NET_H
#endif

/* pop3.h */
#ifndef SATCHEL_POP3_H
#define SATCHEL_POP3_H
#endif

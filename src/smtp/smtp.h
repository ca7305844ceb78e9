/* smtp.h */
#ifndef SATCHEL_SMTP_H
#define SATCHEL_SMTP_H
#endif

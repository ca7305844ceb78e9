#include "config.h"
#include "pop3/pop3.h"

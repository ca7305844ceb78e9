#include "config.h"
#include "smtp/smtp.h"

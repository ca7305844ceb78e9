#include "config.h"
#include "net/net.h"

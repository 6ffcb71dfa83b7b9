#ifndef FUNNELMARK_CCMARK_SHIM_H
#define FUNNELMARK_CCMARK_SHIM_H
#include <cmark.h>
#endif

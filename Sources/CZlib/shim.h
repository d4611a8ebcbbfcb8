#ifndef STEMMA_CZLIB_SHIM_H
#define STEMMA_CZLIB_SHIM_H

#include <zlib.h>

/* inflateInit2 is a macro that passes the library version and struct size; Swift cannot import it. */
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif

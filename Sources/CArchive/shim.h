#ifndef STEMMA_CARCHIVE_SHIM_H
#define STEMMA_CARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>

/* File-type macros carry a cast Swift cannot import; these return them as plain values. */

static inline unsigned int CArchive_AE_IFREG(void) { return (unsigned int)AE_IFREG; }
static inline unsigned int CArchive_AE_IFDIR(void) { return (unsigned int)AE_IFDIR; }
static inline unsigned int CArchive_AE_IFLNK(void) { return (unsigned int)AE_IFLNK; }

#endif

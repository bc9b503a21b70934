/* A minimal iconv for the Windows build: converts only between UTF-8,
 * UTF-16BE and UTF-16LE, which is all poppler-cpp asks of it
 * (cpp/poppler-global.cpp). Any other encoding makes iconv_open fail with
 * EINVAL. The interface and error codes follow POSIX iconv. */
#ifndef SIBERIUS_MINI_ICONV_H
#define SIBERIUS_MINI_ICONV_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct siberius_iconv *iconv_t;

/* Names are matched without regard to case; "UTF8" and "UTF16LE" style
 * spellings are accepted too. Returns (iconv_t)-1 and sets errno to EINVAL
 * for anything else. */
iconv_t iconv_open(const char *tocode, const char *fromcode);

/* Converts whole characters from *inbuf to *outbuf, advancing both. Returns
 * 0, or (size_t)-1 with errno E2BIG (output full), EILSEQ (invalid input;
 * *inbuf points at it) or EINVAL (input ends inside a character). A call
 * with inbuf == NULL resets the (empty) state and returns 0. No byte order
 * mark is read or written: the byte order is in the encoding's name. */
size_t iconv(iconv_t cd, char **inbuf, size_t *inbytesleft, char **outbuf, size_t *outbytesleft);

int iconv_close(iconv_t cd);

#ifdef __cplusplus
}
#endif

#endif

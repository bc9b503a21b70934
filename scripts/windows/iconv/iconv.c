/* See iconv.h: UTF-8 <-> UTF-16BE/LE only. Every conversion goes through a
 * Unicode scalar value, so invalid input (overlong UTF-8, lone surrogates,
 * values past U+10FFFF) is rejected the same way in both directions. */
#include "iconv.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

enum encoding { ENC_UTF8, ENC_UTF16BE, ENC_UTF16LE };

struct siberius_iconv {
  enum encoding from, to;
};

/* Outcome of reading one character. */
enum decode_result { DECODED, TRUNCATED, INVALID };

static int same_name(const char *a, const char *b) {
  for (; *a && *b; ++a, ++b) {
    char ca = (*a >= 'a' && *a <= 'z') ? (char)(*a - 'a' + 'A') : *a;
    if (ca != *b) return 0;
  }
  return *a == *b;
}

static int parse_encoding(const char *name, enum encoding *out) {
  if (!name) return 0;
  if (same_name(name, "UTF-8") || same_name(name, "UTF8")) {
    *out = ENC_UTF8;
  } else if (same_name(name, "UTF-16BE") || same_name(name, "UTF16BE")) {
    *out = ENC_UTF16BE;
  } else if (same_name(name, "UTF-16LE") || same_name(name, "UTF16LE")) {
    *out = ENC_UTF16LE;
  } else {
    return 0;
  }
  return 1;
}

static enum decode_result decode_utf8(const unsigned char *s, size_t n, uint32_t *cp, size_t *used) {
  size_t len, i;
  uint32_t c, min;
  if (s[0] < 0x80) {
    *cp = s[0];
    *used = 1;
    return DECODED;
  }
  if ((s[0] & 0xE0) == 0xC0) {
    len = 2, c = s[0] & 0x1F, min = 0x80;
  } else if ((s[0] & 0xF0) == 0xE0) {
    len = 3, c = s[0] & 0x0F, min = 0x800;
  } else if ((s[0] & 0xF8) == 0xF0) {
    len = 4, c = s[0] & 0x07, min = 0x10000;
  } else {
    return INVALID;
  }
  for (i = 1; i < len; ++i) {
    if (i >= n) return TRUNCATED;
    if ((s[i] & 0xC0) != 0x80) return INVALID;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return INVALID;
  *cp = c;
  *used = len;
  return DECODED;
}

static uint32_t read_unit(const unsigned char *s, int big_endian) {
  return big_endian ? (uint32_t)((s[0] << 8) | s[1]) : (uint32_t)((s[1] << 8) | s[0]);
}

static enum decode_result decode_utf16(const unsigned char *s, size_t n, int big_endian, uint32_t *cp,
                                       size_t *used) {
  uint32_t hi, lo;
  if (n < 2) return TRUNCATED;
  hi = read_unit(s, big_endian);
  if (hi < 0xD800 || hi > 0xDFFF) {
    *cp = hi;
    *used = 2;
    return DECODED;
  }
  if (hi > 0xDBFF) return INVALID; /* a low surrogate with no high one before it */
  if (n < 4) return TRUNCATED;
  lo = read_unit(s + 2, big_endian);
  if (lo < 0xDC00 || lo > 0xDFFF) return INVALID;
  *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
  *used = 4;
  return DECODED;
}

/* Writes cp; returns the bytes written, or 0 when it does not fit in n. */
static size_t encode_utf8(uint32_t cp, unsigned char *d, size_t n) {
  if (cp < 0x80) {
    if (n < 1) return 0;
    d[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    if (n < 2) return 0;
    d[0] = (unsigned char)(0xC0 | (cp >> 6));
    d[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    if (n < 3) return 0;
    d[0] = (unsigned char)(0xE0 | (cp >> 12));
    d[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  if (n < 4) return 0;
  d[0] = (unsigned char)(0xF0 | (cp >> 18));
  d[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  d[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  d[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

static void write_unit(uint32_t u, unsigned char *d, int big_endian) {
  d[big_endian ? 0 : 1] = (unsigned char)(u >> 8);
  d[big_endian ? 1 : 0] = (unsigned char)(u & 0xFF);
}

static size_t encode_utf16(uint32_t cp, unsigned char *d, size_t n, int big_endian) {
  if (cp < 0x10000) {
    if (n < 2) return 0;
    write_unit(cp, d, big_endian);
    return 2;
  }
  if (n < 4) return 0;
  cp -= 0x10000;
  write_unit(0xD800 + (cp >> 10), d, big_endian);
  write_unit(0xDC00 + (cp & 0x3FF), d + 2, big_endian);
  return 4;
}

iconv_t iconv_open(const char *tocode, const char *fromcode) {
  struct siberius_iconv *cd;
  enum encoding from, to;
  if (!parse_encoding(tocode, &to) || !parse_encoding(fromcode, &from)) {
    errno = EINVAL;
    return (iconv_t)-1;
  }
  cd = malloc(sizeof *cd);
  if (!cd) {
    errno = ENOMEM;
    return (iconv_t)-1;
  }
  cd->from = from;
  cd->to = to;
  return cd;
}

size_t iconv(iconv_t cd, char **inbuf, size_t *inbytesleft, char **outbuf, size_t *outbytesleft) {
  const unsigned char *in;
  unsigned char *out;
  size_t in_left, out_left;
  if (cd == (iconv_t)-1 || !cd) {
    errno = EBADF;
    return (size_t)-1;
  }
  if (!inbuf || !*inbuf) return 0; /* no shift state to reset or flush */
  in = (const unsigned char *)*inbuf;
  in_left = *inbytesleft;
  out = (unsigned char *)*outbuf;
  out_left = *outbytesleft;
  while (in_left > 0) {
    uint32_t cp = 0;
    size_t used = 0, written;
    enum decode_result r = cd->from == ENC_UTF8
                               ? decode_utf8(in, in_left, &cp, &used)
                               : decode_utf16(in, in_left, cd->from == ENC_UTF16BE, &cp, &used);
    if (r != DECODED) {
      errno = r == TRUNCATED ? EINVAL : EILSEQ;
      break;
    }
    written = cd->to == ENC_UTF8 ? encode_utf8(cp, out, out_left)
                                 : encode_utf16(cp, out, out_left, cd->to == ENC_UTF16BE);
    if (written == 0) {
      errno = E2BIG;
      break;
    }
    in += used, in_left -= used;
    out += written, out_left -= written;
  }
  *inbuf = (char *)in;
  *inbytesleft = in_left;
  *outbuf = (char *)out;
  *outbytesleft = out_left;
  return in_left == 0 ? 0 : (size_t)-1;
}

int iconv_close(iconv_t cd) {
  if (cd == (iconv_t)-1 || !cd) {
    errno = EBADF;
    return -1;
  }
  free(cd);
  return 0;
}

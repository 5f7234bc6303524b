/* Randomness, digests and comparisons for tokens and codes. */
#ifndef WARSHA_CRYPTO_H
#define WARSHA_CRYPTO_H

#include <stddef.h>

#include "arena.h"

int   random_bytes(void *buf, size_t n);             /* 0 on success (getrandom) */
/* 2*nbytes hex characters of fresh randomness */
char *random_hex(struct arena *a, size_t nbytes);
/* n decimal digits, uniform */
char *random_digits(struct arena *a, size_t n);
void  hex_encode(const unsigned char *in, size_t n, char *out);   /* out: 2n+1 */
void  sha256_hex(const void *data, size_t n, char out[65]);
/* Equality without an early exit on the first differing byte. */
int   ct_streq(const char *a, const char *b);

#endif

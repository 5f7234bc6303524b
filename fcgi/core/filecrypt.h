/* Private files at rest: AES-256-GCM (OpenSSL EVP) under the configured files_key.
 *
 * A stored file is  "WSF1" | nonce (12 bytes, random per file) | ciphertext | tag (16).
 * The additional authenticated data is the magic and the caller's label (the file's
 * storage name), so a file copied over another's name, cut short, extended or changed in
 * any byte fails the tag and is refused. GCM proves nothing until its last byte, so a
 * file is decrypted whole into memory (bounded by upload_file_limit) and handed out only
 * after the tag matched: no unauthenticated byte ever reaches a client. */
#ifndef WARSHA_FILECRYPT_H
#define WARSHA_FILECRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define FILECRYPT_KEY_LEN   32
#define FILECRYPT_NONCE_LEN 12
#define FILECRYPT_TAG_LEN   16
#define FILECRYPT_MAGIC     "WSF1"
#define FILECRYPT_OVERHEAD  (4 + FILECRYPT_NONCE_LEN + FILECRYPT_TAG_LEN)

/* 64 hex digits -> 32 bytes: 0, or -1 when hex is anything else. */
int filecrypt_key_parse(const char *hex, unsigned char key[FILECRYPT_KEY_LEN]);

/* Encrypts the whole of in (read from its current offset to its end) into out, a fresh
 * file: 0, or -1 (I/O or OpenSSL; out is then garbage, the caller removes it). */
int filecrypt_encrypt_fd(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    int in, int out);

/* Reads the stored file at fd (from offset 0) and, when its tag matches, returns its
 * plaintext in the arena (*len bytes; NUL-terminated for convenience). max: the most
 * plaintext accepted. 0, -1 for a file that fails authentication or is malformed, -2 for
 * an I/O error or one larger than max. */
int filecrypt_decrypt_fd(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    int fd, uint64_t max, struct arena *a, char **plain, size_t *len);

/* Short secrets in database columns (a national ID number): the same format and key as
 * a file, as hex text ("WSF1" | nonce | ciphertext | tag, 2 hex digits a byte). The
 * label (the owner's id, say) is authenticated: a value copied to another row fails.
 * seal: the hex text in the arena, or NULL (OpenSSL failed). open: 0 and the plaintext
 * (NUL-terminated) in the arena, or -1 for a value that fails authentication or is no
 * sealed value. */
char *filecrypt_seal(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    const void *plain, size_t len, struct arena *a);
int   filecrypt_open(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    const char *hex, struct arena *a, char **plain, size_t *len);
/* HMAC-SHA256 of data under the key and a context word (kept apart from the cipher's
 * use of the key), as 64 hex digits: equal secrets are found by their digest without
 * storing them, and without the key the digest cannot be tried against guesses. */
void  filecrypt_mac(const unsigned char key[FILECRYPT_KEY_LEN], const char *context,
    const void *data, size_t len, char out[65]);

#endif

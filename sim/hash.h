/* hash.h — SHA-256, HMAC-SHA256 and base64, for MUC occupant ids.
 *
 * Prosody's MUC (XEP-0421) gives each occupant a stable anonymous id,
 *
 *   occupant-id = base64(HMAC-SHA256(key = bare JID, message = room salt))
 *
 * and the simulator must produce the very same strings.  The project may
 * depend only on expat, libidn and cmocka, so the three primitives are
 * written here from their specifications:
 *
 *   - SHA-256 as in FIPS 180-4, section 6.2;
 *   - HMAC as in RFC 2104, with SHA-256 (B = 64, L = 32);
 *   - base64 as in RFC 4648, section 4: the standard alphabet ("+/"),
 *     '=' padding, no line breaks.
 *
 * Everything works on caller-owned memory: no allocation, no global
 * mutable state, so any number of worlds may hash at once.  None of this
 * is meant to resist side channels; it hashes simulated identities.
 */
#ifndef MUCSIM_HASH_H
#define MUCSIM_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SHA256_DIGEST_LEN = 32,  /* bytes of a digest (and of an HMAC) */
	SHA256_BLOCK_LEN = 64,   /* bytes the compression function eats */
};

/* Bytes base64_encode() writes for n input bytes, counting the NUL. */
#define BASE64_ENCODED_SIZE(n) (4 * (((n) + 2) / 3) + 1)

/* An incremental SHA-256 computation.  Treat the fields as private:
 * sha256_init() it, feed it with sha256_update(), read the digest with
 * sha256_final().  It is a plain value and may be copied, e.g. to hash
 * several messages sharing a prefix. */
typedef struct sha256_ctx {
	uint32_t state[8];                    /* H0..H7 */
	uint64_t total;                       /* bytes hashed so far */
	unsigned char block[SHA256_BLOCK_LEN];
	size_t fill;                          /* bytes waiting in block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
/* Appends len bytes; data may be NULL when len is 0. */
void sha256_update(sha256_ctx *c, const void *data, size_t len);
/* Writes the digest of everything appended.  c must be initialised again
 * before it is reused. */
void sha256_final(sha256_ctx *c, unsigned char out[SHA256_DIGEST_LEN]);
/* The three above in one call. */
void sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_LEN]);

/* HMAC-SHA256 of msg under key.  Keys longer than a block are hashed
 * first, as RFC 2104 prescribes; key or msg may be NULL when its length
 * is 0.  out may overlap neither input. */
void hmac_sha256(const void *key, size_t keylen, const void *msg,
		size_t msglen, unsigned char out[SHA256_DIGEST_LEN]);

/* Writes the base64 form of len bytes of in to out, NUL-terminated, and
 * returns its length (without the NUL), always 4 * ((len + 2) / 3).  out
 * must hold BASE64_ENCODED_SIZE(len) bytes; in may be NULL when len is 0. */
size_t base64_encode(const void *in, size_t len, char *out);

/* Decodes len characters of padded base64 into out (room for len/4*3
 * bytes), setting *out_len; false for anything that is not base64. */
bool base64_decode(const char *in, size_t len, unsigned char *out, size_t *out_len);

#endif

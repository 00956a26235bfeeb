/* hash.c — see hash.h.
 *
 * Section numbers cite FIPS 180-4 (SHA-256), RFC 2104 (HMAC) and RFC 4648
 * (base64).  All SHA-256 arithmetic is on uint32_t, which is at least as
 * wide as int on every platform we build for, so sums and shifts never
 * promote to a signed type and wrap modulo 2^32 as the standard requires.
 */
#include "hash.h"

#include <string.h>

/* ---- SHA-256 ---------------------------------------------------------- */

/* 4.2.2: the first 32 bits of the fractional parts of the cube roots of
 * the first 64 primes. */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* 5.3.3: the first 32 bits of the fractional parts of the square roots of
 * the first 8 primes. */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* n is always 2..25 here, so neither shift reaches the width. */
static uint32_t rotr32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* Each byte is widened to uint32_t before shifting: shifted as the int it
 * promotes to, a byte >= 0x80 moved to the top would overflow int. */
static uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)(x >> 24);
	p[1] = (unsigned char)(x >> 16);
	p[2] = (unsigned char)(x >> 8);
	p[3] = (unsigned char)x;
}

/* 4.1.2, functions (4.2) to (4.7). */
static uint32_t sha256_ch(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) ^ (~x & z);
}

static uint32_t sha256_maj(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) ^ (x & z) ^ (y & z);
}

static uint32_t sha256_bsig0(uint32_t x)
{
	return rotr32(x, 2) ^ rotr32(x, 13) ^ rotr32(x, 22);
}

static uint32_t sha256_bsig1(uint32_t x)
{
	return rotr32(x, 6) ^ rotr32(x, 11) ^ rotr32(x, 25);
}

static uint32_t sha256_ssig0(uint32_t x)
{
	return rotr32(x, 7) ^ rotr32(x, 18) ^ (x >> 3);
}

static uint32_t sha256_ssig1(uint32_t x)
{
	return rotr32(x, 17) ^ rotr32(x, 19) ^ (x >> 10);
}

/* 6.2.2: one application of the compression function to a 64-byte block. */
static void sha256_compress(uint32_t state[8], const unsigned char *block)
{
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (int t = 16; t < 64; t++)
		w[t] = sha256_ssig1(w[t - 2]) + w[t - 7] +
			sha256_ssig0(w[t - 15]) + w[t - 16];

	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = h + sha256_bsig1(e) + sha256_ch(e, f, g) +
			sha256_k[t] + w[t];
		uint32_t t2 = sha256_bsig0(a) + sha256_maj(a, b, c);
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

void sha256_init(sha256_ctx *c)
{
	memcpy(c->state, sha256_h0, sizeof c->state);
	c->total = 0;
	c->fill = 0;
}

void sha256_update(sha256_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	c->total += len;

	/* Top up a partly filled block first; memcpy() wants a valid pointer
	 * even for 0 bytes, hence the guard when data may be NULL. */
	if (c->fill > 0 && len > 0) {
		size_t take = SHA256_BLOCK_LEN - c->fill;
		if (take > len)
			take = len;
		memcpy(c->block + c->fill, p, take);
		c->fill += take;
		p += take;
		len -= take;
		if (c->fill < SHA256_BLOCK_LEN)
			return;
		sha256_compress(c->state, c->block);
		c->fill = 0;
	}
	/* Whole blocks straight from the input, without copying. */
	for (; len >= SHA256_BLOCK_LEN; p += SHA256_BLOCK_LEN,
			len -= SHA256_BLOCK_LEN)
		sha256_compress(c->state, p);
	if (len > 0) {
		memcpy(c->block, p, len);
		c->fill = len;
	}
}

/* 5.1.1: append a 1 bit, zeros up to 56 mod 64 bytes, then the message
 * length in bits as a big-endian 64-bit number.  Lengths of 2^64 bits and
 * more wrap, as the standard does not define them. */
void sha256_final(sha256_ctx *c, unsigned char out[SHA256_DIGEST_LEN])
{
	uint64_t bits = c->total * 8;

	c->block[c->fill++] = 0x80;
	if (c->fill > SHA256_BLOCK_LEN - 8) {
		memset(c->block + c->fill, 0, SHA256_BLOCK_LEN - c->fill);
		sha256_compress(c->state, c->block);
		c->fill = 0;
	}
	memset(c->block + c->fill, 0, SHA256_BLOCK_LEN - 8 - c->fill);
	store_be32(c->block + 56, (uint32_t)(bits >> 32));
	store_be32(c->block + 60, (uint32_t)bits);
	sha256_compress(c->state, c->block);

	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, c->state[i]);
}

void sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_LEN])
{
	sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}

/* ---- HMAC-SHA256 ------------------------------------------------------ */

/* RFC 2104, section 2:
 *   H(K XOR opad, H(K XOR ipad, text))
 * with K zero-padded to the block size, or first hashed if it is longer. */
void hmac_sha256(const void *key, size_t keylen, const void *msg,
		size_t msglen, unsigned char out[SHA256_DIGEST_LEN])
{
	unsigned char k[SHA256_BLOCK_LEN] = {0};
	if (keylen > SHA256_BLOCK_LEN)
		sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);

	unsigned char pad[SHA256_BLOCK_LEN];
	unsigned char inner[SHA256_DIGEST_LEN];
	sha256_ctx c;

	for (int i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof pad);
	sha256_update(&c, msg, msglen);
	sha256_final(&c, inner);

	for (int i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&c);
	sha256_update(&c, pad, sizeof pad);
	sha256_update(&c, inner, sizeof inner);
	sha256_final(&c, out);
}

/* ---- base64 ----------------------------------------------------------- */

/* RFC 4648, Table 1. */
static const char base64_alphabet[64] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Section 4: each 3 bytes become 4 characters of 6 bits each; a final
 * group of 1 or 2 bytes is zero-extended and completed with '='. */
size_t base64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;
	char *o = out;

	for (; len >= 3; p += 3, len -= 3) {
		uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		*o++ = base64_alphabet[v >> 18];
		*o++ = base64_alphabet[(v >> 12) & 63];
		*o++ = base64_alphabet[(v >> 6) & 63];
		*o++ = base64_alphabet[v & 63];
	}
	if (len > 0) {
		uint32_t v = (uint32_t)p[0] << 16;
		if (len == 2)
			v |= (uint32_t)p[1] << 8;
		*o++ = base64_alphabet[v >> 18];
		*o++ = base64_alphabet[(v >> 12) & 63];
		*o++ = len == 2 ? base64_alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (size_t)(o - out);
}

/* The value of a base64 character, or -1. */
static int base64_value(char c)
{
	const char *p = memchr(base64_alphabet, c, sizeof base64_alphabet);
	return c && p ? (int)(p - base64_alphabet) : -1;
}

bool base64_decode(const char *in, size_t len, unsigned char *out, size_t *out_len)
{
	if (len % 4)
		return false;
	size_t n = 0;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=' && in[i + 3] == '=') : 0;
		uint32_t v = 0;
		for (int k = 0; k < 4; k++) {
			int d = k >= 4 - pad ? 0 : base64_value(in[i + (size_t)k]);
			if (d < 0)
				return false;
			v = v << 6 | (uint32_t)d;
		}
		out[n++] = (unsigned char)(v >> 16);
		if (pad < 2)
			out[n++] = (unsigned char)(v >> 8);
		if (pad < 1)
			out[n++] = (unsigned char)v;
	}
	*out_len = n;
	return true;
}

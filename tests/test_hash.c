/* test_hash.c — SHA-256, HMAC-SHA256 and base64.
 *
 * The vectors are the official ones: FIPS 180-2 Appendix B and the NIST
 * "SHA-256 examples" for SHA-256, RFC 4231 section 4 for HMAC-SHA256
 * (case 5, a truncated output, does not apply), RFC 4648 section 10 for
 * base64.  The extra boundary cases (padding and key lengths) and the
 * occupant-id example were computed with Python's hashlib, hmac and
 * base64 modules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static void hex_of(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void expect_digest(const unsigned char d[SHA256_DIGEST_LEN],
		const char *want_hex)
{
	char hex[2 * SHA256_DIGEST_LEN + 1];
	hex_of(d, SHA256_DIGEST_LEN, hex);
	assert_string_equal(hex, want_hex);
}

/* ---- SHA-256 ---------------------------------------------------------- */

static const struct sha_case {
	const char *msg;
	const char *digest;
} sha_cases[] = {
	{"abc",
	 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"",
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	/* 448 bits: the length lands where the padding needs a second block. */
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	/* 896 bits. */
	{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	 "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void test_sha256_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(sha_cases); i++) {
		unsigned char d[SHA256_DIGEST_LEN];
		sha256(sha_cases[i].msg, strlen(sha_cases[i].msg), d);
		expect_digest(d, sha_cases[i].digest);
	}
}

static void test_sha256_empty_null(void **state)
{
	(void)state;
	unsigned char d[SHA256_DIGEST_LEN];
	sha256(NULL, 0, d);
	expect_digest(d, sha_cases[1].digest);
}

/* Fed in pieces of 1000 (not a multiple of 64), so most updates both top
 * up a partial block and leave one behind. */
static void test_sha256_million_a(void **state)
{
	(void)state;
	char chunk[1000];
	memset(chunk, 'a', sizeof chunk);
	sha256_ctx c;
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, chunk, sizeof chunk);
	unsigned char d[SHA256_DIGEST_LEN];
	sha256_final(&c, d);
	expect_digest(d,
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the 55/56 and 64-byte edges of the padding rule. */
static void test_sha256_padding_edges(void **state)
{
	(void)state;
	static const struct {
		size_t len;
		const char *digest;
	} edges[] = {
		{55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
		{56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
		{63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
		{64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
		{65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
		{119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
		{120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
	};
	char msg[120];
	memset(msg, 'a', sizeof msg);
	for (size_t i = 0; i < COUNT(edges); i++) {
		unsigned char d[SHA256_DIGEST_LEN];
		sha256(msg, edges[i].len, d);
		expect_digest(d, edges[i].digest);
	}
}

/* Every way of cutting the 896-bit message in two, and byte by byte, must
 * give the one-shot digest. */
static void test_sha256_split_updates(void **state)
{
	(void)state;
	const char *msg = sha_cases[3].msg;
	size_t len = strlen(msg);
	for (size_t cut = 0; cut <= len; cut++) {
		sha256_ctx c;
		unsigned char d[SHA256_DIGEST_LEN];
		sha256_init(&c);
		sha256_update(&c, msg, cut);
		sha256_update(&c, NULL, 0);
		sha256_update(&c, msg + cut, len - cut);
		sha256_final(&c, d);
		expect_digest(d, sha_cases[3].digest);
	}

	sha256_ctx c;
	unsigned char d[SHA256_DIGEST_LEN];
	sha256_init(&c);
	for (size_t i = 0; i < len; i++)
		sha256_update(&c, msg + i, 1);
	sha256_final(&c, d);
	expect_digest(d, sha_cases[3].digest);
}

/* The context is a value: a copy continues independently. */
static void test_sha256_ctx_copy(void **state)
{
	(void)state;
	sha256_ctx c, copy;
	unsigned char d[SHA256_DIGEST_LEN];
	sha256_init(&c);
	sha256_update(&c, "ab", 2);
	copy = c;
	sha256_update(&c, "c", 1);
	sha256_final(&c, d);
	expect_digest(d, sha_cases[0].digest);
	sha256_update(&copy, "c", 1);
	sha256_final(&copy, d);
	expect_digest(d, sha_cases[0].digest);
}

/* ---- HMAC-SHA256 ------------------------------------------------------ */

static void test_hmac_rfc4231(void **state)
{
	(void)state;
	unsigned char k20[20], kaa20[20], k25[25], kaa131[131];
	unsigned char dd50[50], cd50[50];
	memset(k20, 0x0b, sizeof k20);
	memset(kaa20, 0xaa, sizeof kaa20);
	for (size_t i = 0; i < sizeof k25; i++)
		k25[i] = (unsigned char)(i + 1);
	memset(kaa131, 0xaa, sizeof kaa131);
	memset(dd50, 0xdd, sizeof dd50);
	memset(cd50, 0xcd, sizeof cd50);

	const char *t6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	const char *t7 = "This is a test using a larger than block-size key "
		"and a larger than block-size data. The key needs to be hashed "
		"before being used by the HMAC algorithm.";
	const struct {
		const void *key;
		size_t keylen;
		const void *msg;
		size_t msglen;
		const char *mac;
	} cases[] = {
		{k20, sizeof k20, "Hi There", 8,   /* 1 */
		 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{"Jefe", 4, "what do ya want for nothing?", 28,   /* 2 */
		 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{kaa20, sizeof kaa20, dd50, sizeof dd50,   /* 3 */
		 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
		{k25, sizeof k25, cd50, sizeof cd50,   /* 4 */
		 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
		{kaa131, sizeof kaa131, t6, strlen(t6),   /* 6 */
		 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
		{kaa131, sizeof kaa131, t7, strlen(t7),   /* 7 */
		 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		unsigned char mac[SHA256_DIGEST_LEN];
		hmac_sha256(cases[i].key, cases[i].keylen, cases[i].msg,
				cases[i].msglen, mac);
		expect_digest(mac, cases[i].mac);
	}
}

/* A key of exactly one block is used as is, not hashed; empty message. */
static void test_hmac_block_sized_key(void **state)
{
	(void)state;
	unsigned char key[SHA256_BLOCK_LEN];
	unsigned char mac[SHA256_DIGEST_LEN];
	char b64[BASE64_ENCODED_SIZE(SHA256_DIGEST_LEN)];
	memset(key, 'x', sizeof key);
	hmac_sha256(key, sizeof key, NULL, 0, mac);
	base64_encode(mac, sizeof mac, b64);
	assert_string_equal(b64, "EWQssxFatPy8KJi+HKiGGZZZ++VMA0Omg5eUhitHv48=");
}

/* The shape the MUC module uses: base64(HMAC(bare JID, room salt)). */
static void test_occupant_id_shape(void **state)
{
	(void)state;
	const char *bare = "juliet@capulet.lit";
	const char *salt = "salt-of-the-room";
	unsigned char mac[SHA256_DIGEST_LEN];
	char id[BASE64_ENCODED_SIZE(SHA256_DIGEST_LEN)];
	hmac_sha256(bare, strlen(bare), salt, strlen(salt), mac);
	assert_int_equal(base64_encode(mac, sizeof mac, id), 44);
	assert_string_equal(id, "oRRnuG2P/Vh79efUxbMspXcRo934JxWrLWG30xQaVvM=");
}

/* ---- base64 ----------------------------------------------------------- */

static void test_base64_rfc4648(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"f", "Zg=="},
		{"fo", "Zm8="},
		{"foo", "Zm9v"},
		{"foob", "Zm9vYg=="},
		{"fooba", "Zm9vYmE="},
		{"foobar", "Zm9vYmFy"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t len = strlen(cases[i].in);
		/* Exactly the documented size, on the heap, so ASan reports a
		 * write one past it. */
		char *out = malloc(BASE64_ENCODED_SIZE(len));
		assert_non_null(out);
		assert_int_equal(base64_encode(cases[i].in, len, out),
				strlen(cases[i].out));
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

/* Bytes with the top bit set, and every index of the alphabet. */
static void test_base64_high_bytes(void **state)
{
	(void)state;
	const unsigned char in[] = {0xff, 0xfe, 0xfd, 0x00, 0x10, 0x83,
		0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30, 0xd3, 0x8f, 0x41,
		0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96, 0x9b, 0x71, 0xd7,
		0x9f, 0x82, 0x18, 0xa3, 0x92, 0x59, 0xa7, 0xa2, 0x9a, 0xab,
		0xb2, 0xdb, 0xaf, 0xc3, 0x1c, 0xb3, 0xd3, 0x5d, 0xb7, 0xe3,
		0x9e, 0xbb, 0xf3, 0xdf, 0xbf, 0x80};
	char out[BASE64_ENCODED_SIZE(sizeof in)];
	assert_int_equal(base64_encode(in, sizeof in, out), 72);
	assert_string_equal(out, "//79ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
			"opqrstuvwxyz0123456789+/gA==");
}

static void test_base64_null_empty(void **state)
{
	(void)state;
	char out[1] = {'x'};
	assert_int_equal(base64_encode(NULL, 0, out), 0);
	assert_int_equal(out[0], '\0');
}

/* Decoding undoes encoding, and refuses what is not padded base64. */
static void test_base64_decode(void **state)
{
	(void)state;
	unsigned char in[64], out[64];
	char text[BASE64_ENCODED_SIZE(64)];
	for (size_t n = 0; n < sizeof in; n++) {
		for (size_t i = 0; i < n; i++)
			in[i] = (unsigned char)(i * 37 + n);
		size_t len = base64_encode(in, n, text), got;
		assert_true(base64_decode(text, len, out, &got));
		assert_int_equal(got, n);
		assert_memory_equal(in, out, n);
	}
	static const char *const bad[] = {"Zg", "Zg=", "Z===", "Zm9v!A==", "=AAA", "Zm=v"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		size_t got;
		assert_false(base64_decode(bad[i], strlen(bad[i]), out, &got));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_decode),
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_empty_null),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_padding_edges),
		cmocka_unit_test(test_sha256_split_updates),
		cmocka_unit_test(test_sha256_ctx_copy),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_block_sized_key),
		cmocka_unit_test(test_occupant_id_shape),
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_base64_high_bytes),
		cmocka_unit_test(test_base64_null_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

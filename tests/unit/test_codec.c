/*
 * Unit tests for base/codec: RFC 4648 §10 test vectors for base16 and base64,
 * the strictness rules (one accepted spelling per byte string), URL decoding
 * and RFC 3629 UTF-8 validation at every boundary of the encoding table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/codec.h"
#include "base/error.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct vector {
	const char *plain;
	const char *encoded;
};

/* RFC 4648 §10. */
static const struct vector base64_vectors[] = {
	{"", ""},
	{"f", "Zg=="},
	{"fo", "Zm8="},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
};

/* RFC 4648 §10 BASE16, in lower case as we write it. */
static const struct vector hex_vectors[] = {
	{"", ""},
	{"f", "66"},
	{"fo", "666f"},
	{"foo", "666f6f"},
	{"foob", "666f6f62"},
	{"fooba", "666f6f6261"},
	{"foobar", "666f6f626172"},
};

static void test_hex_encode_matches_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(hex_vectors); i++) {
		char out[32];

		assert_int_equal(codec_hex_encode(out, sizeof(out), hex_vectors[i].plain,
						  strlen(hex_vectors[i].plain)), 0);
		assert_string_equal(out, hex_vectors[i].encoded);
	}
}

static void test_hex_encode_writes_lower_case_for_all_nibbles(void **state)
{
	const unsigned char data[] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0xff};
	char out[21];

	(void)state;
	assert_int_equal(codec_hex_encode(out, sizeof(out), data, sizeof(data)), 0);
	assert_string_equal(out, "0123456789abcdef00ff");
}

static void test_hex_encode_rejects_output_without_room_for_nul(void **state)
{
	char out[7] = "xxxxxx";

	(void)state;
	assert_int_equal(codec_hex_encode(out, 6, "abc", 3), SX_ETOOBIG);
	assert_string_equal(out, "xxxxxx");
	assert_int_equal(codec_hex_encode(out, 7, "abc", 3), 0);
	assert_string_equal(out, "616263");
}

static void test_hex_encode_rejects_null_arguments(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(codec_hex_encode(NULL, 8, "a", 1), SX_EINVALID);
	assert_int_equal(codec_hex_encode(out, sizeof(out), NULL, 1), SX_EINVALID);
	assert_int_equal(codec_hex_encode(out, sizeof(out), NULL, 0), 0);
	assert_string_equal(out, "");
}

static void test_hex_decode_matches_rfc4648_vectors_in_both_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(hex_vectors); i++) {
		unsigned char out[16];
		char upper[32];
		size_t n = 99;
		const char *hex = hex_vectors[i].encoded;
		size_t len = strlen(hex);

		assert_int_equal(codec_hex_decode(out, sizeof(out), &n, hex, len), 0);
		assert_int_equal(n, strlen(hex_vectors[i].plain));
		assert_memory_equal(out, hex_vectors[i].plain, n);

		for (size_t k = 0; k <= len; k++)
			upper[k] = (char)(hex_vectors[i].encoded[k] >= 'a' ?
						  hex_vectors[i].encoded[k] - 32 :
						  hex_vectors[i].encoded[k]);
		n = 99;
		assert_int_equal(codec_hex_decode(out, sizeof(out), &n, upper, len), 0);
		assert_int_equal(n, strlen(hex_vectors[i].plain));
		assert_memory_equal(out, hex_vectors[i].plain, n);
	}
}

static void test_hex_decode_rejects_odd_length(void **state)
{
	unsigned char out[8];
	size_t n = 99;

	(void)state;
	assert_int_equal(codec_hex_decode(out, sizeof(out), &n, "abc", 3), SX_EINVALID);
	assert_int_equal(n, 0);
	assert_int_equal(codec_hex_decode(out, sizeof(out), &n, "a", 1), SX_EINVALID);
}

static void test_hex_decode_rejects_non_hex_digits(void **state)
{
	static const char *bad[] = {"0g", "g0", " 0", "0 ", "0x", "+1", "-1", "ab\n0", "zz"};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		unsigned char out[8];
		size_t n = 99;

		assert_int_equal(codec_hex_decode(out, sizeof(out), &n, bad[i], strlen(bad[i])),
				 SX_EINVALID);
		assert_int_equal(n, 0);
	}
	/* An embedded NUL is a non-hex digit, not an end marker. */
	{
		unsigned char out[8];
		size_t n = 99;

		assert_int_equal(codec_hex_decode(out, sizeof(out), &n, "ab\0\0", 4), SX_EINVALID);
	}
}

static void test_hex_decode_rejects_small_output(void **state)
{
	unsigned char out[3];
	size_t n = 99;

	(void)state;
	assert_int_equal(codec_hex_decode(out, 2, &n, "616263", 6), SX_ETOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(codec_hex_decode(out, 3, &n, "616263", 6), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "abc", 3);
}

static void test_base64_encode_matches_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(base64_vectors); i++) {
		char out[32];
		const char *plain = base64_vectors[i].plain;
		size_t len = strlen(plain);

		assert_int_equal(codec_base64_encoded_len(len), strlen(base64_vectors[i].encoded));
		assert_int_equal(codec_base64_encode(out, sizeof(out), plain, len), 0);
		assert_string_equal(out, base64_vectors[i].encoded);
	}
}

static void test_base64_encode_uses_plus_and_slash(void **state)
{
	const unsigned char data[] = {0xfb, 0xff, 0xbf};
	char out[8];

	(void)state;
	assert_int_equal(codec_base64_encode(out, sizeof(out), data, 3), 0);
	assert_string_equal(out, "+/+/");
}

static void test_base64_encode_rejects_output_without_room_for_nul(void **state)
{
	char out[9] = "xxxxxxxx";

	(void)state;
	assert_int_equal(codec_base64_encode(out, 8, "foobar", 6), SX_ETOOBIG);
	assert_string_equal(out, "xxxxxxxx");
	assert_int_equal(codec_base64_encode(out, 9, "foobar", 6), 0);
	assert_string_equal(out, "Zm9vYmFy");
}

static void test_base64_encoded_len_reports_overflow_as_size_max(void **state)
{
	(void)state;
	assert_int_equal(codec_base64_encoded_len(0), 0);
	assert_int_equal(codec_base64_encoded_len(1), 4);
	assert_int_equal(codec_base64_encoded_len(3), 4);
	assert_int_equal(codec_base64_encoded_len(4), 8);
	assert_true(codec_base64_encoded_len(SIZE_MAX) == SIZE_MAX);
	assert_true(codec_base64_encoded_len(SIZE_MAX / 4 * 3 + 3) == SIZE_MAX);
	assert_true(codec_base64url_encoded_len(SIZE_MAX) == SIZE_MAX);
	assert_int_equal(codec_base64url_encoded_len(0), 0);
	assert_int_equal(codec_base64url_encoded_len(1), 2);
	assert_int_equal(codec_base64url_encoded_len(2), 3);
	assert_int_equal(codec_base64url_encoded_len(3), 4);
	assert_int_equal(codec_base64url_encoded_len(4), 6);
}

static void test_base64_decode_matches_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(base64_vectors); i++) {
		unsigned char out[16];
		const char *text = base64_vectors[i].encoded;
		size_t n = 99;

		assert_int_equal(codec_base64_decode(out, sizeof(out), &n, text, strlen(text)), 0);
		assert_int_equal(n, strlen(base64_vectors[i].plain));
		assert_memory_equal(out, base64_vectors[i].plain, n);
	}
}

static void test_base64_decode_rejects_malformed_text(void **state)
{
	static const char *bad[] = {
		"Zg",        /* padding missing */
		"Zg=",       /* length not a multiple of 4 */
		"Zm9",       /* padding missing */
		"Z===",      /* three pads */
		"====",      /* only padding */
		"=Zg=",      /* pad at the start */
		"Z=g=",      /* pad in the middle */
		"Zg==Zg==",  /* pad before the end */
		"Zh==",      /* non-canonical: unused bits of 'h' not zero */
		"Zm9=",      /* non-canonical: "fo" is Zm8= */
		" Zg=",      /* whitespace */
		"Zg==\n\n\n\n",
		"Zm9v\r\n",
		"Zm-v",      /* base64url characters */
		"Zm_v",
		"Zm9v YmFy",
		"Zm9\x80",   /* byte outside ASCII */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		unsigned char out[16];
		size_t n = 99;

		assert_int_equal(codec_base64_decode(out, sizeof(out), &n, bad[i], strlen(bad[i])),
				 SX_EINVALID);
		assert_int_equal(n, 0);
	}
}

static void test_base64_decode_rejects_embedded_nul(void **state)
{
	unsigned char out[8];
	size_t n = 99;

	(void)state;
	assert_int_equal(codec_base64_decode(out, sizeof(out), &n, "Zm\0v", 4), SX_EINVALID);
}

static void test_base64_decode_rejects_small_output(void **state)
{
	unsigned char out[6];
	size_t n = 99;

	(void)state;
	assert_int_equal(codec_base64_decode(out, 5, &n, "Zm9vYmFy", 8), SX_ETOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(codec_base64_decode(out, 4, &n, "Zm9vYmE=", 8), SX_ETOOBIG);
	assert_int_equal(codec_base64_decode(out, 5, &n, "Zm9vYmE=", 8), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "fooba", 5);
}

static void test_base64url_encode_matches_rfc4648_vectors_without_padding(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(base64_vectors); i++) {
		char out[32];
		char expect[32];
		size_t len = strlen(base64_vectors[i].plain);
		size_t elen = strcspn(base64_vectors[i].encoded, "=");

		memcpy(expect, base64_vectors[i].encoded, elen);
		expect[elen] = '\0';
		assert_int_equal(codec_base64url_encoded_len(len), elen);
		assert_int_equal(codec_base64url_encode(out, sizeof(out), base64_vectors[i].plain,
							len), 0);
		assert_string_equal(out, expect);
	}
}

static void test_base64url_encode_uses_dash_and_underscore(void **state)
{
	const unsigned char data[] = {0xfb, 0xff};
	char out[4];

	(void)state;
	assert_int_equal(codec_base64url_encode(out, 3, data, 2), SX_ETOOBIG);
	assert_int_equal(codec_base64url_encode(out, sizeof(out), data, 2), 0);
	assert_string_equal(out, "-_8");
}

static void test_base64url_decode_accepts_unpadded_rfc4648_vectors(void **state)
{
	static const struct vector url_vectors[] = {
		{"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"},
		{"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
		{"\xfb\xff", "-_8"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(url_vectors); i++) {
		unsigned char out[16];
		const char *text = url_vectors[i].encoded;
		size_t n = 99;

		assert_int_equal(codec_base64url_decode(out, sizeof(out), &n, text, strlen(text)),
				 0);
		assert_int_equal(n, strlen(url_vectors[i].plain));
		assert_memory_equal(out, url_vectors[i].plain, n);
	}
}

static void test_base64url_decode_rejects_padding_and_other_alphabet(void **state)
{
	static const char *bad[] = {
		"Zg==", "Zm8=", "Z", "Zm9vY", "+_8", "-/8", "Zh", "Zm9", "Zm 9", "Zm9v\n",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		unsigned char out[16];
		size_t n = 99;

		assert_int_equal(codec_base64url_decode(out, sizeof(out), &n, bad[i],
							strlen(bad[i])),
				 SX_EINVALID);
		assert_int_equal(n, 0);
	}
}

static void test_base64_round_trips_every_length_and_byte(void **state)
{
	unsigned char data[256];
	char text[400];
	unsigned char back[256];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 167 + 13);
	for (size_t len = 0; len <= sizeof(data); len++) {
		size_t n = 0;

		assert_int_equal(codec_base64_encode(text, sizeof(text), data, len), 0);
		assert_int_equal(strlen(text), codec_base64_encoded_len(len));
		assert_int_equal(codec_base64_decode(back, sizeof(back), &n, text, strlen(text)),
				 0);
		assert_int_equal(n, len);
		assert_memory_equal(back, data, len);

		assert_int_equal(codec_base64url_encode(text, sizeof(text), data, len), 0);
		assert_int_equal(strlen(text), codec_base64url_encoded_len(len));
		assert_null(strpbrk(text, "+/="));
		assert_int_equal(codec_base64url_decode(back, sizeof(back), &n, text, strlen(text)),
				 0);
		assert_int_equal(n, len);
		assert_memory_equal(back, data, len);
	}
}

static void test_base64_decode_rejects_null_arguments(void **state)
{
	unsigned char out[4];
	size_t n;

	(void)state;
	assert_int_equal(codec_base64_decode(out, sizeof(out), NULL, "Zg==", 4), SX_EINVALID);
	assert_int_equal(codec_base64_decode(NULL, 4, &n, "Zg==", 4), SX_EINVALID);
	assert_int_equal(codec_base64_decode(out, sizeof(out), &n, NULL, 4), SX_EINVALID);
	assert_int_equal(codec_base64_decode(out, sizeof(out), &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	assert_int_equal(codec_base64url_decode(out, sizeof(out), &n, NULL, 4), SX_EINVALID);
	assert_int_equal(codec_base64_encode(NULL, 8, "a", 1), SX_EINVALID);
}

struct url_case {
	const char *text;
	size_t text_len;
	bool plus_is_space;
	int rc;
	const char *expect;
};

static void test_url_decode_follows_the_table(void **state)
{
	static const struct url_case cases[] = {
		{"", 0, true, 0, ""},
		{"abc", 3, true, 0, "abc"},
		{"a%20b", 5, false, 0, "a b"},
		{"a+b", 3, true, 0, "a b"},
		{"a+b", 3, false, 0, "a+b"},
		{"%2B", 3, true, 0, "+"},
		{"%4a%4A", 6, false, 0, "JJ"},
		{"%E4%B8%AD%E6%96%87", 18, false, 0, "\xe4\xb8\xad\xe6\x96\x87"},
		{"100%25", 6, false, 0, "100%"},
		{"%", 1, false, SX_EINVALID, NULL},
		{"%2", 2, false, SX_EINVALID, NULL},
		{"a%2", 3, false, SX_EINVALID, NULL},
		{"%zz", 3, false, SX_EINVALID, NULL},
		{"%2g", 3, false, SX_EINVALID, NULL},
		{"%g2", 3, false, SX_EINVALID, NULL},
		{"% 20", 4, false, SX_EINVALID, NULL},
		{"%00", 3, false, SX_EINVALID, NULL},
		{"a%00b", 5, true, SX_EINVALID, NULL},
		{"a\0b", 3, true, SX_EINVALID, NULL},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[32];
		size_t n = 99;
		int rc = codec_url_decode(out, sizeof(out), &n, cases[i].text, cases[i].text_len,
					  cases[i].plus_is_space);

		assert_int_equal(rc, cases[i].rc);
		if (rc == 0) {
			assert_int_equal(n, strlen(cases[i].expect));
			assert_string_equal(out, cases[i].expect);
		} else {
			assert_int_equal(n, 0);
		}
	}
}

static void test_url_decode_needs_room_for_the_nul(void **state)
{
	char out[4];
	size_t n = 99;

	(void)state;
	assert_int_equal(codec_url_decode(out, 3, &n, "a%20b", 5, false), SX_ETOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(codec_url_decode(out, 4, &n, "a%20b", 5, false), 0);
	assert_int_equal(n, 3);
	assert_string_equal(out, "a b");
	assert_int_equal(codec_url_decode(out, 0, &n, "", 0, false), SX_ETOOBIG);
}

struct utf8_case {
	const char *s;
	size_t len;
	bool valid;
};

#define U(lit, ok) {lit, sizeof(lit) - 1, ok}

static void test_utf8_validation_follows_rfc3629(void **state)
{
	static const struct utf8_case cases[] = {
		U("", true),
		U("plain ascii", true),
		U("a\0b", true),                       /* NUL is a character */
		U("\xe4\xb8\xad\xe6\x96\x87", true),   /* 中文 */
		U("\xc2\x80", true),                   /* U+0080, smallest 2-byte */
		U("\xdf\xbf", true),                   /* U+07FF */
		U("\xe0\xa0\x80", true),               /* U+0800, smallest 3-byte */
		U("\xed\x9f\xbf", true),               /* U+D7FF, just below surrogates */
		U("\xee\x80\x80", true),               /* U+E000, just above */
		U("\xef\xbf\xbf", true),               /* U+FFFF */
		U("\xf0\x90\x80\x80", true),           /* U+10000, smallest 4-byte */
		U("\xf0\x9f\x98\x80", true),           /* U+1F600 */
		U("\xf4\x8f\xbf\xbf", true),           /* U+10FFFF, the last */
		U("\x80", false),                      /* lone continuation */
		U("\xbf", false),
		U("\xc0\x80", false),                  /* overlong NUL */
		U("\xc1\xbf", false),                  /* overlong U+007F */
		U("\xe0\x80\x80", false),              /* overlong */
		U("\xe0\x9f\xbf", false),              /* overlong U+07FF */
		U("\xf0\x80\x80\x80", false),          /* overlong */
		U("\xf0\x8f\xbf\xbf", false),          /* overlong U+FFFF */
		U("\xed\xa0\x80", false),              /* U+D800 surrogate */
		U("\xed\xbf\xbf", false),              /* U+DFFF surrogate */
		U("\xf4\x90\x80\x80", false),          /* U+110000 */
		U("\xf5\x80\x80\x80", false),
		U("\xf8\x88\x80\x80\x80", false),      /* old 5-byte form */
		U("\xfe", false),
		U("\xff", false),
		U("\xe4\xb8", false),                  /* truncated */
		U("abc\xe4", false),
		U("\xe4\x41\x80", false),              /* continuation missing */
		U("\xe4\xb8\x41", false),
		U("\xc2", false),
		U("\xf0\x9f\x98", false),
		U("\xf0\x9f\x98\x41", false),
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (codec_is_valid_utf8(cases[i].s, cases[i].len) != cases[i].valid)
			fail_msg("case %zu: expected %s", i, cases[i].valid ? "valid" : "invalid");
	}
	assert_true(codec_is_valid_utf8(NULL, 0));
	assert_false(codec_is_valid_utf8(NULL, 1));
}

static void test_utf8_char_len_decodes_code_points(void **state)
{
	unsigned long cp = 0;

	(void)state;
	assert_int_equal(codec_utf8_char_len("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(codec_utf8_char_len("\xc2\x9b", 2, &cp), 2);
	assert_int_equal(cp, 0x9b);
	assert_int_equal(codec_utf8_char_len("\xe4\xb8\xad", 3, &cp), 3);
	assert_int_equal(cp, 0x4e2d);
	assert_int_equal(codec_utf8_char_len("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	/* The length limit is honoured even when more bytes follow in memory. */
	assert_int_equal(codec_utf8_char_len("\xe4\xb8\xad", 2, &cp), 0);
	assert_int_equal(codec_utf8_char_len("", 0, &cp), 0);
	assert_int_equal(codec_utf8_char_len("\xe4\xb8\xad", 3, NULL), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_encode_matches_rfc4648_vectors),
		cmocka_unit_test(test_hex_encode_writes_lower_case_for_all_nibbles),
		cmocka_unit_test(test_hex_encode_rejects_output_without_room_for_nul),
		cmocka_unit_test(test_hex_encode_rejects_null_arguments),
		cmocka_unit_test(test_hex_decode_matches_rfc4648_vectors_in_both_cases),
		cmocka_unit_test(test_hex_decode_rejects_odd_length),
		cmocka_unit_test(test_hex_decode_rejects_non_hex_digits),
		cmocka_unit_test(test_hex_decode_rejects_small_output),
		cmocka_unit_test(test_base64_encode_matches_rfc4648_vectors),
		cmocka_unit_test(test_base64_encode_uses_plus_and_slash),
		cmocka_unit_test(test_base64_encode_rejects_output_without_room_for_nul),
		cmocka_unit_test(test_base64_encoded_len_reports_overflow_as_size_max),
		cmocka_unit_test(test_base64_decode_matches_rfc4648_vectors),
		cmocka_unit_test(test_base64_decode_rejects_malformed_text),
		cmocka_unit_test(test_base64_decode_rejects_embedded_nul),
		cmocka_unit_test(test_base64_decode_rejects_small_output),
		cmocka_unit_test(test_base64url_encode_matches_rfc4648_vectors_without_padding),
		cmocka_unit_test(test_base64url_encode_uses_dash_and_underscore),
		cmocka_unit_test(test_base64url_decode_accepts_unpadded_rfc4648_vectors),
		cmocka_unit_test(test_base64url_decode_rejects_padding_and_other_alphabet),
		cmocka_unit_test(test_base64_round_trips_every_length_and_byte),
		cmocka_unit_test(test_base64_decode_rejects_null_arguments),
		cmocka_unit_test(test_url_decode_follows_the_table),
		cmocka_unit_test(test_url_decode_needs_room_for_the_nul),
		cmocka_unit_test(test_utf8_validation_follows_rfc3629),
		cmocka_unit_test(test_utf8_char_len_decodes_code_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

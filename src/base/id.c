/*
 * base/id — see id.h. Encoding follows the ULID reference: the timestamp as
 * 10 characters of 5 bits (top 2 bits zero), then the 80 random bits as two
 * groups of 5 bytes = 8 characters each.
 */
#include "base/id.h"

#include <errno.h>
#include <sys/random.h>

#include "base/error.h"
#include "base/time.h"

#define ID_TIME_CHARS 10
#define ID_RANDOM_BYTES 10

static const char crockford_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Value of an upper-case Crockford character, or -1 (also for I L O U and lower case). */
static int crockford_value(char c)
{
	for (int i = 0; i < 32; i++) {
		if (crockford_alphabet[i] == c)
			return i;
	}
	return -1;
}

/* Writes 5 bytes as 8 characters. */
static void encode_40_bits(char *out, const unsigned char *bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < 5; i++)
		v = v << 8 | bytes[i];
	for (int i = 7; i >= 0; i--) {
		out[i] = crockford_alphabet[v & 31];
		v >>= 5;
	}
}

int sx_id_from_parts(char out[SX_ID_LEN + 1], int64_t ms, const unsigned char random[10])
{
	uint64_t t;

	if (out == NULL)
		return SX_EINVALID;
	out[0] = '\0';
	if (random == NULL || ms < 0 || ms > SX_ID_MAX_MS)
		return SX_EINVALID;
	t = (uint64_t)ms;
	for (int i = ID_TIME_CHARS - 1; i >= 0; i--) {
		out[i] = crockford_alphabet[t & 31];
		t >>= 5;
	}
	encode_40_bits(out + ID_TIME_CHARS, random);
	encode_40_bits(out + ID_TIME_CHARS + 8, random + 5);
	out[SX_ID_LEN] = '\0';
	return 0;
}

/* Fills buf with len bytes from the kernel CSPRNG. */
static int id_random_bytes(unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SX_EIO;
		}
		got += (size_t)n;
	}
	return 0;
}

int sx_id_new(char out[SX_ID_LEN + 1])
{
	unsigned char random[ID_RANDOM_BYTES];
	int64_t now_us;
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	out[0] = '\0';
	now_us = sx_time_now_us();
	if (now_us < 0)
		return SX_EINVALID;
	if ((rc = id_random_bytes(random, sizeof(random))) < 0)
		return rc;
	return sx_id_from_parts(out, now_us / 1000, random);
}

bool sx_id_is_valid(const char *s, size_t len)
{
	if (s == NULL || len != SX_ID_LEN)
		return false;
	if (s[0] < '0' || s[0] > '7')
		return false;
	for (size_t i = 1; i < len; i++) {
		if (crockford_value(s[i]) < 0)
			return false;
	}
	return true;
}

int64_t sx_id_timestamp_ms(const char *s, size_t len)
{
	int64_t ms = 0;

	if (!sx_id_is_valid(s, len))
		return -1;
	for (int i = 0; i < ID_TIME_CHARS; i++)
		ms = ms << 5 | crockford_value(s[i]);
	return ms;
}

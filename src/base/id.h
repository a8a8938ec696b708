/*
 * base/id — stable, sortable ids for every domain row (ULID).
 *
 * An id is 128 bits: a 48-bit count of milliseconds since the Unix epoch,
 * big-endian, then 80 random bits. It is written as 26 characters of
 * Crockford's base32 in upper case (0-9 A-Z without I L O U): 10 for the time,
 * 16 for the randomness. 26*5 = 130 bits, so the two top bits are zero and
 * the first character is at most '7'. Text order equals time order to the
 * millisecond, which keeps B-tree inserts at the right edge and lets lists
 * sort by id.
 *
 * Spec: https://github.com/ulid/spec (canonical string representation,
 * binary layout). Crockford alphabet: https://www.crockford.com/base32.html.
 *
 * What it does not do: no monotonic mode. Two ids made in the same
 * millisecond order randomly between themselves; callers that need an order
 * within a millisecond keep a sequence (the ledger does). Parsing is strict:
 * lower case and Crockford's aliases (I, L, O) are not accepted, so every id
 * has exactly one spelling. Ids are not secrets and not capabilities: do not
 * use them as tokens.
 */
#ifndef SX_BASE_ID_H
#define SX_BASE_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SX_ID_LEN 26
/* Largest timestamp an id can hold: 2^48 - 1 ms, in the year 10889. */
#define SX_ID_MAX_MS ((INT64_C(1) << 48) - 1)

/*
 * Makes a new id from the current time (sx_time_now_us) and 80 bits from
 * getrandom(2), and writes it with a NUL into out.
 * Returns 0, SX_EINVALID (out NULL or the clock before 1970), SX_EIO
 * (getrandom failed). On error out holds an empty string.
 */
int sx_id_new(char out[SX_ID_LEN + 1]);

/*
 * Writes the id for timestamp ms (0..SX_ID_MAX_MS) and the 10 bytes random
 * (big-endian) into out with a NUL. Deterministic; for tests and for
 * re-encoding stored ids.
 * Returns 0 or SX_EINVALID (NULL argument, ms out of range; out then holds an
 * empty string when not NULL).
 */
int sx_id_from_parts(char out[SX_ID_LEN + 1], int64_t ms, const unsigned char random[10]);

/*
 * Whether s[0..len) is an id: len is 26, every character is in the upper-case
 * Crockford alphabet, and the first is '0'..'7'.
 */
bool sx_id_is_valid(const char *s, size_t len);

/*
 * The timestamp of a valid id in ms since the epoch, or -1 when
 * !sx_id_is_valid(s, len).
 */
int64_t sx_id_timestamp_ms(const char *s, size_t len);

#endif

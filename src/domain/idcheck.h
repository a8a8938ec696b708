/*
 * domain/idcheck — structure and check-character validation of the numbers
 * that identify a party (当事人): the 统一社会信用代码 of organisations, the
 * 公民身份号码 of people, and the 行政区划代码 both embed; plus masking of
 * an ID number for staff who may not see it whole.
 *
 * Specs:
 *   GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》: 18 characters
 *     from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I O S V Z); position 1 登记
 *     管理部门代码, 2 机构类别代码, 3-8 登记管理机关行政区划码 (GB/T 2260),
 *     9-17 主体标识码 (GB 11714 组织机构代码), 18 校验码 computed per GB/T 17710:
 *     weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 (3^(i-1) mod 31),
 *     check value = 31 - (sum mod 31), 31 -> 0, written as the character with
 *     that index in the set.
 *   GB 11643-1999 《公民身份号码》: 6-digit address code, 8-digit birth date
 *     YYYYMMDD, 3-digit sequence (odd = male), check character per ISO 7064
 *     MOD 11-2: weights 2^(18-i) mod 11 = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
 *     check = (12 - sum mod 11) mod 11, 10 written 'X'.
 *   GB 11643-1989 《社会保障号码》: the legacy 15-digit number, 6-digit address,
 *     YYMMDD meaning 19YY, 3-digit sequence, no check digit.
 *   GB/T 2260 《中华人民共和国行政区划代码》: 6 digits, xx0000 a province-level
 *     unit, xxyy00 a prefecture-level unit, anything else a county-level unit.
 *
 * Decisions beyond the letter of the standards (each has a test):
 *   - Only upper case is accepted, and no surrounding spaces: lower-case 'x'
 *     in an ID number and lower-case letters in a credit code are rejected,
 *     so that one number has exactly one stored spelling. Forms upper-case
 *     and trim before calling.
 *   - Credit codes: GB 32100-2015 is usually quoted as listing only the
 *     登记管理部门 1 (机构编制) 5 (民政) 9 (工商) Y (其他), but codes are also
 *     allocated to 2 外交, 3 司法行政 (law firms 31…, notaries 32…),
 *     4 文化, 6 旅游, 7 宗教, 8 工会 (trade unions 81…), A 中央军委改革和编制办公室
 *     and N 农业 (rural collective economic organisations N2…), and certificates
 *     carrying them are in use. Rejecting them would refuse real parties, so
 *     the full allocation table is accepted (see credit_types in the .c).
 *   - Credit codes: positions 3-8 must be a GB/T 2260 code accepted by
 *     idcheck_region_code, or 100000, which the central registration
 *     authorities use (e.g. 国务院部门 11100000…).
 *   - Region codes: the province part must be one of the 34 province-level
 *     codes of GB/T 2260 (11-15 21-23 31-37 41-46 50-54 61-65 71 81 82), not
 *     merely lie in 11..82; the lower four digits are not checked against a
 *     list because counties are renamed and renumbered every year.
 *   - ID numbers: the first digit must be 1-8 (GB/T 2260 regions, plus 83 used
 *     on 台湾居民居住证). Numbers starting with 9 — the 外国人永久居留身份证
 *     issued since December 2023 — are rejected; they need their own rule.
 *   - ID numbers: the birth year must lie in 1900..2100. The standard's own
 *     second example, 440524188001010014 (born 1880), therefore fails although
 *     its check digit is right: a living party born before 1900 is a typing
 *     error. Whether a birth date lies in the future is the caller's question,
 *     since this layer has no clock (idcheck_person_id_birth_date helps).
 *
 * What it does not do: no normalisation, no lookup of whether a number was
 * actually issued, no check of the embedded GB 11714 organisation-code check
 * digit (position 17 of a credit code), no I/O and no allocation. All inputs
 * carry explicit lengths and need not be NUL-terminated.
 */
#ifndef SX_DOMAIN_IDCHECK_H
#define SX_DOMAIN_IDCHECK_H

#include <stddef.h>

#define IDCHECK_CREDIT_CODE_LEN 18
#define IDCHECK_PERSON_ID_LEN 18
#define IDCHECK_PERSON_ID_15_LEN 15
#define IDCHECK_REGION_CODE_LEN 6

/*
 * Validates a 统一社会信用代码: length 18, charset, 登记管理部门 and 机构类别
 * pair, region (see the decisions above) and the check character.
 * code may be NULL only when len is 0 (and then it is invalid).
 * Returns 0 when valid, SX_EINVALID otherwise.
 */
int idcheck_credit_code(const char *code, size_t len);

/*
 * Computes the 18th character of a credit code from its first 17.
 * first17 must point to 17 readable characters; only the charset is checked
 * (not the authority, type or region), so the function also serves to repair
 * or generate test codes.
 * Returns the check character, or '\0' when first17 is NULL or holds a
 * character outside the GB 32100 charset (lower case included).
 */
char idcheck_credit_code_check_char(const char *first17);

/*
 * Validates an 18-digit 公民身份号码: 17 digits, first digit 1-8, birth date
 * a real calendar date with year 1900..2100, and the check character ('0'-'9'
 * or upper-case 'X').
 * Returns 0 when valid, SX_EINVALID otherwise.
 */
int idcheck_person_id(const char *id, size_t len);

/*
 * Computes the 18th character of an ID number from its first 17.
 * first17 must point to 17 readable characters; only that they are digits is
 * checked. Returns '0'-'9' or 'X', or '\0' when first17 is NULL or holds a
 * non-digit.
 */
char idcheck_person_id_check_char(const char *first17);

/*
 * Validates a legacy 15-digit number (GB 11643-1989): all digits, first digit
 * 1-8, positions 7-12 a real date 19YYMMDD. There is no check digit, so a
 * single mistyped sequence digit cannot be detected.
 * Returns 0 when valid, SX_EINVALID otherwise.
 */
int idcheck_person_id_15(const char *id, size_t len);

/* A calendar date; a plain value, no time zone. */
struct idcheck_date {
	int year;  /* 1900..2100 */
	int month; /* 1..12 */
	int day;   /* 1..31, valid for the month */
};

/*
 * Extracts the birth date of a valid 18-digit or 15-digit ID number (for age
 * checks, e.g. whether a party is a minor whose data must be redacted).
 * Returns 0, or SX_EINVALID (NULL out, or id fails idcheck_person_id /
 * idcheck_person_id_15); on error *out is not written.
 */
int idcheck_person_id_birth_date(struct idcheck_date *out, const char *id, size_t len);

enum idcheck_region_level {
	IDCHECK_REGION_PROVINCE = 1, /* xx0000: 省级 */
	IDCHECK_REGION_CITY,         /* xxyy00: 地级 */
	IDCHECK_REGION_COUNTY,       /* otherwise: 县级 */
};

/*
 * Validates a 6-digit GB/T 2260 code and tells its level.
 * Returns 0, or SX_EINVALID (NULL out, wrong length, non-digit, province part
 * not a province-level code); on error *out is not written.
 */
int idcheck_region_code(enum idcheck_region_level *out, const char *code, size_t len);

/*
 * Writes id with all but its first 6 and last 4 characters replaced by '*',
 * followed by a NUL: "110105********1234", or "110105*****1234" for a
 * 15-digit number. For staff pages whose reader lacks the role to see the
 * whole number.
 * id must look like an ID number — 18 characters (17 digits, then a digit or
 * 'X') or 15 digits — but its check digit and date are not verified, so that
 * stored legacy numbers that fail today's checks can still be shown masked.
 * Anything else is refused rather than masked, because a short or odd string
 * would show too much of itself.
 * out_size must be at least len + 1.
 * Returns 0, SX_EINVALID (NULL argument or id not shaped like an ID number),
 * SX_ETOOBIG (out too small). On error nothing is written.
 */
int idcheck_mask_person_id(char *out, size_t out_size, const char *id, size_t len);

/*
 * Explanations for people (the `sanxiang check` command, forms): why a number
 * fails, as one zh-CN sentence naming the first problem found, in this order —
 * empty; a non-ASCII byte (full-width characters, 汉字); wrong length; a
 * character outside the set, by position (lower case, the letters GB 32100
 * leaves out, spaces and other bytes are told apart); then the structure
 * (authority and type, region, first digit, birth date); last the check
 * character, with the expected and the actual one.
 *
 * reason receives the sentence, NUL-terminated and cut (at a UTF-8 character
 * boundary) to reason_size; "" when the number is valid. reason may be NULL
 * when reason_size is 0. Positions count from 1 as the standards do.
 */

/*
 * Explains idcheck_credit_code: returns 0 exactly when it accepts code,
 * SX_EINVALID otherwise.
 */
int idcheck_credit_code_explain(char *reason, size_t reason_size, const char *code, size_t len);

/*
 * Explains an ID number of either generation: returns 0 exactly when
 * idcheck_person_id (18 characters) or idcheck_person_id_15 (15 digits)
 * accepts id, SX_EINVALID otherwise.
 */
int idcheck_person_id_explain(char *reason, size_t reason_size, const char *id, size_t len);

#endif

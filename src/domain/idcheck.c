/* domain/idcheck — see idcheck.h for the standards and the decisions taken. */
#include "domain/idcheck.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

/* GB 32100-2015 code charset: the index of a character in this set is its value. */
static const char credit_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
#define CREDIT_RADIX 31

static const int credit_weights[IDCHECK_CREDIT_CODE_LEN - 1] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/*
 * 登记管理部门代码 -> the 机构类别代码 allowed under it. The first four rows
 * are the authorities GB 32100-2015 is usually quoted with; the others are
 * also allocated and appear on certificates in use (see the header).
 */
static const struct {
	char authority;
	const char *types;
} credit_types[] = {
	{ '1', "1239" },   /* 机构编制: 机关, 事业单位, 编办直管群众团体, 其他 */
	{ '5', "1239" },   /* 民政: 社会团体, 民办非企业单位, 基金会, 其他 */
	{ '9', "123" },    /* 工商: 企业, 个体工商户, 农民专业合作社 */
	{ 'Y', "1" },      /* 其他: not subdivided */
	{ '2', "19" },     /* 外交: 外国常驻新闻机构, 其他 */
	{ '3', "123459" }, /* 司法行政: 律师, 公证, 基层法律服务, 司法鉴定, 仲裁, 其他 */
	{ '4', "19" },     /* 文化: 外国在华文化中心, 其他 */
	{ '6', "129" },    /* 旅游: 外国 / 港澳台旅游部门常驻代表机构, 其他 */
	{ '7', "129" },    /* 宗教: 宗教活动场所, 宗教院校, 其他 */
	{ '8', "19" },     /* 工会: 基层工会, 其他 */
	{ 'A', "19" },     /* 中央军委改革和编制办公室: 军队事业单位, 其他 */
	{ 'N', "1239" },   /* 农业: 组级, 村级, 乡镇级集体经济组织, 其他 */
};

/* GB 11643-1999 (ISO 7064 MOD 11-2): 2^(18-i) mod 11 for positions i = 1..17. */
static const int person_weights[IDCHECK_PERSON_ID_LEN - 1] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
};

/* GB/T 2260 province-level units; 71 台湾, 81 香港, 82 澳门. */
static const int provinces[] = {
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
	43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
};

#define BIRTH_YEAR_MIN 1900
#define BIRTH_YEAR_MAX 2100

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool are_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
	}
	return true;
}

/* Value of len (<= 4) digits; the caller has checked they are digits. */
static int digits_value(const char *s, size_t len)
{
	int v = 0;
	size_t i;

	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* 0..30, or -1 for a character outside the set ('\0' included). */
static int credit_char_value(char c)
{
	/* Searching CREDIT_RADIX bytes keeps the terminating NUL out of the set. */
	const char *p = memchr(credit_charset, c, CREDIT_RADIX);

	return p == NULL ? -1 : (int)(p - credit_charset);
}

static bool credit_type_is_allocated(char authority, char type)
{
	size_t i;

	for (i = 0; i < sizeof(credit_types) / sizeof(credit_types[0]); i++) {
		if (credit_types[i].authority == authority)
			return memchr(credit_types[i].types, type,
				      strlen(credit_types[i].types)) != NULL;
	}
	return false;
}

static bool province_exists(int province)
{
	size_t i;

	for (i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++) {
		if (provinces[i] == province)
			return true;
	}
	return false;
}

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static bool date_is_real(int year, int month, int day)
{
	static const int month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int days;

	if (month < 1 || month > 12 || day < 1)
		return false;
	days = month_days[month - 1];
	if (month == 2 && is_leap_year(year))
		days = 29;
	return day <= days;
}

/*
 * Reads the birth date of an ID number whose digits the caller has checked:
 * YYYYMMDD at positions 7-14 of an 18-digit number, YYMMDD (19YY) at 7-12 of
 * a 15-digit one. Fails unless it is a real date in the accepted years.
 */
static int birth_date_parse(struct idcheck_date *out, const char *id, size_t len)
{
	struct idcheck_date d;
	const char *mmdd;

	if (len == IDCHECK_PERSON_ID_LEN) {
		d.year = digits_value(id + 6, 4);
		mmdd = id + 10;
	} else {
		d.year = 1900 + digits_value(id + 6, 2);
		mmdd = id + 8;
	}
	d.month = digits_value(mmdd, 2);
	d.day = digits_value(mmdd + 2, 2);
	if (d.year < BIRTH_YEAR_MIN || d.year > BIRTH_YEAR_MAX)
		return SX_EINVALID;
	if (!date_is_real(d.year, d.month, d.day))
		return SX_EINVALID;
	*out = d;
	return 0;
}

char idcheck_credit_code_check_char(const char *first17)
{
	int sum = 0;
	int v;
	size_t i;

	if (first17 == NULL)
		return '\0';
	for (i = 0; i < IDCHECK_CREDIT_CODE_LEN - 1; i++) {
		v = credit_char_value(first17[i]);
		if (v < 0)
			return '\0';
		sum += v * credit_weights[i];
	}
	return credit_charset[(CREDIT_RADIX - sum % CREDIT_RADIX) % CREDIT_RADIX];
}

int idcheck_credit_code(const char *code, size_t len)
{
	enum idcheck_region_level level;
	char check;

	if (code == NULL || len != IDCHECK_CREDIT_CODE_LEN)
		return SX_EINVALID;
	if (!credit_type_is_allocated(code[0], code[1]))
		return SX_EINVALID;
	if (memcmp(code + 2, "100000", IDCHECK_REGION_CODE_LEN) != 0 &&
	    idcheck_region_code(&level, code + 2, IDCHECK_REGION_CODE_LEN) < 0)
		return SX_EINVALID;
	check = idcheck_credit_code_check_char(code);
	if (check == '\0' || check != code[IDCHECK_CREDIT_CODE_LEN - 1])
		return SX_EINVALID;
	return 0;
}

char idcheck_person_id_check_char(const char *first17)
{
	int sum = 0;
	int check;
	size_t i;

	if (first17 == NULL)
		return '\0';
	for (i = 0; i < IDCHECK_PERSON_ID_LEN - 1; i++) {
		if (!is_digit(first17[i]))
			return '\0';
		sum += (first17[i] - '0') * person_weights[i];
	}
	check = (12 - sum % 11) % 11;
	return check == 10 ? 'X' : (char)('0' + check);
}

/* The address-code rule both generations share (see the header for why 1-8). */
static bool person_region_is_plausible(const char *id)
{
	return id[0] >= '1' && id[0] <= '8';
}

int idcheck_person_id(const char *id, size_t len)
{
	struct idcheck_date birth;

	if (id == NULL || len != IDCHECK_PERSON_ID_LEN)
		return SX_EINVALID;
	if (!are_digits(id, IDCHECK_PERSON_ID_LEN - 1) || !person_region_is_plausible(id))
		return SX_EINVALID;
	if (birth_date_parse(&birth, id, len) < 0)
		return SX_EINVALID;
	if (idcheck_person_id_check_char(id) != id[IDCHECK_PERSON_ID_LEN - 1])
		return SX_EINVALID;
	return 0;
}

int idcheck_person_id_15(const char *id, size_t len)
{
	struct idcheck_date birth;

	if (id == NULL || len != IDCHECK_PERSON_ID_15_LEN)
		return SX_EINVALID;
	if (!are_digits(id, len) || !person_region_is_plausible(id))
		return SX_EINVALID;
	if (birth_date_parse(&birth, id, len) < 0)
		return SX_EINVALID;
	return 0;
}

int idcheck_person_id_birth_date(struct idcheck_date *out, const char *id, size_t len)
{
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	if (len == IDCHECK_PERSON_ID_15_LEN)
		rc = idcheck_person_id_15(id, len);
	else
		rc = idcheck_person_id(id, len);
	if (rc < 0)
		return rc;
	return birth_date_parse(out, id, len);
}

int idcheck_region_code(enum idcheck_region_level *out, const char *code, size_t len)
{
	if (out == NULL || code == NULL || len != IDCHECK_REGION_CODE_LEN)
		return SX_EINVALID;
	if (!are_digits(code, len) || !province_exists(digits_value(code, 2)))
		return SX_EINVALID;
	if (memcmp(code + 2, "0000", 4) == 0)
		*out = IDCHECK_REGION_PROVINCE;
	else if (memcmp(code + 4, "00", 2) == 0)
		*out = IDCHECK_REGION_CITY;
	else
		*out = IDCHECK_REGION_COUNTY;
	return 0;
}

int idcheck_mask_person_id(char *out, size_t out_size, const char *id, size_t len)
{
	enum { KEEP_HEAD = 6, KEEP_TAIL = 4 };
	bool shaped;

	if (out == NULL || id == NULL)
		return SX_EINVALID;
	if (len == IDCHECK_PERSON_ID_LEN)
		shaped = are_digits(id, len - 1) && (is_digit(id[len - 1]) || id[len - 1] == 'X');
	else if (len == IDCHECK_PERSON_ID_15_LEN)
		shaped = are_digits(id, len);
	else
		shaped = false;
	if (!shaped)
		return SX_EINVALID;
	if (out_size < len + 1)
		return SX_ETOOBIG;
	memcpy(out, id, KEEP_HEAD);
	memset(out + KEEP_HEAD, '*', len - KEEP_HEAD - KEEP_TAIL);
	memcpy(out + len - KEEP_TAIL, id + len - KEEP_TAIL, KEEP_TAIL);
	out[len] = '\0';
	return 0;
}

/* ---- explanations ---------------------------------------------------------------------------- */

/* Cuts a truncated UTF-8 text back to its last whole character. */
static void utf8_trim_partial(char *text)
{
	size_t len = strlen(text);
	size_t lead = len;
	size_t need;
	unsigned char c;

	while (lead > 0 && ((unsigned char)text[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	c = (unsigned char)text[lead - 1];
	if (c < 0xC0)
		return; /* ASCII: complete */
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (len - (lead - 1) < need)
		text[lead - 1] = '\0';
}

/* Writes the formatted reason and returns SX_EINVALID. */
static int explain_fail(char *reason, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int explain_fail(char *reason, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (reason == NULL || size == 0)
		return SX_EINVALID;
	va_start(ap, fmt);
	n = vsnprintf(reason, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		reason[0] = '\0';
	else if ((size_t)n >= size)
		utf8_trim_partial(reason);
	return SX_EINVALID;
}

static int explain_ok(char *reason, size_t size)
{
	if (reason && size > 0)
		reason[0] = '\0';
	return 0;
}

/* “c” for a visible ASCII character, a word for the others. */
static void describe_char(char out[24], char c)
{
	unsigned char u = (unsigned char)c;

	if (u == ' ')
		snprintf(out, 24, "%s", "空格");
	else if (u > 0x20 && u < 0x7f)
		snprintf(out, 24, "“%c”", c);
	else
		snprintf(out, 24, "字节 0x%02X", u);
}

/* The first byte above 0x7f, or len when there is none. */
static size_t first_non_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] > 0x7f)
			break;
	}
	return i;
}

static bool is_forbidden_credit_letter(char c)
{
	return c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z';
}

int idcheck_credit_code_explain(char *reason, size_t reason_size, const char *code, size_t len)
{
	enum idcheck_region_level level;
	char what[24];
	char check;
	size_t i;

	if (code == NULL || len == 0)
		return explain_fail(reason, reason_size, "%s", "代码为空");
	if ((i = first_non_ascii(code, len)) < len)
		return explain_fail(reason, reason_size,
				    "第 %zu 个字节起含有非 ASCII 字符（全角字母、数字或汉字）："
				    "代码只由半角数字和大写字母组成",
				    i + 1);
	if (len != IDCHECK_CREDIT_CODE_LEN)
		return explain_fail(reason, reason_size, "长度应为 18 位，实际为 %zu 位", len);
	for (i = 0; i < len; i++) {
		char c = code[i];

		if (credit_char_value(c) >= 0)
			continue;
		if (c >= 'a' && c <= 'z') {
			char upper = (char)(c - 'a' + 'A');

			if (is_forbidden_credit_letter(upper))
				return explain_fail(
					reason, reason_size,
					"第 %zu 位是字母“%c”：GB 32100 的代码字符集不含 "
					"I、O、S、V、Z（无论大小写）",
					i + 1, c);
			return explain_fail(reason, reason_size,
					    "第 %zu 位是小写字母“%c”：代码只用大写字母，应写作“%c”",
					    i + 1, c, upper);
		}
		if (is_forbidden_credit_letter(c))
			return explain_fail(reason, reason_size,
					    "第 %zu 位是字母“%c”：GB 32100 的代码字符集不含 "
					    "I、O、S、V、Z",
					    i + 1, c);
		describe_char(what, c);
		return explain_fail(reason, reason_size,
				    "第 %zu 位%s不是统一社会信用代码使用的字符（数字和除 "
				    "I、O、S、V、Z 以外的大写字母）",
				    i + 1, what);
	}
	if (!credit_type_is_allocated(code[0], code[1])) {
		bool authority_known = false;

		for (i = 0; i < sizeof(credit_types) / sizeof(credit_types[0]); i++)
			authority_known |= credit_types[i].authority == code[0];
		if (!authority_known)
			return explain_fail(reason, reason_size,
					    "第 1 位登记管理部门代码“%c”未分配", code[0]);
		return explain_fail(reason, reason_size,
				    "第 2 位机构类别代码“%c”不属于登记管理部门“%c”", code[1],
				    code[0]);
	}
	if (memcmp(code + 2, "100000", IDCHECK_REGION_CODE_LEN) != 0 &&
	    idcheck_region_code(&level, code + 2, IDCHECK_REGION_CODE_LEN) < 0)
		return explain_fail(reason, reason_size,
				    "第 3—8 位“%.6s”不是有效的登记管理机关行政区划码（GB/T 2260）",
				    code + 2);
	check = idcheck_credit_code_check_char(code);
	if (check != code[IDCHECK_CREDIT_CODE_LEN - 1])
		return explain_fail(reason, reason_size,
				    "校验码（第 18 位）应为“%c”，实际为“%c”：代码中有字符输错",
				    check, code[IDCHECK_CREDIT_CODE_LEN - 1]);
	return explain_ok(reason, reason_size);
}

int idcheck_person_id_explain(char *reason, size_t reason_size, const char *id, size_t len)
{
	struct idcheck_date birth;
	size_t digits = len == IDCHECK_PERSON_ID_LEN ? len - 1 : len;
	char what[24];
	char check;
	size_t i;

	if (id == NULL || len == 0)
		return explain_fail(reason, reason_size, "%s", "号码为空");
	if ((i = first_non_ascii(id, len)) < len)
		return explain_fail(
			reason, reason_size,
			"第 %zu 个字节起含有非 ASCII 字符（全角数字或汉字）：号码只由半角"
			"数字和末位的“X”组成",
			i + 1);
	if (len != IDCHECK_PERSON_ID_LEN && len != IDCHECK_PERSON_ID_15_LEN)
		return explain_fail(reason, reason_size,
				    "长度应为 18 位（或 15 位的旧号码），实际为 %zu 位", len);
	for (i = 0; i < digits; i++) {
		if (is_digit(id[i]))
			continue;
		describe_char(what, id[i]);
		if (id[i] == 'X' || id[i] == 'x')
			return explain_fail(reason, reason_size,
					    "第 %zu 位是%s：“X”只能出现在 18 位号码的末位", i + 1,
					    what);
		return explain_fail(reason, reason_size, "第 %zu 位%s不是数字", i + 1, what);
	}
	if (len == IDCHECK_PERSON_ID_LEN && !is_digit(id[len - 1]) && id[len - 1] != 'X') {
		if (id[len - 1] == 'x')
			return explain_fail(reason, reason_size, "%s",
					    "第 18 位是小写“x”：校验码 10 应写作大写“X”");
		describe_char(what, id[len - 1]);
		return explain_fail(reason, reason_size, "第 18 位%s应为数字或“X”", what);
	}
	if (id[0] == '9')
		return explain_fail(reason, reason_size, "%s",
				    "第 1 位是“9”：以 9 开头的号码（如外国人永久居留身份证）"
				    "不按公民身份号码校验");
	if (!person_region_is_plausible(id))
		return explain_fail(reason, reason_size,
				    "第 1 位是“%c”：不是有效的地址码（行政区划代码）", id[0]);
	if (birth_date_parse(&birth, id, len) < 0) {
		int year = len == IDCHECK_PERSON_ID_LEN ? digits_value(id + 6, 4)
							: 1900 + digits_value(id + 6, 2);
		const char *mmdd = id + (len == IDCHECK_PERSON_ID_LEN ? 10 : 8);

		if (year < BIRTH_YEAR_MIN || year > BIRTH_YEAR_MAX)
			return explain_fail(reason, reason_size,
					    "出生日期 %04d-%.2s-%.2s 的年份不在 %d—%d 年之间", year,
					    mmdd, mmdd + 2, BIRTH_YEAR_MIN, BIRTH_YEAR_MAX);
		return explain_fail(reason, reason_size, "出生日期 %04d-%.2s-%.2s 不是真实的日期",
				    year, mmdd, mmdd + 2);
	}
	if (len == IDCHECK_PERSON_ID_LEN) {
		check = idcheck_person_id_check_char(id);
		if (check != id[len - 1])
			return explain_fail(
				reason, reason_size,
				"校验码（第 18 位）应为“%c”，实际为“%c”：号码中有数字输错", check,
				id[len - 1]);
	}
	return explain_ok(reason, reason_size);
}

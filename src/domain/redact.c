/* domain/redact — see redact.h for the rules, their sources and the promises. */
#include "domain/redact.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/mem.h"
#include "domain/idcheck.h"

#define MASK_ID "[身份证号已隐去]"
#define MASK_PHONE "[电话已隐去]"
#define MASK_CARD "[银行卡号已隐去]"
#define MASK_ADDRESS "***"
#define MASK_MINOR_NAME "某某"
#define MASK_MINOR_AGE "**"
#define MASK_MANUAL "■■"
#define MASK_GIVEN "某"

/* A number candidate spans at most this many digit groups and digits. */
#define NUMBER_MAX_GROUPS 6
#define NUMBER_MAX_DIGITS 24
#define ADDRESS_MAX_SEGMENT_CHARS 10
#define ADDRESS_MAX_CHARS 64
#define AGE_CONTEXT_CHARS 12

struct finding {
	size_t start, end;
	enum redact_kind kind;
	bool minor_name; /* MINOR: a name (masked 某某), not an age (masked **) */
};

struct scan {
	const char *text;
	size_t len;
	const struct redact_options *opt;
	unsigned char *prot; /* len bytes; 1 = never masked automatically */
	struct finding *items;
	size_t count, cap;
	size_t name_count; /* items[0..name_count) are name findings (for ages) */
};

/* ---- characters ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

static bool is_cont(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/* Code point at text[i] (text is valid UTF-8); *n receives its length. */
static unsigned long cp_at(const char *text, size_t len, size_t i, size_t *n)
{
	unsigned long cp = 0;

	*n = codec_utf8_char_len(text + i, len - i, &cp);
	if (*n == 0)
		*n = 1; /* not reached on validated text */
	return cp;
}

static size_t prev_start(const char *text, size_t i)
{
	while (i > 0 && is_cont(text[--i]))
		;
	return i;
}

static bool is_cjk(unsigned long cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

static bool starts_with(const char *text, size_t len, size_t i, const char *s)
{
	size_t n = strlen(s);

	return n <= len - i && memcmp(text + i, s, n) == 0;
}

/* Index of the first of words that starts at text[i], or -1. */
static int match_word(const char *text, size_t len, size_t i, const char *const *words, size_t count)
{
	for (size_t k = 0; k < count; k++) {
		if (starts_with(text, len, i, words[k]))
			return (int)k;
	}
	return -1;
}

/* Whether the character at text[i] is one of the UTF-8 characters in set. */
static bool char_in(const char *text, size_t len, size_t i, const char *set)
{
	size_t n, sn = strlen(set);

	cp_at(text, len, i, &n);
	for (size_t k = 0; k + n <= sn; k += (size_t)codec_utf8_char_len(set + k, sn - k, NULL)) {
		if (memcmp(set + k, text + i, n) == 0)
			return true;
	}
	return false;
}

static size_t char_count(const char *s, size_t len)
{
	size_t count = 0;

	for (size_t i = 0; i < len; i++) {
		if (!is_cont(s[i]))
			count++;
	}
	return count;
}

/* Naive search; valid UTF-8 needles only match at character boundaries. */
static const char *find_bytes(const char *hay, size_t hay_len, const char *needle, size_t n)
{
	if (n == 0 || n > hay_len)
		return NULL;
	for (size_t i = 0; i + n <= hay_len; i++) {
		const char *p = memchr(hay + i, needle[0], hay_len - n + 1 - i);

		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, n) == 0)
			return p;
		i = (size_t)(p - hay);
	}
	return NULL;
}

/* ---- findings ---- */

static int add(struct scan *s, size_t start, size_t end, enum redact_kind kind, bool minor_name)
{
	if (s->count == s->cap) {
		size_t cap = s->cap == 0 ? 16 : s->cap * 2;
		struct finding *items = sx_reallocarray(s->items, cap, sizeof(*items));

		if (items == NULL)
			return SX_ENOMEM;
		s->items = items;
		s->cap = cap;
	}
	s->items[s->count++] = (struct finding){start, end, kind, minor_name};
	return 0;
}

static void protect(struct scan *s, size_t start, size_t end)
{
	memset(s->prot + start, 1, end - start);
}

static bool is_protected(const struct scan *s, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		if (s->prot[i])
			return true;
	}
	return false;
}

/* ---- protected text: keep tokens, URLs, credit codes, our own masks ---- */

static void protect_all_of(struct scan *s, const char *token, size_t n)
{
	const char *p = s->text;
	size_t left = s->len;
	const char *hit;

	while ((hit = find_bytes(p, left, token, n)) != NULL) {
		size_t at = (size_t)(hit - s->text);

		protect(s, at, at + n);
		left -= (size_t)(hit + 1 - p);
		p = hit + 1;
	}
}

static bool url_char(char c)
{
	unsigned char u = (unsigned char)c;

	return u > 0x20 && u < 0x7F && c != '"' && c != '<' && c != '>';
}

static void protect_fixed(struct scan *s)
{
	static const char *const masks[] = {MASK_ID, MASK_PHONE, MASK_CARD};
	const char *t = s->text;

	for (size_t k = 0; k < sizeof(masks) / sizeof(masks[0]); k++)
		protect_all_of(s, masks[k], strlen(masks[k]));
	for (size_t i = 0; i < s->len; i++) {
		size_t n = 0;

		if ((t[i] == 'h' || t[i] == 'H') &&
		    (s->len - i >= 7 && (strncasecmp(t + i, "http://", 7) == 0)))
			n = 7;
		else if ((t[i] == 'h' || t[i] == 'H') && s->len - i >= 8 &&
			 strncasecmp(t + i, "https://", 8) == 0)
			n = 8;
		if (n > 0) {
			size_t e = i + n;

			while (e < s->len && url_char(t[e]))
				e++;
			protect(s, i, e);
			i = e - 1;
		}
	}
	/* 统一社会信用代码: an ASCII alphanumeric run of exactly 18 that checks. */
	for (size_t i = 0; i < s->len;) {
		size_t e = i;

		if (!is_alnum(t[i])) {
			i++;
			continue;
		}
		while (e < s->len && is_alnum(t[e]))
			e++;
		if (e - i == IDCHECK_CREDIT_CODE_LEN && idcheck_credit_code(t + i, e - i) == 0)
			protect(s, i, e);
		i = e;
	}
}

/* ---- numbers: ID numbers, phones, bank cards ---- */

struct group {
	size_t start, end; /* digits, plus a final X/x of an 18-character ID */
	char sep;          /* the separator before it; 0 for a token's first group */
};

/* Parses the group at pos; returns whether another group of the token follows. */
static bool group_parse(struct group *g, const char *t, size_t len, size_t pos, char sep)
{
	size_t e = pos;

	while (e < len && is_digit(t[e]))
		e++;
	if (e - pos == IDCHECK_PERSON_ID_LEN - 1 && e < len && (t[e] == 'X' || t[e] == 'x') &&
	    (e + 1 == len || !is_alnum(t[e + 1])))
		e++;
	g->start = pos;
	g->end = e;
	g->sep = sep;
	return e + 1 < len && (t[e] == ' ' || t[e] == '-') && is_digit(t[e + 1]);
}

static bool is_mobile(const char *d, size_t n)
{
	return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/* Area code length of d (3 for 010 and 02x, 4 for 0[3-9]xx), 0 when none. */
static size_t area_len(const char *d, size_t n)
{
	if (n < 3 || d[0] != '0')
		return 0;
	if (d[1] == '1')
		return d[2] == '0' ? 3 : 0;
	if (d[1] == '2')
		return 3;
	return n >= 4 && d[1] >= '3' ? 4 : 0;
}

static bool is_local(const char *d, size_t n)
{
	return (n == 7 || n == 8) && d[0] >= '2';
}

static bool luhn_ok(const char *d, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';

		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

static bool is_person_id(const char *d, size_t n)
{
	char id[IDCHECK_PERSON_ID_LEN];

	if (n == IDCHECK_PERSON_ID_15_LEN)
		return idcheck_person_id_15(d, n) == 0;
	if (n != IDCHECK_PERSON_ID_LEN)
		return false;
	/* An all-digit organisation code is kept (it is protected as well). */
	if (d[17] != 'X' && idcheck_credit_code(d, n) == 0)
		return false;
	/* Plausible whatever the check character: people mistype it. */
	memcpy(id, d, IDCHECK_PERSON_ID_LEN - 1);
	id[17] = idcheck_person_id_check_char(d);
	return id[17] != '\0' && idcheck_person_id(id, sizeof(id)) == 0;
}

/* Classifies groups g[0..k); returns the kind or 0. */
static enum redact_kind number_kind(const char *t, const struct group *g, size_t k)
{
	char d[NUMBER_MAX_DIGITS + 1];
	size_t lens[NUMBER_MAX_GROUPS], n = 0;
	bool has_x = false, same_sep = true;

	for (size_t m = 0; m < k; m++) {
		lens[m] = g[m].end - g[m].start;
		if (n + lens[m] > NUMBER_MAX_DIGITS)
			return 0;
		memcpy(d + n, t + g[m].start, lens[m]);
		n += lens[m];
		if (m > 1 && g[m].sep != g[1].sep)
			same_sep = false;
	}
	d[n] = '\0';
	if (n > 0 && (d[n - 1] == 'x' || d[n - 1] == 'X')) {
		d[n - 1] = 'X';
		has_x = true;
	}
	if (k == 1) {
		if (is_person_id(d, n))
			return REDACT_ID_NUMBER;
		if (has_x)
			return 0;
		if (is_mobile(d, n) || (n == 13 && d[0] == '8' && d[1] == '6' && is_mobile(d + 2, 11)))
			return REDACT_PHONE;
		if (n >= 10 && n <= 12 && area_len(d, n) > 0 &&
		    is_local(d + area_len(d, n), n - area_len(d, n)))
			return REDACT_PHONE;
		if (n >= 16 && n <= 19 && luhn_ok(d, n))
			return REDACT_BANK_CARD;
		return 0;
	}
	if (has_x)
		return 0;
	/* 138 1234 5678, 86 13812345678, 86 138 1234 5678 */
	if (same_sep && k == 3 && lens[0] == 3 && lens[1] == 4 && lens[2] == 4 && is_mobile(d, n))
		return REDACT_PHONE;
	if (lens[0] == 2 && d[0] == '8' && d[1] == '6' && is_mobile(d + 2, n - 2) &&
	    (k == 2 || (k == 4 && lens[1] == 3 && lens[2] == 4)))
		return REDACT_PHONE;
	/* 0571-88886666, 010 88886666, 0571-88886666-123 */
	if ((k == 2 || (k == 3 && g[2].sep == '-' && lens[2] <= 6)) &&
	    area_len(d, lens[0]) == lens[0] && is_local(d + lens[0], lens[1]))
		return REDACT_PHONE;
	/* 6222 0212 3456 7890 123 */
	if (k >= 4 && same_sep && n >= 16 && n <= 19 && luhn_ok(d, n)) {
		for (size_t m = 0; m + 1 < k; m++) {
			if (lens[m] != 4)
				return 0;
		}
		return lens[k - 1] >= 1 && lens[k - 1] <= 4 ? REDACT_BANK_CARD : 0;
	}
	return 0;
}

/* Extends a phone span over an extension written 转NNNN or 分机NNNN. */
static size_t phone_extension_end(const char *t, size_t len, size_t end)
{
	static const char *const words[] = {"转", "分机"};
	int w = match_word(t, len, end, words, 2);
	size_t e, n;

	if (w < 0)
		return end;
	n = strlen(words[w]);
	e = end + n;
	while (e < len && is_digit(t[e]) && e - end - n < 7)
		e++;
	if (e == end + n || e - end - n > 6 || (e < len && is_alnum(t[e])))
		return end;
	return e;
}

/* Whether the token t[start, end) touches something that makes it no number of ours. */
static bool token_is_embedded(const char *t, size_t len, size_t start, size_t end)
{
	if (start > 0) {
		char p = t[start - 1];

		if (is_alpha(p) || p == '_' || (p == '.' && start >= 2 && is_digit(t[start - 2])))
			return true;
	}
	if (end < len) {
		char c = t[end];

		if (is_alnum(c) || c == '_' || c == '%' ||
		    (c == '.' && end + 1 < len && is_digit(t[end + 1])))
			return true;
	}
	return false;
}

static int scan_numbers(struct scan *s)
{
	const char *t = s->text;
	size_t len = s->len, i = 0;
	int rc;

	while (i < len) {
		struct group g[NUMBER_MAX_GROUPS];
		size_t gn = 0, pos = i, token_end = i;
		bool more = true, first = true;
		char sep = 0;

		if (!is_digit(t[i])) {
			i++;
			continue;
		}
		/* Where the token ends, to judge its neighbours first. */
		for (struct group tmp; more; pos = tmp.end + 1) {
			more = group_parse(&tmp, t, len, pos, 0);
			token_end = tmp.end;
		}
		if (token_is_embedded(t, len, i, token_end)) {
			i = token_end;
			continue;
		}
		pos = i;
		more = true;
		for (;;) {
			size_t used = 0;

			while (gn < NUMBER_MAX_GROUPS && more) {
				more = group_parse(&g[gn], t, len, pos, sep);
				sep = more ? t[g[gn].end] : 0;
				pos = g[gn].end + 1;
				gn++;
			}
			if (gn == 0)
				break;
			for (size_t k = gn; k >= 1 && used == 0; k--) {
				enum redact_kind kind = number_kind(t, g, k);
				size_t start = g[0].start, end = g[k - 1].end;

				if (kind == 0)
					continue;
				if (kind == REDACT_PHONE) {
					if (first && start > 0 && t[start - 1] == '+' && t[start] == '8')
						start--;
					end = phone_extension_end(t, len, end);
				}
				if ((rc = add(s, start, end, kind, false)) < 0)
					return rc;
				used = k;
			}
			if (used == 0)
				used = 1;
			memmove(g, g + used, (gn - used) * sizeof(g[0]));
			gn -= used;
			first = false;
		}
		i = token_end;
	}
	return 0;
}

/* ---- names ---- */

/* The common compound surnames (复姓). */
static const char *const compound_surnames[] = {
	"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
	"宇文", "司徒", "夏侯", "令狐", "轩辕", "端木", "独孤", "南宫", "西门", "百里",
	"呼延", "澹台", "公冶", "太史", "申屠", "闻人", "万俟", "赫连", "濮阳", "钟离",
	"宗政", "拓跋", "东郭", "公羊", "左丘", "单于", "司空", "司寇", "仲孙", "微生",
	"羊舌", "亓官", "梁丘", "第五", "鲜于", "乐正", "漆雕", "壤驷", "谷梁", "段干",
};

/* Masks name[0, len) into b: surname kept, every other character 某. */
static int mask_name_into(struct buf *b, const char *name, size_t len)
{
	size_t keep, n, chars;
	int rc;

	cp_at(name, len, 0, &keep);
	chars = char_count(name, len);
	if (chars == 1)
		return buf_append_str(b, MASK_GIVEN);
	if (chars >= 3) {
		for (size_t k = 0; k < sizeof(compound_surnames) / sizeof(compound_surnames[0]); k++) {
			n = strlen(compound_surnames[k]);
			if (n < len && memcmp(name, compound_surnames[k], n) == 0) {
				keep = n;
				break;
			}
		}
	}
	if ((rc = buf_append(b, name, keep)) < 0)
		return rc;
	for (size_t c = char_count(name + keep, len - keep); c > 0; c--) {
		if ((rc = buf_append_str(b, MASK_GIVEN)) < 0)
			return rc;
	}
	return 0;
}

/* Whether name is unchanged by its own mask (then it is no finding). */
static int name_is_masked(bool *out, const char *name, size_t len, bool minor)
{
	struct buf b;
	int rc;

	if (minor) {
		*out = len == strlen(MASK_MINOR_NAME) && memcmp(name, MASK_MINOR_NAME, len) == 0;
		return 0;
	}
	buf_init(&b, REDACT_MAX_NAME_BYTES * 3);
	rc = mask_name_into(&b, name, len);
	if (rc == 0)
		*out = b.len == len && memcmp(b.data, name, len) == 0;
	buf_free(&b);
	return rc;
}

static int scan_name(struct scan *s, const char *name, enum redact_kind kind)
{
	size_t n = strlen(name), at = 0;
	bool masked = false;
	const char *hit;
	int rc;

	if ((rc = name_is_masked(&masked, name, n, kind == REDACT_MINOR)) < 0 || masked)
		return rc;
	while ((hit = find_bytes(s->text + at, s->len - at, name, n)) != NULL) {
		size_t start = (size_t)(hit - s->text);

		if ((rc = add(s, start, start + n, kind, kind == REDACT_MINOR)) < 0)
			return rc;
		at = start + 1;
	}
	return 0;
}

static int scan_names(struct scan *s)
{
	const struct redact_options *o = s->opt;
	int rc;

	if (o == NULL)
		return 0;
	if (o->party_is_person && o->party_name != NULL && o->party_name[0] != '\0' &&
	    (rc = scan_name(s, o->party_name, REDACT_PARTY_NAME)) < 0)
		return rc;
	for (size_t k = 0; k < o->name_count; k++) {
		if ((rc = scan_name(s, o->names[k], REDACT_PERSON_NAME)) < 0)
			return rc;
	}
	for (size_t k = 0; k < o->minor_name_count; k++) {
		if ((rc = scan_name(s, o->minor_names[k], REDACT_MINOR)) < 0)
			return rc;
	}
	s->name_count = s->count;
	return 0;
}

/* ---- ages of minors (《未成年人保护法》第一百零三条) ---- */

static int numeral_value(const char *t, size_t len, size_t i)
{
	static const char *const digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
	int w = match_word(t, len, i, digits, 10);

	if (w >= 0)
		return w;
	if (starts_with(t, len, i, "两"))
		return 2;
	if (starts_with(t, len, i, "十"))
		return 10;
	return -1;
}

/* Value of the age number ending at end; *start receives where it begins. -1 when none. */
static long age_value(size_t *start, const char *t, size_t len, size_t end)
{
	size_t i = end;
	int vals[3];
	size_t nv = 0;

	if (i > 0 && (is_digit(t[i - 1]) || t[i - 1] == '.')) {
		long v = 0;
		size_t dot = end;

		while (i > 0 && (is_digit(t[i - 1]) || t[i - 1] == '.') && end - i < 8)
			i--;
		if (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '.'))
			return -1;
		if (!is_digit(t[i]) || !is_digit(t[end - 1]))
			return -1;
		for (size_t k = i; k < end; k++) {
			if (t[k] == '.') {
				if (dot != end)
					return -1;
				dot = k;
			}
		}
		if (dot - i > 3)
			return -1;
		for (size_t k = i; k < dot; k++)
			v = v * 10 + (t[k] - '0');
		*start = i;
		return v;
	}
	while (i > 0 && nv < 3) {
		size_t p = prev_start(t, i);
		int v = numeral_value(t, len, p);

		if (v < 0)
			break;
		vals[nv++] = v;
		i = p;
	}
	if (nv == 0 || (i > 0 && numeral_value(t, len, prev_start(t, i)) >= 0))
		return -1;
	*start = i;
	/* vals are in reverse order: 十七 -> {7, 10}. */
	if (nv == 1)
		return vals[0];
	if (nv == 2 && vals[1] == 10 && vals[0] < 10)
		return 10 + vals[0];
	if (nv == 2 && vals[0] == 10 && vals[1] < 10 && vals[1] > 0)
		return vals[1] * 10;
	if (nv == 3 && vals[1] == 10 && vals[0] < 10 && vals[2] < 10 && vals[2] > 0)
		return vals[2] * 10 + vals[0];
	return -1;
}

static bool age_has_person_before(const struct scan *s, size_t at)
{
	size_t i = at;

	for (size_t chars = 0; i > 0 && chars < AGE_CONTEXT_CHARS; chars++) {
		i = prev_start(s->text, i);
		if (char_in(s->text, s->len, i, "。；！？;!?\n"))
			break;
		if (char_in(s->text, s->len, i, "男女某子孩童儿孙生"))
			return true;
	}
	for (size_t k = 0; k < s->name_count; k++) {
		if (s->items[k].end > i && s->items[k].end <= at)
			return true;
	}
	return false;
}

static int scan_ages(struct scan *s)
{
	const char *t = s->text;
	size_t at = 0;
	const char *hit;
	int rc;

	while ((hit = find_bytes(t + at, s->len - at, "岁", strlen("岁"))) != NULL) {
		size_t end = (size_t)(hit - t), start = 0;
		long v;

		at = end + 1;
		if (end >= strlen("周") && memcmp(t + end - strlen("周"), "周", strlen("周")) == 0)
			end -= strlen("周");
		v = age_value(&start, t, s->len, end);
		if (v < 0 || v >= 18)
			continue;
		if (start > 0 && char_in(t, s->len, prev_start(t, start), "满"))
			continue;
		if (!age_has_person_before(s, start))
			continue;
		if ((rc = add(s, start, end, REDACT_MINOR, false)) < 0)
			return rc;
	}
	return 0;
}

/* ---- addresses below district level ---- */

static const char *const address_markers[] = {
	"街道", "社区", "小区", "大道", "胡同", "单元", "路", "街", "巷", "弄", "号",
	"栋",   "幢",   "座",   "层",   "楼",   "室",   "村", "组", "镇", "乡",
};

/* Text right after a chain that makes it an organisation's name. */
static const char *const organisation_words[] = {
	"委", "办", "政府", "人民政府", "民委", "派出所", "居委", "管委", "所", "局", "站",
	"队", "院", "店", "公司", "支行", "分行", "行", "校", "小学", "中学", "中心",
	"幼儿园", "学", "厅", "馆", "处", "卫生", "财政", "法庭", "市场", "超市", "医",
	"银行", "酒店", "宾馆", "餐", "药", "商", "门市", "营业", "厂", "集团", "社",
};

/* Characters that end an address name: punctuation is handled apart, these
 * are words of running text, dates, articles, amounts and agency names. */
static const char address_stop_chars[] =
	"局委厅院政的于在对向将并和与及或经由被是为已未年月日第条款项元时秒依据处罚案决定书等该其称系";

static bool address_char(const char *t, size_t len, size_t i)
{
	size_t n;
	unsigned long cp = cp_at(t, len, i, &n);

	if (cp < 0x80)
		return is_alnum((char)cp) || cp == '-' || cp == '#';
	if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
	    (cp >= 0xFF41 && cp <= 0xFF5A) || cp == 0xFF0D || cp == 0xFF03)
		return true;
	return is_cjk(cp) && !char_in(t, len, i, address_stop_chars);
}

/* Whether the district character at t[i] (preceded and followed as it is) starts an address. */
static bool district_starts_address(const char *t, size_t len, size_t i)
{
	static const struct {
		const char *ch, *not_after, *not_before;
	} districts[] = {
		{"区", "社小园景校禁灾风厂片城郊山矿林牧地辖", "域间别分划块"},
		{"县", "", "级委长域城"},
		{"旗", "国红彩锦升党团军队", "帜下舰"},
		{"市", "超城门股集上夜菜早花都黑互闹街", "场民政级辖值面容委长区"},
	};
	size_t n, p;

	for (size_t k = 0; k < sizeof(districts) / sizeof(districts[0]); k++) {
		if (!starts_with(t, len, i, districts[k].ch))
			continue;
		if (i == 0)
			return false;
		p = prev_start(t, i);
		if (!is_cjk(cp_at(t, len, p, &n)) ||
		    (districts[k].not_after[0] != '\0' && char_in(t, len, p, districts[k].not_after)))
			return false;
		n = strlen(districts[k].ch);
		return i + n < len && !char_in(t, len, i + n, districts[k].not_before);
	}
	return false;
}

/* End of the address chain after a district ending at q, or q when none. */
static size_t address_chain_end(const char *t, size_t len, size_t q)
{
	size_t chain_end = q, chars = 0;

	while (q < len && chars < ADDRESS_MAX_CHARS) {
		size_t name_chars = 0;
		int m = -1;

		while (q < len && (m = match_word(t, len, q, address_markers,
						  sizeof(address_markers) / sizeof(address_markers[0]))) < 0) {
			size_t n;

			if (!address_char(t, len, q) || name_chars == ADDRESS_MAX_SEGMENT_CHARS)
				return chain_end;
			/* Another district name: in the first segment the later,
			 * lower one is kept instead; later it ends the chain. */
			if (char_in(t, len, q, "区县旗市"))
				return chain_end;
			cp_at(t, len, q, &n);
			q += n;
			name_chars++;
			chars++;
		}
		if (q >= len)
			break;
		q += strlen(address_markers[m]);
		chars++;
		chain_end = q;
	}
	return chain_end;
}

static int scan_addresses(struct scan *s)
{
	const char *t = s->text;
	size_t len = s->len;
	int rc;

	for (size_t i = 0; i < len; i++) {
		size_t q, end, n;

		if (is_cont(t[i]) || !district_starts_address(t, len, i))
			continue;
		cp_at(t, len, i, &n);
		q = i + n;
		end = address_chain_end(t, len, q);
		if (end == q || match_word(t, len, end, organisation_words,
					   sizeof(organisation_words) / sizeof(organisation_words[0])) >= 0)
			continue;
		if ((rc = add(s, q, end, REDACT_ADDRESS, false)) < 0)
			return rc;
	}
	return 0;
}

/* ---- merging ---- */

static int kind_rank(enum redact_kind kind)
{
	static const int rank[REDACT_KIND_COUNT + 1] = {
		[REDACT_MANUAL] = 0,  [REDACT_ID_NUMBER] = 1,   [REDACT_BANK_CARD] = 2,
		[REDACT_PHONE] = 3,   [REDACT_ADDRESS] = 4,     [REDACT_MINOR] = 5,
		[REDACT_PERSON_NAME] = 6, [REDACT_PARTY_NAME] = 7,
	};

	return rank[kind];
}

static int finding_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return kind_rank(x->kind) - kind_rank(y->kind);
}

/* Sorts the findings and merges overlapping ones into their union. */
static void merge(struct scan *s)
{
	size_t w = 0;

	if (s->count == 0)
		return;
	qsort(s->items, s->count, sizeof(s->items[0]), finding_cmp);
	for (size_t r = 1; r < s->count; r++) {
		struct finding *cur = &s->items[w], *next = &s->items[r];

		if (next->start < cur->end) {
			if (next->end > cur->end)
				cur->end = next->end;
			if (kind_rank(next->kind) < kind_rank(cur->kind))
				cur->kind = next->kind;
			cur->minor_name = cur->minor_name || next->minor_name;
		} else {
			s->items[++w] = *next;
		}
	}
	s->count = w + 1;
}

/* ---- checking the options ---- */

static bool text_is_name(const char *name)
{
	size_t n;

	if (name == NULL)
		return false;
	n = strnlen(name, REDACT_MAX_NAME_BYTES + 1);
	if (n == 0 || n > REDACT_MAX_NAME_BYTES || !codec_is_valid_utf8(name, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)name[i] <= 0x20 || name[i] == 0x7F)
			return false;
	}
	return find_bytes(name, n, "\xe3\x80\x80", 3) == NULL; /* U+3000 ideographic space */
}

static int check_name_list(const char *const *names, size_t count, const char *which,
			   struct sx_error *err)
{
	char msg[SX_ERROR_MESSAGE_MAX];

	if (count > REDACT_MAX_NAMES)
		return sx_error_set(err, SX_ETOOBIG, "too_big", "姓名过多，一次最多 1000 个");
	if (count > 0 && names == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_argument", "参数缺失");
	for (size_t k = 0; k < count; k++) {
		if (!text_is_name(names[k]) || char_count(names[k], strlen(names[k])) < 2) {
			snprintf(msg, sizeof(msg),
				 "%s第 %zu 个姓名不合规：应为 2 个字以上、不超过 %d 字节、不含空格的文字", which,
				 k + 1, REDACT_MAX_NAME_BYTES);
			return sx_error_set(err, SX_EINVALID, "bad_name", msg);
		}
	}
	return 0;
}

static int check_options(const struct redact_options *o, struct sx_error *err)
{
	int rc;

	if (o == NULL)
		return 0;
	if (o->party_is_person && o->party_name != NULL && o->party_name[0] != '\0' &&
	    (!text_is_name(o->party_name) || char_count(o->party_name, strlen(o->party_name)) < 2))
		return sx_error_set(err, SX_EINVALID, "bad_name",
				    "当事人姓名不合规：应为 2 个字以上、不超过 64 字节、不含空格的文字");
	if ((rc = check_name_list(o->names, o->name_count, "其他自然人", err)) < 0 ||
	    (rc = check_name_list(o->minor_names, o->minor_name_count, "未成年人", err)) < 0)
		return rc;
	if (o->keep_count > REDACT_MAX_NAMES)
		return sx_error_set(err, SX_ETOOBIG, "too_big", "保留词过多，一次最多 1000 个");
	if (o->keep_count > 0 && o->keep == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_argument", "参数缺失");
	for (size_t k = 0; k < o->keep_count; k++) {
		size_t n = o->keep[k] != NULL ? strnlen(o->keep[k], REDACT_MAX_KEEP_BYTES + 1) : 0;

		if (n == 0 || n > REDACT_MAX_KEEP_BYTES || !codec_is_valid_utf8(o->keep[k], n))
			return sx_error_set(err, SX_EINVALID, "bad_keep",
					    "保留词不合规：应为 1 至 128 字节的文字");
	}
	if (o->manual_count > REDACT_MAX_MANUAL)
		return sx_error_set(err, SX_ETOOBIG, "too_big", "人工标注过多，一次最多 10000 处");
	if (o->manual_count > 0 && o->manual == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_argument", "参数缺失");
	return 0;
}

static int check_manual(const struct redact_options *o, const char *text, size_t len,
			struct sx_error *err)
{
	for (size_t k = 0; o != NULL && k < o->manual_count; k++) {
		const struct redact_span *m = &o->manual[k];

		if (m->start >= m->end || m->end > len || is_cont(text[m->start]) ||
		    (m->end < len && is_cont(text[m->end])))
			return sx_error_set(err, SX_EINVALID, "bad_manual_span",
					    "人工标注的范围不合规：须在正文之内、不为空、不截断文字");
	}
	return 0;
}

/* ---- the scan ---- */

/* Fills s->items with the merged findings of text. Options checked by the caller. */
static int scan_run(struct scan *s, const char *text, size_t len, const struct redact_options *opt,
		    bool with_manual)
{
	size_t w = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	s->text = text;
	s->len = len;
	s->opt = opt;
	if (len == 0)
		return 0;
	if ((s->prot = sx_calloc(len, 1)) == NULL)
		return SX_ENOMEM;
	for (size_t k = 0; opt != NULL && k < opt->keep_count; k++)
		protect_all_of(s, opt->keep[k], strlen(opt->keep[k]));
	protect_fixed(s);
	if ((rc = scan_names(s)) < 0 || (rc = scan_ages(s)) < 0 || (rc = scan_numbers(s)) < 0 ||
	    (rc = scan_addresses(s)) < 0)
		return rc;
	for (size_t r = 0; r < s->count; r++) {
		if (!is_protected(s, s->items[r].start, s->items[r].end))
			s->items[w++] = s->items[r];
	}
	s->count = w;
	for (size_t k = 0; with_manual && opt != NULL && k < opt->manual_count; k++) {
		if ((rc = add(s, opt->manual[k].start, opt->manual[k].end, REDACT_MANUAL, false)) < 0)
			return rc;
	}
	merge(s);
	return 0;
}

static void scan_free(struct scan *s)
{
	sx_free(s->prot);
	sx_free(s->items);
	s->prot = NULL;
	s->items = NULL;
	s->count = s->cap = 0;
}

/* Checks the arguments shared by the public functions. */
static int check_input(const char *text, size_t len, const struct redact_options *opt,
		       bool with_manual, struct sx_error *err)
{
	int rc;

	if (text == NULL && len > 0)
		return sx_error_set(err, SX_EINVALID, "bad_argument", "参数缺失");
	if (len > REDACT_MAX_TEXT_BYTES)
		return sx_error_set(err, SX_ETOOBIG, "too_big", "待公开的文本过长，最多 1 MiB");
	if (!codec_is_valid_utf8(text, len))
		return sx_error_set(err, SX_EINVALID, "bad_text", "待公开的文本不是合法的 UTF-8 文字");
	if ((rc = check_options(opt, err)) < 0)
		return rc;
	return with_manual ? check_manual(opt, text, len, err) : 0;
}

int redact_find(struct redact_span **out, size_t *count, const char *text, size_t len,
		const struct redact_options *opt, struct sx_error *err)
{
	struct scan s;
	struct redact_span *spans = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (count != NULL)
		*count = 0;
	if (out == NULL || count == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_argument", "参数缺失");
	if ((rc = check_input(text, len, opt, true, err)) < 0)
		return rc;
	rc = scan_run(&s, text, len, opt, true);
	if (rc == 0 && s.count > 0 && (spans = sx_calloc(s.count, sizeof(*spans))) == NULL)
		rc = SX_ENOMEM;
	if (rc < 0) {
		scan_free(&s);
		return sx_error_set(err, rc, NULL, NULL);
	}
	for (size_t k = 0; k < s.count; k++)
		spans[k] = (struct redact_span){s.items[k].start, s.items[k].end, s.items[k].kind};
	*out = spans;
	*count = s.count;
	scan_free(&s);
	return 0;
}

static int mask_into(struct buf *b, const char *text, const struct finding *f)
{
	switch (f->kind) {
	case REDACT_ID_NUMBER:
		return buf_append_str(b, MASK_ID);
	case REDACT_PHONE:
		return buf_append_str(b, MASK_PHONE);
	case REDACT_BANK_CARD:
		return buf_append_str(b, MASK_CARD);
	case REDACT_ADDRESS:
		return buf_append_str(b, MASK_ADDRESS);
	case REDACT_PERSON_NAME:
	case REDACT_PARTY_NAME:
		return mask_name_into(b, text + f->start, f->end - f->start);
	case REDACT_MINOR:
		return buf_append_str(b, f->minor_name ? MASK_MINOR_NAME : MASK_MINOR_AGE);
	case REDACT_MANUAL:
		return buf_append_str(b, MASK_MANUAL);
	}
	return SX_EINTERNAL;
}

int redact_apply(char **out, size_t *out_len, const char *text, size_t len,
		 const struct redact_options *opt, struct sx_error *err)
{
	struct scan s = {0};
	struct buf cur, next;
	const char *in = text;
	size_t in_len = len;
	char *result;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (out == NULL || out_len == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_argument", "参数缺失");
	if ((rc = check_input(text, len, opt, true, err)) < 0)
		return rc;
	buf_init(&cur, REDACT_MAX_OUTPUT_BYTES);
	buf_init(&next, REDACT_MAX_OUTPUT_BYTES);
	for (int round = 0;; round++) {
		size_t at = 0;

		if ((rc = scan_run(&s, in, in_len, opt, round == 0)) < 0)
			goto done;
		if (s.count == 0)
			break;
		if (round == REDACT_MAX_ROUNDS) {
			rc = sx_error_set(err, SX_EINTERNAL, "redact_no_fixpoint",
					  "隐去个人信息未能完成，请人工标注后重试");
			goto done;
		}
		buf_reset(&next);
		for (size_t k = 0; k < s.count; k++) {
			if ((rc = buf_append(&next, in + at, s.items[k].start - at)) < 0 ||
			    (rc = mask_into(&next, in, &s.items[k])) < 0)
				goto done;
			at = s.items[k].end;
		}
		if ((rc = buf_append(&next, in + at, in_len - at)) < 0)
			goto done;
		scan_free(&s);
		{
			struct buf tmp = cur;

			cur = next;
			next = tmp;
		}
		in = cur.data != NULL ? cur.data : "";
		in_len = cur.len;
	}
	if ((result = sx_malloc(in_len + 1)) == NULL) {
		rc = SX_ENOMEM;
		goto done;
	}
	if (in_len > 0)
		memcpy(result, in, in_len);
	result[in_len] = '\0';
	*out = result;
	*out_len = in_len;
done:
	scan_free(&s);
	buf_free(&cur);
	buf_free(&next);
	if (rc == SX_ENOMEM)
		return sx_error_set(err, rc, NULL, NULL);
	if (rc == SX_ETOOBIG)
		return sx_error_set(err, rc, "too_big", "隐去后的文本过长");
	return rc;
}

int redact_check(struct redact_span *first, const char *text, size_t len,
		 const struct redact_options *opt, struct sx_error *err)
{
	struct scan s;
	char msg[SX_ERROR_MESSAGE_MAX];
	int rc;

	/* Marks are ignored, so they are not checked against this text either. */
	if ((rc = check_input(text, len, opt, false, err)) < 0)
		return rc;
	if ((rc = scan_run(&s, text, len, opt, false)) < 0) {
		scan_free(&s);
		return sx_error_set(err, rc, NULL, NULL);
	}
	if (s.count > 0) {
		const struct finding *f = &s.items[0];

		if (first != NULL)
			*first = (struct redact_span){f->start, f->end, f->kind};
		snprintf(msg, sizeof(msg), "第 %zu 字处疑似%s，请隐去后再保存，或说明不隐去的理由",
			 char_count(text, f->start) + 1, redact_kind_label(f->kind));
		rc = sx_error_setf(err, SX_ECONFLICT, "personal_data_found", msg, "%s at byte %zu",
				   redact_kind_code(f->kind), f->start);
	}
	scan_free(&s);
	return rc;
}

int redact_mask_person_name(char *out, size_t size, const char *name, struct sx_error *err)
{
	struct buf b;
	int rc;

	if (out == NULL || !text_is_name(name))
		return sx_error_set(err, SX_EINVALID, "bad_name",
				    "姓名不合规：应为不超过 64 字节、不含空格的文字");
	buf_init(&b, REDACT_MAX_NAME_BYTES * 3);
	if ((rc = mask_name_into(&b, name, strlen(name))) < 0) {
		buf_free(&b);
		return sx_error_set(err, rc, NULL, NULL);
	}
	if (b.len + 1 > size) {
		buf_free(&b);
		return sx_error_set(err, SX_ETOOBIG, "too_big", "存放隐去后姓名的空间不足");
	}
	memcpy(out, b.data, b.len + 1);
	buf_free(&b);
	return 0;
}

const char *redact_kind_code(enum redact_kind kind)
{
	static const char *const codes[REDACT_KIND_COUNT + 1] = {
		NULL,          "id_number",   "phone",      "bank_card", "address",
		"person_name", "party_name",  "minor",      "manual",
	};

	return (int)kind >= 1 && (int)kind <= REDACT_KIND_COUNT ? codes[kind] : NULL;
}

const char *redact_kind_label(enum redact_kind kind)
{
	static const char *const labels[REDACT_KIND_COUNT + 1] = {
		NULL,         "身份证号",   "电话号码",     "银行卡号", "详细地址",
		"自然人姓名", "当事人姓名", "未成年人信息", "人工标注",
	};

	return (int)kind >= 1 && (int)kind <= REDACT_KIND_COUNT ? labels[kind] : NULL;
}

/*
 * search/zhnorm — see zhnorm.h for the search form, the gram scheme, the
 * thread-safety reasoning and what the module does not do.
 *
 * Normalizing runs in three passes over a text that has been checked to be
 * well-formed UTF-8:
 *   1. premap: one character out per character in — white space and control
 *      characters become ' ', full-width letters and digits become ASCII,
 *      ASCII letters become lower case. The result is never longer in bytes
 *      and holds no NUL (OpenCC stops at NUL bytes inside).
 *   2. convert: OpenCC over the whole text; if the character count changed,
 *      again character by character (convert_by_char).
 *   3. collapse: runs of ' ' become one, leading and trailing ones go; when
 *      asked, each output byte is mapped to the byte offset in the original
 *      of the character it came from (the highlighter needs it).
 * Pass 3 walks the converted text and the original in step, which is sound
 * because passes 1 and 2 keep one character per character.
 */
#include "search/zhnorm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc.h>

#include "base/codec.h"
#include "base/mem.h"

struct zhnorm {
	opencc_t cc; /* from opencc_open; never (opencc_t)-1 once open */
};

#define ZHNORM_DEFAULT_CONFIG OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP

static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 … */

/* ---- characters -------------------------------------------------------- */

static bool is_space_or_control(unsigned long cp)
{
	if (cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0))
		return true; /* C0, space, DEL, C1 (incl. U+0085), U+00A0 */
	return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

static bool is_fullwidth_alnum(unsigned long cp)
{
	return (cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) ||
	       (cp >= 0xff41 && cp <= 0xff5a);
}

/* Whether cp ends a run of word characters (see zhnorm_grams in the header). */
static bool is_separator(unsigned long cp)
{
	if (is_space_or_control(cp))
		return true;
	if (cp < 0x80)
		return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		         (cp >= 'A' && cp <= 'Z'));
	if ((cp >= 0xa1 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7)
		return true;
	if ((cp >= 0x2010 && cp <= 0x206f) || (cp >= 0x2190 && cp <= 0x2bff))
		return true;
	if ((cp >= 0x3001 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) || cp == 0x3030 ||
	    (cp >= 0x303d && cp <= 0x303f))
		return true;
	if ((cp >= 0xfe10 && cp <= 0xfe1f) || (cp >= 0xfe30 && cp <= 0xfe6f))
		return true;
	if ((cp >= 0xff01 && cp <= 0xff65) || (cp >= 0xffe0 && cp <= 0xffee))
		return !is_fullwidth_alnum(cp);
	return false;
}

/* The pass-1 image of cp when it is ASCII after mapping, or 0 when cp stays as it is. */
static char premap_ascii(unsigned long cp)
{
	if (is_space_or_control(cp))
		return ' ';
	if (is_fullwidth_alnum(cp))
		cp -= 0xfee0;
	if (cp >= 'A' && cp <= 'Z')
		return (char)(cp - 'A' + 'a');
	if (cp < 0x80)
		return (char)cp;
	return 0;
}

/* Number of characters of the well-formed UTF-8 s[0..len). */
static size_t count_chars(const char *s, size_t len)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static int check_text(const char *text, size_t len, struct sx_error *err)
{
	if (len > ZHNORM_TEXT_MAX_BYTES)
		return sx_error_setf(err, SX_ETOOBIG, "text_too_long", "检索文本过长（最多 4 MiB）",
		                     "%zu bytes", len);
	if (!codec_is_valid_utf8(text, len))
		return sx_error_set(err, SX_EINVALID, "bad_text", "检索文本不是合法的 UTF-8 文本");
	return 0;
}

/* ---- open / close ------------------------------------------------------ */

int zhnorm_open(struct zhnorm **out, const char *config, struct sx_error *err)
{
	struct zhnorm *z = NULL;
	opencc_t cc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	*out = NULL;
	if (config == NULL)
		config = ZHNORM_DEFAULT_CONFIG;
	z = sx_calloc(1, sizeof(*z));
	if (z == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	cc = opencc_open(config);
	if (cc == (opencc_t)-1) {
		sx_free(z);
		return sx_error_setf(err, SX_EINTERNAL, "zhnorm_unavailable",
		                     "繁简转换不可用：未能加载 OpenCC 的配置或词典",
		                     "opencc_open(%s): %s", config, opencc_error());
	}
	z->cc = cc;
	*out = z;
	return 0;
}

void zhnorm_close(struct zhnorm *z)
{
	if (z == NULL)
		return;
	opencc_close(z->cc);
	sx_free(z);
}

/* ---- normalizing ------------------------------------------------------- */

/* Pass 1 into a new sx_malloc'd string *out (NUL-terminated, *out_len bytes). */
static int premap(char **out, size_t *out_len, bool *has_non_ascii, const char *text, size_t len)
{
	char *p;
	size_t i = 0, o = 0;

	*out = NULL;
	*has_non_ascii = false;
	p = sx_malloc(len + 1);
	if (p == NULL)
		return SX_ENOMEM;
	while (i < len) {
		unsigned long cp;
		size_t n = codec_utf8_char_len(text + i, len - i, &cp);
		char c = premap_ascii(cp);

		if (c != 0) {
			p[o++] = c;
		} else {
			memcpy(p + o, text + i, n);
			o += n;
			*has_non_ascii = true;
		}
		i += n;
	}
	p[o] = '\0';
	*out = p;
	*out_len = o;
	return 0;
}

/*
 * Pass 2's fallback: converts s[0..len) one character at a time, keeping a
 * character whose conversion is not exactly one character. *out is sx_malloc'd.
 */
static int convert_by_char(char **out, size_t *out_len, const struct zhnorm *z, const char *s,
                           size_t len, struct sx_error *err)
{
	struct buf b;
	size_t i = 0;
	int rc = 0;

	*out = NULL;
	buf_init(&b, ZHNORM_TEXT_MAX_BYTES * 2);
	while (i < len) {
		size_t n = codec_utf8_char_len(s + i, len - i, NULL);
		const char *piece = s + i;
		size_t piece_len = n;
		char *conv = NULL;

		if ((unsigned char)s[i] >= 0x80) {
			conv = opencc_convert_utf8(z->cc, s + i, n);
			if (conv == NULL) {
				rc = sx_error_set(err, SX_EINTERNAL, "zhnorm_failed",
				                  "繁简转换失败");
				goto done;
			}
			size_t conv_len = strlen(conv);
			if (conv_len > 0 && codec_utf8_char_len(conv, conv_len, NULL) == conv_len) {
				piece = conv;
				piece_len = conv_len;
			}
		}
		rc = buf_append(&b, piece, piece_len);
		opencc_convert_utf8_free(conv);
		if (rc < 0) {
			rc = sx_error_set(err, rc, NULL, NULL);
			goto done;
		}
		i += n;
	}
	*out = buf_detach(&b, out_len);
	if (*out == NULL)
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
done:
	buf_free(&b);
	return rc;
}

/*
 * Pass 2: *out (sx_malloc'd) has one character per character of pre, which
 * has n characters. pre is NUL-terminated with no NUL inside.
 */
static int convert(char **out, size_t *out_len, const struct zhnorm *z, const char *pre,
                   size_t pre_len, size_t n, struct sx_error *err)
{
	char *conv = NULL;
	size_t conv_len;
	int rc = 0;

	*out = NULL;
	conv = opencc_convert_utf8(z->cc, pre, pre_len);
	if (conv == NULL)
		return sx_error_set(err, SX_EINTERNAL, "zhnorm_failed", "繁简转换失败");
	conv_len = strlen(conv);
	if (!codec_is_valid_utf8(conv, conv_len) || count_chars(conv, conv_len) != n) {
		/* A configuration whose phrases change length (not t2s.json; see the header). */
		rc = convert_by_char(out, out_len, z, pre, pre_len, err);
		goto done;
	}
	*out = sx_strndup(conv, conv_len);
	if (*out == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	*out_len = conv_len;
done:
	opencc_convert_utf8_free(conv);
	return rc;
}

/*
 * The search form of text[0..len) into *out (sx_malloc'd). When map is not
 * NULL, *map (sx_malloc'd, *out_len + 1 entries) receives for every output
 * byte the byte offset in text of the character it came from (for a collapsed
 * space: the first white-space character of the run); (*map)[*out_len] = len.
 */
static int normalize(char **out, size_t *out_len, uint32_t **map, const struct zhnorm *z,
                     const char *text, size_t len, struct sx_error *err)
{
	char *pre = NULL, *conv = NULL, *res = NULL;
	uint32_t *m = NULL;
	size_t pre_len = 0, conv_len = 0, ci = 0, ti = 0, o = 0;
	size_t space_at = 0; /* text offset of the pending space's run */
	bool has_non_ascii, pending_space = false;
	int rc;

	*out = NULL;
	if (map != NULL)
		*map = NULL;
	if ((rc = check_text(text, len, err)) < 0)
		return rc;
	if ((rc = premap(&pre, &pre_len, &has_non_ascii, text, len)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	if (has_non_ascii) {
		rc = convert(&conv, &conv_len, z, pre, pre_len, count_chars(pre, pre_len), err);
		if (rc < 0)
			goto done;
	} else {
		conv = pre;
		conv_len = pre_len;
		pre = NULL;
	}
	res = sx_malloc(conv_len + 1);
	if (res == NULL || (map != NULL && (m = sx_calloc(conv_len + 1, sizeof(*m))) == NULL)) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	while (ci < conv_len) {
		size_t cn = codec_utf8_char_len(conv + ci, conv_len - ci, NULL);
		size_t tn = codec_utf8_char_len(text + ti, len - ti, NULL);

		if (cn == 1 && conv[ci] == ' ') {
			if (!pending_space)
				space_at = ti;
			pending_space = o > 0;
		} else {
			size_t k;

			if (pending_space) {
				if (m != NULL)
					m[o] = (uint32_t)space_at;
				res[o++] = ' ';
				pending_space = false;
			}
			for (k = 0; k < cn; k++) {
				if (m != NULL)
					m[o] = (uint32_t)ti;
				res[o++] = conv[ci + k];
			}
		}
		ci += cn;
		ti += tn;
	}
	res[o] = '\0';
	if (m != NULL) {
		m[o] = (uint32_t)len;
		*map = m;
		m = NULL;
	}
	*out = res;
	*out_len = o;
	res = NULL;
	rc = 0;
done:
	sx_free(pre);
	sx_free(conv);
	sx_free(res);
	sx_free(m);
	return rc;
}

int zhnorm_text(char **out, size_t *out_len, const struct zhnorm *z, const char *text, size_t len,
                struct sx_error *err)
{
	char *res = NULL;
	size_t res_len = 0;
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (z == NULL || (text == NULL && len > 0))
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	if ((rc = normalize(&res, &res_len, NULL, z, text == NULL ? "" : text, len, err)) < 0)
		return rc;
	*out = res;
	if (out_len != NULL)
		*out_len = res_len;
	return 0;
}

/* ---- grams ------------------------------------------------------------- */

struct gram {
	const char *ptr;
	size_t len;
};

static int gram_cmp(const void *a, const void *b)
{
	const struct gram *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->ptr, y->ptr, n);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/*
 * Walks the runs of s[0..len): fills g (when not NULL) with every unigram and
 * bigram, and returns how many there are.
 */
static size_t collect_grams(struct gram *g, const char *s, size_t len)
{
	size_t i = 0, count = 0;
	size_t prev_at = 0;
	bool in_run = false;

	while (i < len) {
		unsigned long cp;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (is_separator(cp)) {
			in_run = false;
		} else {
			if (g != NULL)
				g[count] = (struct gram){s + i, n};
			count++;
			if (in_run) {
				if (g != NULL)
					g[count] = (struct gram){s + prev_at, i + n - prev_at};
				count++;
			}
			in_run = true;
			prev_at = i;
		}
		i += n;
	}
	return count;
}

int zhnorm_grams(char ***out, size_t *count, const char *normalized, size_t len,
                 struct sx_error *err)
{
	struct gram *g = NULL;
	char **res = NULL;
	char *p;
	size_t n, distinct = 0, bytes = 0, i;
	int rc;

	if (out == NULL || count == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	*out = NULL;
	*count = 0;
	if (normalized == NULL && len > 0)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	if (normalized == NULL)
		normalized = "";
	if ((rc = check_text(normalized, len, err)) < 0)
		return rc;
	n = collect_grams(NULL, normalized, len);
	if (n == 0)
		return 0;
	g = sx_calloc(n, sizeof(*g));
	if (g == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	collect_grams(g, normalized, len);
	qsort(g, n, sizeof(*g), gram_cmp);
	for (i = 0; i < n; i++) {
		if (distinct > 0 && gram_cmp(&g[distinct - 1], &g[i]) == 0)
			continue;
		g[distinct++] = g[i];
		bytes += g[i].len + 1;
	}
	/* One block: the pointer array, then the strings it points to. */
	res = sx_malloc(distinct * sizeof(*res) + bytes);
	if (res == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	p = (char *)(res + distinct);
	for (i = 0; i < distinct; i++) {
		res[i] = p;
		memcpy(p, g[i].ptr, g[i].len);
		p[g[i].len] = '\0';
		p += g[i].len + 1;
	}
	*out = res;
	*count = distinct;
	rc = 0;
done:
	sx_free(g);
	return rc;
}

void zhnorm_grams_free(char **grams, size_t count)
{
	(void)count; /* one allocation; count is taken for symmetry with zhnorm_grams */
	sx_free(grams);
}

/* ---- highlight --------------------------------------------------------- */

/*
 * Knuth–Morris–Pratt over bytes, so that a long query cannot make the search
 * quadratic. A match is always on a character boundary: q is well-formed
 * UTF-8 and starts with a lead byte, which never equals a continuation byte.
 */
struct finder {
	const char *q;
	size_t q_len;
	size_t *fail; /* fail[i]: length of the longest proper border of q[0..i] */
};

static int finder_init(struct finder *f, const char *q, size_t q_len)
{
	size_t i, k = 0;

	f->q = q;
	f->q_len = q_len;
	f->fail = NULL;
	if (q_len == 0)
		return 0;
	f->fail = sx_calloc(q_len, sizeof(*f->fail));
	if (f->fail == NULL)
		return SX_ENOMEM;
	for (i = 1; i < q_len; i++) {
		while (k > 0 && q[i] != q[k])
			k = f->fail[k - 1];
		if (q[i] == q[k])
			k++;
		f->fail[i] = k;
	}
	return 0;
}

/* Byte offset of the first match of f's query in s[from..len), or len when none. */
static size_t finder_next(const struct finder *f, const char *s, size_t len, size_t from)
{
	size_t i, k = 0;

	if (f->q_len == 0)
		return len;
	for (i = from; i < len; i++) {
		while (k > 0 && s[i] != f->q[k])
			k = f->fail[k - 1];
		if (s[i] == f->q[k])
			k++;
		if (k == f->q_len)
			return i + 1 - f->q_len;
	}
	return len;
}

/* Byte offset `chars` characters after byte offset `from` of s[0..len) (at most len). */
static size_t advance_chars(const char *s, size_t len, size_t from, size_t chars)
{
	while (from < len && chars > 0) {
		from += codec_utf8_char_len(s + from, len - from, NULL);
		chars--;
	}
	return from;
}

/*
 * Writes original[start..end) escaped, with marks around the hits of q in the
 * normalized norm (map: norm byte -> original byte), searching from norm byte
 * `from` (the first hit), with "…" where the snippet cuts the text.
 */
static int emit_snippet(struct buf *b, const char *original, size_t len, size_t start, size_t end,
                        const char *norm, size_t norm_len, const uint32_t *map,
                        const struct finder *f, size_t from)
{
	size_t q_len = f->q_len;
	size_t at = start;
	int rc;

	if (start > 0 && (rc = buf_append(b, ellipsis, sizeof(ellipsis) - 1)) < 0)
		return rc;
	while (q_len > 0 && from < norm_len) {
		size_t h = finder_next(f, norm, norm_len, from);
		size_t hs, he, last;

		if (h == norm_len)
			break;
		hs = map[h];
		if (hs >= end)
			break;
		/* The hit's last character is not a space (q is trimmed): it maps 1:1. */
		last = map[h + q_len - 1];
		he = last + codec_utf8_char_len(original + last, len - last, NULL);
		if (hs < start)
			hs = start;
		if (he > end)
			he = end;
		if ((rc = buf_append_html_escaped(b, original + at, hs - at)) < 0 ||
		    (rc = buf_append_str(b, "<mark>")) < 0 ||
		    (rc = buf_append_html_escaped(b, original + hs, he - hs)) < 0 ||
		    (rc = buf_append_str(b, "</mark>")) < 0)
			return rc;
		at = he;
		from = h + q_len;
	}
	if ((rc = buf_append_html_escaped(b, original + at, end - at)) < 0)
		return rc;
	if (end < len && (rc = buf_append(b, ellipsis, sizeof(ellipsis) - 1)) < 0)
		return rc;
	return 0;
}

int zhnorm_highlight(struct buf *out, const struct zhnorm *z, const char *original, size_t len,
                     const char *query, size_t query_len, size_t max_chars, struct sx_error *err)
{
	struct buf b;
	struct finder f = {NULL, 0, NULL};
	char *norm = NULL, *q = NULL;
	uint32_t *map = NULL;
	size_t norm_len = 0, q_len = 0, total, start, end, first = 0, h;
	size_t start_char = 0;
	int rc;

	if (out == NULL || z == NULL || max_chars == 0 || (original == NULL && len > 0) ||
	    (query == NULL && query_len > 0))
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	if (original == NULL)
		original = "";
	if (query == NULL)
		query = "";
	buf_init(&b, out->max_bytes > out->len ? out->max_bytes - out->len : 0);
	if ((rc = normalize(&q, &q_len, NULL, z, query, query_len, err)) < 0)
		goto done;
	if ((rc = normalize(&norm, &norm_len, &map, z, original, len, err)) < 0)
		goto done;
	if (finder_init(&f, q, q_len) < 0) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	total = count_chars(original, len);
	h = finder_next(&f, norm, norm_len, 0);
	if (h < norm_len) {
		/* Place the window: a third of the spare room before the first hit. */
		size_t hs = map[h], last = map[h + q_len - 1];
		size_t he = last + codec_utf8_char_len(original + last, len - last, NULL);
		size_t hs_char = count_chars(original, hs);
		size_t hit_chars = count_chars(original + hs, he - hs);
		size_t before = hit_chars >= max_chars ? 0 : (max_chars - hit_chars) / 3;

		first = h;
		start_char = hs_char - (before < hs_char ? before : hs_char);
		if (total - start_char < max_chars)
			start_char = total > max_chars ? total - max_chars : 0;
	}
	start = advance_chars(original, len, 0, start_char);
	end = advance_chars(original, len, start, max_chars);
	rc = emit_snippet(&b, original, len, start, end, norm, norm_len, map, &f, first);
	if (rc < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	if ((rc = buf_append(out, b.data, b.len)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	rc = 0;
done:
	buf_free(&b);
	sx_free(norm);
	sx_free(q);
	sx_free(map);
	sx_free(f.fail);
	return rc;
}

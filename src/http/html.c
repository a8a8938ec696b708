/* http/html — see html.h. */
#include "http/html.h"

#include <stdarg.h>
#include <string.h>

#define HTML_NUMBER_MAX_DIGITS 9

int html_text(struct buf *b, const char *s)
{
	return buf_append_html_escaped(b, s ? s : "", s ? strlen(s) : 0);
}

int html_url_value(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && rc == 0; p++) {
		unsigned char c = *p;

		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			rc = buf_append_char(b, (char)c);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};

			rc = buf_append(b, enc, 3);
		}
	}
	return rc;
}

int html_number_arg(int64_t *out, const char *text, int64_t absent, const char *code,
		    const char *message, struct sx_error *err)
{
	size_t len = text ? strlen(text) : 0;
	int64_t v = 0;

	*out = absent;
	if (len == 0)
		return 0;
	if (len > HTML_NUMBER_MAX_DIGITS)
		return sx_error_set(err, SX_EINVALID, code, message);
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return sx_error_set(err, SX_EINVALID, code, message);
		v = v * 10 + (text[i] - '0');
	}
	if (v < 1)
		return sx_error_set(err, SX_EINVALID, code, message);
	*out = v;
	return 0;
}

int html_page_arg(int64_t *out, const char *text, int64_t absent, struct sx_error *err)
{
	return html_number_arg(out, text, absent, "bad_page",
			       "页码或每页条数应为 1–999999999 的整数", err);
}

static int html__page_link(struct buf *b, const char *path, const char *agency, const char *q,
			   int64_t page, const char *rel, const char *text)
{
	int rc;

	if ((rc = buf_append_str(b, "<a rel=\"")) < 0 || (rc = buf_append_str(b, rel)) < 0 ||
	    (rc = buf_append_str(b, "\" href=\"")) < 0 || (rc = html_text(b, path)) < 0 ||
	    (rc = buf_append_char(b, '?')) < 0)
		return rc;
	if (agency && agency[0]) {
		if ((rc = buf_append_str(b, "agency=")) < 0 || (rc = html_url_value(b, agency)) < 0 ||
		    (rc = buf_append_str(b, "&amp;")) < 0)
			return rc;
	}
	if (q && q[0]) {
		if ((rc = buf_append_str(b, "q=")) < 0 || (rc = html_url_value(b, q)) < 0 ||
		    (rc = buf_append_str(b, "&amp;")) < 0)
			return rc;
	}
	if ((rc = buf_appendf(b, "page=%lld\">", (long long)page)) < 0 ||
	    (rc = buf_append_str(b, text)) < 0)
		return rc;
	return buf_append_str(b, "</a>");
}

int html_pager(struct buf *b, const char *path, const char *agency, const char *q, int64_t page,
	       int64_t page_size, int64_t total)
{
	int64_t pages = page_size > 0 ? (total + page_size - 1) / page_size : 1;
	int rc;

	if (pages <= 1 && page <= 1)
		return 0;
	if ((rc = buf_append_str(b, "<nav class=\"pager\" aria-label=\"分页\">")) < 0)
		return rc;
	if (page > 1 && (rc = html__page_link(b, path, agency, q, page - 1, "prev", "上一页")) < 0)
		return rc;
	if ((rc = buf_appendf(b, " <span>第 %lld 页，共 %lld 页</span> ", (long long)page,
			      (long long)(pages ? pages : 1))) < 0)
		return rc;
	if (page < pages &&
	    (rc = html__page_link(b, path, agency, q, page + 1, "next", "下一页")) < 0)
		return rc;
	return buf_append_str(b, "</nav>");
}

int html_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt, *lit = fmt;
	int rc = 0;

	va_start(ap, fmt);
	while (*p && rc == 0) {
		if (*p != '%') {
			p++;
			continue;
		}
		if (p > lit && (rc = buf_append(b, lit, (size_t)(p - lit))) < 0)
			break;
		switch (p[1]) {
		case 's':
			rc = html_text(b, va_arg(ap, const char *));
			break;
		case 'u':
			rc = html_url_value(b, va_arg(ap, const char *));
			break;
		case 'r': {
			const char *raw = va_arg(ap, const char *);

			rc = raw ? buf_append_str(b, raw) : 0;
			break;
		}
		case 'd':
			rc = buf_appendf(b, "%d", va_arg(ap, int));
			break;
		case 'D':
			rc = buf_appendf(b, "%lld", (long long)va_arg(ap, int64_t));
			break;
		default:
			rc = buf_append_char(b, '%');
			break;
		}
		p += p[1] ? 2 : 1;
		lit = p;
	}
	if (rc == 0 && p > lit)
		rc = buf_append(b, lit, (size_t)(p - lit));
	va_end(ap);
	return rc;
}


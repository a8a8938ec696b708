/* http/template — see template.h. */
#include "http/template.h"

#include <stdio.h>
#include <string.h>

#include "base/embedded.h"
#include "base/mem.h"

#define TEMPLATE_MAX_VARS 48

static const char *template__lookup(const struct template_var *vars, size_t count,
				    const char *name, size_t name_len)
{
	for (size_t i = 0; i < count; i++) {
		if (strlen(vars[i].name) == name_len && memcmp(vars[i].name, name, name_len) == 0)
			return vars[i].value ? vars[i].value : "";
	}
	return "";
}

/* The first needle in [p, end), or NULL. Templates are byte ranges, not C
 * strings: nothing may be read at or past end (so no strstr). */
static const char *template__find(const char *p, const char *end, const char *needle,
				  size_t needle_len)
{
	for (; p < end && (size_t)(end - p) >= needle_len; p++) {
		if (memcmp(p, needle, needle_len) == 0)
			return p;
	}
	return NULL;
}

/* Finds the matching {{/name}} for a block that opened at p; returns its start. */
static const char *template__block_end(const char *p, const char *end, const char *name,
				       size_t name_len)
{
	char close[80];
	int n = snprintf(close, sizeof(close), "{{/%.*s}}", (int)name_len, name);

	if (n < 0 || (size_t)n >= sizeof(close))
		return NULL;
	return template__find(p, end, close, (size_t)n);
}

static int template__render(struct buf *out, const char *text, size_t len,
			    const struct template_var *vars, size_t count, struct sx_error *err)
{
	const char *p = text;
	const char *end = text + len;
	const char *open = NULL;
	int rc;

	while (p < end) {
		open = template__find(p, end, "{{", 2);
		if (open == NULL)
			return buf_append(out, p, (size_t)(end - p));
		if ((rc = buf_append(out, p, (size_t)(open - p))) < 0)
			return rc;
		if (open + 2 < end && open[2] == '{') {
			const char *name = open + 3;
			const char *close = template__find(name, end, "}}}", 3);

			if (close == NULL)
				goto bad;
			rc = buf_append_str(out, template__lookup(vars, count, name,
								  (size_t)(close - name)));
			if (rc < 0)
				return rc;
			p = close + 3;
			continue;
		}
		{
			const char *tag = open + 2;
			const char *close = template__find(tag, end, "}}", 2);
			const char *name = tag;
			size_t name_len;

			if (close == NULL)
				goto bad;
			if (*tag == '#' || *tag == '^') {
				const char *body = close + 2;
				const char *block_end;
				const char *value;
				bool show;

				name = tag + 1;
				name_len = (size_t)(close - name);
				block_end = template__block_end(body, end, name, name_len);
				if (block_end == NULL)
					goto bad;
				value = template__lookup(vars, count, name, name_len);
				show = (*tag == '#') == (value[0] != '\0');
				if (show) {
					rc = template__render(out, body, (size_t)(block_end - body),
							      vars, count, err);
					if (rc < 0)
						return rc;
				}
				p = block_end + name_len + 5; /* "{{/" name "}}" */
				continue;
			}
			if (*tag == '/')
				goto bad;
			name_len = (size_t)(close - name);
			{
				const char *value = template__lookup(vars, count, name, name_len);

				rc = buf_append_html_escaped(out, value, strlen(value));
				if (rc < 0)
					return rc;
			}
			p = close + 2;
		}
	}
	return 0;
bad:
	/* Quote at most 40 bytes of the tag, and none past end. */
	return sx_error_setf(err, SX_EINTERNAL, NULL, NULL, "template syntax error near: %.*s",
			     end - open < 40 ? (int)(end - open) : 40, open);
}

int template_render_text(struct buf *out, const char *text, size_t len,
			 const struct template_var *vars, size_t count, struct sx_error *err)
{
	int rc = template__render(out, text, len, vars, count, err);

	/* Buffer failures (too large, out of memory) come back bare: give
	 * them an error record like the syntax errors have. */
	if (rc < 0 && err && err->rc == 0)
		sx_error_set(err, rc, NULL, NULL);
	return rc;
}

int template_render(struct buf *out, const char *name, const struct template_var *vars,
		    size_t count, struct sx_error *err)
{
	char path[128];
	const struct embedded_asset *asset;

	snprintf(path, sizeof(path), "templates/%s", name);
	asset = embedded_asset_find(path);
	if (asset == NULL)
		return sx_error_setf(err, SX_ENOTFOUND, NULL, NULL, "no template %s", name);
	return template_render_text(out, asset->data, asset->size_bytes, vars, count, err);
}

int template_render_page(struct buf *out, const char *name, const struct template_var *vars,
			 size_t count, struct sx_error *err)
{
	struct template_var all[TEMPLATE_MAX_VARS + 1];
	struct buf content;
	int rc;

	if (count > TEMPLATE_MAX_VARS)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	buf_init(&content, out->max_bytes);
	if ((rc = template_render(&content, name, vars, count, err)) < 0)
		goto cleanup;
	/* "content" comes first so that a caller's variable of that name
	 * cannot replace the rendered page. */
	all[0].name = "content";
	all[0].value = content.data ? content.data : "";
	memcpy(all + 1, vars, count * sizeof(*vars));
	rc = template_render(out, "layout.html", all, count + 1, err);
cleanup:
	buf_free(&content);
	return rc;
}

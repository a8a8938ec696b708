/*
 * http/template — a small logic-less template language for the HTML pages
 * in web/templates/ (compiled into the binary):
 *
 *   {{name}}               the variable, HTML-escaped (absent = empty)
 *   {{{name}}}             the variable unescaped: only for fragments this
 *                          program rendered itself, never for user data
 *   {{#name}} … {{/name}}  the block when the variable is non-empty
 *   {{^name}} … {{/name}}  the block when it is empty or absent
 *
 * Escaping by default is the point: a page cannot forget it. Unknown syntax
 * or an unclosed block is a template bug, reported as SX_EINTERNAL.
 */
#ifndef SX_HTTP_TEMPLATE_H
#define SX_HTTP_TEMPLATE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

struct template_var {
	const char *name;
	const char *value;   /* NULL = empty */
};

/* Renders template text into out (appending). */
int template_render_text(struct buf *out, const char *text, size_t len,
			 const struct template_var *vars, size_t count, struct sx_error *err);

/* Renders web/templates/<name> into out. SX_ENOTFOUND for an unknown name. */
int template_render(struct buf *out, const char *name, const struct template_var *vars,
		    size_t count, struct sx_error *err);

/* Renders <name> as the content of layout.html (vars "title" and the others
 * are visible to both). */
int template_render_page(struct buf *out, const char *name, const struct template_var *vars,
			 size_t count, struct sx_error *err);

#endif

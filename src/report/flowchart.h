/*
 * report/flowchart — the procedure of a 执法事项 drawn as an SVG flowchart,
 * server-side, from its stored steps (事前公开: 办理流程图). No JavaScript,
 * no external resources: the SVG is one self-contained document that prints
 * and scales on a phone.
 *
 * Layout: one column of rounded boxes top to bottom joined by arrows, a
 * start ellipse ("开始") above and an end ellipse ("结束") below. A box shows
 * the step number and title in bold and, under it, the working-day limit
 * ("5 个工作日") when there is one, then the detail text wrapped to the box
 * width (counting a CJK character as one em and ASCII as half an em), cut
 * with "…" after MAX lines. Box heights follow their text, so the image
 * height depends on the content; the width is fixed (viewBox), the SVG
 * scales with width="100%".
 *
 * Text is escaped for XML (& < > " '); input is UTF-8 and is never cut in
 * the middle of a character. The font family is the CSS list
 * "Noto Sans CJK SC", "Source Han Sans SC", sans-serif.
 *
 * The output is a struct buf (base/buf.h) owned by the caller.
 */
#ifndef SX_REPORT_FLOWCHART_H
#define SX_REPORT_FLOWCHART_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

struct flowchart_step {
	const char *title;    /* required, UTF-8 */
	const char *detail;   /* may be NULL or "" */
	int days;             /* working-day limit; 0 = none */
};

#define FLOWCHART_MAX_STEPS 30
#define FLOWCHART_MAX_DETAIL_LINES 4

/*
 * Appends the SVG document for steps[0..count) to out. title (may be NULL)
 * becomes the <title> of the SVG for accessibility. SX_EINVALID for count 0
 * or above FLOWCHART_MAX_STEPS, a NULL title, or text that is not UTF-8;
 * SX_ENOMEM / SX_ETOOBIG from the buffer. On error out may hold a partial
 * document: the caller discards it.
 */
int flowchart_svg(struct buf *out, const char *title, const struct flowchart_step *steps,
		  size_t count);

#endif

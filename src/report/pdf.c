/*
 * report/pdf — see pdf.h. Only this file includes the cairo and pango
 * headers.
 *
 * Units: PDF points (1/72 in) everywhere. The pango context is set to 72 dpi,
 * so a pango unit is 1/PANGO_SCALE pt, and the cairo PDF surface's user
 * space is points with the origin at the top left of the page.
 *
 * Layout runs in two passes over the same code (struct pdf_pass): the first
 * has no cairo context and only counts pages; the second draws, knowing the
 * total for the footer. Both measure with the same pango context, so they
 * break lines and pages alike. Every block becomes one or two pango layouts
 * (a "flow"); pdf__place puts the lines of its flows on the page, and when
 * they do not fit, puts what fits and continues on the next page, line by
 * line. A flow marked keep-together (a table row, the title lines, a
 * signature) first moves whole to a fresh page when it would fit there.
 *
 * Hinting is off (metrics and outlines): positions are meant for print, not
 * for a screen's pixel grid, and rounding them would make the justified
 * lines ragged.
 *
 * Invariants: pass->y is the top of the free space on the current page,
 * BODY_TOP <= y; a flow's next index only grows; nothing here outlives the
 * call (font map, context, layouts, surface are created and destroyed in
 * report_pdf_render).
 */
#include "report/pdf.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"

#define MM (72.0 / 25.4)                 /* points per millimetre */
#define PAGE_WIDTH 595.28                /* A4 (ISO 216), pt */
#define PAGE_HEIGHT 841.89
#define MARGIN_TOP (25.0 * MM)
#define MARGIN_BOTTOM (25.0 * MM)
#define MARGIN_SIDE (28.0 * MM)
#define BODY_LEFT MARGIN_SIDE
#define BODY_RIGHT (PAGE_WIDTH - MARGIN_SIDE)
#define BODY_WIDTH (BODY_RIGHT - BODY_LEFT)
#define BODY_TOP MARGIN_TOP
#define BODY_BOTTOM (PAGE_HEIGHT - MARGIN_BOTTOM)
#define FOOTER_BASELINE (PAGE_HEIGHT - 14.0 * MM)
#define EPSILON 0.01                     /* pt; slack for floating-point comparisons */

/* Font sizes, pt: 三号 16, 二号 22, 小二 18, 四号 14, 五号 10.5. */
#define FONT_FAMILY "Noto Serif CJK SC, Noto Sans CJK SC"
#define SIZE_BODY 16.0
#define SIZE_TITLE 22.0
#define SIZE_AGENCY 18.0
#define SIZE_TABLE 14.0
#define SIZE_SMALL 10.5
#define SIZE_FOOTER 14.0                 /* GB/T 9704-2012 §7.5: page numbers in 4号 */
#define SIZE_SEAL_NOTE 9.0
#define LINE_SPACING 1.2f                /* baseline-to-baseline as a factor of line height */

#define INDENT_CHARS 2.0                 /* first-line indent of a paragraph, in ems */
#define HANG_MAX (BODY_WIDTH / 2)        /* a field's hanging indent never passes this */
#define TABLE_LABEL_SHARE 0.28           /* width of a table's label column */
#define TABLE_PAD 4.0                    /* inside a table cell, each side, pt */
#define TABLE_RULE 0.75                  /* table border width, pt */
#define TABLE_GAP 6.0                    /* above and below a table, pt */
#define HEADING_GAP 6.0                  /* above a heading, pt */
#define HEADER_GAP 6.0                   /* between the title lines, pt */
#define HEADER_AFTER 18.0                /* between the title block and the first block, pt */
#define SIGN_GAP 20.0                    /* room above a signature line to sign, pt */
#define SIGN_RULE_MIN 130.0              /* shortest line to sign on, pt */
#define SIGN_RULE_DROP 4.0               /* from the baseline down to the line, pt */
#define SEAL_DIAMETER (42.0 * MM)        /* the place of the seal */
#define SEAL_BOX_WIDTH (60.0 * MM)       /* agency name and date are centred in this box */
#define SEAL_GAP 8.0                     /* between two seal areas and above the first, pt */
#define SEAL_GRAY 0.45

#define FIELD_SEPARATOR "\xef\xbc\x9a"   /* U+FF1A FULLWIDTH COLON "：" */

/* One laid-out line, positions relative to its layout's top left, pt. */
struct pdf_line {
	PangoLayoutLine *line;   /* owned by the layout */
	double x;                /* left edge of the logical extents (indent and alignment) */
	double width;            /* logical width */
	double top;
	double bottom;
	double baseline;
};

/* A layout being placed on pages, possibly across several. */
struct pdf_flow {
	PangoLayout *layout;     /* owned: g_object_unref */
	struct pdf_line *lines;  /* sx_calloc'd, count entries */
	size_t count;            /* >= 1: pango gives even empty text one line */
	size_t next;             /* first line not yet placed; count = done */
	double x;                /* page x of the layout's left edge */
};

struct pdf_pass {
	cairo_t *cr;             /* NULL in the counting pass: nothing is drawn */
	PangoContext *pango;
	const struct docblock_doc *d;
	int page;                /* 1-based */
	int page_total;          /* known in the drawing pass; 0 while counting */
	double y;                /* top of the free space on the page */
	double last_baseline;    /* page y of the last line placed */
	double last_right;       /* page x of that line's right end */
};

/* Where cairo's stream goes, and the first buffer error met. */
struct pdf_sink {
	struct buf *buf;
	int rc;
};

static const char *pdf__str(const char *s)
{
	return s ? s : "";
}

static bool pdf__is_text(const char *s)
{
	return codec_is_valid_utf8(s, strlen(s));
}

static int pdf__check_string(const char *s, struct sx_error *err)
{
	if (s == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_document", "文书内容不完整");
	if (strlen(s) > REPORT_PDF_MAX_TEXT_BYTES)
		return sx_error_set(err, SX_ETOOBIG, "document_too_big", "文书内容过长");
	if (!pdf__is_text(s))
		return sx_error_set(err, SX_EINVALID, "bad_document", "文书含有无效字符");
	return 0;
}

static int pdf__check(const struct docblock_doc *d, struct sx_error *err)
{
	const char *head[3];
	int rc;

	if (d == NULL || d->title == NULL || d->title[0] == '\0')
		return sx_error_set(err, SX_EINVALID, "bad_document", "文书缺少标题");
	if (d->block_count > 0 && d->blocks == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_document", "文书内容不完整");
	if (d->block_count > REPORT_PDF_MAX_BLOCKS)
		return sx_error_set(err, SX_ETOOBIG, "document_too_big", "文书内容过长");
	if ((rc = pdf__check_string(d->title, err)) < 0)
		return rc;
	head[0] = pdf__str(d->agency_name);
	head[1] = pdf__str(d->doc_no);
	head[2] = pdf__str(d->case_no);
	for (size_t i = 0; i < 3; i++) {
		if ((rc = pdf__check_string(head[i], err)) < 0)
			return rc;
	}
	for (size_t i = 0; i < d->block_count; i++) {
		const struct docblock *b = &d->blocks[i];

		if (b->kind < DOCBLOCK_FIELD || b->kind > DOCBLOCK_SEAL)
			return sx_error_set(err, SX_EINVALID, "bad_document", "文书含有未知的内容块");
		if ((rc = pdf__check_string(b->label, err)) < 0 ||
		    (rc = pdf__check_string(b->text, err)) < 0)
			return rc;
	}
	return 0;
}

/* ---- layouts and flows ------------------------------------------------------------------- */

/*
 * A layout of text at size pt, wrapping at width pt (0 = no wrapping),
 * with the given alignment. glib aborts rather than return NULL.
 */
static PangoLayout *pdf__layout(const struct pdf_pass *p, const char *text, double size, bool bold,
				double width, PangoAlignment align)
{
	PangoLayout *layout = pango_layout_new(p->pango);
	PangoFontDescription *font = pango_font_description_new();

	pango_font_description_set_family(font, FONT_FAMILY);
	pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
	pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(layout, font);
	pango_font_description_free(font);
	pango_layout_set_line_spacing(layout, LINE_SPACING);
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	if (width > 0)
		pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
	pango_layout_set_alignment(layout, align);
	pango_layout_set_text(layout, text, -1);
	return layout;
}

/* Logical width of text at size pt, unwrapped. */
static double pdf__text_width(const struct pdf_pass *p, const char *text, double size, bool bold)
{
	PangoLayout *layout = pdf__layout(p, text, size, bold, 0, PANGO_ALIGN_LEFT);
	PangoRectangle logical;

	pango_layout_get_extents(layout, NULL, &logical);
	g_object_unref(layout);
	return (double)logical.width / PANGO_SCALE;
}

static void pdf__flow_free(struct pdf_flow *f)
{
	if (f->layout)
		g_object_unref(f->layout);
	sx_free(f->lines);
	memset(f, 0, sizeof(*f));
}

/* Takes layout (also on error) and records where its lines fall. */
static int pdf__flow_init(struct pdf_flow *f, PangoLayout *layout, double x)
{
	PangoLayoutIter *iter;
	size_t i = 0;

	memset(f, 0, sizeof(*f));
	f->layout = layout;
	f->x = x;
	f->count = (size_t)pango_layout_get_line_count(layout);
	f->lines = sx_calloc(f->count, sizeof(*f->lines));
	if (f->lines == NULL) {
		pdf__flow_free(f);
		return SX_ENOMEM;
	}
	iter = pango_layout_get_iter(layout);
	do {
		struct pdf_line *l = &f->lines[i];
		PangoRectangle logical;
		int top, bottom;

		pango_layout_iter_get_line_extents(iter, NULL, &logical);
		pango_layout_iter_get_line_yrange(iter, &top, &bottom);
		l->line = pango_layout_iter_get_line_readonly(iter);
		l->x = (double)logical.x / PANGO_SCALE;
		l->width = (double)logical.width / PANGO_SCALE;
		l->top = (double)top / PANGO_SCALE;
		l->bottom = (double)bottom / PANGO_SCALE;
		l->baseline = (double)pango_layout_iter_get_baseline(iter) / PANGO_SCALE;
		i++;
	} while (i < f->count && pango_layout_iter_next_line(iter));
	pango_layout_iter_free(iter);
	f->count = i;
	return 0;
}

/* Height of the lines not yet placed. */
static double pdf__flow_rest(const struct pdf_flow *f)
{
	if (f->next >= f->count)
		return 0;
	return f->lines[f->count - 1].bottom - f->lines[f->next].top;
}

/* How many of the lines not yet placed fit in height pt. */
static size_t pdf__flow_fit(const struct pdf_flow *f, double height)
{
	size_t n = 0;

	while (f->next + n < f->count &&
	       f->lines[f->next + n].bottom - f->lines[f->next].top <= height + EPSILON)
		n++;
	return n;
}

/* Height of the next n lines. */
static double pdf__flow_span(const struct pdf_flow *f, size_t n)
{
	if (n == 0)
		return 0;
	return f->lines[f->next + n - 1].bottom - f->lines[f->next].top;
}

/* Draws the next n lines with the first one's top at page y, and marks them placed. */
static void pdf__flow_draw(struct pdf_pass *p, struct pdf_flow *f, size_t n, double y)
{
	double first_top;

	if (n == 0)
		return;
	first_top = f->lines[f->next].top;
	for (size_t i = f->next; i < f->next + n; i++) {
		const struct pdf_line *l = &f->lines[i];
		double baseline = y + l->baseline - first_top;

		if (p->cr) {
			cairo_move_to(p->cr, f->x + l->x, baseline);
			pango_cairo_show_layout_line(p->cr, l->line);
		}
		p->last_baseline = baseline;
		p->last_right = f->x + l->x + l->width;
	}
	f->next += n;
}

/* ---- pages ------------------------------------------------------------------------------- */

/*
 * "第 N 页，共 M 页" centred in the bottom margin. The comma is not only the
 * usual Chinese form (Word's default): a line of one-character words
 * evenly spaced ("第 2 页 共 3 页") is read by poppler's pdftotext as one
 * letter-spaced word and loses its spaces, while the two characters "页，"
 * set solid show it which gaps are spaces.
 */
static void pdf__footer(struct pdf_pass *p)
{
	char text[64];
	PangoLayout *layout;
	PangoRectangle logical;

	if (p->cr == NULL)
		return;
	snprintf(text, sizeof(text), "第 %d 页，共 %d 页", p->page, p->page_total);
	layout = pdf__layout(p, text, SIZE_FOOTER, false, 0, PANGO_ALIGN_LEFT);
	pango_layout_get_extents(layout, NULL, &logical);
	cairo_move_to(p->cr, (PAGE_WIDTH - (double)logical.width / PANGO_SCALE) / 2,
		      FOOTER_BASELINE - (double)pango_layout_get_baseline(layout) / PANGO_SCALE);
	pango_cairo_show_layout(p->cr, layout);
	g_object_unref(layout);
}

static void pdf__new_page(struct pdf_pass *p)
{
	pdf__footer(p);
	if (p->cr)
		cairo_show_page(p->cr);
	p->page++;
	p->y = BODY_TOP;
}

static bool pdf__at_page_top(const struct pdf_pass *p)
{
	return p->y <= BODY_TOP + EPSILON;
}

/* Vertical space, dropped at the top of a page. */
static void pdf__space(struct pdf_pass *p, double height)
{
	if (!pdf__at_page_top(p))
		p->y += height;
}

static void pdf__stroke_box(struct pdf_pass *p, double top, double height, double divider_x)
{
	if (p->cr == NULL)
		return;
	cairo_set_line_width(p->cr, TABLE_RULE);
	cairo_rectangle(p->cr, BODY_LEFT, top, BODY_WIDTH, height);
	cairo_move_to(p->cr, divider_x, top);
	cairo_line_to(p->cr, divider_x, top + height);
	cairo_stroke(p->cr);
}

/*
 * Places flows[0..n) side by side from p->y, each pad pt inside its cell,
 * across as many pages as they need. With divider_x > 0 the segment on each
 * page gets a border (a table row) with a rule at divider_x. With
 * keep_together, the flows move whole to the next page when they fit there
 * and not here. A line taller than a whole page is placed anyway (it runs
 * into the margin) so that the loop always advances.
 */
static void pdf__place(struct pdf_pass *p, struct pdf_flow *flows, size_t n, double pad,
		       double divider_x, bool keep_together)
{
	assert(n >= 1 && n <= 2); /* a block or a two-column table row */
	for (;;) {
		double need = 0, avail = BODY_BOTTOM - p->y, segment = 0;
		size_t fits[2] = {0, 0};
		size_t placed = 0;
		bool left = false;

		for (size_t i = 0; i < n; i++) {
			double rest = pdf__flow_rest(&flows[i]);

			need = rest > need ? rest : need;
			left = left || flows[i].next < flows[i].count;
		}
		if (!left)
			return;
		need += 2 * pad;
		if (need > avail + EPSILON && !pdf__at_page_top(p) &&
		    (keep_together && need <= BODY_BOTTOM - BODY_TOP)) {
			pdf__new_page(p);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			fits[i] = pdf__flow_fit(&flows[i], avail - 2 * pad);
			placed += fits[i];
		}
		if (placed == 0 && !pdf__at_page_top(p)) {
			pdf__new_page(p);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (placed == 0 && flows[i].next < flows[i].count)
				fits[i] = 1; /* taller than a page: place it over the margin */
			if (pdf__flow_span(&flows[i], fits[i]) > segment)
				segment = pdf__flow_span(&flows[i], fits[i]);
			pdf__flow_draw(p, &flows[i], fits[i], p->y + pad);
		}
		left = false;
		for (size_t i = 0; i < n; i++)
			left = left || flows[i].next < flows[i].count;
		if (divider_x > 0)
			pdf__stroke_box(p, p->y, left ? avail : segment + 2 * pad, divider_x);
		if (!left) {
			p->y += segment + 2 * pad;
			return;
		}
		pdf__new_page(p);
	}
}

/* Lays out text as one flow at x and places it; takes layout. */
static int pdf__place_layout(struct pdf_pass *p, PangoLayout *layout, double x, bool keep_together)
{
	struct pdf_flow flow;
	int rc;

	if ((rc = pdf__flow_init(&flow, layout, x)) < 0)
		return rc;
	pdf__place(p, &flow, 1, 0, 0, keep_together);
	pdf__flow_free(&flow);
	return 0;
}

/* ---- blocks ------------------------------------------------------------------------------ */

/* "label：text", or text alone when label is "". *hang receives the width of "label：". */
static int pdf__labelled(char **out, double *hang, const struct pdf_pass *p, const char *label,
			 const char *text, double size)
{
	struct buf b;
	int rc;

	buf_init(&b, 3 * REPORT_PDF_MAX_TEXT_BYTES);
	*out = NULL;
	*hang = 0;
	if (label[0] != '\0') {
		if ((rc = buf_append_str(&b, label)) < 0 ||
		    (rc = buf_append_str(&b, FIELD_SEPARATOR)) < 0)
			goto done;
		*hang = pdf__text_width(p, b.data, size, false);
		if (*hang > HANG_MAX)
			*hang = HANG_MAX;
	}
	rc = buf_append_str(&b, text);
	if (rc == 0 && (*out = buf_detach(&b, NULL)) == NULL)
		rc = SX_ENOMEM;
done:
	buf_free(&b);
	return rc;
}

/* FIELD and SIGNATURE: "label：text" with the wrapped lines hanging under the text. */
static int pdf__field(struct pdf_pass *p, const struct docblock *b, bool keep_together,
		      double *hang)
{
	PangoLayout *layout;
	char *text = NULL;
	int rc;

	if ((rc = pdf__labelled(&text, hang, p, b->label, b->text, SIZE_BODY)) < 0)
		return rc;
	layout = pdf__layout(p, text, SIZE_BODY, false, BODY_WIDTH, PANGO_ALIGN_LEFT);
	pango_layout_set_indent(layout, (int)(-*hang * PANGO_SCALE));
	rc = pdf__place_layout(p, layout, BODY_LEFT, keep_together);
	sx_free(text);
	return rc;
}

static int pdf__paragraph(struct pdf_pass *p, const char *text, bool bold)
{
	PangoLayout *layout = pdf__layout(p, text, SIZE_BODY, bold, BODY_WIDTH, PANGO_ALIGN_LEFT);

	/* GB/T 9704-2012 §7.3.3: paragraphs (and the headings among them) start two characters in. */
	pango_layout_set_indent(layout, (int)(INDENT_CHARS * SIZE_BODY * PANGO_SCALE));
	pango_layout_set_justify(layout, !bold);
	return pdf__place_layout(p, layout, BODY_LEFT, bold);
}

static int pdf__table_row(struct pdf_pass *p, const struct docblock *b)
{
	double divider = BODY_LEFT + BODY_WIDTH * TABLE_LABEL_SHARE;
	struct pdf_flow cells[2];
	int rc;

	memset(cells, 0, sizeof(cells));
	rc = pdf__flow_init(&cells[0],
			    pdf__layout(p, b->label, SIZE_TABLE, true, divider - BODY_LEFT - 2 * TABLE_PAD,
					PANGO_ALIGN_LEFT),
			    BODY_LEFT + TABLE_PAD);
	if (rc < 0)
		goto done;
	rc = pdf__flow_init(&cells[1],
			    pdf__layout(p, b->text, SIZE_TABLE, false, BODY_RIGHT - divider - 2 * TABLE_PAD,
					PANGO_ALIGN_LEFT),
			    divider + TABLE_PAD);
	if (rc < 0)
		goto done;
	pdf__place(p, cells, 2, TABLE_PAD, divider, true);
done:
	pdf__flow_free(&cells[0]);
	pdf__flow_free(&cells[1]);
	return rc;
}

static int pdf__signature(struct pdf_pass *p, const struct docblock *b)
{
	double hang, from, to;
	int rc;

	pdf__space(p, SIGN_GAP);
	if ((rc = pdf__field(p, b, true, &hang)) < 0)
		return rc;
	from = BODY_LEFT + hang;
	to = from + SIGN_RULE_MIN;
	if (p->last_right + SIZE_BODY > to)
		to = p->last_right + SIZE_BODY;
	if (to > BODY_RIGHT)
		to = BODY_RIGHT;
	if (p->cr) {
		cairo_set_line_width(p->cr, TABLE_RULE);
		cairo_move_to(p->cr, from, p->last_baseline + SIGN_RULE_DROP);
		cairo_line_to(p->cr, to, p->last_baseline + SIGN_RULE_DROP);
		cairo_stroke(p->cr);
	}
	return 0;
}

/*
 * One seal area with its top at page y: the agency name and the date
 * centred in a box at the right edge of the type area, and a dashed circle
 * around them marking where the seal is stamped (GB/T 9704-2012 §7.3.5.1:
 * the seal sits centred over the agency name and the date).
 */
static int pdf__seal(struct pdf_pass *p, const struct docblock *b, double y)
{
	double cx = BODY_RIGHT - SEAL_BOX_WIDTH / 2, cy = y + SEAL_DIAMETER / 2, height;
	PangoLayout *layout;
	PangoRectangle logical;
	struct buf text;
	int rc;

	buf_init(&text, 3 * REPORT_PDF_MAX_TEXT_BYTES);
	if ((rc = buf_append_str(&text, b->label)) < 0 || (rc = buf_append_char(&text, '\n')) < 0 ||
	    (rc = buf_append_str(&text, b->text)) < 0)
		goto done;
	layout = pdf__layout(p, text.data, SIZE_BODY, false, SEAL_BOX_WIDTH, PANGO_ALIGN_CENTER);
	pango_layout_get_extents(layout, NULL, &logical);
	height = (double)logical.height / PANGO_SCALE;
	if (p->cr) {
		PangoLayout *note = pdf__layout(p, "盖章处", SIZE_SEAL_NOTE, false, SEAL_DIAMETER,
						PANGO_ALIGN_CENTER);
		static const double dash[] = {4.0, 3.0};

		cairo_save(p->cr);
		cairo_set_source_rgb(p->cr, SEAL_GRAY, SEAL_GRAY, SEAL_GRAY);
		cairo_set_line_width(p->cr, TABLE_RULE);
		cairo_set_dash(p->cr, dash, 2, 0);
		cairo_new_path(p->cr);
		cairo_arc(p->cr, cx, cy, SEAL_DIAMETER / 2, 0, 2 * G_PI);
		cairo_stroke(p->cr);
		cairo_move_to(p->cr, cx - SEAL_DIAMETER / 2, y + SIZE_SEAL_NOTE);
		pango_cairo_show_layout(p->cr, note);
		cairo_restore(p->cr);
		g_object_unref(note);
		cairo_move_to(p->cr, cx - SEAL_BOX_WIDTH / 2, cy - height / 2);
		pango_cairo_show_layout(p->cr, layout);
	}
	g_object_unref(layout);
done:
	buf_free(&text);
	return rc;
}

/*
 * The seal areas, stacked at the bottom right of the last page. More than a
 * page holds (a document has one or two) go on further pages, each group at
 * the bottom.
 */
static int pdf__seals(struct pdf_pass *p)
{
	const struct docblock_doc *d = p->d;
	const double band = SEAL_DIAMETER + SEAL_GAP;
	const size_t per_page = (size_t)((BODY_BOTTOM - BODY_TOP) / band);
	size_t left = 0, i = 0;
	int rc;

	for (size_t k = 0; k < d->block_count; k++)
		left += d->blocks[k].kind == DOCBLOCK_SEAL;
	while (left > 0) {
		size_t group = left < per_page ? left : per_page;
		double y = BODY_BOTTOM - (double)group * band + SEAL_GAP;

		if (p->y > y - SEAL_GAP + EPSILON && !pdf__at_page_top(p))
			pdf__new_page(p);
		for (size_t placed = 0; placed < group; i++) {
			if (d->blocks[i].kind != DOCBLOCK_SEAL)
				continue;
			if ((rc = pdf__seal(p, &d->blocks[i], y)) < 0)
				return rc;
			y += band;
			placed++;
		}
		p->y = BODY_BOTTOM;
		left -= group;
	}
	return 0;
}

/* 案号, agency name, title and 文号 at the top of the first page. */
static int pdf__header(struct pdf_pass *p)
{
	const struct docblock_doc *d = p->d;
	const char *case_no = pdf__str(d->case_no), *agency = pdf__str(d->agency_name);
	const char *doc_no = pdf__str(d->doc_no);
	int rc;

	if (case_no[0] != '\0') {
		char *line = NULL;
		double hang;

		if ((rc = pdf__labelled(&line, &hang, p, "案号", case_no, SIZE_SMALL)) < 0)
			return rc;
		rc = pdf__place_layout(p, pdf__layout(p, line, SIZE_SMALL, false, BODY_WIDTH,
						      PANGO_ALIGN_RIGHT),
				       BODY_LEFT, true);
		sx_free(line);
		if (rc < 0)
			return rc;
		p->y += HEADER_GAP;
	}
	if (agency[0] != '\0') {
		rc = pdf__place_layout(p, pdf__layout(p, agency, SIZE_AGENCY, false, BODY_WIDTH,
						      PANGO_ALIGN_CENTER),
				       BODY_LEFT, true);
		if (rc < 0)
			return rc;
		p->y += HEADER_GAP;
	}
	rc = pdf__place_layout(p, pdf__layout(p, d->title, SIZE_TITLE, true, BODY_WIDTH,
					      PANGO_ALIGN_CENTER),
			       BODY_LEFT, true);
	if (rc < 0)
		return rc;
	if (doc_no[0] != '\0') {
		p->y += HEADER_GAP;
		rc = pdf__place_layout(p, pdf__layout(p, doc_no, SIZE_BODY, false, BODY_WIDTH,
						      PANGO_ALIGN_RIGHT),
				       BODY_LEFT, true);
		if (rc < 0)
			return rc;
	}
	p->y += HEADER_AFTER;
	return 0;
}

/* One pass over the document: counts pages (p->cr NULL) or draws them. */
static int pdf__run(struct pdf_pass *p)
{
	const struct docblock_doc *d = p->d;
	enum docblock_kind previous = 0;
	double hang;
	int rc;

	p->page = 1;
	p->y = BODY_TOP;
	if ((rc = pdf__header(p)) < 0)
		return rc;
	for (size_t i = 0; i < d->block_count; i++) {
		const struct docblock *b = &d->blocks[i];

		if (b->kind == DOCBLOCK_SEAL)
			continue;
		if ((b->kind == DOCBLOCK_TABLE_ROW) != (previous == DOCBLOCK_TABLE_ROW) && previous != 0)
			pdf__space(p, TABLE_GAP);
		switch (b->kind) {
		case DOCBLOCK_FIELD:
			rc = pdf__field(p, b, false, &hang);
			break;
		case DOCBLOCK_PARAGRAPH:
			rc = pdf__paragraph(p, b->text, false);
			break;
		case DOCBLOCK_HEADING:
			pdf__space(p, HEADING_GAP);
			rc = pdf__paragraph(p, b->text[0] != '\0' ? b->text : b->label, true);
			break;
		case DOCBLOCK_TABLE_ROW:
			rc = pdf__table_row(p, b);
			break;
		case DOCBLOCK_SIGNATURE:
			rc = pdf__signature(p, b);
			break;
		case DOCBLOCK_SEAL:
			break;
		}
		if (rc < 0)
			return rc;
		previous = b->kind;
	}
	if ((rc = pdf__seals(p)) < 0)
		return rc;
	pdf__footer(p);
	return 0;
}

/* ---- output ------------------------------------------------------------------------------ */

static cairo_status_t pdf__write(void *closure, const unsigned char *data, unsigned int length)
{
	struct pdf_sink *sink = closure;
	int rc = buf_append(sink->buf, data, length);

	if (rc < 0) {
		if (sink->rc == 0)
			sink->rc = rc;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static int pdf__metadata(cairo_surface_t *surface, const struct docblock_doc *d)
{
	struct buf title;
	int rc;

	buf_init(&title, 3 * REPORT_PDF_MAX_TEXT_BYTES);
	if ((rc = buf_append_str(&title, d->title)) < 0)
		goto done;
	if (pdf__str(d->doc_no)[0] != '\0' &&
	    ((rc = buf_append_char(&title, ' ')) < 0 || (rc = buf_append_str(&title, d->doc_no)) < 0))
		goto done;
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.data);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "sanxiang");
done:
	buf_free(&title);
	return rc;
}

static int pdf__error(int rc, struct sx_error *err)
{
	if (rc == SX_ETOOBIG)
		return sx_error_set(err, SX_ETOOBIG, "too_large", "文书过大，无法生成 PDF");
	return sx_error_set(err, SX_ENOMEM, "out_of_memory", "内存不足");
}

int report_pdf_render(struct buf *out, const struct docblock_doc *d, struct sx_error *err)
{
	PangoFontMap *font_map = NULL;
	PangoContext *pango = NULL;
	cairo_font_options_t *options = NULL;
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	struct pdf_pass pass;
	struct pdf_sink sink;
	struct buf pdf;
	cairo_status_t status;
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_document", "文书内容不完整");
	if ((rc = pdf__check(d, err)) < 0)
		return rc;
	buf_init(&pdf, out->len < out->max_bytes ? out->max_bytes - out->len : 0);

	/* A font map of our own: pango's default one is per thread and lives until the thread ends. */
	font_map = pango_cairo_font_map_new();
	pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(font_map), 72.0);
	pango = pango_font_map_create_context(font_map);
	options = cairo_font_options_create();
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pango, options);
	pango_context_set_round_glyph_positions(pango, FALSE);

	memset(&pass, 0, sizeof(pass));
	pass.pango = pango;
	pass.d = d;
	if ((rc = pdf__run(&pass)) < 0) {
		rc = pdf__error(rc, err);
		goto done;
	}
	pass.page_total = pass.page;

	sink.buf = &pdf;
	sink.rc = 0;
	surface = cairo_pdf_surface_create_for_stream(pdf__write, &sink, PAGE_WIDTH, PAGE_HEIGHT);
	if ((rc = pdf__metadata(surface, d)) < 0) {
		rc = pdf__error(rc, err);
		goto done;
	}
	cr = cairo_create(surface);
	cairo_set_source_rgb(cr, 0, 0, 0);
	pass.cr = cr;
	if ((rc = pdf__run(&pass)) < 0) {
		rc = pdf__error(rc, err);
		goto done;
	}
	status = cairo_status(cr);
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	if (sink.rc < 0) {
		rc = pdf__error(sink.rc, err);
		goto done;
	}
	if (status != CAIRO_STATUS_SUCCESS) {
		rc = sx_error_setf(err, SX_EINTERNAL, "pdf_failed", "生成 PDF 失败", "cairo: %s",
				   cairo_status_to_string(status));
		goto done;
	}
	if (pass.page != pass.page_total) {
		rc = sx_error_setf(err, SX_EINTERNAL, "pdf_failed", "生成 PDF 失败",
				   "page count changed between passes: %d then %d", pass.page_total,
				   pass.page);
		goto done;
	}
	if ((rc = buf_append(out, pdf.data, pdf.len)) < 0)
		rc = pdf__error(rc, err);
done:
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	if (options)
		cairo_font_options_destroy(options);
	if (pango)
		g_object_unref(pango);
	if (font_map)
		g_object_unref(font_map);
	buf_free(&pdf);
	return rc;
}

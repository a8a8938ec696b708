/*
 * Unit tests for report/flowchart: the 办理流程图 of a 执法事项 as one SVG
 * document.
 *
 * Every document is parsed here by a small XML checker (below; xmllint is not
 * needed to run the tests): one root element, balanced tags, quoted and
 * unique attributes, character data and attribute values whose '&' always
 * starts an entity, no '<' in attribute values, and none of the control
 * characters XML 1.0 §2.2 forbids. A test first shows that the checker
 * rejects each of those faults, so that passing it means something. The
 * parsed elements are then read as a person would see the picture: which
 * boxes, ellipses and arrows there are, where they sit, and the text lines
 * each box holds, with entities decoded.
 *
 * Widths are checked with the estimate the header promises (a non-ASCII
 * character one em, ASCII half an em): no line may be wider than its box,
 * and a line of Chinese that had to wrap must be reasonably full. Cut text
 * must end with "…" after FLOWCHART_MAX_DETAIL_LINES lines, and the whole
 * output must stay valid UTF-8 wherever the cut falls among 1- to 4-byte
 * characters.
 *
 * Error paths: count 0 and above the maximum, NULL arguments, ill-formed
 * UTF-8 in every text, negative days, a buffer cap one byte short of the
 * document, and allocation failure at every step (sx_mem_fail_after), which
 * must give SX_ENOMEM and leak nothing (AddressSanitizer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "report/flowchart.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_MAX ((size_t)4 * 1024 * 1024)
#define ELLIPSIS "\xe2\x80\xa6"

#define MAX_ELEMENTS 1024
#define MAX_DEPTH 16
#define MAX_TEXT 2048

struct element {
	struct slice name;
	struct slice attrs;    /* the bytes between the name and '>' or '/>' */
	struct slice content;  /* raw character data of an element without children */
	int depth;             /* 0 = root */
};

struct doc {
	struct element elements[MAX_ELEMENTS];
	size_t count;
};

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == ':' || c == '_' || c == '.';
}

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool slice_eq(struct slice a, struct slice b)
{
	return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* Length of the entity reference at s (which starts with '&'), or 0 when it is not one. */
static size_t entity_len(const char *s, const char *end)
{
	static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	const char *p;

	for (size_t i = 0; i < ARRAY_LEN(named); i++) {
		size_t n = strlen(named[i]);

		if ((size_t)(end - s) >= n && memcmp(s, named[i], n) == 0)
			return n;
	}
	if (end - s < 4 || s[1] != '#')
		return 0;
	for (p = s + 2; p < end && *p >= '0' && *p <= '9'; p++)
		;
	return p > s + 2 && p < end && *p == ';' ? (size_t)(p + 1 - s) : 0;
}

/* Whether c may appear raw in XML 1.0 text: not a C0 control other than tab, LF, CR. */
static bool is_xml_byte(char c)
{
	return (unsigned char)c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Checks character data or an attribute value s[0..end) (stop is the byte
 * that ends it, '<' or a quote). Returns NULL or what is wrong.
 */
static const char *check_chars(const char *s, const char *end, bool in_attr)
{
	for (const char *p = s; p < end; p++) {
		if (!is_xml_byte(*p))
			return "a control character XML does not allow";
		if (in_attr && *p == '<')
			return "'<' inside an attribute value";
		if (*p == '&') {
			size_t n = entity_len(p, end);

			if (n == 0)
				return "'&' that starts no entity";
			p += n - 1;
		}
	}
	return NULL;
}

/*
 * Parses s[0..len) as an XML document of elements, attributes and text (no
 * declarations, comments, CDATA or processing instructions: the module
 * writes none). Returns NULL when it is well-formed, or what is wrong.
 */
static const char *xml_parse(struct doc *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *why;
	size_t stack[MAX_DEPTH];
	size_t first_child[MAX_DEPTH]; /* out->count when the open element began */
	const char *content_start[MAX_DEPTH];
	int depth = 0;
	bool root_done = false;

	out->count = 0;
	while (p < end) {
		if (*p != '<') {
			const char *text = p;

			while (p < end && *p != '<')
				p++;
			if (depth == 0) {
				for (const char *q = text; q < p; q++) {
					if (!is_xml_space(*q))
						return "text outside the root element";
				}
				continue;
			}
			if ((why = check_chars(text, p, false)) != NULL)
				return why;
			continue;
		}
		p++;
		if (p < end && *p == '/') {
			struct slice name = {++p, 0};
			struct element *open;

			while (p < end && is_name_char(*p))
				p++;
			name.len = (size_t)(p - name.ptr);
			if (depth == 0)
				return "a closing tag without an open element";
			open = &out->elements[stack[depth - 1]];
			if (!slice_eq(open->name, name))
				return "a closing tag that does not match";
			if (first_child[depth - 1] == out->count)
				open->content = (struct slice){content_start[depth - 1],
							       (size_t)(p - 2 - name.len -
									content_start[depth - 1])};
			while (p < end && is_xml_space(*p))
				p++;
			if (p >= end || *p != '>')
				return "a closing tag without '>'";
			p++;
			if (--depth == 0)
				root_done = true;
			continue;
		}
		{
			struct element *e;
			const char *attrs_start;

			if (root_done)
				return "a second root element";
			if (out->count == MAX_ELEMENTS)
				return "too many elements for the checker";
			e = &out->elements[out->count++];
			memset(e, 0, sizeof(*e));
			e->depth = depth;
			e->name.ptr = p;
			while (p < end && is_name_char(*p))
				p++;
			e->name.len = (size_t)(p - e->name.ptr);
			if (e->name.len == 0)
				return "'<' that starts no tag";
			attrs_start = p;
			for (;;) {
				struct slice name;
				const char *value;
				char quote;
				bool spaced = p < end && is_xml_space(*p);

				while (p < end && is_xml_space(*p))
					p++;
				if (p >= end)
					return "a tag that does not end";
				if (*p == '>' || *p == '/')
					break;
				if (!spaced)
					return "attributes not separated by space";
				name.ptr = p;
				while (p < end && is_name_char(*p))
					p++;
				name.len = (size_t)(p - name.ptr);
				if (name.len == 0)
					return "an attribute without a name";
				if (end - p < 2 || p[0] != '=' || (p[1] != '"' && p[1] != '\''))
					return "an attribute without a quoted value";
				quote = p[1];
				p += 2;
				value = p;
				while (p < end && *p != quote)
					p++;
				if (p >= end)
					return "an attribute value that does not end";
				if ((why = check_chars(value, p, true)) != NULL)
					return why;
				p++;
				/* Unique names: search the attributes before this one. */
				for (const char *q = attrs_start; q + name.len < name.ptr; q++) {
					if (is_xml_space(q[0]) &&
					    memcmp(q + 1, name.ptr, name.len) == 0 &&
					    q[1 + name.len] == '=')
						return "an attribute given twice";
				}
			}
			e->attrs = (struct slice){attrs_start, (size_t)(p - attrs_start)};
			if (*p == '/') {
				if (end - p < 2 || p[1] != '>')
					return "'/' not followed by '>'";
				p += 2;
				if (depth == 0)
					root_done = true;
				continue;
			}
			p++;
			if (depth == MAX_DEPTH)
				return "elements nested too deep for the checker";
			stack[depth] = out->count - 1;
			first_child[depth] = out->count;
			content_start[depth] = p;
			depth++;
		}
	}
	if (depth != 0)
		return "an element that is never closed";
	if (!root_done)
		return "no root element";
	return NULL;
}

/* The value of attribute name of e, copied to value; false when e has none. */
static bool attr(const struct element *e, const char *name, char *value, size_t size)
{
	size_t n = strlen(name);
	const char *p = e->attrs.ptr, *end = e->attrs.ptr + e->attrs.len;

	for (; p + n + 2 < end; p++) {
		if (is_xml_space(p[0]) && memcmp(p + 1, name, n) == 0 && p[n + 1] == '=') {
			const char *v = p + n + 3, *q = memchr(v, p[n + 2], (size_t)(end - v));

			assert_non_null(q);
			assert_true((size_t)(q - v) < size);
			memcpy(value, v, (size_t)(q - v));
			value[q - v] = '\0';
			return true;
		}
	}
	return false;
}

static long attr_long(const struct element *e, const char *name)
{
	char value[64], *rest;
	long v;

	if (!attr(e, name, value, sizeof(value)))
		fail_msg("<%.*s> has no %s", (int)e->name.len, e->name.ptr, name);
	v = strtol(value, &rest, 10);
	if (rest == value || *rest != '\0')
		fail_msg("%s=\"%s\" is not a whole number", name, value);
	return v;
}

static bool is_element(const struct element *e, const char *name)
{
	return slice_eq_str(e->name, name);
}

static bool has_attr_value(const struct element *e, const char *name, const char *want)
{
	char value[256];

	return attr(e, name, value, sizeof(value)) && strcmp(value, want) == 0;
}

/* Decodes the entities of s into out (NUL-terminated). */
static void unescape(char *out, size_t size, struct slice s)
{
	static const struct {
		const char *entity;
		char c;
	} named[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
		{"&quot;", '"'}, {"&apos;", '\''}, {"&#39;", '\''},
	};
	size_t o = 0;

	for (size_t i = 0; i < s.len;) {
		size_t k;

		assert_true(o + 1 < size);
		for (k = 0; k < ARRAY_LEN(named); k++) {
			size_t n = strlen(named[k].entity);

			if (s.len - i >= n && memcmp(s.ptr + i, named[k].entity, n) == 0) {
				out[o++] = named[k].c;
				i += n;
				break;
			}
		}
		if (k == ARRAY_LEN(named))
			out[o++] = s.ptr[i++];
	}
	out[o] = '\0';
}

/* A drawn line of text as a person reads it. */
struct line {
	long y;          /* baseline */
	long font_size;
	bool is_bold;
	bool is_muted;   /* the grey working-day line */
	char text[MAX_TEXT];
};

/* A step's box and the lines inside it. */
struct box {
	long y, height, width;
	struct line lines[16];
	size_t count;
};

/* The picture: start and end ellipses, boxes in order, arrows, and the height of the canvas. */
struct picture {
	struct doc doc;
	long width, height;
	long ellipse_cy[2], ellipse_ry[2];
	char ellipse_text[2][64];
	size_t ellipses;
	struct box boxes[FLOWCHART_MAX_STEPS + 1];
	size_t box_count;
	size_t arrows;
	size_t texts;
};

static long text_half_ems(const char *s)
{
	size_t len = strlen(s), pos = 0;
	long width = 0;

	while (pos < len) {
		size_t n = codec_utf8_char_len(s + pos, len - pos, NULL);

		assert_true(n > 0);
		width += n == 1 ? 1 : 2;
		pos += n;
	}
	return width;
}

/*
 * Checks out->doc is a well-formed SVG, then reads the picture from it. Text
 * between two boxes belongs to the box above; text in an ellipse follows it.
 */
static void read_picture(struct picture *out, const struct buf *svg)
{
	const char *why;
	char view_box[64];
	long x, y;

	memset(out, 0, sizeof(*out));
	assert_non_null(svg->data);
	assert_true(codec_is_valid_utf8(svg->data, svg->len));
	why = xml_parse(&out->doc, svg->data, svg->len);
	if (why != NULL)
		fail_msg("not well-formed: %s\n%s", why, svg->data);
	assert_true(is_element(&out->doc.elements[0], "svg"));
	assert_true(attr(&out->doc.elements[0], "viewBox", view_box, sizeof(view_box)));
	assert_int_equal(sscanf(view_box, "%ld %ld %ld %ld", &x, &y, &out->width, &out->height), 4);
	assert_int_equal(x, 0);
	assert_int_equal(y, 0);
	for (size_t i = 1; i < out->doc.count; i++) {
		const struct element *e = &out->doc.elements[i];

		if (is_element(e, "ellipse")) {
			assert_true(out->ellipses < 2);
			out->ellipse_cy[out->ellipses] = attr_long(e, "cy");
			out->ellipse_ry[out->ellipses] = attr_long(e, "ry");
			out->ellipses++;
		} else if (is_element(e, "rect")) {
			struct box *b = &out->boxes[out->box_count++];

			assert_true(out->box_count <= FLOWCHART_MAX_STEPS);
			b->y = attr_long(e, "y");
			b->height = attr_long(e, "height");
			b->width = attr_long(e, "width");
		} else if (is_element(e, "line")) {
			if (has_attr_value(e, "marker-end", "url(#fc-arrow)"))
				out->arrows++;
		} else if (is_element(e, "text")) {
			const struct element *prev = &out->doc.elements[i - 1];
			struct box *b;
			struct line *l;

			out->texts++;
			if (is_element(prev, "ellipse")) {
				unescape(out->ellipse_text[out->ellipses - 1],
					 sizeof(out->ellipse_text[0]), e->content);
				continue;
			}
			assert_true(out->box_count > 0);
			b = &out->boxes[out->box_count - 1];
			assert_true(b->count < ARRAY_LEN(b->lines));
			l = &b->lines[b->count++];
			l->y = attr_long(e, "y");
			l->font_size = attr_long(e, "font-size");
			l->is_bold = has_attr_value(e, "font-weight", "bold");
			l->is_muted = has_attr_value(e, "fill", "#555");
			unescape(l->text, sizeof(l->text), e->content);
		}
	}
}

/* The detail lines of a box: neither its bold title nor its grey limit. */
static size_t detail_lines(const struct box *b, const struct line **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < b->count; i++) {
		if (!b->lines[i].is_bold && !b->lines[i].is_muted) {
			assert_true(n < max);
			out[n++] = &b->lines[i];
		}
	}
	return n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static size_t occurrences(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Every line fits its box at the header's width estimate. */
static void expect_lines_fit(const struct picture *pic)
{
	for (size_t i = 0; i < pic->box_count; i++) {
		const struct box *b = &pic->boxes[i];

		for (size_t k = 0; k < b->count; k++) {
			long cap = 2 * b->width / b->lines[k].font_size;

			if (text_half_ems(b->lines[k].text) > cap)
				fail_msg("line \"%s\" is wider than its box (%ld > %ld half-ems)",
					 b->lines[k].text, text_half_ems(b->lines[k].text), cap);
		}
	}
}

static int render(struct buf *out, const char *title, const struct flowchart_step *steps,
		  size_t count)
{
	buf_init(out, OUT_MAX);
	return flowchart_svg(out, title, steps, count);
}

static struct picture *new_picture(void)
{
	struct picture *pic = calloc(1, sizeof(*pic));

	assert_non_null(pic);
	return pic;
}

static const struct flowchart_step three_steps[] = {
	{"立案", "执法人员发现违法线索后，经执法机构负责人批准，予以立案。", 5},
	{"调查取证", "执法人员不得少于两人，应当出示执法证件。", 0},
	{"告知&决定", NULL, 7},
};

static void test_the_checker_rejects_what_is_not_well_formed(void **state)
{
	static const char *const bad[] = {
		"<svg><g></svg></g>",
		"<svg><g></svg>",
		"<svg></svg><svg></svg>",
		"text<svg/>",
		"<svg a=\"1\" a=\"2\"/>",
		"<svg a=\"1\"b=\"2\"/>",
		"<svg a=1/>",
		"<svg a=\"<\"/>",
		"<svg><text>a & b</text></svg>",
		"<svg><text>a &amp b</text></svg>",
		"<svg a=\"&\"/>",
		"<svg><text>\x01</text></svg>",
		"<svg><text>1 < 2</text></svg>",
		"<svg>",
		"",
	};
	struct doc *doc = calloc(1, sizeof(*doc));
	static const char good[] =
		"<svg a=\"1\" b='&amp;'>\n<text x=\"1\">&lt;&#39;&quot;</text><g/></svg>\n";

	(void)state;
	assert_non_null(doc);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		if (xml_parse(doc, bad[i], strlen(bad[i])) == NULL)
			fail_msg("the checker accepted \"%s\"", bad[i]);
	}
	assert_null(xml_parse(doc, good, strlen(good)));
	assert_int_equal(doc->count, 3);
	assert_int_equal(doc->elements[1].content.len, strlen("&lt;&#39;&quot;"));
	free(doc);
}

static void test_three_steps_draw_three_boxes_between_start_and_end(void **state)
{
	struct picture *pic = new_picture();
	struct buf out;

	(void)state;
	assert_int_equal(render(&out, "行政处罚一般程序", three_steps, 3), 0);
	read_picture(pic, &out);

	assert_int_equal(pic->box_count, 3);
	assert_int_equal(occurrences(out.data, "<rect"), 3);
	assert_int_equal(pic->ellipses, 2);
	assert_string_equal(pic->ellipse_text[0], "开始");
	assert_string_equal(pic->ellipse_text[1], "结束");
	/* Start -> box 1 -> box 2 -> box 3 -> end. */
	assert_int_equal(pic->arrows, 4);

	assert_string_equal(pic->boxes[0].lines[0].text, "1. 立案");
	assert_true(pic->boxes[0].lines[0].is_bold);
	assert_int_equal(pic->boxes[0].lines[0].font_size, 15);
	assert_string_equal(pic->boxes[0].lines[1].text, "5 个工作日");
	assert_true(pic->boxes[0].lines[1].is_muted);
	assert_int_equal(pic->boxes[0].lines[1].font_size, 13);
	assert_string_equal(pic->boxes[0].lines[2].text,
			    "执法人员发现违法线索后，经执法机构负责人批准，予以立案。");
	assert_int_equal(pic->boxes[0].lines[2].font_size, 13);
	assert_int_equal(pic->boxes[0].count, 3);

	assert_string_equal(pic->boxes[1].lines[0].text, "2. 调查取证");
	assert_string_equal(pic->boxes[1].lines[1].text, three_steps[1].detail);
	assert_int_equal(pic->boxes[1].count, 2);

	assert_string_equal(pic->boxes[2].lines[0].text, "3. 告知&决定");
	assert_non_null(strstr(out.data, ">3. 告知&amp;决定</text>"));
	assert_string_equal(pic->boxes[2].lines[1].text, "7 个工作日");
	assert_int_equal(pic->boxes[2].count, 2);

	assert_non_null(strstr(out.data, ">5 个工作日</text>"));
	assert_int_equal(occurrences(out.data, "个工作日"), 2);
	expect_lines_fit(pic);
	buf_free(&out);
	free(pic);
}

static void test_root_is_a_self_contained_accessible_svg_640_wide(void **state)
{
	struct picture *pic = new_picture();
	const struct element *root, *title;
	char value[128];
	struct buf out;

	(void)state;
	assert_int_equal(render(&out, "行政处罚一般程序", three_steps, 3), 0);
	read_picture(pic, &out);
	root = &pic->doc.elements[0];
	assert_true(has_attr_value(root, "xmlns", "http://www.w3.org/2000/svg"));
	assert_true(has_attr_value(root, "width", "100%"));
	assert_true(has_attr_value(root, "role", "img"));
	assert_int_equal(pic->width, 640);
	assert_true(attr(root, "aria-labelledby", value, sizeof(value)));

	/* The first child is the <title> it names, holding the given title. */
	title = &pic->doc.elements[1];
	assert_true(is_element(title, "title"));
	assert_true(has_attr_value(title, "id", value));
	unescape(value, sizeof(value), title->content);
	assert_string_equal(value, "行政处罚一般程序");

	/* The arrowhead the lines point to is defined in the document itself. */
	assert_non_null(strstr(out.data, "<defs><marker id=\"fc-arrow\""));
	/* Nothing is fetched: no links, images, scripts or styles from outside. */
	assert_null(strstr(out.data, "href"));
	assert_null(strstr(out.data, "<script"));
	assert_null(strstr(out.data, "<image"));
	assert_non_null(strstr(out.data, "font-family=\"'Noto Sans CJK SC', "
					 "'Source Han Sans SC', sans-serif\""));
	for (size_t i = 0; i < pic->doc.count; i++) {
		const struct element *e = &pic->doc.elements[i];

		if (is_element(e, "rect")) {
			assert_true(has_attr_value(e, "rx", "8"));
			assert_true(has_attr_value(e, "stroke", "#1f4e79"));
			assert_true(has_attr_value(e, "fill", "#f3f7fb"));
		}
	}
	assert_non_null(strstr(out.data, "fill=\"#1a1a1a\""));
	buf_free(&out);
	free(pic);
}

static void test_a_missing_title_gets_a_default_accessible_name(void **state)
{
	struct picture *pic = new_picture();
	char value[128];
	struct buf out;

	(void)state;
	assert_int_equal(render(&out, NULL, three_steps, 1), 0);
	read_picture(pic, &out);
	assert_true(is_element(&pic->doc.elements[1], "title"));
	unescape(value, sizeof(value), pic->doc.elements[1].content);
	assert_string_equal(value, "办理流程图");
	buf_free(&out);
	free(pic);
}

static void test_working_day_line_is_drawn_only_for_a_limit(void **state)
{
	static const struct {
		int days;
		const char *line; /* NULL = none */
	} cases[] = {
		{0, NULL},
		{1, "1 个工作日"},
		{5, "5 个工作日"},
		{60, "60 个工作日"},
		{365, "365 个工作日"},
	};
	struct picture *pic = new_picture();

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct flowchart_step step = {"审查", "材料齐全的予以受理。", cases[i].days};
		struct buf out;

		assert_int_equal(render(&out, NULL, &step, 1), 0);
		read_picture(pic, &out);
		if (cases[i].line == NULL) {
			assert_int_equal(pic->boxes[0].count, 2);
			assert_null(strstr(out.data, "工作日"));
		} else {
			assert_int_equal(pic->boxes[0].count, 3);
			assert_string_equal(pic->boxes[0].lines[1].text, cases[i].line);
			assert_true(pic->boxes[0].lines[1].is_muted);
			/* It sits between the title and the detail. */
			assert_true(pic->boxes[0].lines[0].y < pic->boxes[0].lines[1].y);
			assert_true(pic->boxes[0].lines[1].y < pic->boxes[0].lines[2].y);
		}
		buf_free(&out);
	}
	free(pic);
}

static void test_xml_special_characters_are_escaped_everywhere(void **state)
{
	static const struct flowchart_step steps[] = {
		{"<&\">'", "a<b && c>d \"q\" 'p' &amp;", 3},
	};
	struct picture *pic = new_picture();
	char value[128];
	struct buf out;

	(void)state;
	assert_int_equal(render(&out, "<title> & \"x\"", steps, 1), 0);
	read_picture(pic, &out);
	assert_non_null(strstr(out.data, "1. &lt;&amp;&quot;&gt;&#39;</text>"));
	assert_null(strstr(out.data, "<&\">"));
	assert_string_equal(pic->boxes[0].lines[0].text, "1. <&\">'");
	assert_string_equal(pic->boxes[0].lines[2].text, "a<b && c>d \"q\" 'p' &amp;");
	unescape(value, sizeof(value), pic->doc.elements[1].content);
	assert_string_equal(value, "<title> & \"x\"");
	buf_free(&out);
	free(pic);
}

static void test_characters_xml_cannot_hold_are_replaced(void **state)
{
	/* C0 controls (U+0001, U+001F, tab), and the non-characters U+FFFE and U+FFFF. */
	static const struct flowchart_step steps[] = {
		{"a\x01" "b", "c\x1f" "d\te" "\xef\xbf\xbe" "f" "\xef\xbf\xbf", 0},
	};
	struct picture *pic = new_picture();
	struct buf out;

	(void)state;
	assert_int_equal(render(&out, "t\x02", steps, 1), 0);
	read_picture(pic, &out);
	assert_string_equal(pic->boxes[0].lines[0].text, "1. a b");
	assert_string_equal(pic->boxes[0].lines[1].text, "c d e\xef\xbf\xbd" "f\xef\xbf\xbd");
	buf_free(&out);
	free(pic);
}

static void test_long_detail_is_cut_after_max_lines_with_an_ellipsis(void **state)
{
	struct picture *pic = new_picture();
	const struct line *lines[16];
	struct flowchart_step step = {"调查取证", NULL, 30};
	struct buf detail, out;
	char run[MAX_TEXT];
	size_t n, text_len;
	int rc;

	(void)state;
	buf_init(&detail, OUT_MAX);
	for (int i = 0; i < 100; i++) {
		rc = buf_append_str(&detail, "执法人员应当全面、客观、公正地调查。");
		assert_int_equal(rc, 0);
	}
	step.detail = detail.data;
	assert_int_equal(render(&out, NULL, &step, 1), 0);
	read_picture(pic, &out);
	n = detail_lines(&pic->boxes[0], lines, ARRAY_LEN(lines));
	assert_int_equal(n, FLOWCHART_MAX_DETAIL_LINES);
	for (size_t i = 0; i < n; i++) {
		/* Lines that had to wrap are full: the box is not wasted. */
		assert_true(text_half_ems(lines[i]->text) >= 70);
		assert_true(ends_with(lines[i]->text, ELLIPSIS) == (i + 1 == n));
		/* Each line is a run of the text (the last one without its "…"). */
		text_len = strlen(lines[i]->text) - (i + 1 == n ? strlen(ELLIPSIS) : 0);
		memcpy(run, lines[i]->text, text_len);
		run[text_len] = '\0';
		assert_non_null(strstr(detail.data, run));
	}
	assert_int_equal(occurrences(out.data, ELLIPSIS), 1);
	expect_lines_fit(pic);
	buf_free(&out);
	buf_free(&detail);
	free(pic);
}

static void test_cutting_never_splits_a_utf8_sequence(void **state)
{
	/* Characters of every encoded length, and a mix, after 0..3 ASCII bytes to move the cut. */
	static const char *const units[] = {
		"\xc3\xa9",          /* é, 2 bytes */
		"中",                /* 3 bytes */
		"\xf0\xa0\x80\x80",  /* U+20000, 4 bytes */
		"a中\xc3\xa9\xf0\xa0\x80\x80 ",
		"ab",
	};
	static const char *const leads[] = {"", "a", "ab", "abc"};
	struct picture *pic = new_picture();

	(void)state;
	for (size_t u = 0; u < ARRAY_LEN(units); u++) {
		for (size_t k = 0; k < ARRAY_LEN(leads); k++) {
			struct flowchart_step step = {NULL, NULL, 0};
			const struct line *lines[16];
			struct buf text, out;
			size_t n;

			buf_init(&text, OUT_MAX);
			assert_int_equal(buf_append_str(&text, leads[k]), 0);
			for (int i = 0; i < 300; i++)
				assert_int_equal(buf_append_str(&text, units[u]), 0);
			/* The same text as title and detail: both are wrapped and cut. */
			step.title = text.data;
			step.detail = text.data;
			assert_int_equal(render(&out, NULL, &step, 1), 0);
			/* read_picture checks the whole output with codec_is_valid_utf8. */
			read_picture(pic, &out);
			n = detail_lines(&pic->boxes[0], lines, ARRAY_LEN(lines));
			assert_int_equal(n, FLOWCHART_MAX_DETAIL_LINES);
			assert_true(ends_with(lines[n - 1]->text, ELLIPSIS));
			assert_true(ends_with(pic->boxes[0].lines[0].text, ELLIPSIS) ||
				    ends_with(pic->boxes[0].lines[1].text, ELLIPSIS));
			expect_lines_fit(pic);
			buf_free(&out);
			buf_free(&text);
		}
	}
	free(pic);
}

static void test_line_breaks_in_detail_start_new_lines(void **state)
{
	static const struct {
		const char *detail;
		const char *lines[5];
		size_t count;
	} cases[] = {
		{"第一行\n第二行", {"第一行", "第二行"}, 2},
		{"第一行\r\n第二行\r第三行", {"第一行", "第二行", "第三行"}, 3},
		{"前\n\n后", {"前", "", "后"}, 3},
		{"末尾换行\n\r\n\n", {"末尾换行"}, 1},
		{"a\nb\nc\nd\ne", {"a", "b", "c", "d" ELLIPSIS}, 4},
		{"a\nb\nc\nd\n \n", {"a", "b", "c", "d"}, 4},
		{"", {NULL}, 0},
		{"\n\n", {NULL}, 0},
	};
	struct picture *pic = new_picture();

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct flowchart_step step = {"送达", cases[i].detail, 0};
		const struct line *lines[16];
		struct buf out;
		size_t n;

		assert_int_equal(render(&out, NULL, &step, 1), 0);
		read_picture(pic, &out);
		n = detail_lines(&pic->boxes[0], lines, ARRAY_LEN(lines));
		if (n != cases[i].count)
			fail_msg("case %zu: %zu lines, want %zu", i, n, cases[i].count);
		for (size_t k = 0; k < n; k++)
			assert_string_equal(lines[k]->text, cases[i].lines[k]);
		buf_free(&out);
	}
	free(pic);
}

static void test_ascii_words_break_at_spaces_and_unbreakable_runs_where_full(void **state)
{
	static const char words[] =
		"The party may apply for a hearing within five working days after the notice "
		"is served, and the authority shall organise it within twenty days.";
	struct picture *pic = new_picture();
	struct flowchart_step step = {"Hearing", words, 0};
	const struct line *lines[16];
	struct buf out, url, joined;
	size_t n;

	(void)state;
	assert_int_equal(render(&out, NULL, &step, 1), 0);
	read_picture(pic, &out);
	n = detail_lines(&pic->boxes[0], lines, ARRAY_LEN(lines));
	assert_true(n >= 2);
	buf_init(&joined, OUT_MAX);
	for (size_t k = 0; k < n; k++) {
		assert_true(lines[k]->text[0] != ' ' && !ends_with(lines[k]->text, " "));
		if (k > 0)
			assert_int_equal(buf_append_char(&joined, ' '), 0);
		assert_int_equal(buf_append_str(&joined, lines[k]->text), 0);
	}
	/* Rejoined at the breaks with one space each, the text is whole: no word was cut. */
	assert_string_equal(joined.data, words);
	expect_lines_fit(pic);
	buf_free(&out);

	buf_init(&url, OUT_MAX);
	assert_int_equal(buf_append_str(&url, "https://example.gov.cn/"), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(buf_append_str(&url, "abcdefghij"), 0);
	step.detail = url.data;
	assert_int_equal(render(&out, NULL, &step, 1), 0);
	read_picture(pic, &out);
	n = detail_lines(&pic->boxes[0], lines, ARRAY_LEN(lines));
	assert_int_equal(n, 2);
	buf_reset(&joined);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(buf_append_str(&joined, lines[k]->text), 0);
	/* A run without a break opportunity is cut where the line is full, and nothing is lost. */
	assert_string_equal(joined.data, url.data);
	expect_lines_fit(pic);
	buf_free(&out);
	buf_free(&url);
	buf_free(&joined);
	free(pic);
}

static void test_a_long_title_wraps_and_keeps_its_number(void **state)
{
	struct picture *pic = new_picture();
	struct flowchart_step step = {NULL, "说明", 2};
	struct buf title, out;
	size_t bold = 0;

	(void)state;
	buf_init(&title, OUT_MAX);
	for (int i = 0; i < 200; i++)
		assert_int_equal(buf_append_str(&title, "审"), 0);
	step.title = title.data;
	assert_int_equal(render(&out, NULL, &step, 1), 0);
	read_picture(pic, &out);
	assert_true(strncmp(pic->boxes[0].lines[0].text, "1. 审", strlen("1. 审")) == 0);
	for (size_t k = 0; k < pic->boxes[0].count; k++)
		bold += pic->boxes[0].lines[k].is_bold;
	assert_true(bold >= 1 && bold <= FLOWCHART_MAX_DETAIL_LINES);
	assert_true(ends_with(pic->boxes[0].lines[bold - 1].text, ELLIPSIS));
	assert_string_equal(pic->boxes[0].lines[bold].text, "2 个工作日");
	assert_string_equal(pic->boxes[0].lines[bold + 1].text, "说明");
	expect_lines_fit(pic);
	buf_free(&out);
	buf_free(&title);
	free(pic);
}

static void test_boxes_grow_with_their_text_and_stack_without_overlap(void **state)
{
	static const struct flowchart_step steps[] = {
		{"受理", NULL, 0},
		{"审查", "一\n二\n三\n四", 20},
		{"", "空标题也有编号", 0},
	};
	struct picture *pic = new_picture();
	struct buf out;
	long bottom;

	(void)state;
	assert_int_equal(render(&out, NULL, steps, ARRAY_LEN(steps)), 0);
	read_picture(pic, &out);
	assert_int_equal(pic->box_count, 3);
	assert_true(pic->boxes[1].height > pic->boxes[0].height);
	assert_string_equal(pic->boxes[2].lines[0].text, "3.");
	/* Top to bottom: start, boxes, end, all on the canvas, each line inside its box. */
	bottom = pic->ellipse_cy[0] + pic->ellipse_ry[0];
	assert_true(pic->ellipse_cy[0] - pic->ellipse_ry[0] >= 0);
	for (size_t i = 0; i < pic->box_count; i++) {
		const struct box *b = &pic->boxes[i];

		assert_true(b->y > bottom);
		for (size_t k = 0; k < b->count; k++) {
			assert_true(b->lines[k].y - b->lines[k].font_size >= b->y);
			assert_true(b->lines[k].y <= b->y + b->height);
			assert_true(k == 0 || b->lines[k].y > b->lines[k - 1].y);
		}
		bottom = b->y + b->height;
	}
	assert_true(pic->ellipse_cy[1] - pic->ellipse_ry[1] > bottom);
	assert_true(pic->ellipse_cy[1] + pic->ellipse_ry[1] <= pic->height);
	buf_free(&out);
	free(pic);
}

static void test_up_to_the_maximum_number_of_steps_is_drawn(void **state)
{
	struct flowchart_step steps[FLOWCHART_MAX_STEPS];
	struct picture *pic = new_picture();
	struct buf out;

	(void)state;
	for (size_t i = 0; i < FLOWCHART_MAX_STEPS; i++)
		steps[i] = (struct flowchart_step){"环节", "说明", (int)i};
	assert_int_equal(render(&out, NULL, steps, FLOWCHART_MAX_STEPS), 0);
	read_picture(pic, &out);
	assert_int_equal(pic->box_count, FLOWCHART_MAX_STEPS);
	assert_int_equal(pic->arrows, FLOWCHART_MAX_STEPS + 1);
	assert_string_equal(pic->boxes[FLOWCHART_MAX_STEPS - 1].lines[0].text, "30. 环节");
	buf_free(&out);
	free(pic);
}

static void test_bad_arguments_are_invalid(void **state)
{
	static const struct {
		const char *name;
		const char *title;
		struct flowchart_step step;
	} cases[] = {
		{"NULL step title", NULL, {NULL, "说明", 0}},
		{"stray continuation byte in a title", NULL, {"立\x80案", NULL, 0}},
		{"truncated sequence in a detail", NULL, {"立案", "说明\xe4\xb8", 0}},
		{"overlong form", NULL, {"立案", "\xc0\xaf", 0}},
		{"UTF-16 surrogate", NULL, {"立案", "\xed\xa0\x80", 0}},
		{"above U+10FFFF", NULL, {"\xf4\x90\x80\x80", NULL, 0}},
		{"byte 0xff", NULL, {"立案", "\xff", 0}},
		{"bad chart title", "流程\xe5", {"立案", NULL, 0}},
		{"negative days", NULL, {"立案", NULL, -1}},
	};
	struct flowchart_step many[FLOWCHART_MAX_STEPS + 1];
	struct flowchart_step three[3];
	struct buf out;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int rc = render(&out, cases[i].title, &cases[i].step, 1);

		if (rc != SX_EINVALID)
			fail_msg("%s: rc %d", cases[i].name, rc);
		buf_free(&out);
		/* A bad step is found wherever it stands. */
		memcpy(three, three_steps, sizeof(three));
		three[2] = cases[i].step;
		rc = render(&out, cases[i].title, three, 3);
		if (rc != SX_EINVALID)
			fail_msg("%s as the last of three: rc %d", cases[i].name, rc);
		buf_free(&out);
	}

	for (size_t i = 0; i < ARRAY_LEN(many); i++)
		many[i] = three_steps[0];
	assert_int_equal(render(&out, NULL, many, 0), SX_EINVALID);
	assert_int_equal(render(&out, NULL, many, FLOWCHART_MAX_STEPS + 1), SX_EINVALID);
	assert_int_equal(render(&out, NULL, many, SIZE_MAX), SX_EINVALID);
	assert_int_equal(render(&out, NULL, NULL, 1), SX_EINVALID);
	assert_int_equal(flowchart_svg(NULL, NULL, many, 1), SX_EINVALID);
	buf_free(&out);
}

static void test_the_document_is_appended_and_the_same_every_time(void **state)
{
	struct buf first, second;

	(void)state;
	assert_int_equal(render(&first, NULL, three_steps, 3), 0);
	buf_init(&second, OUT_MAX);
	assert_int_equal(buf_append_str(&second, "<!-- kept -->"), 0);
	assert_int_equal(flowchart_svg(&second, NULL, three_steps, 3), 0);
	assert_int_equal(second.len, strlen("<!-- kept -->") + first.len);
	assert_memory_equal(second.data, "<!-- kept -->", strlen("<!-- kept -->"));
	assert_memory_equal(second.data + strlen("<!-- kept -->"), first.data, first.len);
	buf_free(&first);
	buf_free(&second);
}

static void test_a_buffer_cap_below_the_document_is_etoobig(void **state)
{
	struct buf full, out;

	(void)state;
	assert_int_equal(render(&full, NULL, three_steps, 3), 0);
	buf_init(&out, full.len - 1);
	assert_int_equal(flowchart_svg(&out, NULL, three_steps, 3), SX_ETOOBIG);
	assert_true(out.len <= full.len - 1);
	buf_free(&out);
	buf_init(&out, 64);
	assert_int_equal(flowchart_svg(&out, NULL, three_steps, 3), SX_ETOOBIG);
	buf_free(&out);
	/* Exactly the size of the document is enough. */
	buf_init(&out, full.len);
	assert_int_equal(flowchart_svg(&out, NULL, three_steps, 3), 0);
	assert_int_equal(out.len, full.len);
	assert_memory_equal(out.data, full.data, full.len);
	buf_free(&out);
	buf_free(&full);
}

static void test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing(void **state)
{
	struct buf out;
	long n;

	(void)state;
	for (n = 0; n < 1000; n++) {
		int rc;

		buf_init(&out, OUT_MAX);
		sx_mem_fail_after(n);
		rc = flowchart_svg(&out, "流程图", three_steps, 3);
		sx_mem_fail_after(-1);
		buf_free(&out);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld failing: rc %d", n, rc);
	}
	/* At least one allocation was failed, or the loop proved nothing. */
	assert_true(n > 0 && n < 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_checker_rejects_what_is_not_well_formed),
		cmocka_unit_test(test_three_steps_draw_three_boxes_between_start_and_end),
		cmocka_unit_test(test_root_is_a_self_contained_accessible_svg_640_wide),
		cmocka_unit_test(test_a_missing_title_gets_a_default_accessible_name),
		cmocka_unit_test(test_working_day_line_is_drawn_only_for_a_limit),
		cmocka_unit_test(test_xml_special_characters_are_escaped_everywhere),
		cmocka_unit_test(test_characters_xml_cannot_hold_are_replaced),
		cmocka_unit_test(test_long_detail_is_cut_after_max_lines_with_an_ellipsis),
		cmocka_unit_test(test_cutting_never_splits_a_utf8_sequence),
		cmocka_unit_test(test_line_breaks_in_detail_start_new_lines),
		cmocka_unit_test(test_ascii_words_break_at_spaces_and_unbreakable_runs_where_full),
		cmocka_unit_test(test_a_long_title_wraps_and_keeps_its_number),
		cmocka_unit_test(test_boxes_grow_with_their_text_and_stack_without_overlap),
		cmocka_unit_test(test_up_to_the_maximum_number_of_steps_is_drawn),
		cmocka_unit_test(test_bad_arguments_are_invalid),
		cmocka_unit_test(test_the_document_is_appended_and_the_same_every_time),
		cmocka_unit_test(test_a_buffer_cap_below_the_document_is_etoobig),
		cmocka_unit_test(test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * report/flowchart — see flowchart.h. Layout first, drawing second: every
 * text is wrapped before anything is written, because the height of the
 * document (the viewBox on the root element) depends on all of it.
 *
 * Geometry, in SVG user units (px at 100 %): a 640-wide canvas; boxes 560
 * wide at x = 40 with rounded corners (rx 8); text centred on x = 320 with
 * 16 units of padding on each side, so a line holds 528 units; shapes are
 * joined by 32-unit arrows. Widths are estimated, not measured (no font is
 * at hand on the server): a CJK or any other non-ASCII character counts as
 * one em, an ASCII character as half an em. The estimates run in half-ems
 * so they stay integers.
 *
 * Wrapping: a line breaks before a non-ASCII character, after one, or at a
 * space; a run of ASCII without spaces (a word, a number, a URL) breaks only
 * when it does not fit a line by itself. No line starts with closing
 * punctuation when it can be helped (the usual 避头尾 rule, GB/T 15834
 * punctuation). Line breaks in the input (LF, CRLF, CR) start a new line.
 * Breaks fall between code points, never inside a UTF-8 sequence.
 *
 * XML: text is escaped (& < > " '), and the characters XML 1.0 §2.2 does
 * not allow — C0 controls other than tab, LF, CR, and U+FFFE, U+FFFF — are
 * replaced (controls by a space, the non-characters by U+FFFD), so any
 * valid UTF-8 input gives a well-formed document. Tab, LF and CR are not
 * written inside text at all: they are spaces or line breaks of the layout.
 */
#include "report/flowchart.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"

#define CANVAS_WIDTH 640
#define CENTER_X (CANVAS_WIDTH / 2)
#define BOX_X 40
#define BOX_WIDTH (CANVAS_WIDTH - 2 * BOX_X)
#define BOX_RADIUS 8
#define PAD_X 16                          /* text inset from each side of a box */
#define PAD_Y 12                          /* space above the first and below the last line */
#define TEXT_WIDTH (BOX_WIDTH - 2 * PAD_X) /* room for one line of text */
#define MARGIN_Y 16                       /* above the start and below the end ellipse */
#define ARROW_LENGTH 32
#define ELLIPSE_RX 56
#define ELLIPSE_RY 18
#define ELLIPSE_FONT_SIZE 14
#define STROKE_WIDTH "1.5"

/* Font sizes, line heights and the baseline's drop inside a line, in user units. */
#define TITLE_FONT_SIZE 15
#define TITLE_LEADING 22
#define TITLE_BASELINE 16
#define DETAIL_FONT_SIZE 13
#define DETAIL_LEADING 20
#define DETAIL_BASELINE 15

/* A title longer than this many lines is cut with "…" like the detail. */
#define TITLE_MAX_LINES 2

/* Width of "…" (U+2026) in half-ems: CJK fonts draw it one em wide. */
#define ELLIPSIS_HALF_EMS 2

#define COLOR_STROKE "#1f4e79"
#define COLOR_FILL "#f3f7fb"
#define COLOR_TEXT "#1a1a1a"
#define COLOR_MUTED "#555"
#define FONT_FAMILY "'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif"

/* The <title> when the caller gives none: an image needs an accessible name. */
#define DEFAULT_TITLE "办理流程图"

/* Ids inside the document; prefixed so that two charts inlined in one page stay apart. */
#define ID_TITLE "fc-title"
#define ID_ARROW "fc-arrow"

_Static_assert(TITLE_MAX_LINES <= FLOWCHART_MAX_DETAIL_LINES, "struct wrapped holds both");

/* Text cut into lines: each a run of the input, without its line break. */
struct wrapped {
	struct slice lines[FLOWCHART_MAX_DETAIL_LINES];
	size_t count;  /* 0..max_lines given to wrap */
	bool is_cut;   /* text remained after the last line: draw "…" after it */
};

/* What one step's box holds, and its height in user units. */
struct box {
	size_t number;  /* 1-based step number */
	int days;       /* 0 = no limit line */
	struct wrapped title;
	struct wrapped detail;
	int height;
};

/* Estimated width of a code point in half-ems. */
static int half_ems(unsigned long cp)
{
	return cp < 0x80 ? 1 : 2;
}

static bool is_space(unsigned long cp)
{
	return cp == ' ' || cp == '\t';
}

/* Punctuation that should not start a line: it closes what came before. */
static bool is_closing_punctuation(unsigned long cp)
{
	static const unsigned long closing[] = {
		0x3001, 0x3002,                 /* 、 。 */
		0xff0c, 0xff0e, 0xff1a, 0xff1b, /* ， ． ： ； */
		0xff01, 0xff1f,                 /* ！ ？ */
		0xff09, 0xff3d, 0xff5d,         /* ） ］ ｝ */
		0x3009, 0x300b, 0x300d, 0x300f, /* 〉 》 」 』 */
		0x3011, 0x3015, 0x3017,         /* 】 〕 〗 */
		0x201d, 0x2019,                 /* ” ’ */
		0x2026, 0x2014,                 /* … — */
	};

	for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++) {
		if (closing[i] == cp)
			return true;
	}
	return false;
}

/*
 * Decodes the code point at s[0..len), len > 0. The text was checked with
 * codec_is_valid_utf8, so a zero length cannot happen; should it, the byte
 * is taken alone (it is written as is and was valid) rather than looping.
 */
static size_t next_char(const char *s, size_t len, unsigned long *cp)
{
	size_t n = codec_utf8_char_len(s, len, cp);

	if (n == 0) {
		*cp = 0xfffd;
		n = 1;
	}
	return n;
}

static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	}
	return true;
}

/* Width of s[0..len) in half-ems. */
static int text_half_ems(const char *s, size_t len)
{
	size_t pos = 0;
	int width = 0;

	while (pos < len) {
		unsigned long cp;

		pos += next_char(s + pos, len - pos, &cp);
		width += half_ems(cp);
	}
	return width;
}

static struct slice trim_spaces(struct slice line)
{
	while (line.len > 0 && (line.ptr[0] == ' ' || line.ptr[0] == '\t')) {
		line.ptr++;
		line.len--;
	}
	while (line.len > 0 && (line.ptr[line.len - 1] == ' ' || line.ptr[line.len - 1] == '\t'))
		line.len--;
	return line;
}

/*
 * Makes room for "…" at the end of a line of at most cap half-ems: drops
 * whole characters from its end (stepping back over continuation bytes, so
 * a sequence is never split) until the ellipsis fits.
 */
static struct slice shorten_for_ellipsis(struct slice line, int cap)
{
	int width = text_half_ems(line.ptr, line.len);

	while (line.len > 0 && width + ELLIPSIS_HALF_EMS > cap) {
		size_t start = line.len - 1;
		unsigned long cp;

		while (start > 0 && ((unsigned char)line.ptr[start] & 0xc0) == 0x80)
			start--;
		next_char(line.ptr + start, line.len - start, &cp);
		width -= half_ems(cp);
		line.len = start;
	}
	return trim_spaces(line);
}

/*
 * Breaks s[0..len) into at most max_lines lines of at most cap half-ems
 * each (see the head of this file for where lines break). A line that
 * cannot break earlier is cut at the character that does not fit; a line
 * always takes at least one character, so the loop ends even when cap is
 * smaller than a character.
 */
static void wrap(struct wrapped *out, const char *s, size_t len, int cap, size_t max_lines)
{
	size_t pos = 0;

	out->count = 0;
	out->is_cut = false;
	while (pos < len) {
		size_t start = pos, end = len, resume = len;
		size_t break_end = 0, break_resume = 0;  /* last soft break; none while <= start */
		bool prev_wide = false;
		int width = 0;

		if (out->count == max_lines) {
			out->is_cut = !is_blank(s + pos, len - pos);
			break;
		}
		while (pos < len) {
			unsigned long cp;
			size_t n = next_char(s + pos, len - pos, &cp);

			if (cp == '\n' || cp == '\r') {
				end = pos;
				resume = pos + 1;
				if (cp == '\r' && resume < len && s[resume] == '\n')
					resume++;
				break;
			}
			if (pos > start && (cp >= 0x80 || prev_wide) &&
			    !is_closing_punctuation(cp)) {
				break_end = pos;
				break_resume = pos;
			}
			if (width + half_ems(cp) > cap && pos > start) {
				if (is_space(cp) || break_end <= start) {
					end = pos;
					resume = pos;
				} else {
					end = break_end;
					resume = break_resume;
				}
				/* A soft break swallows the spaces at it. */
				while (resume < len && (s[resume] == ' ' || s[resume] == '\t'))
					resume++;
				break;
			}
			if (is_space(cp) && pos > start) {
				break_end = pos;
				break_resume = pos + n;
			}
			width += half_ems(cp);
			prev_wide = cp >= 0x80;
			pos += n;
		}
		out->lines[out->count++] = trim_spaces((struct slice){s + start, end - start});
		pos = resume;
	}
	/* Blank lines at the end ("…\n\n") take room and say nothing. */
	while (!out->is_cut && out->count > 0 && out->lines[out->count - 1].len == 0)
		out->count--;
	if (out->is_cut)
		out->lines[out->count - 1] = shorten_for_ellipsis(out->lines[out->count - 1], cap);
}

/* Lines that fit width user units of text at font_size, in half-ems. */
static int capacity(int width, int font_size)
{
	return 2 * width / font_size;
}

/*
 * Appends s[0..len) as XML character data (also safe in a double- or
 * single-quoted attribute value), replacing the characters XML cannot hold.
 * Copies runs of plain bytes at once.
 */
static int append_text(struct buf *out, const char *s, size_t len)
{
	size_t pos = 0, run = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		unsigned long cp;
		size_t n = next_char(s + pos, len - pos, &cp);
		const char *replacement = NULL;

		switch (cp) {
		case '&':
			replacement = "&amp;";
			break;
		case '<':
			replacement = "&lt;";
			break;
		case '>':
			replacement = "&gt;";
			break;
		case '"':
			replacement = "&quot;";
			break;
		case '\'':
			replacement = "&#39;";
			break;
		case 0xfffe:
		case 0xffff:
			replacement = "\xef\xbf\xbd";
			break;
		default:
			if (cp < 0x20)
				replacement = " ";
			break;
		}
		if (replacement != NULL) {
			rc = buf_append(out, s + run, pos - run);
			if (rc == 0)
				rc = buf_append_str(out, replacement);
			run = pos + n;
		}
		pos += n;
	}
	if (rc == 0)
		rc = buf_append(out, s + run, len - run);
	return rc;
}

/*
 * Appends one centred line of text whose baseline is at y: prefix (plain
 * ASCII, not escaped), then text, then "…" when has_ellipsis. attrs holds
 * further attributes with a leading space, or "".
 */
static int append_line(struct buf *out, int y, int font_size, const char *attrs,
		       const char *prefix, struct slice text, bool has_ellipsis)
{
	int rc;

	rc = buf_appendf(out, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"%s>%s", CENTER_X, y,
			 font_size, attrs, prefix);
	if (rc < 0)
		return rc;
	if ((rc = append_text(out, text.ptr, text.len)) < 0)
		return rc;
	if (has_ellipsis && (rc = buf_append_str(out, "\xe2\x80\xa6")) < 0)
		return rc;
	return buf_append_str(out, "</text>\n");
}

static int append_ellipse(struct buf *out, int cy, const char *label)
{
	return buf_appendf(out,
			   "<ellipse cx=\"%d\" cy=\"%d\" rx=\"%d\" ry=\"%d\" fill=\"" COLOR_FILL
			   "\" stroke=\"" COLOR_STROKE "\" stroke-width=\"" STROKE_WIDTH "\"/>\n"
			   "<text x=\"%d\" y=\"%d\" font-size=\"%d\">%s</text>\n",
			   CENTER_X, cy, ELLIPSE_RX, ELLIPSE_RY, CENTER_X,
			   cy + ELLIPSE_FONT_SIZE * 7 / 20, ELLIPSE_FONT_SIZE, label);
}

/* An arrow down from y_from to y_to, its tip touching y_to. */
static int append_arrow(struct buf *out, int y_from, int y_to)
{
	return buf_appendf(out,
			   "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" COLOR_STROKE
			   "\" stroke-width=\"" STROKE_WIDTH "\" marker-end=\"url(#" ID_ARROW
			   ")\"/>\n",
			   CENTER_X, y_from, CENTER_X, y_to);
}

static int append_box(struct buf *out, const struct box *b, int top)
{
	static const struct slice empty = {"", 0};
	char number[24];
	int y = top + PAD_Y, rc;
	size_t i;

	rc = buf_appendf(out,
			 "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"%d\" "
			 "fill=\"" COLOR_FILL "\" stroke=\"" COLOR_STROKE "\" "
			 "stroke-width=\"" STROKE_WIDTH "\"/>\n",
			 BOX_X, top, BOX_WIDTH, b->height, BOX_RADIUS);
	if (rc < 0)
		return rc;
	/* An empty title still shows its number, without the space that would follow it. */
	snprintf(number, sizeof(number), b->title.count > 0 ? "%zu. " : "%zu.", b->number);
	for (i = 0; rc == 0 && i < b->title.count; i++) {
		rc = append_line(out, y + TITLE_BASELINE, TITLE_FONT_SIZE, " font-weight=\"bold\"",
				 i == 0 ? number : "", b->title.lines[i],
				 b->title.is_cut && i + 1 == b->title.count);
		y += TITLE_LEADING;
	}
	if (b->title.count == 0) {
		rc = append_line(out, y + TITLE_BASELINE, TITLE_FONT_SIZE, " font-weight=\"bold\"",
				 number, empty, false);
		y += TITLE_LEADING;
	}
	if (rc == 0 && b->days > 0) {
		rc = buf_appendf(out,
				 "<text x=\"%d\" y=\"%d\" font-size=\"%d\" fill=\"" COLOR_MUTED
				 "\">%d 个工作日</text>\n",
				 CENTER_X, y + DETAIL_BASELINE, DETAIL_FONT_SIZE, b->days);
		y += DETAIL_LEADING;
	}
	for (i = 0; rc == 0 && i < b->detail.count; i++) {
		rc = append_line(out, y + DETAIL_BASELINE, DETAIL_FONT_SIZE, "", "",
				 b->detail.lines[i], b->detail.is_cut && i + 1 == b->detail.count);
		y += DETAIL_LEADING;
	}
	return rc;
}

/* Checks one step; NULL detail counts as empty. */
static bool step_is_valid(const struct flowchart_step *step)
{
	return step->title != NULL && codec_is_valid_utf8(step->title, strlen(step->title)) &&
	       (step->detail == NULL || codec_is_valid_utf8(step->detail, strlen(step->detail))) &&
	       step->days >= 0;
}

static void layout_box(struct box *out, const struct flowchart_step *step, size_t number)
{
	char prefix[24];
	int title_cap, prefix_width;
	size_t title_lines;

	out->number = number;
	out->days = step->days;
	/* The number prints before the first line; every title line keeps its room. */
	prefix_width = snprintf(prefix, sizeof(prefix), "%zu. ", number);
	title_cap = capacity(TEXT_WIDTH, TITLE_FONT_SIZE) - prefix_width;
	wrap(&out->title, step->title, strlen(step->title), title_cap, TITLE_MAX_LINES);
	wrap(&out->detail, step->detail ? step->detail : "",
	     step->detail ? strlen(step->detail) : 0, capacity(TEXT_WIDTH, DETAIL_FONT_SIZE),
	     FLOWCHART_MAX_DETAIL_LINES);
	title_lines = out->title.count > 0 ? out->title.count : 1;
	out->height = 2 * PAD_Y + (int)title_lines * TITLE_LEADING +
		      (out->days > 0 ? DETAIL_LEADING : 0) +
		      (int)out->detail.count * DETAIL_LEADING;
}

int flowchart_svg(struct buf *out, const char *title, const struct flowchart_step *steps,
		  size_t count)
{
	struct box boxes[FLOWCHART_MAX_STEPS];
	int height, y, rc;
	size_t i;

	if (out == NULL || steps == NULL || count == 0 || count > FLOWCHART_MAX_STEPS)
		return SX_EINVALID;
	if (title != NULL && !codec_is_valid_utf8(title, strlen(title)))
		return SX_EINVALID;
	for (i = 0; i < count; i++) {
		if (!step_is_valid(&steps[i]))
			return SX_EINVALID;
	}

	height = MARGIN_Y + 2 * ELLIPSE_RY;
	for (i = 0; i < count; i++) {
		layout_box(&boxes[i], &steps[i], i + 1);
		height += ARROW_LENGTH + boxes[i].height;
	}
	height += ARROW_LENGTH + 2 * ELLIPSE_RY + MARGIN_Y;

	rc = buf_appendf(out,
			 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
			 "viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
			 "aria-labelledby=\"" ID_TITLE "\">\n<title id=\"" ID_TITLE "\">",
			 CANVAS_WIDTH, height);
	if (rc < 0)
		goto cleanup;
	title = title != NULL ? title : DEFAULT_TITLE;
	if ((rc = append_text(out, title, strlen(title))) < 0)
		goto cleanup;
	/* refX at the tip: the line ends where the arrowhead points. */
	rc = buf_append_str(out,
			    "</title>\n<defs><marker id=\"" ID_ARROW "\" viewBox=\"0 0 10 10\" "
			    "refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
			    "orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"" COLOR_STROKE
			    "\"/></marker></defs>\n"
			    "<g font-family=\"" FONT_FAMILY "\" text-anchor=\"middle\" "
			    "fill=\"" COLOR_TEXT "\">\n");
	if (rc < 0)
		goto cleanup;

	y = MARGIN_Y + ELLIPSE_RY;
	if ((rc = append_ellipse(out, y, "开始")) < 0)
		goto cleanup;
	y += ELLIPSE_RY;
	for (i = 0; i < count; i++) {
		if ((rc = append_arrow(out, y, y + ARROW_LENGTH)) < 0)
			goto cleanup;
		y += ARROW_LENGTH;
		if ((rc = append_box(out, &boxes[i], y)) < 0)
			goto cleanup;
		y += boxes[i].height;
	}
	if ((rc = append_arrow(out, y, y + ARROW_LENGTH)) < 0)
		goto cleanup;
	y += ARROW_LENGTH + ELLIPSE_RY;
	if ((rc = append_ellipse(out, y, "结束")) < 0)
		goto cleanup;
	rc = buf_append_str(out, "</g>\n</svg>\n");

cleanup:
	return rc;
}

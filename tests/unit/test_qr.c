/*
 * Unit tests for report/qr: QR codes for the 亮证 link as SVG and PNG.
 *
 * The PNG is taken apart here by the PNG specification (ISO/IEC 15948), not
 * by trusting the writer: the signature; chunks IHDR, IDAT…, IEND in that
 * order and nothing after; every chunk's CRC-32 recomputed with zlib's
 * crc32 over type and data; IHDR width = height = (modules + 8) × scale,
 * bit depth 8, colour type 0 (grayscale), compression, filter and interlace
 * 0; the IDAT stream inflates (zlib uncompress) to exactly
 * height × (1 + width) bytes, every scanline with filter byte 0 and every
 * pixel 0x00 or 0xff. Then the picture: each module is a uniform
 * scale × scale block; the quiet zone (four modules on every side) is white;
 * the three finder patterns (ISO/IEC 18004 §6.3.3: 7 × 7 dark ring, light
 * ring, 3 × 3 dark core, light separator) sit in their corners — the
 * top-left corner module of the image, at module (4, 4), is dark.
 *
 * The SVG is checked to be a well-formed XML document (a small checker below:
 * balanced tags, quoted unique attributes, no stray text) whose root is an
 * svg element in the SVG namespace with width, height and viewBox that fit
 * the symbol, and that has exactly one path made of unit squares.
 *
 * Both drawings are compared module by module with what libqrencode returns
 * for the same text at error-correction level M in case-sensitive 8-bit mode,
 * the encoding qr.h promises: the module's job is to draw those modules, and
 * a different level or case folding shows up as different modules (the test
 * text is chosen so that case folding changes the symbol). That the symbol
 * decodes back to the text is checked with a real decoder (zbarimg) in
 * tests/integration/test_verify.c.
 *
 * Error paths: empty, NULL and over-long text, scale and module size out of
 * range, a buffer whose cap is too small, and allocation failure at every
 * step (sx_mem_fail_after), which must give SX_ENOMEM and leak nothing.
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
#include <qrencode.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"
#include "report/qr.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_MAX (64u * 1024 * 1024)
#define QUIET 4

/* Mixed case on purpose: folding it would change the symbol. */
#define URL "https://verify.example.gov.cn/verify/officer?cert=33010020260001"
#define MIXED "https://Verify.Example.gov.cn/verify/officer?cert=ab-CD-12"

static const char *const texts[] = {
	URL,
	MIXED,
	"1234",
	"x",
	"https://verify.example.gov.cn/verify/officer?cert=核验-张明",
};

/* ---- the reference: libqrencode with the parameters qr.h documents ------------------------ */

static QRcode *reference(const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

	assert_non_null(q);
	return q;
}

static bool reference_dark(const QRcode *q, int x, int y)
{
	return (q->data[y * q->width + x] & 1) != 0;
}

/* ---- PNG ------------------------------------------------------------------------------------ */

struct png_image {
	uint32_t width;
	uint32_t height;
	unsigned char *pixels; /* width × height grayscale bytes, row by row; sx_free */
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks data[0..len) is a PNG as described above and returns its pixels. */
static void png_decode(struct png_image *out, const unsigned char *data, size_t len)
{
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char *idat = NULL, *raw;
	size_t idat_len = 0, pos = sizeof(signature), row_bytes, raw_len;
	bool seen_ihdr = false, seen_iend = false;
	uLongf inflated;

	memset(out, 0, sizeof(*out));
	assert_true(len > sizeof(signature));
	assert_memory_equal(data, signature, sizeof(signature));
	while (pos < len) {
		uint32_t chunk_len, crc;
		const unsigned char *type, *body;

		if (seen_iend)
			fail_msg("bytes after IEND at offset %zu", pos);
		assert_true(len - pos >= 12);
		chunk_len = be32(data + pos);
		assert_true(chunk_len <= len - pos - 12);
		type = data + pos + 4;
		body = type + 4;
		crc = (uint32_t)crc32(0L, type, 4 + chunk_len);
		if (crc != be32(body + chunk_len))
			fail_msg("chunk %.4s at %zu: CRC %08x, stored %08x", (const char *)type, pos,
				 crc, be32(body + chunk_len));
		if (memcmp(type, "IHDR", 4) == 0) {
			assert_false(seen_ihdr);
			assert_int_equal(pos, sizeof(signature)); /* IHDR comes first */
			assert_int_equal(chunk_len, 13);
			out->width = be32(body);
			out->height = be32(body + 4);
			assert_int_equal(body[8], 8);  /* bit depth */
			assert_int_equal(body[9], 0);  /* colour type: grayscale */
			assert_int_equal(body[10], 0); /* compression: deflate */
			assert_int_equal(body[11], 0); /* filter method */
			assert_int_equal(body[12], 0); /* no interlace */
			seen_ihdr = true;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			assert_true(seen_ihdr);
			idat = sx_realloc(idat, idat_len + chunk_len + 1);
			assert_non_null(idat);
			memcpy(idat + idat_len, body, chunk_len);
			idat_len += chunk_len;
		} else if (memcmp(type, "IEND", 4) == 0) {
			assert_int_equal(chunk_len, 0);
			seen_iend = true;
		} else {
			fail_msg("unexpected chunk %.4s", (const char *)type);
		}
		pos += 12 + (size_t)chunk_len;
	}
	assert_true(seen_ihdr);
	assert_true(seen_iend);
	assert_true(idat_len > 0);
	assert_true(out->width > 0 && out->width <= 8192);
	assert_int_equal(out->width, out->height);

	row_bytes = 1 + (size_t)out->width;
	raw_len = row_bytes * out->height;
	/* One byte of room more than expected, so that a longer stream is seen. */
	raw = sx_malloc(raw_len + 1);
	assert_non_null(raw);
	inflated = (uLongf)(raw_len + 1);
	assert_int_equal(uncompress(raw, &inflated, idat, (uLong)idat_len), Z_OK);
	assert_int_equal(inflated, raw_len);
	sx_free(idat);

	out->pixels = sx_malloc((size_t)out->width * out->height);
	assert_non_null(out->pixels);
	for (uint32_t y = 0; y < out->height; y++) {
		const unsigned char *row = raw + y * row_bytes;

		if (row[0] != 0)
			fail_msg("scanline %u has filter type %u", y, row[0]);
		for (uint32_t x = 0; x < out->width; x++) {
			if (row[1 + x] != 0x00 && row[1 + x] != 0xff)
				fail_msg("pixel (%u, %u) is 0x%02x", x, y, row[1 + x]);
		}
		memcpy(out->pixels + (size_t)y * out->width, row + 1, out->width);
	}
	sx_free(raw);
}

/* Module (mx, my) of the whole image, quiet zone included: dark if its block is black. */
static bool png_module_dark(const struct png_image *img, int scale, int mx, int my)
{
	unsigned char first = img->pixels[(size_t)my * scale * img->width + (size_t)mx * scale];

	for (int dy = 0; dy < scale; dy++) {
		for (int dx = 0; dx < scale; dx++) {
			size_t at = ((size_t)my * scale + dy) * img->width + (size_t)mx * scale + dx;

			if (img->pixels[at] != first)
				fail_msg("module (%d, %d) is not one colour at scale %d", mx, my, scale);
		}
	}
	return first == 0x00;
}

/*
 * A finder pattern whose top-left module is (ox, oy) in image modules: dark
 * where the Chebyshev distance from its centre is 0, 1 or 3, light at 2, and
 * a light separator at 4 where that lies inside the symbol.
 */
static void expect_finder(bool (*dark)(const void *, int, int), const void *ctx, int ox, int oy,
			  int modules)
{
	for (int dy = -1; dy <= 7; dy++) {
		for (int dx = -1; dx <= 7; dx++) {
			int x = ox + dx, y = oy + dy;
			int ax = abs(dx - 3), ay = abs(dy - 3);
			int dist = ax > ay ? ax : ay;
			bool want = dist != 2 && dist != 4;

			if (x < QUIET || y < QUIET || x >= QUIET + modules || y >= QUIET + modules)
				continue; /* the separator of an edge pattern lies in the quiet zone */
			if (dark(ctx, x, y) != want)
				fail_msg("finder at (%d, %d): module (%d, %d) should be %s", ox, oy, x, y,
					 want ? "dark" : "light");
		}
	}
}

struct png_probe {
	const struct png_image *img;
	int scale;
};

static bool png_probe_dark(const void *ctx, int x, int y)
{
	const struct png_probe *p = ctx;

	return png_module_dark(p->img, p->scale, x, y);
}

/* Renders text as PNG at scale and checks everything in the file comment. */
static void expect_png(const char *text, int scale)
{
	struct png_image img;
	struct png_probe probe;
	struct buf out;
	QRcode *q = reference(text);
	int n, modules;

	buf_init(&out, OUT_MAX);
	assert_int_equal(qr_png(&out, text, scale), 0);
	png_decode(&img, (const unsigned char *)out.data, out.len);

	assert_int_equal(img.width % (uint32_t)scale, 0);
	n = (int)(img.width / (uint32_t)scale);
	modules = n - 2 * QUIET;
	/* Versions 1..40 have 21 + 4(v - 1) modules. */
	assert_true(modules >= 21 && modules <= 177 && (modules - 21) % 4 == 0);
	assert_int_equal(modules, q->width);
	assert_int_equal(img.width, (uint32_t)((q->width + 8) * scale));

	for (int y = 0; y < n; y++) {
		for (int x = 0; x < n; x++) {
			bool quiet = x < QUIET || y < QUIET || x >= n - QUIET || y >= n - QUIET;
			bool got = png_module_dark(&img, scale, x, y);

			if (quiet && got)
				fail_msg("\"%s\" scale %d: quiet-zone module (%d, %d) is dark", text,
					 scale, x, y);
			if (!quiet && got != reference_dark(q, x - QUIET, y - QUIET))
				fail_msg("\"%s\" scale %d: module (%d, %d) differs from libqrencode",
					 text, scale, x - QUIET, y - QUIET);
		}
	}
	probe.img = &img;
	probe.scale = scale;
	assert_true(png_module_dark(&img, scale, QUIET, QUIET));
	assert_false(png_module_dark(&img, scale, QUIET - 1, QUIET - 1));
	expect_finder(png_probe_dark, &probe, QUIET, QUIET, modules);
	expect_finder(png_probe_dark, &probe, QUIET + modules - 7, QUIET, modules);
	expect_finder(png_probe_dark, &probe, QUIET, QUIET + modules - 7, modules);

	QRcode_free(q);
	sx_free(img.pixels);
	buf_free(&out);
}

static void test_png_is_grayscale_with_correct_crcs_and_draws_the_symbol(void **state)
{
	static const int scales[] = {1, 2, 3, 8, 32};

	(void)state;
	for (size_t t = 0; t < ARRAY_LEN(texts); t++) {
		for (size_t s = 0; s < ARRAY_LEN(scales); s++)
			expect_png(texts[t], scales[s]);
	}
}

static void test_the_reference_tells_case_folding_apart(void **state)
{
	QRcode *sensitive = reference(MIXED);
	QRcode *folded = QRcode_encodeString(MIXED, 0, QR_ECLEVEL_M, QR_MODE_8, 0);
	QRcode *level_l = QRcode_encodeString(MIXED, 0, QR_ECLEVEL_L, QR_MODE_8, 1);

	(void)state;
	/* Otherwise comparing with the reference would not catch either mistake. */
	assert_non_null(folded);
	assert_non_null(level_l);
	assert_true(sensitive->width != folded->width ||
		    memcmp(sensitive->data, folded->data,
			   (size_t)sensitive->width * (size_t)sensitive->width) != 0);
	assert_true(sensitive->width != level_l->width ||
		    memcmp(sensitive->data, level_l->data,
			   (size_t)sensitive->width * (size_t)sensitive->width) != 0);
	QRcode_free(sensitive);
	QRcode_free(folded);
	QRcode_free(level_l);
}

static void test_png_of_the_longest_text_is_a_large_symbol(void **state)
{
	char text[QR_TEXT_MAX + 1];

	(void)state;
	for (size_t i = 0; i < QR_TEXT_MAX; i++)
		text[i] = "0123456789abcdefghijklmnopqrstuvwxyz/-?=."[i % 41];
	text[QR_TEXT_MAX] = '\0';
	expect_png(text, 1);
	expect_png(text, 2);
}

/* ---- SVG: a small well-formedness checker ------------------------------------------------ */

#define XML_MAX_ELEMENTS 16
#define XML_MAX_ATTRS 8
#define XML_MAX_DEPTH 8

struct xml_attr {
	struct slice name;
	struct slice value;
};

struct xml_element {
	struct slice name;
	struct xml_attr attrs[XML_MAX_ATTRS];
	size_t attr_count;
	int depth; /* 0 = root */
};

struct xml_doc {
	struct xml_element elements[XML_MAX_ELEMENTS];
	size_t count;
};

static bool xml_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == ':' || c == '_' || c == '.';
}

static bool xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct slice xml_name(const char **p, const char *end)
{
	struct slice s = {*p, 0};

	while (*p < end && xml_name_char(**p))
		(*p)++;
	s.len = (size_t)(*p - s.ptr);
	if (s.len == 0)
		fail_msg("expected a name at \"%.20s\"", *p);
	return s;
}

static bool slice_eq(struct slice a, struct slice b)
{
	return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/*
 * Parses text[0..len) as an XML document of elements and attributes only (no
 * declarations, comments, text or entities other than whitespace between
 * tags): one root, balanced tags, double-quoted attribute values without '<',
 * unique attribute names. Fails the test otherwise.
 */
static void xml_parse(struct xml_doc *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	struct slice stack[XML_MAX_DEPTH];
	int depth = 0;
	bool root_done = false;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		if (xml_space(*p)) {
			p++;
			continue;
		}
		if (*p != '<')
			fail_msg("text outside tags at offset %td", p - text);
		p++;
		if (p < end && *p == '/') {
			struct slice name;

			p++;
			name = xml_name(&p, end);
			if (depth == 0 || !slice_eq(stack[depth - 1], name))
				fail_msg("closing tag </%.*s> does not match", (int)name.len, name.ptr);
			while (p < end && xml_space(*p))
				p++;
			assert_true(p < end && *p == '>');
			p++;
			if (--depth == 0)
				root_done = true;
			continue;
		}
		{
			struct xml_element *e;

			if (root_done)
				fail_msg("a second root element at offset %td", p - text);
			assert_true(out->count < XML_MAX_ELEMENTS);
			e = &out->elements[out->count++];
			e->name = xml_name(&p, end);
			e->depth = depth;
			for (;;) {
				struct xml_attr *a;

				while (p < end && xml_space(*p))
					p++;
				assert_true(p < end);
				if (*p == '>' || *p == '/')
					break;
				assert_true(e->attr_count < XML_MAX_ATTRS);
				a = &e->attrs[e->attr_count];
				a->name = xml_name(&p, end);
				for (size_t k = 0; k < e->attr_count; k++) {
					if (slice_eq(e->attrs[k].name, a->name))
						fail_msg("attribute %.*s given twice", (int)a->name.len,
							 a->name.ptr);
				}
				assert_true(p + 1 < end && p[0] == '=' && p[1] == '"');
				p += 2;
				a->value.ptr = p;
				while (p < end && *p != '"') {
					if (*p == '<')
						fail_msg("'<' inside an attribute value");
					p++;
				}
				assert_true(p < end);
				a->value.len = (size_t)(p - a->value.ptr);
				p++;
				e->attr_count++;
			}
			if (*p == '/') {
				assert_true(p + 1 < end && p[1] == '>');
				p += 2;
				if (depth == 0)
					root_done = true;
			} else {
				p++;
				assert_true(depth < XML_MAX_DEPTH);
				stack[depth++] = e->name;
			}
		}
	}
	assert_int_equal(depth, 0);
	assert_true(root_done);
}

static const struct slice *xml_attr(const struct xml_element *e, const char *name)
{
	for (size_t i = 0; i < e->attr_count; i++) {
		if (slice_eq_str(e->attrs[i].name, name))
			return &e->attrs[i].value;
	}
	return NULL;
}

static void expect_attr(const struct xml_element *e, const char *name, const char *want)
{
	const struct slice *v = xml_attr(e, name);

	if (v == NULL || !slice_eq_str(*v, want))
		fail_msg("<%.*s %s=\"%.*s\">, want \"%s\"", (int)e->name.len, e->name.ptr, name,
			 v ? (int)v->len : 6, v ? v->ptr : "absent", want);
}

/* Reads a non-negative decimal at *p (before end); fails the test if there is none. */
static long read_number(const char **p, const char *end)
{
	long n = 0;
	const char *start = *p;

	while (*p < end && **p >= '0' && **p <= '9') {
		n = n * 10 + (**p - '0');
		assert_true(n < 100000);
		(*p)++;
	}
	if (*p == start)
		fail_msg("expected a number at \"%.10s\"", start);
	return n;
}

static void expect_svg(const char *text, int module_px)
{
	static const char square[] = "h1v1h-1z";
	struct xml_doc doc;
	struct buf out;
	const struct xml_element *root, *path = NULL, *rect = NULL;
	const struct slice *d;
	QRcode *q = reference(text);
	int n = q->width + 2 * QUIET;
	bool *seen;
	char want[64];
	const char *p, *end;

	buf_init(&out, OUT_MAX);
	assert_int_equal(qr_svg(&out, text, module_px), 0);
	assert_non_null(out.data);
	assert_int_equal(strncmp(out.data, "<svg", 4), 0);
	xml_parse(&doc, out.data, out.len);

	root = &doc.elements[0];
	assert_true(slice_eq_str(root->name, "svg"));
	expect_attr(root, "xmlns", "http://www.w3.org/2000/svg");
	snprintf(want, sizeof(want), "%d", n * module_px);
	expect_attr(root, "width", want);
	expect_attr(root, "height", want);
	snprintf(want, sizeof(want), "0 0 %d %d", n, n);
	expect_attr(root, "viewBox", want);
	for (size_t i = 1; i < doc.count; i++) {
		const struct xml_element *e = &doc.elements[i];

		assert_int_equal(e->depth, 1);
		if (slice_eq_str(e->name, "path")) {
			assert_null(path);
			path = e;
		} else if (slice_eq_str(e->name, "rect")) {
			assert_null(rect);
			rect = e;
		} else {
			fail_msg("unexpected element <%.*s>", (int)e->name.len, e->name.ptr);
		}
	}
	/* A white background under the whole symbol, quiet zone included. */
	assert_non_null(rect);
	expect_attr(rect, "width", "100%");
	expect_attr(rect, "height", "100%");
	expect_attr(rect, "fill", "#fff");
	assert_non_null(path);
	expect_attr(path, "fill", "#000");
	d = xml_attr(path, "d");
	assert_non_null(d);

	/* d is a list of unit squares "Mx yh1v1h-1z", one per dark module. */
	seen = sx_calloc((size_t)n * (size_t)n, sizeof(*seen));
	assert_non_null(seen);
	p = d->ptr;
	end = d->ptr + d->len;
	while (p < end) {
		long x, y;

		assert_true(*p == 'M');
		p++;
		x = read_number(&p, end);
		assert_true(p < end && *p == ' ');
		p++;
		y = read_number(&p, end);
		assert_true((size_t)(end - p) >= sizeof(square) - 1);
		assert_memory_equal(p, square, sizeof(square) - 1);
		p += sizeof(square) - 1;
		if (x < QUIET || y < QUIET || x >= QUIET + q->width || y >= QUIET + q->width)
			fail_msg("square at (%ld, %ld) lies in the quiet zone", x, y);
		if (seen[y * n + x])
			fail_msg("square at (%ld, %ld) drawn twice", x, y);
		seen[y * n + x] = true;
	}
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width; x++) {
			if (seen[(y + QUIET) * n + x + QUIET] != reference_dark(q, x, y))
				fail_msg("\"%s\": module (%d, %d) differs from libqrencode", text, x,
					 y);
		}
	}
	/* The corner module of the top-left finder pattern. */
	assert_true(seen[QUIET * n + QUIET]);
	sx_free(seen);
	QRcode_free(q);
	buf_free(&out);
}

static void test_svg_is_a_well_formed_document_with_one_path_of_the_dark_modules(void **state)
{
	static const int sizes[] = {1, 8, 64};

	(void)state;
	for (size_t t = 0; t < ARRAY_LEN(texts); t++) {
		for (size_t s = 0; s < ARRAY_LEN(sizes); s++)
			expect_svg(texts[t], sizes[s]);
	}
}

static void test_the_svg_checker_accepts_a_small_well_formed_document(void **state)
{
	/* The checker itself, on a document it must accept, so that a passing
	 * SVG test means the SVG was checked rather than the checker skipped. */
	static const char doc[] =
		"<svg a=\"1\" b=\"x y\"><rect c=\"2\"/><path d=\"M1 2\"></path></svg>\n";
	struct xml_doc parsed;

	(void)state;
	xml_parse(&parsed, doc, sizeof(doc) - 1);
	assert_int_equal(parsed.count, 3);
	assert_int_equal(parsed.elements[0].attr_count, 2);
	assert_int_equal(parsed.elements[2].depth, 1);
}

/* ---- both: appending and errors ------------------------------------------------------------ */

static void test_output_is_appended_after_what_the_buffer_holds(void **state)
{
	struct buf out;
	struct png_image img;

	(void)state;
	buf_init(&out, OUT_MAX);
	assert_int_equal(buf_append_str(&out, "prefix"), 0);
	assert_int_equal(qr_png(&out, URL, 2), 0);
	assert_memory_equal(out.data, "prefix", 6);
	png_decode(&img, (const unsigned char *)out.data + 6, out.len - 6);
	sx_free(img.pixels);
	buf_reset(&out);
	assert_int_equal(buf_append_str(&out, "prefix"), 0);
	assert_int_equal(qr_svg(&out, URL, 2), 0);
	assert_int_equal(strncmp(out.data, "prefix<svg", 10), 0);
	buf_free(&out);
}

static void test_empty_null_and_over_long_text_are_invalid_and_append_nothing(void **state)
{
	char too_long[QR_TEXT_MAX + 2];
	const char *bad[] = {NULL, "", too_long};
	struct buf out;

	(void)state;
	memset(too_long, 'a', QR_TEXT_MAX + 1);
	too_long[QR_TEXT_MAX + 1] = '\0';
	buf_init(&out, OUT_MAX);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(qr_png(&out, bad[i], 4), SX_EINVALID);
		assert_int_equal(qr_svg(&out, bad[i], 4), SX_EINVALID);
		assert_int_equal(out.len, 0);
	}
	buf_free(&out);
}

static void test_scale_and_module_size_out_of_range_are_invalid(void **state)
{
	static const int bad_scales[] = {0, -1, 33, 1000, -2147483647 - 1};
	static const int bad_module_px[] = {0, -1, 65, 1000, 2147483647};
	struct buf out;

	(void)state;
	buf_init(&out, OUT_MAX);
	for (size_t i = 0; i < ARRAY_LEN(bad_scales); i++)
		assert_int_equal(qr_png(&out, URL, bad_scales[i]), SX_EINVALID);
	for (size_t i = 0; i < ARRAY_LEN(bad_module_px); i++)
		assert_int_equal(qr_svg(&out, URL, bad_module_px[i]), SX_EINVALID);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void test_a_buffer_cap_too_small_is_too_big_and_leaks_nothing(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 100);
	assert_int_equal(qr_png(&out, URL, 4), SX_ETOOBIG);
	buf_free(&out);
	buf_init(&out, 100);
	assert_int_equal(qr_svg(&out, URL, 4), SX_ETOOBIG);
	buf_free(&out);
}

static void test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing(void **state)
{
	(void)state;
	for (int which = 0; which < 2; which++) {
		long n;

		for (n = 0; n < 1000; n++) {
			struct buf out;
			int rc;

			buf_init(&out, OUT_MAX);
			sx_mem_fail_after(n);
			rc = which ? qr_png(&out, URL, 4) : qr_svg(&out, URL, 4);
			sx_mem_fail_after(-1);
			buf_free(&out);
			if (rc == 0)
				break;
			if (rc != SX_ENOMEM)
				fail_msg("%s with allocation %ld failing: rc %d", which ? "png" : "svg",
					 n, rc);
		}
		/* At least one allocation was failed, or the loop proved nothing. */
		assert_true(n > 0 && n < 1000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_is_grayscale_with_correct_crcs_and_draws_the_symbol),
		cmocka_unit_test(test_the_reference_tells_case_folding_apart),
		cmocka_unit_test(test_png_of_the_longest_text_is_a_large_symbol),
		cmocka_unit_test(test_svg_is_a_well_formed_document_with_one_path_of_the_dark_modules),
		cmocka_unit_test(test_the_svg_checker_accepts_a_small_well_formed_document),
		cmocka_unit_test(test_output_is_appended_after_what_the_buffer_holds),
		cmocka_unit_test(test_empty_null_and_over_long_text_are_invalid_and_append_nothing),
		cmocka_unit_test(test_scale_and_module_size_out_of_range_are_invalid),
		cmocka_unit_test(test_a_buffer_cap_too_small_is_too_big_and_leaks_nothing),
		cmocka_unit_test(test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

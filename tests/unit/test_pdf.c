/*
 * Unit tests for report/pdf: enforcement documents (执法文书) as A4 PDF.
 *
 * The PDF is read back with poppler's tools, not by trusting the writer:
 * pdftotext must return the Chinese text (so the fonts are embedded with a
 * ToUnicode map), pdftotext -f N -l N gives one page's text, pdftotext -bbox
 * gives where words sit on the page, and pdfinfo reports the page count,
 * the page size and the metadata. The tools are run with popen on a file in
 * a temporary directory (the module itself writes no files). poppler-utils
 * is installed by scripts/setup, so a missing pdftotext fails the tests
 * unless SANXIANG_ALLOW_NO_PDFTOTEXT is set, which skips them.
 *
 * What is checked: a 行政处罚决定书 with a long paragraph flows onto several
 * A4 pages, keeps every part of the paragraph, and numbers its pages
 * "第 N 页，共 M 页"; the seal area (盖章处) is on the last page only, at its
 * bottom right; a table document keeps its labels and values; a document
 * without blocks is one page; a table row taller than a page still ends up
 * whole on paper; several threads render at once.
 *
 * Error paths: NULL arguments, a missing or empty title, NULL strings and
 * unknown kinds in blocks, text that is not UTF-8, too many blocks and an
 * over-long string, an output buffer too small (out unchanged), and
 * allocation failure at every step (sx_mem_fail_after): SX_ENOMEM, out
 * unchanged, nothing leaked (AddressSanitizer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/docblock.h"
#include "report/pdf.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_MAX ((size_t)64 * 1024 * 1024)
#define TOOL_OUTPUT_MAX ((size_t)4 * 1024 * 1024)
#define PAGE_WIDTH 595.28
#define PAGE_HEIGHT 841.89

#define AGENCY "示例市市场监督管理局"
#define TITLE "行政处罚决定书"
#define DOC_NO "示市监罚决〔2026〕12号"
#define CASE_NO "示市监立〔2026〕5号"
#define PARTY "示例商贸有限公司"
#define DATE "2026年3月18日"
#define START_MARKER "BEGIN-PARAGRAPH-A1"
#define END_MARKER "END-PARAGRAPH-Z9"

/* Blocks are built from string literals; the module never writes to them. */
#define BLOCK(kind, label, text) {(kind), (char *)(label), (char *)(text)}

static const char facts_sentence[] =
	"经查，当事人于二〇二五年十月至二〇二六年一月期间，在其经营场所销售标签不符合食品安全标准的预包装食品，"
	"货值金额共计人民币三千六百元，违法所得人民币八百元。";

/* ---- the poppler tools ------------------------------------------------------------------- */

static bool tool_missing_is_allowed(void)
{
	const char *allow = getenv("SANXIANG_ALLOW_NO_PDFTOTEXT");

	return allow != NULL && allow[0] != '\0';
}

/* Whether pdftotext and pdfinfo are on PATH; fails the test unless missing tools are allowed. */
static bool have_tools(void)
{
	if (system("command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1") ==
	    0)
		return true;
	if (tool_missing_is_allowed()) {
		print_message("pdftotext/pdfinfo not found (poppler-utils): skipped because "
			      "SANXIANG_ALLOW_NO_PDFTOTEXT is set\n");
		return false;
	}
	fail_msg("pdftotext/pdfinfo not found: install poppler-utils (scripts/setup does), or set "
		 "SANXIANG_ALLOW_NO_PDFTOTEXT=1 to skip");
	return false;
}

/* A PDF written to a file of its own in a fresh temporary directory. */
struct pdf_file {
	char dir[64];
	char path[96];
};

static void pdf_file_write(struct pdf_file *f, const struct buf *pdf)
{
	FILE *fp;

	snprintf(f->dir, sizeof(f->dir), "/tmp/sx_test_pdf.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/doc.pdf", f->dir);
	fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(pdf->data, 1, pdf->len, fp), pdf->len);
	assert_int_equal(fclose(fp), 0);
}

static void pdf_file_remove(struct pdf_file *f)
{
	unlink(f->path);
	rmdir(f->dir);
}

/* Runs "tool options path" and returns its standard output (sx_free), failing on a nonzero exit. */
static char *run_tool(const char *tool, const char *options, const struct pdf_file *f)
{
	char command[256], chunk[4096];
	struct buf out;
	FILE *pipe;
	size_t n;
	int status;

	snprintf(command, sizeof(command), "%s %s '%s' - 2>/dev/null", tool, options, f->path);
	if (strcmp(tool, "pdfinfo") == 0)
		snprintf(command, sizeof(command), "pdfinfo %s '%s' 2>/dev/null", options, f->path);
	buf_init(&out, TOOL_OUTPUT_MAX);
	pipe = popen(command, "r");
	assert_non_null(pipe);
	while ((n = fread(chunk, 1, sizeof(chunk), pipe)) > 0)
		assert_int_equal(buf_append(&out, chunk, n), 0);
	status = pclose(pipe);
	if (status != 0)
		fail_msg("%s exited with status %d", command, status);
	return buf_detach(&out, NULL);
}

static char *pdf_text(const struct pdf_file *f)
{
	return run_tool("pdftotext", "-enc UTF-8", f);
}

static char *pdf_page_text(const struct pdf_file *f, int page)
{
	char options[64];

	snprintf(options, sizeof(options), "-enc UTF-8 -f %d -l %d", page, page);
	return run_tool("pdftotext", options, f);
}

/* The "Pages:" line of pdfinfo. */
static int pdf_pages(const char *info)
{
	const char *line = strstr(info, "Pages:");
	long pages;

	assert_non_null(line);
	pages = strtol(line + strlen("Pages:"), NULL, 10);
	assert_true(pages > 0 && pages < 10000);
	return (int)pages;
}

/* Whether s[0..len) holds needle (memmem is a GNU extension). */
static bool bytes_contain(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(s + i, needle, n) == 0)
			return true;
	}
	return false;
}

/* Checks that pdfinfo's line "name:   value" has exactly the value want. */
static void assert_info(const char *info, const char *name, const char *want)
{
	const char *line = info, *value, *end;

	for (;;) {
		assert_non_null(line);
		if (strncmp(line, name, strlen(name)) == 0 && line[strlen(name)] == ':')
			break;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	value = line + strlen(name) + 1;
	while (*value == ' ')
		value++;
	end = strchr(value, '\n');
	if (end == NULL)
		end = value + strlen(value);
	if ((size_t)(end - value) != strlen(want) || memcmp(value, want, strlen(want)) != 0)
		fail_msg("pdfinfo %s: expected \"%s\", got \"%.*s\"", name, want, (int)(end - value),
			 value);
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("expected \"%s\" in:\n%s", needle, haystack);
}

static void assert_lacks(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) != NULL)
		fail_msg("did not expect \"%s\" in:\n%s", needle, haystack);
}

/*
 * The box of the first word of pdftotext -bbox output on page that contains
 * needle: <word xMin="…" yMin="…" xMax="…" yMax="…">text</word>, in points
 * from the top left. Fails when there is none.
 */
static void word_box(const struct pdf_file *f, int page, const char *needle, double box[4])
{
	char options[64];
	char *html;
	const char *p;

	snprintf(options, sizeof(options), "-bbox -f %d -l %d", page, page);
	html = run_tool("pdftotext", options, f);
	for (p = strstr(html, "<word "); p != NULL; p = strstr(p + 1, "<word ")) {
		const char *text = strchr(p, '>'), *end = text ? strstr(text, "</word>") : NULL;
		static const char *const names[4] = {"xMin=\"", "yMin=\"", "xMax=\"", "yMax=\""};

		if (end == NULL)
			break;
		if (!bytes_contain(text + 1, (size_t)(end - text - 1), needle))
			continue;
		for (size_t i = 0; i < 4; i++) {
			const char *v = strstr(p, names[i]);

			assert_true(v != NULL && v < text);
			box[i] = strtod(v + strlen(names[i]), NULL);
		}
		sx_free(html);
		return;
	}
	fail_msg("no word with \"%s\" on page %d:\n%s", needle, page, html);
}

/* ---- documents --------------------------------------------------------------------------- */

/* A 行政处罚决定书 whose facts paragraph runs over two pages; the caller frees *long_text. */
static struct docblock_doc decision(struct docblock *blocks, size_t cap, char **long_text)
{
	struct buf text;
	size_t n = 0;

	buf_init(&text, OUT_MAX);
	assert_int_equal(buf_append_str(&text, START_MARKER), 0);
	for (int i = 0; i < 24; i++)
		assert_int_equal(buf_append_str(&text, facts_sentence), 0);
	assert_int_equal(buf_append_str(&text, END_MARKER), 0);
	*long_text = buf_detach(&text, NULL);
	assert_non_null(*long_text);

	struct docblock all[] = {
		BLOCK(DOCBLOCK_FIELD, "当事人", PARTY),
		BLOCK(DOCBLOCK_FIELD, "统一社会信用代码", "91330100MA2XXXXX0Q"),
		BLOCK(DOCBLOCK_FIELD, "住所",
		      "示例省示例市示例区示例街道一百二十三号示例大厦十八层一八〇八室（长地址用来折行）"),
		BLOCK(DOCBLOCK_HEADING, "", "一、违法事实"),
		BLOCK(DOCBLOCK_PARAGRAPH, "", *long_text),
		BLOCK(DOCBLOCK_HEADING, "", "二、处罚依据和决定"),
		BLOCK(DOCBLOCK_PARAGRAPH, "",
		      "依据《中华人民共和国食品安全法》第一百二十五条第一款第二项，本局决定：没收违法所得，并处罚款。"),
		BLOCK(DOCBLOCK_SEAL, AGENCY, DATE),
		BLOCK(DOCBLOCK_SIGNATURE, "执法人员", "张明、李华"),
	};
	assert_true(ARRAY_LEN(all) <= cap);
	for (; n < ARRAY_LEN(all); n++)
		blocks[n] = all[n];
	return (struct docblock_doc){
		.agency_name = AGENCY,
		.title = TITLE,
		.doc_no = DOC_NO,
		.case_no = CASE_NO,
		.blocks = blocks,
		.block_count = n,
	};
}

static void render_ok(struct buf *out, const struct docblock_doc *d)
{
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = report_pdf_render(out, d, &err);
	if (rc != 0)
		fail_msg("render failed: %d %s %s (%s)", rc, err.code, err.message, err.detail);
	assert_true(out->len > 5);
	assert_memory_equal(out->data, "%PDF-", 5);
}

/* ---- documents on paper ------------------------------------------------------------------ */

static void test_a_long_decision_flows_onto_several_a4_pages_with_extractable_text(void **state)
{
	struct docblock blocks[16];
	struct pdf_file file;
	struct buf out;
	char *long_text, *text, *info, *last, *first, *page2;
	char footer[64];
	struct docblock_doc d = decision(blocks, ARRAY_LEN(blocks), &long_text);
	int pages;

	(void)state;
	if (!have_tools()) {
		sx_free(long_text);
		skip();
	}
	buf_init(&out, OUT_MAX);
	render_ok(&out, &d);
	pdf_file_write(&file, &out);

	info = run_tool("pdfinfo", "", &file);
	pages = pdf_pages(info);
	assert_true(pages >= 2);
	assert_info(info, "Page size", "595.28 x 841.89 pts (A4)");
	assert_info(info, "Title", TITLE " " DOC_NO);
	assert_info(info, "Creator", "sanxiang");

	text = pdf_text(&file);
	assert_contains(text, TITLE);
	assert_contains(text, AGENCY);
	assert_contains(text, DOC_NO);
	assert_contains(text, CASE_NO);
	assert_contains(text, PARTY);
	assert_contains(text, "一、违法事实");
	assert_contains(text, START_MARKER);
	assert_contains(text, END_MARKER);
	assert_contains(text, "张明、李华");
	assert_contains(text, "第 2 页");

	first = pdf_page_text(&file, 1);
	assert_contains(first, TITLE);
	assert_contains(first, START_MARKER);
	assert_lacks(first, END_MARKER);
	assert_lacks(first, "盖章处");
	snprintf(footer, sizeof(footer), "第 1 页，共 %d 页", pages);
	assert_contains(first, footer);

	page2 = pdf_page_text(&file, 2);
	snprintf(footer, sizeof(footer), "第 2 页，共 %d 页", pages);
	assert_contains(page2, footer);
	assert_lacks(page2, TITLE);

	last = pdf_page_text(&file, pages);
	assert_contains(last, "盖章处");
	assert_contains(last, DATE);

	sx_free(last);
	sx_free(page2);
	sx_free(first);
	sx_free(text);
	sx_free(info);
	pdf_file_remove(&file);
	buf_free(&out);
	sx_free(long_text);
}

static void test_the_seal_area_sits_at_the_bottom_right_of_the_last_page(void **state)
{
	struct docblock blocks[16];
	struct pdf_file file;
	struct buf out;
	char *long_text, *info;
	double seal[4], date[4], header[4], footer[4];
	struct docblock_doc d = decision(blocks, ARRAY_LEN(blocks), &long_text);
	int pages;

	(void)state;
	if (!have_tools()) {
		sx_free(long_text);
		skip();
	}
	buf_init(&out, OUT_MAX);
	render_ok(&out, &d);
	pdf_file_write(&file, &out);
	info = run_tool("pdfinfo", "", &file);
	pages = pdf_pages(info);

	word_box(&file, pages, "盖章处", seal);
	assert_true(seal[0] > PAGE_WIDTH / 2);
	assert_true(seal[1] > PAGE_HEIGHT / 2);
	word_box(&file, pages, "2026", date);
	assert_true(date[0] > PAGE_WIDTH / 2);
	assert_true(date[1] > seal[3]);
	assert_true(date[3] < PAGE_HEIGHT - 25 * 72 / 25.4 + 1);

	/* The 案号 sits at the top right of the first page, above everything. */
	word_box(&file, 1, "示市监立", header);
	assert_true(header[2] > PAGE_WIDTH / 2);
	assert_true(header[1] < 100);

	/* The footer is in the bottom margin. */
	word_box(&file, 1, "第", footer);
	assert_true(footer[1] > PAGE_HEIGHT - 25 * 72 / 25.4);

	sx_free(info);
	pdf_file_remove(&file);
	buf_free(&out);
	sx_free(long_text);
}

static void test_a_table_document_keeps_its_labels_and_values(void **state)
{
	struct docblock blocks[] = {
		BLOCK(DOCBLOCK_FIELD, "案由", "涉嫌销售不符合食品安全标准的食品案"),
		BLOCK(DOCBLOCK_TABLE_ROW, "当事人", PARTY),
		BLOCK(DOCBLOCK_TABLE_ROW, "承办人意见",
		      "建议依据《中华人民共和国食品安全法》第一百二十五条给予行政处罚，"
		      "没收违法所得人民币八百元，并处罚款人民币五万元。"),
		BLOCK(DOCBLOCK_TABLE_ROW, "法制审核意见", "同意"),
		BLOCK(DOCBLOCK_PARAGRAPH, "", "本表一式两份。"),
	};
	struct docblock_doc d = {
		.agency_name = AGENCY,
		.title = "行政处罚案件审批表",
		.doc_no = "",
		.case_no = "",
		.blocks = blocks,
		.block_count = ARRAY_LEN(blocks),
	};
	struct pdf_file file;
	struct buf out;
	char *text, *info;

	(void)state;
	if (!have_tools())
		skip();
	buf_init(&out, OUT_MAX);
	render_ok(&out, &d);
	pdf_file_write(&file, &out);
	text = pdf_text(&file);
	assert_contains(text, "行政处罚案件审批表");
	assert_contains(text, "承办人意见");
	assert_contains(text, "法制审核意见");
	assert_contains(text, PARTY);
	assert_contains(text, "同意");
	assert_contains(text, "本表一式两份");
	assert_lacks(text, "案号");
	info = run_tool("pdfinfo", "", &file);
	assert_int_equal(pdf_pages(info), 1);
	assert_info(info, "Title", "行政处罚案件审批表");

	sx_free(info);
	sx_free(text);
	pdf_file_remove(&file);
	buf_free(&out);
}

static void test_a_table_row_taller_than_a_page_is_split_across_pages(void **state)
{
	struct docblock blocks[2] = {
		BLOCK(DOCBLOCK_TABLE_ROW, "当事人", PARTY),
		BLOCK(DOCBLOCK_TABLE_ROW, "调查经过", ""),
	};
	struct docblock_doc d = {
		.agency_name = AGENCY, .title = "案件调查终结报告", .blocks = blocks, .block_count = 2};
	struct pdf_file file;
	struct buf out, text;
	char *long_text, *pdf_text_out, *info;

	(void)state;
	if (!have_tools())
		skip();
	buf_init(&text, OUT_MAX);
	assert_int_equal(buf_append_str(&text, START_MARKER), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(buf_append_str(&text, facts_sentence), 0);
	assert_int_equal(buf_append_str(&text, END_MARKER), 0);
	long_text = buf_detach(&text, NULL);
	blocks[1].text = long_text;

	buf_init(&out, OUT_MAX);
	render_ok(&out, &d);
	pdf_file_write(&file, &out);
	info = run_tool("pdfinfo", "", &file);
	assert_true(pdf_pages(info) >= 2);
	pdf_text_out = pdf_text(&file);
	assert_contains(pdf_text_out, START_MARKER);
	assert_contains(pdf_text_out, END_MARKER);
	assert_contains(pdf_text_out, PARTY);

	sx_free(pdf_text_out);
	sx_free(info);
	pdf_file_remove(&file);
	buf_free(&out);
	sx_free(long_text);
}

static size_t count_of(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_more_seals_than_a_page_holds_continue_on_the_next_page(void **state)
{
	struct docblock blocks[8];
	struct docblock_doc d = {.agency_name = AGENCY, .title = "联合执法决定书", .blocks = blocks};
	struct pdf_file file;
	struct buf out;
	char *text, *info, *last;
	int pages;

	(void)state;
	if (!have_tools())
		skip();
	blocks[0] = (struct docblock)BLOCK(DOCBLOCK_PARAGRAPH, "", "本决定由以下机关共同作出。");
	for (size_t i = 1; i < ARRAY_LEN(blocks); i++)
		blocks[i] = (struct docblock)BLOCK(DOCBLOCK_SEAL, AGENCY, DATE);
	d.block_count = ARRAY_LEN(blocks);
	buf_init(&out, OUT_MAX);
	render_ok(&out, &d);
	pdf_file_write(&file, &out);
	info = run_tool("pdfinfo", "", &file);
	pages = pdf_pages(info);
	/* Five 42 mm areas fill a page: the paragraph, then five seals, then two. */
	assert_int_equal(pages, 3);
	text = pdf_text(&file);
	assert_int_equal(count_of(text, "盖章处"), ARRAY_LEN(blocks) - 1);
	last = pdf_page_text(&file, 1);
	assert_int_equal(count_of(last, "盖章处"), 0);
	sx_free(last);
	last = pdf_page_text(&file, 2);
	assert_int_equal(count_of(last, "盖章处"), 5);
	sx_free(last);
	last = pdf_page_text(&file, 3);
	assert_int_equal(count_of(last, "盖章处"), 2);

	sx_free(last);
	sx_free(text);
	sx_free(info);
	pdf_file_remove(&file);
	buf_free(&out);
}

static void test_a_document_without_blocks_is_one_page_with_its_title(void **state)
{
	struct docblock_doc d = {.title = "询问笔录", .blocks = NULL, .block_count = 0};
	struct pdf_file file;
	struct buf out;
	char *text, *info;

	(void)state;
	if (!have_tools())
		skip();
	buf_init(&out, OUT_MAX);
	render_ok(&out, &d);
	pdf_file_write(&file, &out);
	text = pdf_text(&file);
	assert_contains(text, "询问笔录");
	assert_contains(text, "第 1 页，共 1 页");
	info = run_tool("pdfinfo", "", &file);
	assert_int_equal(pdf_pages(info), 1);
	assert_info(info, "Page size", "595.28 x 841.89 pts (A4)");

	sx_free(info);
	sx_free(text);
	pdf_file_remove(&file);
	buf_free(&out);
}

static void test_the_pdf_is_appended_after_what_out_holds(void **state)
{
	struct docblock_doc d = {.title = "送达回证"};
	struct buf out;

	(void)state;
	buf_init(&out, OUT_MAX);
	assert_int_equal(buf_append_str(&out, "xyz"), 0);
	assert_int_equal(report_pdf_render(&out, &d, NULL), 0);
	assert_true(out.len > 3 + 5);
	assert_memory_equal(out.data, "xyz%PDF-", 8);
	/* A PDF ends with its end-of-file marker (ISO 32000-1 §7.5.5). */
	assert_true(bytes_contain(out.data + out.len - 8, 8, "%%EOF"));
	buf_free(&out);
}

struct thread_job {
	const struct docblock_doc *d;
	int rc;
	size_t len;
	bool is_pdf;
};

static void *render_in_thread(void *arg)
{
	struct thread_job *job = arg;
	struct buf out;

	buf_init(&out, OUT_MAX);
	job->rc = report_pdf_render(&out, job->d, NULL);
	job->len = out.len;
	job->is_pdf = out.len > 5 && memcmp(out.data, "%PDF-", 5) == 0;
	buf_free(&out);
	return NULL;
}

static void test_several_threads_render_at_once(void **state)
{
	struct docblock blocks[16];
	char *long_text;
	struct docblock_doc d = decision(blocks, ARRAY_LEN(blocks), &long_text);
	struct thread_job jobs[4];
	pthread_t threads[4];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(threads); i++) {
		jobs[i] = (struct thread_job){.d = &d, .rc = -1};
		assert_int_equal(pthread_create(&threads[i], NULL, render_in_thread, &jobs[i]), 0);
	}
	for (size_t i = 0; i < ARRAY_LEN(threads); i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		assert_true(jobs[i].is_pdf);
		assert_true(jobs[i].len > 1000);
	}
	sx_free(long_text);
}

/* ---- errors ------------------------------------------------------------------------------ */

static void assert_refused(const struct docblock_doc *d, int want_rc, const char *want_code)
{
	struct sx_error err;
	struct buf out;

	buf_init(&out, OUT_MAX);
	assert_int_equal(buf_append_str(&out, "keep"), 0);
	sx_error_clear(&err);
	assert_int_equal(report_pdf_render(&out, d, &err), want_rc);
	assert_string_equal(err.code, want_code);
	assert_true(err.message[0] != '\0');
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);
	buf_free(&out);
}

static void test_a_document_without_a_title_is_refused(void **state)
{
	struct docblock_doc no_title = {.agency_name = AGENCY, .doc_no = DOC_NO};
	struct docblock_doc empty_title = {.agency_name = AGENCY, .title = ""};
	struct docblock_doc ok = {.title = TITLE};
	struct sx_error err;

	(void)state;
	assert_refused(&no_title, SX_EINVALID, "bad_document");
	assert_refused(&empty_title, SX_EINVALID, "bad_document");
	assert_refused(NULL, SX_EINVALID, "bad_document");
	sx_error_clear(&err);
	assert_int_equal(report_pdf_render(NULL, &ok, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_document");
	/* err may be NULL: only the code comes back. */
	assert_int_equal(report_pdf_render(NULL, NULL, NULL), SX_EINVALID);
}

static void test_malformed_blocks_are_refused(void **state)
{
	struct docblock null_label[] = {BLOCK(DOCBLOCK_FIELD, NULL, "x")};
	struct docblock null_text[] = {BLOCK(DOCBLOCK_PARAGRAPH, "", NULL)};
	struct docblock unknown_kind[] = {BLOCK((enum docblock_kind)42, "", "x")};
	struct docblock zero_kind[] = {BLOCK((enum docblock_kind)0, "", "x")};
	struct docblock bad_utf8[] = {BLOCK(DOCBLOCK_FIELD, "当事人", "\xe5\xbc")};
	struct docblock_doc docs[] = {
		{.title = TITLE, .blocks = null_label, .block_count = 1},
		{.title = TITLE, .blocks = null_text, .block_count = 1},
		{.title = TITLE, .blocks = unknown_kind, .block_count = 1},
		{.title = TITLE, .blocks = zero_kind, .block_count = 1},
		{.title = TITLE, .blocks = bad_utf8, .block_count = 1},
		{.title = TITLE, .blocks = NULL, .block_count = 3},
		{.title = "\xff" TITLE},
		{.title = TITLE, .doc_no = "\xc0\xaf"},
		{.title = TITLE, .agency_name = "\xed\xa0\x80"},
		{.title = TITLE, .case_no = "\xf8\x88\x80\x80\x80"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(docs); i++)
		assert_refused(&docs[i], SX_EINVALID, "bad_document");
}

static void test_an_oversized_document_is_refused(void **state)
{
	struct docblock *many = sx_calloc(REPORT_PDF_MAX_BLOCKS + 1, sizeof(*many));
	char *huge = sx_malloc(REPORT_PDF_MAX_TEXT_BYTES + 2);
	struct docblock one;
	struct docblock_doc d = {.title = TITLE};

	(void)state;
	assert_non_null(many);
	assert_non_null(huge);
	for (size_t i = 0; i <= REPORT_PDF_MAX_BLOCKS; i++)
		many[i] = (struct docblock)BLOCK(DOCBLOCK_PARAGRAPH, "", "x");
	d.blocks = many;
	d.block_count = REPORT_PDF_MAX_BLOCKS + 1;
	assert_refused(&d, SX_ETOOBIG, "document_too_big");

	memset(huge, 'a', REPORT_PDF_MAX_TEXT_BYTES + 1);
	huge[REPORT_PDF_MAX_TEXT_BYTES + 1] = '\0';
	one = (struct docblock)BLOCK(DOCBLOCK_PARAGRAPH, "", huge);
	d.blocks = &one;
	d.block_count = 1;
	assert_refused(&d, SX_ETOOBIG, "document_too_big");
	d.blocks = NULL;
	d.block_count = 0;
	d.title = huge;
	assert_refused(&d, SX_ETOOBIG, "document_too_big");

	sx_free(huge);
	sx_free(many);
}

static void test_a_pdf_larger_than_out_allows_is_too_large_and_out_is_unchanged(void **state)
{
	struct docblock_doc d = {.title = TITLE, .doc_no = DOC_NO};
	struct sx_error err;
	struct buf out;

	(void)state;
	buf_init(&out, 2000);
	assert_int_equal(buf_append_str(&out, "keep"), 0);
	sx_error_clear(&err);
	assert_int_equal(report_pdf_render(&out, &d, &err), SX_ETOOBIG);
	assert_string_equal(err.code, "too_large");
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);
	buf_free(&out);
}

static void test_allocation_failure_gives_enomem_and_leaves_out_unchanged(void **state)
{
	struct docblock blocks[] = {
		BLOCK(DOCBLOCK_FIELD, "当事人", PARTY),
		BLOCK(DOCBLOCK_PARAGRAPH, "", "本局决定给予警告。"),
		BLOCK(DOCBLOCK_TABLE_ROW, "意见", "同意"),
		BLOCK(DOCBLOCK_SIGNATURE, "执法人员", ""),
		BLOCK(DOCBLOCK_SEAL, AGENCY, DATE),
	};
	struct docblock_doc d = {
		.agency_name = AGENCY,
		.title = TITLE,
		.doc_no = DOC_NO,
		.case_no = CASE_NO,
		.blocks = blocks,
		.block_count = ARRAY_LEN(blocks),
	};
	struct sx_error err;
	struct buf out;
	long n;
	int rc = -1;

	(void)state;
	buf_init(&out, OUT_MAX);
	for (n = 0; n < 500; n++) {
		assert_int_equal(buf_append_str(&out, "keep"), 0);
		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = report_pdf_render(&out, &d, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_string_equal(err.code, "out_of_memory");
		assert_int_equal(out.len, 4);
		assert_memory_equal(out.data, "keep", 4);
		buf_free(&out);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 3); /* the render allocates: failures were met before success */
	assert_memory_equal(out.data, "keep%PDF-", 9);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_long_decision_flows_onto_several_a4_pages_with_extractable_text),
		cmocka_unit_test(test_the_seal_area_sits_at_the_bottom_right_of_the_last_page),
		cmocka_unit_test(test_a_table_document_keeps_its_labels_and_values),
		cmocka_unit_test(test_a_table_row_taller_than_a_page_is_split_across_pages),
		cmocka_unit_test(test_more_seals_than_a_page_holds_continue_on_the_next_page),
		cmocka_unit_test(test_a_document_without_blocks_is_one_page_with_its_title),
		cmocka_unit_test(test_the_pdf_is_appended_after_what_out_holds),
		cmocka_unit_test(test_several_threads_render_at_once),
		cmocka_unit_test(test_a_document_without_a_title_is_refused),
		cmocka_unit_test(test_malformed_blocks_are_refused),
		cmocka_unit_test(test_an_oversized_document_is_refused),
		cmocka_unit_test(test_a_pdf_larger_than_out_allows_is_too_large_and_out_is_unchanged),
		cmocka_unit_test(test_allocation_failure_gives_enomem_and_leaves_out_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

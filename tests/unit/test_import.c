/*
 * Unit tests for domain/import: officers and matters from CSV files.
 *
 * The example files in tests/data/import (see the README there: synthetic
 * people, ID numbers with check digits computed per GB 11643) are read
 * whole and every field of every record is compared with what the file
 * says; the GB18030 copy must give byte-for-byte the same records. Bad input
 * is built here, row by row, from a good row with one cell changed, so that
 * each case shows the one thing it is about; every case checks the code, the
 * column and the row the report names, since that is what a clerk acts on.
 *
 * Money is checked through the 收费标准 column with a table of amounts as
 * people type them: exact 分, at most two decimals, no sign or separators.
 *
 * Fixtures are found through $SANXIANG_TEST_DATA (ctest sets it to
 * tests/data), else relative to this file.
 *
 * Allocation failure: every allocation of a good, a bad and a large parse is
 * made to fail in turn; each must give SX_ENOMEM with a zeroed result and no
 * leak (ASan), and the run after the last failure point must succeed.
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
#include "base/error.h"
#include "base/mem.h"
#include "domain/import.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define OFFICER_HEADER "姓名,执法证号,证件类型,执法领域,有效期起,有效期止,状态,身份证号\n"

/* A valid officer row with a given certificate number and ID number. */
#define OFFICER_ROW(cert, id) "张明," cert ",行政执法证,市场监管,2024-01-01,2028-12-31,在岗," id "\n"

/* ---- fixtures ------------------------------------------------------------------------------ */

/* Reads tests/data/import/<name> whole (malloc'd by the test, not through sx_malloc). */
static char *read_fixture(size_t *len, const char *name)
{
	const char *env = getenv("SANXIANG_TEST_DATA");
	char path[4096];
	char *data = NULL;
	FILE *f;
	long size;

	if (env && env[0]) {
		snprintf(path, sizeof(path), "%s/import/%s", env, name);
	} else {
		/* __FILE__ is .../tests/unit/test_import.c: keep ".../tests/". */
		const char *file = __FILE__;
		size_t keep = strlen(file);
		int parts = 0;

		while (keep > 0 && parts < 2) {
			keep--;
			if (file[keep] == '/')
				parts++;
		}
		snprintf(path, sizeof(path), "%.*sdata/import/%s",
			 parts == 2 ? (int)keep + 1 : 0, file, name);
	}
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (set SANXIANG_TEST_DATA to tests/data)", path);
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)size + 1);
		if (data && fread(data, 1, (size_t)size, f) == (size_t)size) {
			data[size] = '\0';
			*len = (size_t)size;
		} else {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	if (data == NULL)
		fail_msg("cannot read %s", path);
	return data;
}

static int parse_officers_fixture(struct import_result *out, const char *name,
				  struct sx_error *err)
{
	size_t len = 0;
	char *data = read_fixture(&len, name);
	int rc = import_officers_parse(out, data, len, NULL, NULL, NULL, err);

	free(data);
	return rc;
}

static int parse_officers_text(struct import_result *out, const char *text, struct sx_error *err)
{
	sx_error_clear(err);
	return import_officers_parse(out, text, strlen(text), NULL, NULL, NULL, err);
}

static int parse_matters_text(struct import_result *out, const char *text, struct sx_error *err)
{
	sx_error_clear(err);
	return import_matters_parse(out, text, strlen(text), NULL, NULL, NULL, err);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Fails with the whole report, for a test that expected a clean parse. */
static void assert_report_empty(const struct import_result *r)
{
	for (size_t i = 0; i < r->report.error_count; i++)
		print_error("row %zu [%s] %s: %s\n", r->report.errors[i].row_no,
			    r->report.errors[i].column, r->report.errors[i].code,
			    r->report.errors[i].message);
	assert_int_equal(r->report.error_total, 0);
	assert_int_equal(r->report.error_count, 0);
}

/* ---- officers: the example files ----------------------------------------------------------- */

struct want_officer {
	const char *name;
	const char *cert_no;
	const char *field;
	const char *valid_from;
	const char *valid_to;
	const char *status;
	const char *id_number;
};

static const struct want_officer want_officers[] = {
	{"张明", "ZJ33010020260001", "市场监管", "2024-01-01", "2028-12-31", "active",
	 "33010619800315001X"},
	{"李华", "ZJ33010020260002", "市场监管", "2022-07-01", "2025-12-31", "active",
	 "330106198107220027"},
	{"王芳", "ZJ33010020260003", "食品安全", "2025-03-15", "2030-03-14", "active",
	 "330106198211080036"},
	{"赵强", "ZJ33010020260004", "生态环境", "2024-06-01", "2029-05-31", "suspended",
	 "330106198305300044"},
	{"陈静", "ZJ33010020260005", "交通运输", "2021-01-01", "2025-12-31", "revoked",
	 "330106198409120056"},
};

static void assert_example_officers(const struct import_result *r)
{
	assert_report_empty(r);
	assert_int_equal(r->report.rows, ARRAY_LEN(want_officers));
	assert_int_equal(r->officer_count, ARRAY_LEN(want_officers));
	assert_null(r->matters);
	assert_int_equal(r->matter_count, 0);
	for (size_t i = 0; i < ARRAY_LEN(want_officers); i++) {
		const struct officer_record *o = &r->officers[i];
		const struct want_officer *w = &want_officers[i];

		assert_string_equal(o->name, w->name);
		assert_string_equal(o->cert_no, w->cert_no);
		assert_string_equal(o->cert_type, "行政执法证");
		assert_string_equal(o->field, w->field);
		assert_string_equal(o->valid_from, w->valid_from);
		assert_string_equal(o->valid_to, w->valid_to);
		assert_string_equal(o->status, w->status);
		assert_string_equal(o->id_number, w->id_number);
	}
}

static void test_officers_example_file_gives_every_record_exactly(void **state)
{
	struct import_result r;
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(parse_officers_fixture(&r, "officers_ok.csv", &err), 0);
	assert_int_equal(err.rc, 0);
	assert_example_officers(&r);
	import_result_clear(&r);
	assert_null(r.officers);
	assert_int_equal(r.officer_count, 0);
}

static void test_gb18030_file_gives_the_same_records_as_the_utf8_one(void **state)
{
	struct import_result utf8, gb;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_fixture(&utf8, "officers_ok.csv", &err), 0);
	assert_int_equal(parse_officers_fixture(&gb, "officers_gb18030.csv", &err), 0);
	assert_example_officers(&gb);
	assert_int_equal(gb.officer_count, utf8.officer_count);
	assert_memory_equal(gb.officers, utf8.officers,
			    utf8.officer_count * sizeof(*utf8.officers));
	import_result_clear(&utf8);
	import_result_clear(&gb);
}

static void test_one_bad_row_rejects_the_file_and_the_report_names_it(void **state)
{
	const struct import_row_error *e;
	struct import_result r;
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(parse_officers_fixture(&r, "officers_bad_row.csv", &err), SX_EINVALID);
	assert_int_equal(err.rc, SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_true(starts_with(err.message, "有 1 行数据有错误（共 1 处），未导入任何记录"));
	assert_null(r.officers);
	assert_int_equal(r.officer_count, 0);
	assert_int_equal(r.report.rows, 5);
	assert_int_equal(r.report.error_count, 1);
	assert_int_equal(r.report.error_total, 1);
	e = &r.report.errors[0];
	assert_int_equal(e->row_no, 4);
	assert_string_equal(e->column, "身份证号");
	assert_string_equal(e->code, "officer_bad_id_number");
	assert_string_equal(e->message, "第 4 行 身份证号：校验码（第 18 位）应为“6”，实际为“5”："
					"号码中有数字输错");
	import_result_clear(&r);
}

/* ---- officers: rows built here ------------------------------------------------------------- */

static void test_cells_are_trimmed_and_labels_and_case_normalised(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF 姓名 ,\xE3\x80\x80执法证号,证件类型,执法领域,有效期起,有效期止,状态,"
		"身份证号\r\n"
		"  张明\xE3\x80\x80, zj-0001 ,行政执法证,市场监管, 2024-01-01 ,2028-12-31,"
		" 暂停 ,33010619800315001x\r\n"
		",,,,,,,\r\n"
		"\r\n"
		"李华,ZJ-0002,行政执法证,市场监管,2024-01-01,2028-12-31,revoked,"
		"330106198107220027\r\n";
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_text(&r, text, &err), 0);
	assert_report_empty(&r);
	assert_int_equal(r.report.rows, 2); /* the blank row and the empty line are not rows */
	assert_int_equal(r.officer_count, 2);
	assert_string_equal(r.officers[0].name, "张明");
	assert_string_equal(r.officers[0].cert_no, "ZJ-0001");
	assert_string_equal(r.officers[0].valid_from, "2024-01-01");
	assert_string_equal(r.officers[0].status, "suspended");
	assert_string_equal(r.officers[0].id_number, "33010619800315001X");
	assert_string_equal(r.officers[1].status, "revoked");
	import_result_clear(&r);
}

/* 状态 may be left out of the file: every officer is then 在岗. */
static void test_the_status_column_may_be_left_out(void **state)
{
	static const char text[] = "姓名,执法证号,证件类型,执法领域,有效期起,有效期止,身份证号\n"
				   "张明,ZJ-0001,行政执法证,市场监管,2024-01-01,2028-12-31,"
				   "33010619800315001X\n";
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_text(&r, text, &err), 0);
	assert_int_equal(r.officer_count, 1);
	assert_string_equal(r.officers[0].status, "active");
	import_result_clear(&r);
}

static void test_every_bad_field_of_an_officer_row_is_listed(void **state)
{
	static const char text[] = OFFICER_HEADER
		OFFICER_ROW("ZJ-0001", "33010619800315001X")
		",ZJ 0002,行政执法证,,2024/01/01,2023-12-31,离岗,330106198107220028\n";
	static const struct {
		const char *column;
		const char *code;
		const char *message_start;
	} want[] = {
		{"姓名", "officer_bad_name", "第 3 行 姓名：不能为空"},
		{"执法证号", "officer_bad_cert_no", "第 3 行 执法证号："},
		{"执法领域", "officer_bad_field", "第 3 行 执法领域：不能为空"},
		{"有效期起", "officer_bad_dates", "第 3 行 有效期起：应为真实存在的日期"},
		{"状态", "officer_bad_status", "第 3 行 状态：应为在岗、暂停或注销"},
		{"身份证号", "officer_bad_id_number", "第 3 行 身份证号：校验码"},
	};
	struct import_result r;
	struct sx_error err;
	size_t found = 0;

	(void)state;
	assert_int_equal(parse_officers_text(&r, text, &err), SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_int_equal(r.officer_count, 0);
	assert_int_equal(r.report.error_count, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		for (size_t k = 0; k < r.report.error_count; k++) {
			const struct import_row_error *e = &r.report.errors[k];

			if (strcmp(e->column, want[i].column) != 0)
				continue;
			found++;
			assert_int_equal(e->row_no, 3);
			assert_string_equal(e->code, want[i].code);
			if (!starts_with(e->message, want[i].message_start))
				fail_msg("%s: \"%s\", want \"%s…\"", want[i].column, e->message,
					 want[i].message_start);
		}
	}
	assert_int_equal(found, ARRAY_LEN(want));
	import_result_clear(&r);
}

/* A valid_to before valid_from is the end date's fault; cells too long name the field. */
static void test_reversed_dates_and_long_cells_are_reported_on_their_column(void **state)
{
	static const struct {
		const char *row;
		const char *column;
		const char *code;
		const char *message_start;
	} cases[] = {
		{"张明,ZJ-0001,行政执法证,市场监管,2024-01-01,2023-12-31,在岗,33010619800315001X",
		 "有效期止", "officer_bad_dates", "第 2 行 有效期止：早于有效期起"},
		{"张明,ZJ-0001,行政执法证,市场监管,2024年1月1日,2028-12-31,在岗,33010619800315001X",
		 "有效期起", "officer_bad_dates",
		 "第 2 行 有效期起：应为真实存在的日期，格式 YYYY-MM-DD（如 2026-01-31），实为"
		 "“2024年1月1日”"},
		{"张明,ZJ-0001,行政执法证,市场监管,2024-01-01,2028-12-31,在岗,"
		 "３３０１０６１９８００３１５００１Ｘ",
		 "身份证号", "officer_bad_id_number", "第 2 行 身份证号：第 1 个字节起含有非 ASCII"},
		{"张明,ZJ-0001,行政执法证,市场监管,2024-01-01,2028-12-31,在岗,330106198003150011234",
		 "身份证号", "officer_bad_id_number", "第 2 行 身份证号：长度应为 18 位"},
		{"张明,ZJ-000100000000000000000000000000000,行政执法证,市场监管,2024-01-01,2028-12-31,"
		 "在岗,33010619800315001X",
		 "执法证号", "officer_bad_cert_no", "第 2 行 执法证号：应为 4—32 位"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct import_result r;
		struct sx_error err;
		struct buf text;

		buf_init(&text, 4096);
		assert_int_equal(buf_appendf(&text, "%s%s\n", OFFICER_HEADER, cases[i].row), 0);
		assert_int_equal(parse_officers_text(&r, text.data, &err), SX_EINVALID);
		if (r.report.error_count != 1 ||
		    strcmp(r.report.errors[0].column, cases[i].column) != 0 ||
		    strcmp(r.report.errors[0].code, cases[i].code) != 0 ||
		    !starts_with(r.report.errors[0].message, cases[i].message_start))
			fail_msg("case %zu: %zu errors, first [%s] %s \"%s\"", i,
				 r.report.error_count,
				 r.report.error_count ? r.report.errors[0].column : "",
				 r.report.error_count ? r.report.errors[0].code : "",
				 r.report.error_count ? r.report.errors[0].message : "");
		import_result_clear(&r);
		buf_free(&text);
	}
}

static void test_duplicate_cert_numbers_name_the_earlier_row(void **state)
{
	static const char text[] = OFFICER_HEADER
		OFFICER_ROW("ZJ-0001", "33010619800315001X")
		OFFICER_ROW("ZJ-0002", "330106198107220027")
		OFFICER_ROW("zj-0001", "330106198211080036")
		OFFICER_ROW("ZJ-0002", "330106198305300044");
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_text(&r, text, &err), SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_int_equal(r.officer_count, 0);
	assert_int_equal(r.report.error_count, 2);
	assert_int_equal(r.report.errors[0].row_no, 4);
	assert_string_equal(r.report.errors[0].column, "执法证号");
	assert_string_equal(r.report.errors[0].code, "import_duplicate_cert_no");
	assert_string_equal(r.report.errors[0].message, "第 4 行 执法证号：“ZJ-0001”与第 2 行重复");
	assert_int_equal(r.report.errors[1].row_no, 5);
	assert_string_equal(r.report.errors[1].message, "第 5 行 执法证号：“ZJ-0002”与第 3 行重复");
	import_result_clear(&r);
}

static void test_a_missing_required_column_is_a_file_error_naming_it(void **state)
{
	static const char text[] = "姓名,执法证号,证件类型,执法领域,有效期起,状态,身份证号\n"
				   "张明,ZJ-0001,行政执法证,市场监管,2024-01-01,在岗,"
				   "33010619800315001X\n";
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_text(&r, text, &err), SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_true(starts_with(err.message, "文件的表头有错误"));
	assert_int_equal(r.report.error_count, 1);
	assert_int_equal(r.report.errors[0].row_no, 0);
	assert_string_equal(r.report.errors[0].column, "有效期止");
	assert_string_equal(r.report.errors[0].code, "import_missing_column");
	assert_string_equal(r.report.errors[0].message, "缺少必需的列“有效期止”");
	assert_int_equal(r.officer_count, 0);
	assert_int_equal(r.report.rows, 0); /* rows are not read under a bad header */
	import_result_clear(&r);
}

static void test_unknown_duplicate_and_unnamed_columns_are_file_errors(void **state)
{
	static const struct {
		const char *header;
		const char *column;
		const char *code;
		const char *message_start;
	} cases[] = {
		{"姓名,执法证号,证件类型,执法领域,有效期起,有效期止,状态,身份证号,备注", "备注",
		 "import_unknown_column", "第 9 列“备注”不是本文件的列"},
		{"姓名,执法证号,证件类型,执法领域,有效期起,有效期止,状 态,身份证号", "状 态",
		 "import_unknown_column", "第 7 列“状 态”不是本文件的列"},
		{"姓名,执法证号,证件类型,执法领域,有效期起,有效期止,状态,身份证号,", "",
		 "import_unknown_column", "第 9 列没有列名"},
		{"姓名,执法证号,证件类型,执法领域,有效期起,有效期止,状态,身份证号, 姓名", "姓名",
		 "import_duplicate_column", "列“姓名”出现了不止一次"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct import_result r;
		struct sx_error err;
		struct buf text;

		buf_init(&text, 4096);
		assert_int_equal(buf_appendf(&text, "%s\n%s\n", cases[i].header,
					     OFFICER_ROW("ZJ-0001", "33010619800315001X")),
				 0);
		assert_int_equal(parse_officers_text(&r, text.data, &err), SX_EINVALID);
		assert_string_equal(err.code, "import_rejected");
		if (r.report.error_count != 1 || r.report.errors[0].row_no != 0 ||
		    strcmp(r.report.errors[0].column, cases[i].column) != 0 ||
		    strcmp(r.report.errors[0].code, cases[i].code) != 0 ||
		    !starts_with(r.report.errors[0].message, cases[i].message_start))
			fail_msg("case %zu: %zu errors, first row %zu [%s] %s \"%s\"", i,
				 r.report.error_count,
				 r.report.error_count ? r.report.errors[0].row_no : 0,
				 r.report.error_count ? r.report.errors[0].column : "",
				 r.report.error_count ? r.report.errors[0].code : "",
				 r.report.error_count ? r.report.errors[0].message : "");
		import_result_clear(&r);
		buf_free(&text);
	}
}

static void test_a_row_with_a_different_number_of_fields_is_a_row_error(void **state)
{
	static const char text[] = OFFICER_HEADER
		OFFICER_ROW("ZJ-0001", "33010619800315001X")
		"李华,ZJ-0002,行政执法证,市场监管,2024-01-01,2028-12-31,在岗,330106198107220027,多余\n"
		"王芳,ZJ-0003,行政执法证\n";
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_text(&r, text, &err), SX_EINVALID);
	assert_int_equal(r.report.rows, 3);
	assert_int_equal(r.report.error_count, 2);
	assert_int_equal(r.report.errors[0].row_no, 3);
	assert_string_equal(r.report.errors[0].column, "");
	assert_string_equal(r.report.errors[0].code, "import_bad_field_count");
	assert_true(starts_with(r.report.errors[0].message, "第 3 行：有 9 列，表头有 8 列"));
	assert_int_equal(r.report.errors[1].row_no, 4);
	assert_true(starts_with(r.report.errors[1].message, "第 4 行：有 3 列，表头有 8 列"));
	import_result_clear(&r);
}

static void test_empty_file_and_header_only_file(void **state)
{
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_text(&r, "", &err), SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_int_equal(r.report.error_count, 1);
	assert_string_equal(r.report.errors[0].code, "import_empty_file");
	import_result_clear(&r);

	assert_int_equal(parse_officers_text(&r, OFFICER_HEADER, &err), 0);
	assert_int_equal(r.report.rows, 0);
	assert_int_equal(r.officer_count, 0);
	assert_null(r.officers);
	import_result_clear(&r);
}

/* A file base/csv cannot read keeps base/csv's code and is listed as a row-0 entry. */
static void test_a_csv_syntax_error_keeps_its_code_and_is_listed_at_row_0(void **state)
{
	static const char text[] = OFFICER_HEADER
		OFFICER_ROW("ZJ-0001", "33010619800315001X")
		"张\"明,ZJ-0002,行政执法证,市场监管,2024-01-01,2028-12-31,在岗,330106198107220027\n";
	static const unsigned char xlsx[] = {'P', 'K', 3, 4, 0, 0, 0, 0};
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_officers_text(&r, text, &err), SX_EINVALID);
	assert_string_equal(err.code, "csv_stray_quote");
	assert_true(strstr(err.message, "第 3 行") != NULL);
	assert_int_equal(r.officer_count, 0);
	assert_null(r.officers);
	assert_int_equal(r.report.error_count, 1);
	assert_int_equal(r.report.errors[0].row_no, 0);
	assert_string_equal(r.report.errors[0].code, "csv_stray_quote");
	assert_string_equal(r.report.errors[0].message, err.message);
	import_result_clear(&r);

	sx_error_clear(&err);
	assert_int_equal(import_officers_parse(&r, (const char *)xlsx, sizeof(xlsx), NULL, NULL,
					       NULL, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "csv_bad_encoding");
	assert_int_equal(r.report.error_count, 1);
	assert_string_equal(r.report.errors[0].code, "csv_bad_encoding");
	import_result_clear(&r);
}

static void test_null_arguments_are_invalid(void **state)
{
	struct import_result r;
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(import_officers_parse(NULL, "a", 1, NULL, NULL, NULL, &err), SX_EINVALID);
	assert_int_equal(err.rc, SX_EINVALID);
	assert_int_equal(import_matters_parse(NULL, "a", 1, NULL, NULL, NULL, NULL), SX_EINVALID);
	assert_int_equal(import_officers_parse(&r, NULL, 5, NULL, NULL, NULL, &err), SX_EINVALID);
	import_result_clear(&r);
	import_result_clear(NULL);
}

/* ---- many rows ----------------------------------------------------------------------------- */

/* rows officer rows; a wrong check digit on every row when bad. Caller buf_free's. */
static void make_officers(struct buf *text, size_t rows, bool bad)
{
	buf_init(text, 64 * 1024 * 1024);
	assert_int_equal(buf_append_str(text, OFFICER_HEADER), 0);
	for (size_t i = 0; i < rows; i++)
		assert_int_equal(buf_appendf(text, "张明,ZJ-%06zu,行政执法证,市场监管,2024-01-01,"
						   "2028-12-31,在岗,%s\n",
					     i, bad ? "330106198107220028" : "330106198107220027"),
				 0);
}

struct progress_log {
	size_t calls;
	size_t done[8];
	size_t total[8];
};

static void record_progress(size_t rows_done, size_t rows_total, void *ctx)
{
	struct progress_log *log = ctx;

	if (log->calls < ARRAY_LEN(log->done)) {
		log->done[log->calls] = rows_done;
		log->total[log->calls] = rows_total;
	}
	log->calls++;
}

static void test_progress_is_reported_every_1000_rows_and_at_the_end(void **state)
{
	struct progress_log log = {0};
	struct import_result r;
	struct sx_error err;
	struct buf text;

	(void)state;
	make_officers(&text, 2500, false);
	assert_int_equal(import_officers_parse(&r, text.data, text.len, NULL, record_progress, &log,
					       &err),
			 0);
	assert_int_equal(r.officer_count, 2500);
	assert_int_equal(r.report.rows, 2500);
	assert_string_equal(r.officers[2499].cert_no, "ZJ-002499");
	assert_int_equal(log.calls, 3);
	assert_int_equal(log.done[0], 1000);
	assert_int_equal(log.total[0], 0);
	assert_int_equal(log.done[1], 2000);
	assert_int_equal(log.done[2], 2500);
	assert_int_equal(log.total[2], 2500);
	import_result_clear(&r);
	buf_free(&text);
}

static void test_more_errors_than_the_limit_are_counted_but_not_listed(void **state)
{
	struct import_result r;
	struct sx_error err;
	struct buf text;

	(void)state;
	make_officers(&text, IMPORT_MAX_ERRORS + 50, true);
	assert_int_equal(import_officers_parse(&r, text.data, text.len, NULL, NULL, NULL, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_true(starts_with(err.message, "有 250 行数据有错误（共 250 处）"));
	assert_int_equal(r.report.error_count, IMPORT_MAX_ERRORS);
	assert_int_equal(r.report.error_total, IMPORT_MAX_ERRORS + 50);
	assert_int_equal(r.report.rows, IMPORT_MAX_ERRORS + 50);
	assert_int_equal(r.report.errors[IMPORT_MAX_ERRORS - 1].row_no, IMPORT_MAX_ERRORS + 1);
	assert_int_equal(r.officer_count, 0);
	import_result_clear(&r);
	buf_free(&text);
}

/* Good rows before a bad one are dropped, and good rows after it are checked but not kept. */
static void test_a_late_bad_row_drops_the_records_gathered_before_it(void **state)
{
	struct import_result r;
	struct sx_error err;
	struct buf text;

	(void)state;
	make_officers(&text, 40, false);
	assert_int_equal(buf_append_str(&text, OFFICER_ROW("ZJ-0000X", "330106198107220028")), 0);
	assert_int_equal(buf_append_str(&text, OFFICER_ROW("ZJ-000001", "330106198107220027")), 0);
	assert_int_equal(import_officers_parse(&r, text.data, text.len, NULL, NULL, NULL, &err),
			 SX_EINVALID);
	assert_null(r.officers);
	assert_int_equal(r.officer_count, 0);
	assert_int_equal(r.report.error_count, 2);
	assert_int_equal(r.report.errors[0].row_no, 42);
	assert_int_equal(r.report.errors[1].row_no, 43);
	assert_string_equal(r.report.errors[1].code, "import_duplicate_cert_no");
	assert_string_equal(r.report.errors[1].message, "第 43 行 执法证号：“ZJ-000001”与第 3 行重复");
	import_result_clear(&r);
	buf_free(&text);
}

/* ---- matters: the example file ------------------------------------------------------------- */

static void test_matters_example_file_gives_every_matter_exactly(void **state)
{
	struct import_result r;
	struct sx_error err;
	const struct matter *m;
	size_t len = 0;
	char *data = read_fixture(&len, "matters_ok.csv");

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(import_matters_parse(&r, data, len, NULL, NULL, NULL, &err), 0);
	free(data);
	assert_report_empty(&r);
	assert_int_equal(r.report.rows, 3);
	assert_int_equal(r.matter_count, 3);
	assert_null(r.officers);

	m = &r.matters[0];
	assert_string_equal(m->code, "330100-XK-001");
	assert_string_equal(m->name, "食品经营许可");
	assert_int_equal(m->act_type, MATTER_ACT_LICENSE);
	assert_string_equal(m->unit, "行政审批处");
	assert_false(m->random_inspection);
	assert_false(m->major_decision);
	assert_int_equal(m->av_requirement, MATTER_AV_NONE);
	assert_int_equal(m->av_stage_count, 0);
	assert_int_equal(m->basis_count, 2);
	assert_string_equal(m->basis[0].law, "《中华人民共和国食品安全法》");
	assert_string_equal(m->basis[0].article, "第三十五条第一款");
	assert_string_equal(m->basis[1].law, "《食品经营许可和备案管理办法》");
	assert_string_equal(m->basis[1].article, "第四条");
	assert_int_equal(m->step_count, 4);
	assert_string_equal(m->steps[0].title, "受理");
	assert_int_equal(m->steps[0].days, 1);
	assert_string_equal(m->steps[1].title, "审查");
	assert_int_equal(m->steps[1].days, 10);
	assert_string_equal(m->steps[2].title, "决定");
	assert_int_equal(m->steps[2].days, 2);
	assert_string_equal(m->steps[3].title, "送达");
	assert_int_equal(m->steps[3].days, 0);
	assert_string_equal(m->steps[3].detail, "");
	assert_true(m->has_guide);
	assert_int_equal(m->guide.material_count, 3);
	assert_string_equal(m->guide.materials[0], "食品经营许可申请书");
	assert_string_equal(m->guide.materials[1], "营业执照复印件");
	assert_string_equal(m->guide.materials[2],
			    "与食品经营相适应的主要设备设施布局、操作流程等文件");
	assert_int_equal(m->guide.legal_days, 20);
	assert_int_equal(m->guide.promised_days, 10);
	assert_int_equal(m->guide.fee_fen, 0);
	assert_string_equal(m->guide.fee_basis, "");
	assert_string_equal(m->guide.place, "杭州市西湖区行政服务中心二楼 12 号窗口");
	assert_string_equal(m->remedies.review_body, "杭州市人民政府");
	assert_int_equal(m->remedies.review_days, 60);
	assert_string_equal(m->remedies.litigation_court, "杭州市西湖区人民法院");
	assert_int_equal(m->remedies.litigation_months, 6);
	assert_int_equal(m->discretion_count, 0);

	m = &r.matters[1];
	assert_string_equal(m->code, "330100-CF-001");
	assert_string_equal(m->name, "对经营不符合食品安全标准的食品的处罚");
	assert_int_equal(m->act_type, MATTER_ACT_PENALTY);
	assert_true(m->major_decision);
	assert_false(m->random_inspection);
	assert_int_equal(m->basis_count, 1);
	assert_string_equal(m->basis[0].law, "《中华人民共和国食品安全法》");
	assert_string_equal(m->basis[0].article, "第一百二十四条第一款第（一）项");
	assert_int_equal(m->step_count, 6);
	{
		static const char *const titles[] = {"立案", "调查取证", "告知",
						     "法制审核", "决定", "送达"};
		static const int days[] = {7, 0, 3, 5, 0, 7};

		for (size_t i = 0; i < ARRAY_LEN(titles); i++) {
			assert_string_equal(m->steps[i].title, titles[i]);
			assert_int_equal(m->steps[i].days, days[i]);
		}
	}
	assert_false(m->has_guide);
	assert_int_equal(m->guide.material_count, 0);
	assert_int_equal(m->av_requirement, MATTER_AV_FULL_PROCESS);
	assert_int_equal(m->av_stage_count, 3);
	assert_string_equal(m->av_stages[0].stage, "现场检查");
	assert_string_equal(m->av_stages[1].stage, "查封扣押");
	assert_string_equal(m->av_stages[2].stage, "听证");
	for (size_t i = 0; i < 3; i++)
		assert_true(m->av_stages[i].full_process);
	/* Empty periods take the legal minimums. */
	assert_int_equal(m->remedies.review_days, MATTER_REVIEW_MIN_DAYS);
	assert_int_equal(m->remedies.litigation_months, MATTER_LITIGATION_MIN_MONTHS);

	m = &r.matters[2];
	assert_string_equal(m->code, "330100-JC-001");
	assert_int_equal(m->act_type, MATTER_ACT_INSPECTION);
	assert_true(m->random_inspection);
	assert_false(m->major_decision);
	assert_int_equal(m->step_count, 3);
	assert_string_equal(m->steps[1].title, "现场检查");
	assert_int_equal(m->steps[1].days, 1);
	assert_int_equal(m->av_requirement, MATTER_AV_KEY_STEPS);
	assert_int_equal(m->av_stage_count, 2);
	assert_string_equal(m->av_stages[0].stage, "现场检查");
	assert_true(m->av_stages[0].full_process);
	assert_string_equal(m->av_stages[1].stage, "抽样");
	assert_false(m->av_stages[1].full_process);
	assert_int_equal(m->remedies.review_days, 90);
	assert_string_equal(m->remedies.litigation_court, "杭州铁路运输法院");

	import_result_clear(&r);
	assert_null(r.matters);
	assert_int_equal(r.matter_count, 0);
}

/* ---- matters: rows built here -------------------------------------------------------------- */

enum {
	C_CODE,
	C_NAME,
	C_ACT,
	C_BASIS,
	C_UNIT,
	C_STEPS,
	C_RANDOM,
	C_AV,
	C_AV_STAGES,
	C_MAJOR,
	C_MATERIALS,
	C_LEGAL,
	C_PROMISED,
	C_FEE,
	C_FEE_BASIS,
	C_PLACE,
	C_REVIEW,
	C_REVIEW_DAYS,
	C_COURT,
	C_MONTHS,
	C_COUNT,
};

static const char *const matter_header[C_COUNT] = {
	"事项编码", "事项名称", "事项类别", "实施依据", "责任单位", "办理流程", "随机抽查",
	"音像记录", "音像记录环节", "重大执法决定", "申请材料", "法定时限", "承诺时限",
	"收费标准", "收费依据", "办理地点", "复议机关", "复议期限", "诉讼法院", "诉讼期限",
};

static const char *const license_row[C_COUNT] = {
	"M-001", "测试许可", "许可", "《中华人民共和国行政许可法》第二十九条", "审批处",
	"受理(1)；决定", "否", "不要求", "", "否", "申请书", "20", "", "", "", "",
	"某市人民政府", "", "某区人民法院", "",
};

static const char *const penalty_row[C_COUNT] = {
	"M-002", "测试处罚", "处罚", "《中华人民共和国行政处罚法》第五十一条", "稽查处",
	"立案；决定", "否", "不要求", "", "否", "", "", "", "", "", "",
	"某市人民政府", "", "某区人民法院", "",
};

/* Appends one CSV cell, quoted when it holds a separator, quote or line break. */
static void append_cell(struct buf *b, const char *cell, bool last)
{
	if (strpbrk(cell, ",\"\r\n") == NULL) {
		assert_int_equal(buf_append_str(b, cell), 0);
	} else {
		assert_int_equal(buf_append_char(b, '"'), 0);
		for (const char *p = cell; *p; p++) {
			if (*p == '"')
				assert_int_equal(buf_append_char(b, '"'), 0);
			assert_int_equal(buf_append_char(b, *p), 0);
		}
		assert_int_equal(buf_append_char(b, '"'), 0);
	}
	assert_int_equal(buf_append_char(b, last ? '\n' : ','), 0);
}

static void append_row(struct buf *b, const char *const cells[C_COUNT])
{
	for (int c = 0; c < C_COUNT; c++)
		append_cell(b, cells[c], c == C_COUNT - 1);
}

/* The header and base with column `column` set to value. Caller buf_free's. */
static void make_matter_file(struct buf *b, const char *const base[C_COUNT], int column,
			     const char *value)
{
	const char *cells[C_COUNT];

	memcpy(cells, base, sizeof(cells));
	if (column >= 0)
		cells[column] = value;
	buf_init(b, 1024 * 1024);
	append_row(b, matter_header);
	append_row(b, cells);
}

static void test_the_base_matter_rows_are_valid(void **state)
{
	const char *const *bases[] = {license_row, penalty_row};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bases); i++) {
		struct import_result r;
		struct sx_error err;
		struct buf text;

		make_matter_file(&text, bases[i], -1, NULL);
		assert_int_equal(parse_matters_text(&r, text.data, &err), 0);
		assert_report_empty(&r);
		assert_int_equal(r.matter_count, 1);
		import_result_clear(&r);
		buf_free(&text);
	}
}

struct matter_error_case {
	const char *const *base;
	int column;
	const char *value;
	const char *code;
	const char *report_column;
	const char *why;
};

static const char twenty_one_stages[] =
	"一；二；三；四；五；六；七；八；九；十；十一；十二；十三；十四；十五；十六；十七；十八；"
	"十九；二十；二十一";

static const struct matter_error_case matter_error_cases[] = {
	{license_row, C_CODE, "", "matter_bad_code", "事项编码", "empty code"},
	{license_row, C_CODE, "M 001", "matter_bad_code", "事项编码", "a space in the code"},
	{license_row, C_NAME, "", "matter_bad_name", "事项名称", "empty name"},
	{license_row, C_ACT, "", "import_bad_act_type", "事项类别", "empty type"},
	{license_row, C_ACT, "行政许可", "import_bad_act_type", "事项类别", "not one of the ten"},
	{license_row, C_BASIS, "", "matter_no_basis", "实施依据", "no basis"},
	{license_row, C_BASIS, "中华人民共和国行政许可法第二十九条", "matter_bad_basis", "实施依据",
	 "no book-title marks"},
	{license_row, C_BASIS, "《中华人民共和国行政许可法第二十九条", "matter_bad_basis", "实施依据",
	 "no closing 》"},
	{license_row, C_BASIS, "《中华人民共和国行政许可法》", "matter_bad_basis", "实施依据",
	 "no article"},
	{license_row, C_BASIS, "《中华人民共和国行政许可法》\xE3\x80\x80", "matter_bad_basis",
	 "实施依据", "only a blank after the law"},
	{license_row, C_BASIS, "《》第一条", "matter_bad_basis", "实施依据", "empty law title"},
	{license_row, C_BASIS, "《中华人民共和国行政许可法》第二十九条；《某条例》", "matter_bad_basis",
	 "实施依据", "second item without an article"},
	{license_row, C_UNIT, "", "matter_bad_unit", "责任单位", "empty unit"},
	{license_row, C_STEPS, "", "matter_no_steps", "办理流程", "no steps"},
	{license_row, C_STEPS, "；；", "matter_no_steps", "办理流程", "only separators"},
	{license_row, C_STEPS, "受理(0)", "matter_bad_step", "办理流程", "zero days"},
	{license_row, C_STEPS, "受理（3651）", "matter_bad_step", "办理流程", "too many days"},
	{license_row, C_STEPS, "受理；(5)", "matter_bad_step", "办理流程", "days without a title"},
	{license_row, C_RANDOM, "Y", "import_bad_yes_no", "随机抽查", "Y is not 是"},
	{license_row, C_RANDOM, "是的", "import_bad_yes_no", "随机抽查", "是的"},
	{license_row, C_MAJOR, "1", "import_bad_yes_no", "重大执法决定", "1 is not 是"},
	{license_row, C_AV, "部分", "import_bad_av", "音像记录", "unknown requirement"},
	{license_row, C_AV_STAGES, twenty_one_stages, "matter_too_many", "音像记录环节",
	 "21 stages"},
	{license_row, C_AV_STAGES, "（全过程）", "matter_bad_av_stage", "音像记录环节",
	 "a stage without a name"},
	{license_row, C_MATERIALS, "", "matter_guide_required", "申请材料", "许可 without materials"},
	{license_row, C_LEGAL, "", "matter_guide_required", "法定时限", "许可 without a time limit"},
	{license_row, C_LEGAL, "20个工作日", "import_bad_number", "法定时限", "words after the number"},
	{license_row, C_LEGAL, "0", "import_bad_number", "法定时限", "zero days"},
	{license_row, C_LEGAL, "3651", "import_bad_number", "法定时限", "over the limit"},
	{license_row, C_LEGAL, "99999999999999999999", "import_bad_number", "法定时限",
	 "would overflow"},
	{license_row, C_PROMISED, "-1", "import_bad_number", "承诺时限", "negative"},
	{license_row, C_REVIEW_DAYS, "六十", "import_bad_number", "复议期限", "in words"},
	{license_row, C_MONTHS, "6.5", "import_bad_number", "诉讼期限", "a fraction"},
	{license_row, C_FEE, "1.234", "import_bad_money", "收费标准", "three decimals"},
	{license_row, C_REVIEW, "", "matter_bad_remedies", "复议机关", "no review body"},
	{license_row, C_COURT, "", "matter_bad_remedies", "诉讼法院", "no court"},
	{penalty_row, C_MATERIALS, "申请书", "import_guide_not_allowed", "申请材料",
	 "materials on a 处罚"},
	{penalty_row, C_FEE, "0", "import_guide_not_allowed", "收费标准", "a fee cell on a 处罚"},
	{penalty_row, C_PLACE, "窗口", "import_guide_not_allowed", "办理地点", "a place on a 处罚"},
	/* Rules that join cells come from matter_validate, reported on the likeliest cell. */
	{license_row, C_REVIEW_DAYS, "30", "matter_bad_remedies", "复议期限",
	 "review period below 60 days"},
	{license_row, C_MONTHS, "3", "matter_bad_remedies", "诉讼期限",
	 "litigation period below 6 months"},
	{license_row, C_PROMISED, "30", "matter_bad_guide", "承诺时限", "promised over legal"},
	{license_row, C_FEE, "10", "matter_bad_guide", "收费依据", "a fee without its basis"},
	{penalty_row, C_AV, "关键环节", "matter_av_stages_required", "音像记录环节",
	 "recording required but no stage"},
	{license_row, C_REVIEW, "某市\x01人民政府", "matter_bad_remedies", "复议机关",
	 "a control character in the review body"},
	{license_row, C_PLACE, "窗口\x02", "matter_bad_guide", "办理地点",
	 "a control character in the place"},
	{license_row, C_NAME, "测试\x7f许可", "matter_bad_name", "事项名称",
	 "DEL in the name"},
};

static void test_each_bad_matter_cell_is_reported_with_its_code_and_column(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(matter_error_cases); i++) {
		const struct matter_error_case *c = &matter_error_cases[i];
		const struct import_row_error *e;
		struct import_result r;
		struct sx_error err;
		struct buf text;
		int rc;

		make_matter_file(&text, c->base, c->column, c->value);
		rc = parse_matters_text(&r, text.data, &err);
		e = r.report.error_count > 0 ? &r.report.errors[0] : NULL;
		if (rc != SX_EINVALID || strcmp(err.code, "import_rejected") != 0 || e == NULL ||
		    r.report.error_count != 1 || e->row_no != 2 || strcmp(e->code, c->code) != 0 ||
		    strcmp(e->column, c->report_column) != 0 || !starts_with(e->message, "第 2 行"))
			fail_msg("case %zu (%s): rc %d, %zu errors, first row %zu [%s] %s \"%s\"; "
				 "want [%s] %s",
				 i, c->why, rc, r.report.error_count, e ? e->row_no : 0,
				 e ? e->column : "", e ? e->code : "", e ? e->message : "",
				 c->report_column, c->code);
		assert_int_equal(r.matter_count, 0);
		assert_null(r.matters);
		import_result_clear(&r);
		buf_free(&text);
	}
}

/* Several bad cells of one row are each listed, with their columns. */
static void test_every_bad_cell_of_a_matter_row_is_listed(void **state)
{
	const char *cells[C_COUNT];
	static const char *const want_columns[] = {"事项类别", "实施依据", "随机抽查", "收费标准"};
	struct import_result r;
	struct sx_error err;
	struct buf text;

	(void)state;
	memcpy(cells, license_row, sizeof(cells));
	cells[C_ACT] = "许 可";
	cells[C_BASIS] = "行政许可法";
	cells[C_RANDOM] = "N";
	cells[C_FEE] = "-3";
	buf_init(&text, 1024 * 1024);
	append_row(&text, matter_header);
	append_row(&text, cells);
	assert_int_equal(parse_matters_text(&r, text.data, &err), SX_EINVALID);
	assert_int_equal(r.report.error_count, ARRAY_LEN(want_columns));
	for (size_t i = 0; i < ARRAY_LEN(want_columns); i++)
		assert_string_equal(r.report.errors[i].column, want_columns[i]);
	assert_string_equal(r.report.errors[3].message,
			    "第 2 行 收费标准：金额不能为负数，实为“-3”");
	import_result_clear(&r);
	buf_free(&text);
}

static void test_list_cells_split_on_both_semicolons_and_drop_empty_items(void **state)
{
	struct import_result r;
	struct sx_error err;
	struct buf text;

	(void)state;
	make_matter_file(&text, license_row, C_MATERIALS,
			 "  申请书 ；；营业执照;\xE3\x80\x80身份证明\xE3\x80\x80；; ");
	assert_int_equal(parse_matters_text(&r, text.data, &err), 0);
	assert_int_equal(r.matters[0].guide.material_count, 3);
	assert_string_equal(r.matters[0].guide.materials[0], "申请书");
	assert_string_equal(r.matters[0].guide.materials[1], "营业执照");
	assert_string_equal(r.matters[0].guide.materials[2], "身份证明");
	import_result_clear(&r);
	buf_free(&text);
}

/* A parenthesis that does not hold a number belongs to the step's title; blanks around the
 * number are allowed. */
static void test_step_days_come_only_from_a_trailing_number_in_brackets(void **state)
{
	struct import_result r;
	struct sx_error err;
	struct buf text;

	(void)state;
	make_matter_file(&text, license_row, C_STEPS,
			 "受理（含补正）；现场核查(含取证)（5）；决定 ( 3 )；送达(2)");
	assert_int_equal(parse_matters_text(&r, text.data, &err), 0);
	assert_int_equal(r.matters[0].step_count, 4);
	assert_string_equal(r.matters[0].steps[0].title, "受理（含补正）");
	assert_int_equal(r.matters[0].steps[0].days, 0);
	assert_string_equal(r.matters[0].steps[1].title, "现场核查(含取证)");
	assert_int_equal(r.matters[0].steps[1].days, 5);
	assert_string_equal(r.matters[0].steps[2].title, "决定");
	assert_int_equal(r.matters[0].steps[2].days, 3);
	import_result_clear(&r);
	buf_free(&text);
}

struct money_case {
	const char *text;
	int64_t fen; /* -1 = refused with import_bad_money */
};

static const struct money_case money_cases[] = {
	{"", 0},
	{"0", 0},
	{"0.00", 0},
	{"1234.5", 123450},
	{"1234.56", 123456},
	{"1234.50", 123450},
	{"0.01", 1},
	{"0.1", 10},
	{"007", 700},
	{"35", 3500},
	{" 35.5 ", 3550},
	{"1000000000000", MATTER_MAX_FEN},
	{"999999999999.99", MATTER_MAX_FEN - 1},
	{"1000000000000.01", -1},
	{"99999999999999999999", -1},
	{"1.234", -1},
	{"0.001", -1},
	/* Twenty decimals once overflowed an int64 before being refused (found by fuzzing). */
	{"0.99999999999999999999", -1},
	{"-5", -1},
	{"-0.5", -1},
	{"+5", -1},
	{"1,234", -1},
	{"¥10", -1},
	{"10元", -1},
	{"1.", -1},
	{".5", -1},
	{"1e3", -1},
	{"1 2", -1},
	{"１２", -1},
	{"0x10", -1},
	{"1.2.3", -1},
	{"NaN", -1},
};

static void test_fees_are_parsed_exactly_into_fen(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(money_cases); i++) {
		const struct money_case *c = &money_cases[i];
		const char *cells[C_COUNT];
		struct import_result r;
		struct sx_error err;
		struct buf text;
		int rc;

		memcpy(cells, license_row, sizeof(cells));
		cells[C_FEE] = c->text;
		cells[C_FEE_BASIS] = c->fen > 0 ? "《某收费标准》" : "";
		buf_init(&text, 1024 * 1024);
		append_row(&text, matter_header);
		append_row(&text, cells);
		rc = parse_matters_text(&r, text.data, &err);
		if (c->fen >= 0) {
			if (rc != 0 || r.matters[0].guide.fee_fen != c->fen)
				fail_msg("\"%s\": rc %d fee %lld, want %lld", c->text, rc,
					 rc == 0 ? (long long)r.matters[0].guide.fee_fen : -1LL,
					 (long long)c->fen);
		} else if (rc != SX_EINVALID || r.report.error_count != 1 ||
			   strcmp(r.report.errors[0].code, "import_bad_money") != 0 ||
			   strcmp(r.report.errors[0].column, "收费标准") != 0) {
			fail_msg("\"%s\": rc %d, %zu errors, first %s; want import_bad_money",
				 c->text, rc, r.report.error_count,
				 r.report.error_count ? r.report.errors[0].code : "");
		}
		import_result_clear(&r);
		buf_free(&text);
	}
}

static void test_duplicate_matter_codes_name_the_earlier_row(void **state)
{
	const char *cells[C_COUNT];
	struct import_result r;
	struct sx_error err;
	struct buf text;

	(void)state;
	buf_init(&text, 1024 * 1024);
	append_row(&text, matter_header);
	append_row(&text, license_row);
	append_row(&text, penalty_row);
	memcpy(cells, penalty_row, sizeof(cells));
	cells[C_CODE] = "M-001";
	append_row(&text, cells);
	assert_int_equal(parse_matters_text(&r, text.data, &err), SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_int_equal(r.matter_count, 0);
	assert_int_equal(r.report.error_count, 1);
	assert_int_equal(r.report.errors[0].row_no, 4);
	assert_string_equal(r.report.errors[0].column, "事项编码");
	assert_string_equal(r.report.errors[0].code, "import_duplicate_code");
	assert_string_equal(r.report.errors[0].message, "第 4 行 事项编码：“M-001”与第 2 行重复");
	import_result_clear(&r);
	buf_free(&text);
}

static void test_matter_header_errors_list_every_missing_required_column(void **state)
{
	static const char text[] = "事项编码,事项名称,事项类别,实施依据,办理流程,复议机关\n"
				   "M-001,测试,处罚,《某法》第一条,立案,某市人民政府\n";
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_matters_text(&r, text, &err), SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_int_equal(r.report.error_count, 2);
	assert_string_equal(r.report.errors[0].column, "责任单位");
	assert_string_equal(r.report.errors[0].code, "import_missing_column");
	assert_string_equal(r.report.errors[1].column, "诉讼法院");
	assert_int_equal(r.report.errors[1].row_no, 0);
	import_result_clear(&r);
}

/* Only the required columns: every optional one takes its empty meaning. */
static void test_matter_optional_columns_may_be_left_out(void **state)
{
	static const char text[] = "事项编码,事项名称,事项类别,实施依据,责任单位,办理流程,复议机关,"
				   "诉讼法院\n"
				   "M-001,测试,处罚,《某法》第一条,稽查处,立案；决定,某市人民政府,"
				   "某区人民法院\n";
	struct import_result r;
	struct sx_error err;

	(void)state;
	assert_int_equal(parse_matters_text(&r, text, &err), 0);
	assert_report_empty(&r);
	assert_int_equal(r.matter_count, 1);
	assert_false(r.matters[0].random_inspection);
	assert_false(r.matters[0].major_decision);
	assert_int_equal(r.matters[0].av_requirement, MATTER_AV_NONE);
	assert_false(r.matters[0].has_guide);
	assert_int_equal(r.matters[0].remedies.review_days, 60);
	assert_int_equal(r.matters[0].remedies.litigation_months, 6);
	import_result_clear(&r);
}

/* ---- allocation failure -------------------------------------------------------------------- */

typedef int (*parse_fn)(struct import_result *out, const char *data, size_t len,
			const struct csv_options *opt, import_progress_fn progress, void *ctx,
			struct sx_error *err);

/* Fails each allocation in turn; the first run that gets through must return want. */
static void fail_every_allocation(parse_fn parse, const char *data, size_t len, int want)
{
	long n;

	for (n = 0; n < 100000; n++) {
		struct import_result r;
		struct sx_error err;
		int rc;

		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = parse(&r, data, len, NULL, NULL, NULL, &err);
		sx_mem_fail_after(-1);
		if (rc == SX_ENOMEM) {
			assert_int_equal(err.rc, SX_ENOMEM);
			assert_null(r.officers);
			assert_null(r.matters);
			assert_null(r.report.errors);
			assert_int_equal(r.officer_count, 0);
			assert_int_equal(r.matter_count, 0);
			assert_int_equal(r.report.error_count, 0);
			assert_int_equal(r.report.error_total, 0);
			continue;
		}
		if (rc != want)
			fail_msg("failing allocation %ld: rc %d, want %d", n, rc, want);
		import_result_clear(&r);
		break;
	}
	assert_true(n > 0); /* the parse allocates, so at least one failure was tried */
}

static void test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing(void **state)
{
	static const char *const officer_files[] = {"officers_ok.csv", "officers_gb18030.csv",
						     "officers_bad_row.csv"};
	static const int officer_want[] = {0, 0, SX_EINVALID};
	struct buf many;
	size_t len = 0;
	char *data;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(officer_files); i++) {
		data = read_fixture(&len, officer_files[i]);
		fail_every_allocation(import_officers_parse, data, len, officer_want[i]);
		free(data);
	}
	data = read_fixture(&len, "matters_ok.csv");
	fail_every_allocation(import_matters_parse, data, len, 0);
	free(data);

	/* Enough rows to grow the record array and the key set several times. */
	make_officers(&many, 300, false);
	data = buf_detach(&many, &len);
	assert_non_null(data);
	fail_every_allocation(import_officers_parse, data, len, 0);
	sx_free(data);

	/* Enough errors to grow the report to its cap. */
	make_officers(&many, IMPORT_MAX_ERRORS + 5, true);
	data = buf_detach(&many, &len);
	assert_non_null(data);
	fail_every_allocation(import_officers_parse, data, len, SX_EINVALID);
	sx_free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_officers_example_file_gives_every_record_exactly),
		cmocka_unit_test(test_gb18030_file_gives_the_same_records_as_the_utf8_one),
		cmocka_unit_test(test_one_bad_row_rejects_the_file_and_the_report_names_it),
		cmocka_unit_test(test_cells_are_trimmed_and_labels_and_case_normalised),
		cmocka_unit_test(test_the_status_column_may_be_left_out),
		cmocka_unit_test(test_every_bad_field_of_an_officer_row_is_listed),
		cmocka_unit_test(test_reversed_dates_and_long_cells_are_reported_on_their_column),
		cmocka_unit_test(test_duplicate_cert_numbers_name_the_earlier_row),
		cmocka_unit_test(test_a_missing_required_column_is_a_file_error_naming_it),
		cmocka_unit_test(test_unknown_duplicate_and_unnamed_columns_are_file_errors),
		cmocka_unit_test(test_a_row_with_a_different_number_of_fields_is_a_row_error),
		cmocka_unit_test(test_empty_file_and_header_only_file),
		cmocka_unit_test(test_a_csv_syntax_error_keeps_its_code_and_is_listed_at_row_0),
		cmocka_unit_test(test_null_arguments_are_invalid),
		cmocka_unit_test(test_progress_is_reported_every_1000_rows_and_at_the_end),
		cmocka_unit_test(test_more_errors_than_the_limit_are_counted_but_not_listed),
		cmocka_unit_test(test_a_late_bad_row_drops_the_records_gathered_before_it),
		cmocka_unit_test(test_matters_example_file_gives_every_matter_exactly),
		cmocka_unit_test(test_the_base_matter_rows_are_valid),
		cmocka_unit_test(test_each_bad_matter_cell_is_reported_with_its_code_and_column),
		cmocka_unit_test(test_every_bad_cell_of_a_matter_row_is_listed),
		cmocka_unit_test(test_list_cells_split_on_both_semicolons_and_drop_empty_items),
		cmocka_unit_test(test_step_days_come_only_from_a_trailing_number_in_brackets),
		cmocka_unit_test(test_fees_are_parsed_exactly_into_fen),
		cmocka_unit_test(test_duplicate_matter_codes_name_the_earlier_row),
		cmocka_unit_test(test_matter_header_errors_list_every_missing_required_column),
		cmocka_unit_test(test_matter_optional_columns_may_be_left_out),
		cmocka_unit_test(test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

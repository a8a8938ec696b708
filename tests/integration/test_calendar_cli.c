/*
 * Integration: `sanxiang calendar …` and `sanxiang check …` run as the real
 * binary ($SANXIANG_BIN), checked on exit codes, stdout and stderr, plus the
 * database effects of `calendar import` and the service's permission check.
 *
 *   - check uscc / idcard: exit 0 with "有效" on stdout for valid numbers
 *     (an ID number shown masked), exit 1 with the reason on stderr for a
 *     wrong check character, a wrong length, lower case, a letter GB 32100
 *     leaves out, a bad birth date; exit 2 for usage errors;
 *   - calendar without a database: answers from the built-in 2018–2026 data
 *     (the 2019 National Day week, the year end), creates no database file,
 *     and refuses 2027 with exit 4 and calendar_year_unknown;
 *   - calendar import into a database made by `sanxiang init`: a made-up 2027
 *     is accepted (exit 0), add-workdays then runs into 2027; a second import
 *     of 2027 or one of a built-in year is exit 5 (calendar_year_exists), a
 *     year leaving a gap or an invalid file exit 3, a missing file exit 4;
 *     the stored row is the file byte for byte, the ledger event
 *     "calendar.import" carries its SHA-256, and the table refuses UPDATE and
 *     DELETE;
 *   - service_calendar_import refuses a non-admin actor and writes nothing.
 *
 * Each command runs with SANXIANG_DB pointing into the test's own temp dir,
 * so no database of the working directory is ever touched.
 */
#include "itest.h"

#include "base/mem.h"
#include "crypto/hash.h"
#include "service/calendar.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_calendar.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_2027                                                                                  \
	"{\"source\": \"made up for tests\", \"years\": {\"2027\": {\"off\": [\"2027-01-01\", "    \
	"\"2027-01-02\", \"2027-01-03\", \"2027-02-06\", \"2027-02-07\", \"2027-02-08\", "         \
	"\"2027-02-09\", \"2027-02-10\", \"2027-02-11\", \"2027-02-12\"], "                        \
	"\"work\": [\"2027-02-13\"]}}}\n"

struct fixture {
	char dir[256];
	char db[300];      /* an initialised database */
	char missing[300]; /* a database path that does not exist */
};

struct run_result {
	int exit_code; /* -1 when the process did not exit normally */
	char *out;     /* stdout, NUL-terminated; sx_free */
	char *err;     /* stderr, NUL-terminated; sx_free */
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0;

	assert_non_null(f);
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			data = sx_realloc(data, cap);
			assert_non_null(data);
		}
		got = fread(data + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	data[len] = '\0';
	return data;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void path_join(char *out, size_t size, const struct fixture *fx, const char *name)
{
	assert_true(snprintf(out, size, "%s/%s", fx->dir, name) < (int)size);
}

/*
 * Runs $SANXIANG_BIN with args (NULL-terminated, without the program name),
 * with SANXIANG_DB set to the fixture's missing path unless the caller's
 * arguments name a database, and collects stdout and stderr through files
 * (no pipe to fill up).
 */
static void run(struct run_result *r, const struct fixture *fx, const char *const *args)
{
	const char *bin = getenv("SANXIANG_BIN");
	char out_path[320], err_path[320];
	char *argv[16];
	int status = 0;
	size_t n;
	pid_t pid;

	assert_non_null(bin);
	memset(r, 0, sizeof(*r));
	path_join(out_path, sizeof(out_path), fx, "stdout");
	path_join(err_path, sizeof(err_path), fx, "stderr");
	argv[0] = (char *)bin;
	for (n = 0; args[n] != NULL; n++) {
		assert_true(n + 2 < sizeof(argv) / sizeof(argv[0]));
		argv[n + 1] = (char *)args[n];
	}
	argv[n + 1] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err_fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (out_fd < 0 || err_fd < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
			_exit(126);
		setenv("SANXIANG_DB", fx->missing, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->out = slurp(out_path);
	r->err = slurp(err_path);
}

static void run_free(struct run_result *r)
{
	sx_free(r->out);
	sx_free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Runs args and checks the exit code and pieces of stdout and stderr (NULL = any). */
#define EXPECT(fx, code, out_piece, err_piece, ...)                                                \
	expect_run((fx), (code), (out_piece), (err_piece),                                         \
		   (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

static void expect_run(const struct fixture *fx, int code, const char *out_piece,
		       const char *err_piece, const char *const *args, const char *file, int line)
{
	struct run_result r;

	run(&r, fx, args);
	if (r.exit_code != code || (out_piece && strstr(r.out, out_piece) == NULL) ||
	    (err_piece && strstr(r.err, err_piece) == NULL)) {
		print_error("sanxiang %s %s: exit %d (want %d)\n--- stdout (want \"%s\")\n%s"
			    "--- stderr (want \"%s\")\n%s",
			    args[0], args[1] ? args[1] : "", r.exit_code, code,
			    out_piece ? out_piece : "", r.out, err_piece ? err_piece : "", r.err);
		run_free(&r);
		_fail(file, line); /* cmocka: reports the caller's line */
	}
	run_free(&r);
}

/* Removes path and, for a folder, what it holds (the temp dir is two levels deep at most). */
static void remove_tree(const char *path, int depth)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode) && depth < 4 && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char child[1024];

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) <
			    (int)sizeof(child))
				remove_tree(child, depth + 1);
		}
		closedir(d);
	}
	remove(path);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	struct run_result r;

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/sx-calendar-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->db, sizeof(fx->db), "%s/t.db", fx->dir);
	snprintf(fx->missing, sizeof(fx->missing), "%s/none.db", fx->dir);
	run(&r, fx, (const char *const[]){"init", "--db", fx->db, NULL});
	if (r.exit_code != 0) {
		fprintf(stderr, "init failed (%d): %s%s", r.exit_code, r.out, r.err);
		run_free(&r);
		return -1;
	}
	run_free(&r);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	remove_tree(fx->dir, 0);
	free(fx);
	return 0;
}

/* ---- check ----------------------------------------------------------------------------------- */

static void test_check_uscc_exits_0_for_a_valid_code_and_1_with_the_reason(void **state)
{
	struct fixture *fx = *state;

	EXPECT(fx, 0, "有效", NULL, "check", "uscc", "91350100M000100Y43");
	EXPECT(fx, 0, "有效", NULL, "check", "uscc", "91440300708461136T");
	EXPECT(fx, 1, NULL, "校验码（第 18 位）应为“3”，实际为“4”", "check", "uscc",
	       "91350100M000100Y44");
	EXPECT(fx, 1, NULL, "长度应为 18 位，实际为 17 位", "check", "uscc", "91350100M000100Y4");
	EXPECT(fx, 1, NULL, "第 9 位是小写字母“m”", "check", "uscc", "91350100m000100Y43");
	EXPECT(fx, 1, NULL, "不含 I、O、S、V、Z", "check", "uscc", "91350100O000100Y43");
	EXPECT(fx, 1, NULL, "第 9 位是字母“I”", "check", "uscc", "91350100I000100Y43");
	EXPECT(fx, 1, NULL, "非 ASCII", "check", "uscc", "９1350100M000100Y43");
	EXPECT(fx, 1, NULL, "登记管理部门代码“B”未分配", "check", "uscc", "B1350100M000100Y41");
}

static void test_check_idcard_exits_0_with_the_birth_date_and_1_with_the_reason(void **state)
{
	struct fixture *fx = *state;
	struct run_result r;

	run(&r, fx, (const char *const[]){"check", "idcard", "11010519491231002X", NULL});
	assert_int_equal(r.exit_code, 0);
	assert_non_null(strstr(r.out, "有效"));
	assert_non_null(strstr(r.out, "1949-12-31"));
	/* Shown masked, never whole. */
	assert_non_null(strstr(r.out, "110105********002X"));
	assert_null(strstr(r.out, "11010519491231002X"));
	assert_string_equal(r.err, "");
	run_free(&r);
	EXPECT(fx, 0, "1949-12-31", NULL, "check", "idcard", "110105491231002");
	EXPECT(fx, 1, NULL, "应为“X”，实际为“1”", "check", "idcard", "110105194912310021");
	EXPECT(fx, 1, NULL, "小写“x”", "check", "idcard", "11010519491231002x");
	EXPECT(fx, 1, NULL, "实际为 17 位", "check", "idcard", "11010519491231002");
	EXPECT(fx, 1, NULL, "出生日期 1949-02-30 不是真实的日期", "check", "idcard",
	       "110105194902300020");
	EXPECT(fx, 1, NULL, "1900—2100", "check", "idcard", "440524188001010014");
}

static void test_check_usage_errors_exit_2(void **state)
{
	struct fixture *fx = *state;

	EXPECT(fx, 2, NULL, "用法错误", "check", "uscc");
	EXPECT(fx, 2, NULL, "用法错误", "check", "passport", "E12345678");
	EXPECT(fx, 2, NULL, "多余的参数", "check", "uscc", "91350100", "M000100Y43");
	EXPECT(fx, 0, "sanxiang check uscc", NULL, "check", "--help");
}

/* ---- calendar without a database ------------------------------------------------------------- */

static void test_calendar_answers_from_built_in_data_without_a_database(void **state)
{
	struct fixture *fx = *state;
	struct stat st;

	EXPECT(fx, 0, "2019-10-15\n", NULL, "calendar", "add-workdays", "2019-09-30", "7");
	EXPECT(fx, 0, "2019-10-08\n", NULL, "calendar", "add-workdays", "2019-09-30", "1");
	EXPECT(fx, 0, "2019-10-12\n", NULL, "calendar", "add-workdays", "2019-09-30", "5");
	EXPECT(fx, 0, "2020-01-02\n", NULL, "calendar", "add-workdays", "2019-12-31", "1");
	EXPECT(fx, 0, "2019-02-11\n", NULL, "calendar", "add-workdays", "2019-02-01", "3");
	EXPECT(fx, 0, "2019-10-01\n", NULL, "calendar", "add-workdays", "2019-10-01", "0");
	EXPECT(fx, 0, "2019-10-05 休息日（节假日）", NULL, "calendar", "is-workday", "2019-10-05");
	EXPECT(fx, 0, "2019-10-12 工作日（调休上班日）", NULL, "calendar", "is-workday",
	       "2019-10-12");
	EXPECT(fx, 0, "2018-12-29 工作日（调休上班日）", NULL, "calendar", "is-workday",
	       "2018-12-29");
	EXPECT(fx, 0, "2019-10-13 休息日（周末）", NULL, "calendar", "is-workday", "2019-10-13");
	EXPECT(fx, 0, "2019-10-08 工作日\n", NULL, "calendar", "is-workday", "2019-10-08");
	EXPECT(fx, 0, "7\n", NULL, "calendar", "between", "2019-09-28", "2019-10-12");
	EXPECT(fx, 0, "0\n", NULL, "calendar", "between", "2019-10-03", "2019-10-03");
	/* No database file was created by any of them. */
	assert_int_equal(stat(fx->missing, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_calendar_refuses_unknown_years_and_bad_input(void **state)
{
	struct fixture *fx = *state;

	EXPECT(fx, 4, NULL, "calendar_year_unknown", "calendar", "add-workdays", "2026-12-30", "5");
	EXPECT(fx, 4, NULL, "2027", "calendar", "is-workday", "2027-01-04");
	EXPECT(fx, 4, NULL, "calendar_year_unknown", "calendar", "between", "2026-12-01",
	       "2027-01-05");
	EXPECT(fx, 4, NULL, "2017", "calendar", "is-workday", "2017-12-29");
	EXPECT(fx, 3, NULL, "calendar_range_reversed", "calendar", "between", "2019-10-12",
	       "2019-09-28");
	EXPECT(fx, 3, NULL, "invalid_date", "calendar", "add-workdays", "2019-02-30", "1");
	EXPECT(fx, 3, NULL, "invalid_date", "calendar", "is-workday", "2019-2-3");
	EXPECT(fx, 3, NULL, "工作日数", "calendar", "add-workdays", "2019-02-03", "-1");
	EXPECT(fx, 3, NULL, "工作日数", "calendar", "add-workdays", "2019-02-03", "x");
	EXPECT(fx, 2, NULL, "缺少参数", "calendar", "add-workdays", "2019-02-03");
	EXPECT(fx, 2, NULL, "多余的参数", "calendar", "is-workday", "2019-02-03", "2019-02-04");
	EXPECT(fx, 2, NULL, "未知参数", "calendar", "is-workday", "2019-02-03", "--json");
	EXPECT(fx, 2, NULL, "未知的 calendar 子命令", "calendar", "next", "2019-02-03");
	/* An explicit --db must exist. */
	EXPECT(fx, 4, NULL, NULL, "calendar", "is-workday", "2019-02-03", "--db", fx->missing);
}

/* ---- import ---------------------------------------------------------------------------------- */

static int count_rows(const char *db_path, const char *sql)
{
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;
	int n;

	assert_int_equal(db_open(&db, db_path, DB_OPEN_READ_ONLY, false, 1000, &err), 0);
	assert_int_equal(db_prepare(&st, db, sql, &err), 0);
	assert_int_equal(db_step(st, &err), DB_ROW);
	n = (int)db_column_int64(st, 0);
	db_finish(st);
	db_close(db);
	return n;
}

static void test_calendar_import_adds_2027_once_and_records_it(void **state)
{
	struct fixture *fx = *state;
	char file[320], file_2026[320], file_2029[320], bad[320], two[320];
	char sha256[65];
	char *leaf_data = NULL;
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;

	path_join(file, sizeof(file), fx, "2027.json");
	path_join(file_2026, sizeof(file_2026), fx, "2026.json");
	path_join(file_2029, sizeof(file_2029), fx, "2029.json");
	path_join(bad, sizeof(bad), fx, "bad.json");
	path_join(two, sizeof(two), fx, "two.json");
	write_text(file, FILE_2027);
	write_text(file_2026,
		   "{\"source\": \"s\", \"years\": {\"2026\": {\"off\": [\"2026-01-01\"], "
		   "\"work\": []}}}");
	write_text(file_2029,
		   "{\"source\": \"s\", \"years\": {\"2029\": {\"off\": [\"2029-01-01\"], "
		   "\"work\": []}}}");
	/* 2027-01-04 is a Monday: not a make-up workday. */
	write_text(bad, "{\"source\": \"s\", \"years\": {\"2027\": {\"off\": [\"2027-01-01\"], "
			"\"work\": [\"2027-01-04\"]}}}");
	write_text(two, "{\"source\": \"s\", \"years\": {"
			"\"2027\": {\"off\": [\"2027-01-01\"], \"work\": []},"
			"\"2028\": {\"off\": [\"2028-01-01\"], \"work\": []}}}");
	assert_int_equal(crypto_hash_hex(sha256, CRYPTO_HASH_SHA256, FILE_2027, strlen(FILE_2027)),
			 0);

	/* Before the import 2027 is unknown, also with the database. */
	EXPECT(fx, 4, NULL, "calendar_year_unknown", "calendar", "add-workdays", "2026-12-31", "1",
	       "--db", fx->db);
	/* Refusals first: each leaves the database as it was. */
	EXPECT(fx, 3, NULL, "星期一", "calendar", "import", bad, "--db", fx->db);
	EXPECT(fx, 3, NULL, "calendar_import_one_year", "calendar", "import", two, "--db", fx->db);
	EXPECT(fx, 3, NULL, "calendar_year_gap", "calendar", "import", file_2029, "--db", fx->db);
	EXPECT(fx, 5, NULL, "calendar_year_exists", "calendar", "import", file_2026, "--db",
	       fx->db);
	EXPECT(fx, 4, NULL, NULL, "calendar", "import", "/nonexistent/2027.json", "--db", fx->db);
	EXPECT(fx, 4, NULL, NULL, "calendar", "import", file, "--db", fx->missing);
	EXPECT(fx, 2, NULL, "缺少参数", "calendar", "import", "--db", fx->db);
	assert_int_equal(count_rows(fx->db, "SELECT count(*) FROM calendar_year"), 0);

	EXPECT(fx, 0, sha256, NULL, "calendar", "import", file, "--db", fx->db);
	EXPECT(fx, 0, "2027-01-04\n", NULL, "calendar", "add-workdays", "2026-12-31", "1", "--db",
	       fx->db);
	EXPECT(fx, 0, "2027-02-13\n", NULL, "calendar", "add-workdays", "2027-02-05", "1", "--db",
	       fx->db);
	EXPECT(fx, 0, "工作日（调休上班日）", NULL, "calendar", "is-workday", "2027-02-13", "--db",
	       fx->db);
	EXPECT(fx, 5, NULL, "calendar_year_exists", "calendar", "import", file, "--db", fx->db);
	/* Without --db, the database named by SANXIANG_DB does not exist: built-in data only. */
	EXPECT(fx, 4, NULL, "calendar_year_unknown", "calendar", "add-workdays", "2026-12-31", "1");

	/* The row is the file byte for byte, and the ledger event carries its hash. */
	assert_int_equal(count_rows(fx->db, "SELECT count(*) FROM calendar_year"), 1);
	assert_int_equal(db_open(&db, fx->db, DB_OPEN_READ_WRITE, false, 1000, &err), 0);
	assert_int_equal(db_prepare(&st, db,
				    "SELECT data, source, imported_by FROM calendar_year "
				    "WHERE year = 2027",
				    &err),
			 0);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), FILE_2027);
	assert_string_equal(db_column_text(st, 1), "made up for tests");
	assert_true(strncmp(db_column_text(st, 2), "cli:", 4) == 0);
	db_finish(st);
	assert_int_equal(db_prepare(&st, db,
				    "SELECT data FROM ledger_leaf WHERE kind = 'calendar.import' "
				    "AND entity_id = 'calendar/2027'",
				    &err),
			 0);
	assert_int_equal(db_step(st, &err), DB_ROW);
	leaf_data = sx_strdup(db_column_text(st, 0));
	assert_int_equal(db_step(st, &err), DB_DONE);
	db_finish(st);
	assert_non_null(leaf_data);
	assert_non_null(strstr(leaf_data, sha256));
	assert_non_null(strstr(leaf_data, "\"year\":\"2027\""));
	assert_non_null(strstr(leaf_data, "\"source\":\"made up for tests\""));
	sx_free(leaf_data);
	/* The database itself keeps the table append-only. */
	assert_true(db_exec(db, "UPDATE calendar_year SET source = 'x'", &err) < 0);
	assert_true(db_exec(db, "DELETE FROM calendar_year", &err) < 0);
	db_close(db);
	assert_int_equal(count_rows(fx->db, "SELECT count(*) FROM calendar_year"), 1);
}

static void test_only_admins_may_import_a_year(void **state)
{
	struct fixture *fx = *state;
	struct service_actor actor;
	struct store *st = NULL;
	struct service svc;
	struct calendar cal;
	struct sx_error err;
	const char *file_2028 = "{\"source\": \"s\", \"years\": {\"2028\": {\"off\": "
				"[\"2028-01-01\"], \"work\": []}}}";
	int before;

	before = count_rows(fx->db, "SELECT count(*) FROM calendar_year");
	assert_int_equal(store_open(&st, fx->db, NULL, &err), 0);
	service_init(&svc, st);
	service_actor_cli(&actor, "tester");
	actor.role = ACCOUNT_ROLE_REVIEWER;
	sx_error_clear(&err);
	assert_int_equal(
		service_calendar_import(NULL, &svc, &actor, file_2028, strlen(file_2028), &err),
		SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	/* What is known is unchanged, and loading with the store matches the rows. */
	assert_int_equal(service_calendar_load(&cal, &svc, &err), 0);
	assert_false(calendar_has_year(&cal, 2028));
	assert_int_equal(calendar_has_year(&cal, 2027), before == 1);
	calendar_clear(&cal);
	store_close(st);
	assert_int_equal(count_rows(fx->db, "SELECT count(*) FROM calendar_year"), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_uscc_exits_0_for_a_valid_code_and_1_with_the_reason),
		cmocka_unit_test(
			test_check_idcard_exits_0_with_the_birth_date_and_1_with_the_reason),
		cmocka_unit_test(test_check_usage_errors_exit_2),
		cmocka_unit_test(test_calendar_answers_from_built_in_data_without_a_database),
		cmocka_unit_test(test_calendar_refuses_unknown_years_and_bad_input),
		cmocka_unit_test(test_calendar_import_adds_2027_once_and_records_it),
		cmocka_unit_test(test_only_admins_may_import_a_year),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * cli/cli_calendar — `sanxiang calendar add-workdays | is-workday | between |
 * import`: working-day arithmetic for legal deadlines on the command line,
 * and adding a year of holidays to a database (docs/calendar.md).
 *
 * The calendar is the years built into the binary plus those imported into
 * the database. Without --db, the database is $SANXIANG_DB or var/sanxiang.db
 * when it exists; when it does not, the questions are answered from the
 * built-in years alone, so that the command works before `init`. With --db
 * the database must exist. `import` always needs a database.
 *
 * Output is for people and scripts alike: add-workdays prints one date,
 * between one number, is-workday the date, 工作日 or 休息日 and the kind of
 * day. A date outside the known years is an error (exit 4,
 * calendar_year_unknown), never a guess.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "calendar/calendar.h"
#include "base/codec.h"
#include "cli/cli.h"
#include "service/calendar.h"
#include "service/service.h"
#include "store/store.h"

/* Positional arguments of the longest subcommand (between FROM TO). */
#define CALENDAR_ARGS_MAX 2

struct calendar_flags {
	const char *db; /* --db, or the default */
	bool db_given;  /* --db was on the command line */
	const char *args[CALENDAR_ARGS_MAX];
	int arg_count;
};

static void calendar__help(void)
{
	printf("用法：\n"
	       "  sanxiang calendar add-workdays YYYY-MM-DD N [--db PATH]\n"
	       "  sanxiang calendar is-workday YYYY-MM-DD [--db PATH]\n"
	       "  sanxiang calendar between FROM TO [--db PATH]\n"
	       "  sanxiang calendar import FILE [--db PATH]\n\n"
	       "add-workdays 输出起始日之后第 N 个工作日（起始日不计入；N 为 0 时输出起始日）。\n"
	       "is-workday   输出该日是工作日还是休息日，以及是周末、节假日还是调休上班日。\n"
	       "between      输出 FROM 之后、TO 当日为止（含 TO）的工作日数。\n"
	       "import       把一年的节假日安排（JSON，格式见 docs/calendar.md）导入数据库。\n\n"
	       "节假日数据：程序内置 2018—2026 年，另加数据库中导入的年份；超出已知年份的日期报错\n"
	       "（退出码 4），不按星期推算。未指定 --db 且默认数据库不存在时只用内置数据。\n");
}

static int calendar__parse(struct calendar_flags *f, int argc, char **argv, int want_args)
{
	memset(f, 0, sizeof(*f));
	f->db = cli_default_db();
	for (int i = 2; i < argc; i++) {
		const char *value = NULL;
		int got = cli_flag(&value, argc, argv, &i, "--db");

		if (got < 0)
			return cli_usage_error("calendar", "--db 需要一个值");
		if (got > 0) {
			f->db = value;
			f->db_given = true;
			continue;
		}
		/* "-" alone is not a flag; a negative N is caught as a bad count. */
		if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_usage_error("calendar", "未知参数：%s", argv[i]);
		if (f->arg_count == want_args)
			return cli_usage_error("calendar", "多余的参数：%s", argv[i]);
		f->args[f->arg_count++] = argv[i];
	}
	if (f->arg_count < want_args)
		return cli_usage_error("calendar", "calendar %s 缺少参数", argv[1]);
	return 0;
}

static int calendar__date(struct calendar_date *out, const char *text)
{
	struct sx_error err;

	if (sx_date_parse(&out->year, &out->month, &out->day, text, strlen(text)) < 0) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "“%.*s”不是 YYYY-MM-DD 格式的有效日期",
			 codec_utf8_prefix_len(text, 40), text);
		sx_error_set(&err, SX_EINVALID, "invalid_date", message);
		return cli_fail(SX_EINVALID, &err);
	}
	return 0;
}

static int calendar__count(int *out, const char *text)
{
	struct sx_error err;
	char *end = NULL;
	long n;

	/* Digits only: strtol alone would accept " 5", "+5" and "-1". */
	errno = 0;
	n = text[0] >= '0' && text[0] <= '9' ? strtol(text, &end, 10) : -1;
	if (n < 0 || *end != '\0' || errno != 0 || n > 100000) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "工作日数“%.*s”无效：应为 0 至 100000 的整数",
			 codec_utf8_prefix_len(text, 40), text);
		sx_error_set(&err, SX_EINVALID, "invalid", message);
		return cli_fail(SX_EINVALID, &err);
	}
	*out = (int)n;
	return 0;
}

/*
 * Loads the calendar: built-in years plus the database's. A missing default
 * database means built-in data only; a missing --db database is an error.
 */
static int calendar__load(struct calendar *out, const struct calendar_flags *f)
{
	struct store *st = NULL;
	struct service svc;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = store_open(&st, f->db, NULL, &err);
	if (rc == SX_ENOTFOUND && !f->db_given) {
		sx_error_clear(&err);
		rc = service_calendar_load_builtin(out, &err);
		return rc < 0 ? cli_fail(rc, &err) : 0;
	}
	if (rc < 0)
		return cli_fail(rc, &err);
	service_init(&svc, st);
	rc = service_calendar_load(out, &svc, &err);
	store_close(st);
	return rc < 0 ? cli_fail(rc, &err) : 0;
}

static void calendar__print_date(struct calendar_date d)
{
	char text[SX_DATE_TEXT_LEN];

	sx_date_format(text, d.year, d.month, d.day);
	printf("%s\n", text);
}

static int calendar__add_workdays(const struct calendar_flags *f)
{
	struct calendar cal;
	struct calendar_date start, end;
	struct sx_error err;
	int n = 0;
	int rc;

	if ((rc = calendar__date(&start, f->args[0])) != 0 ||
	    (rc = calendar__count(&n, f->args[1])) != 0)
		return rc;
	calendar_init(&cal);
	if ((rc = calendar__load(&cal, f)) != 0)
		return rc;
	sx_error_clear(&err);
	rc = calendar_add_workdays(&end, &cal, start, n, &err);
	calendar_clear(&cal);
	if (rc < 0)
		return cli_fail(rc, &err);
	calendar__print_date(end);
	return CLI_EXIT_OK;
}

static int calendar__is_workday(const struct calendar_flags *f)
{
	struct calendar cal;
	struct calendar_date date;
	enum calendar_day_kind kind;
	char text[SX_DATE_TEXT_LEN];
	struct sx_error err;
	int rc;

	if ((rc = calendar__date(&date, f->args[0])) != 0)
		return rc;
	calendar_init(&cal);
	if ((rc = calendar__load(&cal, f)) != 0)
		return rc;
	sx_error_clear(&err);
	rc = calendar_day_kind(&kind, &cal, date, &err);
	calendar_clear(&cal);
	if (rc < 0)
		return cli_fail(rc, &err);
	sx_date_format(text, date.year, date.month, date.day);
	if (kind == CALENDAR_DAY_WORKDAY)
		printf("%s 工作日\n", text);
	else if (kind == CALENDAR_DAY_MAKEUP_WORKDAY)
		printf("%s 工作日（%s）\n", text, calendar_day_kind_label(kind));
	else
		printf("%s 休息日（%s）\n", text, calendar_day_kind_label(kind));
	return CLI_EXIT_OK;
}

static int calendar__between(const struct calendar_flags *f)
{
	struct calendar cal;
	struct calendar_date from, to;
	struct sx_error err;
	int n = 0;
	int rc;

	if ((rc = calendar__date(&from, f->args[0])) != 0 ||
	    (rc = calendar__date(&to, f->args[1])) != 0)
		return rc;
	calendar_init(&cal);
	if ((rc = calendar__load(&cal, f)) != 0)
		return rc;
	sx_error_clear(&err);
	rc = calendar_workdays_between(&n, &cal, from, to, &err);
	calendar_clear(&cal);
	if (rc < 0)
		return cli_fail(rc, &err);
	printf("%d\n", n);
	return CLI_EXIT_OK;
}

static int calendar__import(const struct calendar_flags *f)
{
	struct service_calendar_import result;
	struct service_actor actor;
	struct store *st = NULL;
	struct service svc;
	struct sx_error err;
	char *text = NULL;
	size_t len = 0;
	int rc;

	sx_error_clear(&err);
	if ((rc = cli_read_file(&text, &len, f->args[0], CALENDAR_FILE_MAX_BYTES, "节假日数据文件不超过 1 MiB", &err)) < 0)
		return cli_fail(rc, &err);
	if ((rc = store_open(&st, f->db, NULL, &err)) < 0) {
		sx_free(text);
		return cli_fail(rc, &err);
	}
	service_init(&svc, st);
	service_actor_cli(&actor, cli_os_login());
	rc = service_calendar_import(&result, &svc, &actor, text, len, &err);
	store_close(st);
	sx_free(text);
	if (rc < 0)
		return cli_fail(rc, &err);
	printf("已导入 %d 年的节假日安排\n来源：%s\nSHA-256：%s\n日志条目：%llu\n", result.year,
	       result.source, result.sha256, (unsigned long long)result.ledger_index);
	return CLI_EXIT_OK;
}

int cli_calendar(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
		int (*run)(const struct calendar_flags *f);
	} subcommands[] = {
		{"add-workdays", 2, calendar__add_workdays},
		{"is-workday", 1, calendar__is_workday},
		{"between", 2, calendar__between},
		{"import", 1, calendar__import},
	};
	struct calendar_flags flags;
	int rc;

	if (argc < 2 || cli_wants_help(argc, argv)) {
		calendar__help();
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name) != 0)
			continue;
		if ((rc = calendar__parse(&flags, argc, argv, subcommands[i].args)) != 0)
			return rc;
		return subcommands[i].run(&flags);
	}
	return cli_usage_error("calendar", "未知的 calendar 子命令：%s", argv[1]);
}

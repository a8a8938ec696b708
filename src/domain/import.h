/*
 * domain/import — reading the CSV files agencies export from their
 * spreadsheets into officer records and matters, with a per-row report in
 * Chinese. All-or-nothing is the service's job (one transaction); this
 * module's job is to find every bad row in one pass, so that a clerk fixes
 * the file once instead of once per error.
 *
 * Files: UTF-8 or GB18030 (base/csv detects), first row a header; columns
 * are found by their Chinese header names in any order (unknown headers are
 * an error: a misspelt column must not be silently dropped). The formats
 * are documented in docs/import.md with an example file each in
 * tests/data/.
 *
 * Officers (one row per officer):
 *   姓名, 执法证号, 证件类型, 执法领域, 有效期起, 有效期止, 状态 (在岗/暂停/注销,
 *   empty = 在岗), 身份证号.
 * Matters (one row per matter; lists inside a cell are separated by '；' or
 * ';' and one step, material or basis is one item):
 *   事项编码, 事项名称, 事项类别 (许可…其他), 实施依据 (each item 《法名》第…条…:
 *   the law is the 《…》 part, the article the rest), 责任单位, 办理流程 (each item
 *   a step title, optionally followed by "(N)" or "（N）" working days),
 *   随机抽查 (是/否), 音像记录 (不要求/关键环节/全过程), 音像记录环节 (items; a stage
 *   followed by "(全过程)" is fully recorded; with 音像记录=全过程 all are),
 *   重大执法决定 (是/否), 申请材料 (items), 法定时限 (working days), 承诺时限,
 *   收费标准 (元, up to 2 decimals; empty or 0 = 不收费), 收费依据, 办理地点,
 *   复议机关, 复议期限 (days; empty = 60), 诉讼法院, 诉讼期限 (months; empty = 6).
 *   The guide columns are required for 许可 and must be empty otherwise.
 *   裁量基准 are not in this file (they are edited per matter).
 *
 * Every row is checked with officer_record_normalize / matter_validate, and
 * codes and certificate numbers must be unique within the file.
 *
 * Ownership: the result arrays are owned by the caller (import_result_clear).
 */
#ifndef SX_DOMAIN_IMPORT_H
#define SX_DOMAIN_IMPORT_H

#include <stddef.h>

#include "base/csv.h"
#include "base/error.h"
#include "domain/matter.h"
#include "domain/officer.h"

#define IMPORT_MAX_ERRORS 200   /* the report stops listing after this many */

struct import_row_error {
	size_t row_no;              /* as csv row_no: the row a person sees in Excel; 0 = file */
	char column[64];            /* header name; "" = the whole row */
	char code[48];              /* stable code, e.g. officer_bad_id_number */
	char message[512];          /* zh-CN */
};

struct import_report {
	size_t rows;                /* data rows read (header and empty lines excluded) */
	struct import_row_error *errors; /* owned; at most IMPORT_MAX_ERRORS */
	size_t error_count;         /* errors listed */
	size_t error_total;         /* errors found (may exceed error_count) */
};

/* Called every 1000 rows and at the end: rows checked so far, and the
 * total when known (0 otherwise). May be NULL. */
typedef void (*import_progress_fn)(size_t rows_done, size_t rows_total, void *ctx);

struct import_result {
	struct officer_record *officers;   /* owned; officer_count entries */
	size_t officer_count;
	struct matter *matters;            /* owned; each matter_clear'ed by import_result_clear */
	size_t matter_count;
	struct import_report report;
};

/*
 * Parses an officers CSV. Returns 0 when every row is good (report has no
 * errors); SX_EINVALID with code "import_rejected" and a message giving the
 * number of bad rows when any row is bad — then out->report lists them and
 * no records are returned; other errors (the file is not a CSV at all, too
 * big) come from base/csv with its code, also listed as a row-0 report
 * entry. SX_ENOMEM when memory runs out.
 */
int import_officers_parse(struct import_result *out, const char *data, size_t len,
			  const struct csv_options *opt, import_progress_fn progress, void *ctx,
			  struct sx_error *err);

/* The same for a matters CSV. */
int import_matters_parse(struct import_result *out, const char *data, size_t len,
			 const struct csv_options *opt, import_progress_fn progress, void *ctx,
			 struct sx_error *err);

void import_result_clear(struct import_result *r);

#endif

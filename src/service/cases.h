/*
 * service/cases — 执法全过程记录: the case file (一案一卷) from 立案 to 归档
 * (docs/cases.md). One function per user action; each opens a transaction,
 * checks the actor, applies the domain rules (domain/casefile for stages,
 * domain/fieldact for the two-officer rule, domain/recording for the
 * audio/video gate, domain/doctemplate for the documents), writes the store,
 * the audit trail and the ledger, and commits.
 *
 * Who may do what (the service decides, never a page):
 *   - read a case: the officers on it; unit heads, reviewers and the agency
 *     head of its agency; supervisors of its region; admins. Officers of the
 *     agency who are not on the case may not.
 *   - open a case, make records, move it along: officers of the agency (an
 *     officer must be one of the case's officers to work on it), unit heads
 *     and the agency head.
 *   - the decision (→ 决定), closing without a decision, extending the
 *     deadline and exempting a stage from recording: the agency head, who
 *     signs enforcement decisions (《行政处罚法》第五十七条: 行政机关负责人…
 *     作出决定).
 *   - archiving (结案 → 归档): the unit head or the agency head.
 *
 * 调阅: every opening of a case file, record or evidence is a row of the
 * access log and a ledger event ("case.access"). Staff who are not officers on
 * the case must give a reason (SX_EINVALID "reason_required"); the officers on
 * the case read with the reason "办理本案". The ledger event carries the
 * reason's hash, not the text (it may name people).
 *
 * Answers: *out is overwritten, never freed first (service_case_clear a
 * previous answer before reusing the struct); a change fills it with the case
 * as it is after the change, and on error leaves it as it was. case_id may
 * point into *out.
 *
 * Secrets: the party's ID number (a natural person) and phone are masked in
 * every answer unless the actor may see ID numbers of that agency
 * (account_can_see_id_numbers); they never enter the ledger.
 *
 * Numbers: the 案号 (word "案") and each numbered document's 文号 are taken
 * from the agency's counter per word and year inside the transaction that
 * stores them: a failed write gives the number back, so numbers have no gaps,
 * and the single writer means no duplicates (docs/cases.md).
 */
#ifndef SX_SERVICE_CASES_H
#define SX_SERVICE_CASES_H

#include "base/buf.h"
#include "domain/casefile.h"
#include "service/reviews.h"
#include "service/service.h"

#define SERVICE_CASE_MAX_OFFICERS 20
#define SERVICE_CASE_VERIFY_CODE_SIZE 13    /* 12 characters + NUL */
#define SERVICE_CASE_OPEN_REASON "办理本案"

/* What the officer enters to open a case. */
struct service_case_input {
	const char *agency_id;          /* NULL or "" = the actor's agency */
	const char *kind;               /* penalty | inspection | coercion */
	const char *procedure;          /* general | simple; NULL = general */
	const char *matter_code;        /* a matter of the agency's list in force */
	const char *cause;              /* 案由 */
	const char *party_type;         /* person | organization */
	const char *party_name;
	const char *party_id_code;      /* 身份证号 (GB 11643) or 统一社会信用代码 (GB 32100); may be "" */
	const char *party_phone;        /* may be "" */
	const char *party_address;      /* may be "" */
	const char *started_on;         /* YYYY-MM-DD; NULL or "" = today (Asia/Shanghai) */
	const char *const *officer_ids; /* the lead officer (承办人) first; ≥ 2 */
	size_t officer_count;
	int64_t fine_fen;               /* 简易程序: the fine decided on the spot (0 = 警告); -1 = none */
};

/* One stage the case may move to next, with why it is blocked if it is. */
struct service_case_next {
	char stage[STORE_STAGE_SIZE];
	char label[32];
	bool allowed;                       /* the domain rules and gates pass (a reason may still be needed) */
	bool needs_reason;
	bool needs_agency_head;             /* only the agency head may make this move */
	char blocked_code[SX_ERROR_CODE_MAX];
	char blocked_message[SX_ERROR_MESSAGE_MAX];
};

/* One audio/video requirement of the case's matter, and whether it is met. */
struct service_case_av {
	char stage[STORE_STAGE_SIZE];
	char av_name[STORE_NAME_SIZE];      /* the list's word, e.g. 查封扣押 */
	bool full_process;
	bool met;                           /* evidence of a satisfying kind, or exempted */
	bool exempted;
};

/* A case as staff see it: the row (secrets masked unless allowed) and its file. */
struct service_case {
	struct store_case c;
	char agency_name[STORE_NAME_SIZE];
	bool secrets_visible;               /* party_id_code/phone are whole */
	bool has_deadline;
	bool overdue;
	int days_left;                      /* meaningful when has_deadline and not decided */
	struct store_case_officer *officers; /* id numbers cleared */
	size_t officer_count;
	struct store_case_transition *transitions;
	size_t transition_count;
	struct store_case_record *records;  /* without bodies */
	size_t record_count;
	struct store_evidence *evidence;
	size_t evidence_count;
	struct store_recording_exemption *exemptions;
	size_t exemption_count;
	struct service_case_av *av;
	size_t av_count;
	struct service_case_next next[CASEFILE_STAGE_COUNT];
	size_t next_count;
	bool actor_on_case;                 /* the actor is one of the case's officers */
	struct service_case_review review;  /* 法制审核: major, draft, review, chain */
	int64_t ledger_index;               /* leaf of the change or access of this call; -1 */
};

void service_case_clear(struct service_case *c);

/*
 * Opens a case: the matter must be in the agency's list in force on
 * started_on and of the act type of the kind (处罚 for penalty, 检查 for
 * inspection, 强制 for coercion); the party's code must pass its check digit;
 * ≥ 2 distinct officers of the agency (the first is the lead). 简易程序 only
 * for penalties within 《行政处罚法》第五十一条's limits. out receives the new
 * case as by service_case_get (no access row: the creator is on the file).
 * Errors: SX_EPERM "forbidden"; SX_EINVALID "bad_kind" "bad_procedure"
 * "simple_not_eligible" "bad_party" "bad_id_number" "bad_credit_code"
 * "bad_date" "field_required" "field_too_long" "two_officers_required";
 * SX_ENOTFOUND "matter_not_found" "officer_not_found" "no_list_in_force";
 * SX_ECONFLICT "matter_kind_mismatch".
 */
int service_case_open(struct service_case *out, const struct service *svc,
		      const struct service_actor *actor, const struct service_case_input *in,
		      struct sx_error *err);

/*
 * Opens the case file for reading (调阅): logs the access with reason (see
 * the header comment) and fills out. remote_addr may be "".
 * Errors: SX_ENOTFOUND "case_not_found" (also for cases the actor may not
 * see: no probing of ids); SX_EINVALID "reason_required" "field_too_long".
 */
int service_case_get(struct service_case *out, const struct service *svc,
		     const struct service_actor *actor, const char *case_id, const char *reason,
		     const char *remote_addr, struct sx_error *err);

enum service_case_scope {
	SERVICE_CASES_MINE = 1,   /* cases the actor is an officer on */
	SERVICE_CASES_AGENCY,     /* the actor's agency (heads, reviewers) */
	SERVICE_CASES_ALL,        /* everything the actor may see: region (supervisor), all (admin) */
};

struct service_case_query {
	enum service_case_scope scope;
	const char *stage;          /* NULL = any */
	bool open_only;
	bool overdue_only;
	int64_t page;               /* 1-based */
	int64_t per_page;           /* 1..100 */
};

struct service_case_page {
	struct store_case *items;   /* secrets cleared (party_id_code, party_phone = "") */
	size_t count;
	int64_t total;
	int64_t page, per_page;
	char today[11];
};
void service_case_page_clear(struct service_case_page *p);

/* Lists cases (no access rows: a list shows no file content). SX_EPERM for a
 * scope the role does not have. */
int service_case_list(struct service_case_page *out, const struct service *svc,
		      const struct service_actor *actor, const struct service_case_query *q,
		      struct sx_error *err);

/*
 * Moves the case from expected_stage (what the actor's page showed; NULL =
 * the current stage) to `to` (a stage code) with reason (may be "" when the
 * move needs none). Checks the transition table, the review and hearing rules
 * (domain/casefile), the audio/video gate of the stage being left
 * (domain/recording) and who may make the move. A double submit finds the
 * stage moved and changes nothing (SX_ECONFLICT "stale_stage").
 * Errors: those of casefile_transition_check and recording_gate_check;
 * SX_EPERM "forbidden" / "agency_head_required"; SX_ENOTFOUND "case_not_found".
 */
int service_case_move(struct service_case *out, const struct service *svc,
		      const struct service_actor *actor, const char *case_id,
		      const char *expected_stage, const char *to, const char *reason,
		      struct sx_error *err);

/* Records that the party asked for a hearing (告知 stage; 《行政处罚法》第六十四条
 * 第一项: 当事人要求听证的，应当在行政机关告知后五日内提出). SX_ECONFLICT
 * "wrong_stage" outside NOTICE. */
int service_case_request_hearing(struct service_case *out, const struct service *svc,
				 const struct service_actor *actor, const char *case_id,
				 const char *reason, struct sx_error *err);

/* Extends the decision deadline by days (agency head, with a reason;
 * 《行政处罚法》第六十条 / 《行政强制法》第二十五条). SX_EINVALID "bad_extension". */
int service_case_extend(struct service_case *out, const struct service *svc,
			const struct service_actor *actor, const char *case_id, int days,
			const char *reason, struct sx_error *err);

/* The agency head exempts a stage from its audio/video requirement with a
 * reason (ledger "recording.exempt"). SX_EINVALID "bad_stage" for a stage the
 * case's matter does not require recording in. */
int service_case_exempt_recording(struct service_case *out, const struct service *svc,
				  const struct service_actor *actor, const char *case_id,
				  const char *stage, const char *reason, struct sx_error *err);

/* A record to make from a template. */
struct service_record_input {
	const char *template_code;
	const char *values_json;        /* {"field": "value", …} */
	size_t values_len;
	const char *const *officer_ids; /* field acts: the officers present (≥ 2) */
	size_t officer_count;
	const char *made_on;            /* the day of the act; NULL or "" = today */
	const char *supersedes;         /* id of a record of this case it corrects; NULL = none */
};

/* A record as its reader sees it. */
struct service_record {
	struct store_case_record r;     /* with bodies */
	char case_no[STORE_CASE_NO_SIZE];
	struct store_case_record_officer *officers;
	size_t officer_count;
	char verify_code[SERVICE_CASE_VERIFY_CODE_SIZE]; /* served records, at creation only; else "" */
	int64_t ledger_index;
};
void service_record_clear(struct service_record *r);

/*
 * Makes a record in the case's current stage: the template must allow the
 * stage and the case's kind, the values must fit the template, a field act
 * needs ≥ 2 officers of the agency with certificates valid on made_on
 * (domain/fieldact). Numbered templates take the next 文号. A served record
 * gets a verification code for the party (returned once in verify_code,
 * printed on the document; only its hash is stored).
 * Errors: SX_ENOTFOUND "template_not_found" "case_not_found";
 * SX_ECONFLICT "template_not_for_stage" "case_closed", fieldact codes;
 * SX_EINVALID doctemplate codes; SX_EPERM "forbidden".
 */
int service_record_make(struct service_record *out, const struct service *svc,
			const struct service_actor *actor, const char *case_id,
			const struct service_record_input *in, struct sx_error *err);

/* Reads one record (调阅, logged as for service_case_get). */
int service_record_get(struct service_record *out, const struct service *svc,
		       const struct service_actor *actor, const char *record_id, const char *reason,
		       const char *remote_addr, struct sx_error *err);

/* The record as an A4 PDF appended to pdf (report/pdf; logged as a download). */
int service_record_pdf(struct buf *pdf, struct service_record *meta, const struct service *svc,
		       const struct service_actor *actor, const char *record_id, const char *reason,
		       const char *remote_addr, struct sx_error *err);

/* Sets the agency's 文书简称 (agency head of that agency, or admin). */
int service_case_settings_put(const struct service *svc, const struct service_actor *actor,
			      const char *agency_id, const char *doc_prefix, struct sx_error *err);

#endif

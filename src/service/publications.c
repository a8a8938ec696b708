/*
 * service/publications — 事后公开 (see publications.h for the flow and who
 * may do what). domain/publication decides deadlines, moves and the content
 * check; domain/redact finds and masks personal data; search/zhnorm makes
 * the indexed text; this file reads and writes the rows, keeps the audit
 * trail and the ledger.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "domain/account.h"
#include "domain/idcheck.h"
#include "domain/publication.h"
#include "domain/redact.h"
#include "search/zhnorm.h"
#include "service/calendar.h"
#include "service/case_internal.h"
#include "service/publications.h"
#include "service/text.h"

#define PUBLICATIONS_MAX_NAMES 200 /* people named in one case file */
#define PUBLICATIONS_SNIPPET_CHARS 120

/* ---- who may ---- */

static bool publications__same_agency(const struct service_actor *a, const char *agency_id)
{
	return a->agency_id[0] && strcmp(a->agency_id, agency_id) == 0;
}

/* Staff who work the agency's cases prepare its publications. */
static bool publications__may_prepare(const struct service_actor *a, const char *agency_id)
{
	return (a->role == ACCOUNT_ROLE_OFFICER || a->role == ACCOUNT_ROLE_UNIT_HEAD ||
		a->role == ACCOUNT_ROLE_AGENCY_HEAD) &&
	       publications__same_agency(a, agency_id);
}

/* The check before release is a head's (of a unit or of the agency). */
static bool publications__may_check(const struct service_actor *a, const char *agency_id)
{
	return (a->role == ACCOUNT_ROLE_UNIT_HEAD || a->role == ACCOUNT_ROLE_AGENCY_HEAD) &&
	       publications__same_agency(a, agency_id);
}

static bool publications__may_read(const struct service_actor *a,
				   const struct store_publication *p)
{
	switch (a->role) {
	case ACCOUNT_ROLE_ADMIN:
		return true;
	case ACCOUNT_ROLE_SUPERVISOR:
		return a->region_code[0] &&
		       strncmp(p->region_code, a->region_code, strlen(a->region_code)) == 0;
	default:
		return publications__same_agency(a, p->agency_id);
	}
}

static int publications__not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "publication_not_found", "公开信息不存在");
}

/* ---- content ---- */

/* Copies src into dst, cut at a character boundary when it does not fit (a cut title is
 * better than a refused decision: staff see and edit the draft before it is published). */
static void publications__copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}


static int publications__status(enum publication_status *out, const char *code,
				 struct sx_error *err)
{
	if (publication_status_from_code(out, code, NULL) < 0)
		return sx_error_set(err, SX_ECORRUPT, "bad_publication_row", "公开信息数据已损坏");
	return 0;
}

/* The domain's view of a row's content (borrows full_text). */
static int publications__content(struct publication_content *c, const struct store_publication *p,
				 struct sx_error *err)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->agency_name, sizeof(c->agency_name), "%s", p->agency_name);
	c->party_type = strcmp(p->party_type, "person") == 0 ? PUBLICATION_PARTY_PERSON
							     : PUBLICATION_PARTY_ORGANIZATION;
	snprintf(c->party_name, sizeof(c->party_name), "%s", p->party_name);
	publications__copy(c->party_code, sizeof(c->party_code), p->party_code);
	if (publication_act_from_code(&c->act_type, p->act_type, NULL) < 0)
		return sx_error_set(err, SX_ECORRUPT, "bad_publication_row", "公开信息数据已损坏");
	snprintf(c->category, sizeof(c->category), "%s", p->category);
	snprintf(c->conclusion, sizeof(c->conclusion), "%s", p->conclusion);
	snprintf(c->doc_no, sizeof(c->doc_no), "%s", p->doc_no);
	snprintf(c->decided_on, sizeof(c->decided_on), "%s", p->decided_on);
	snprintf(c->legal_basis, sizeof(c->legal_basis), "%s", p->legal_basis);
	snprintf(c->penalty, sizeof(c->penalty), "%s", p->penalty);
	c->fine_fen = p->fine_fen;
	c->confiscation_fen = p->confiscation_fen;
	c->full_text = p->full_text;
	c->full_text_len = p->full_text ? strlen(p->full_text) : 0;
	return 0;
}

/* The texts a reader sees, joined (what is redaction-checked and indexed). */
static int publications__public_text(struct buf *b, const struct store_publication *p)
{
	const char *parts[] = {p->party_name, p->doc_no,  p->category, p->conclusion,
			       p->legal_basis, p->penalty, p->full_text};
	int rc = 0;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && rc == 0; i++)
		if (parts[i] && parts[i][0])
			rc = buf_appendf(b, "%s%s", b->len ? "\n" : "", parts[i]);
	return rc;
}

/* Parses a money value as stored by doctemplate (分 as decimal digits); 0 when absent. */
static int64_t publications__fen(const char *s)
{
	int64_t v = 0;

	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT64_MAX / 10 - 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Names of people in the case file's records (witnesses, respondents, recipients …), to be
 * masked in the published full text; *names point into *roots (json_decref each). */
static const char *const publications__name_fields[] = {
	"respondent_name", "present_person", "recipient", "witness", "legal_rep", "agent",
	"others_present", "party_present", NULL};

struct publications_names {
	json_t *roots[64];
	size_t root_count;
	const char *names[PUBLICATIONS_MAX_NAMES];
	size_t count;
};

static void publications__names_clear(struct publications_names *n)
{
	for (size_t i = 0; i < n->root_count; i++)
		json_decref(n->roots[i]);
	memset(n, 0, sizeof(*n));
}

static int publications__names(struct publications_names *out, struct store_tx *tx,
			       const char *case_id, struct sx_error *err)
{
	struct store_case_record *recs = NULL;
	size_t count = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_case_records(&recs, &count, tx, case_id, true, err)) < 0)
		return rc;
	for (size_t i = 0; i < count && out->root_count < 64; i++) {
		json_t *root = recs[i].values_json ? json_loads(recs[i].values_json, 0, NULL) : NULL;
		json_t *values = json_object_get(root, "values");

		if (!root)
			continue;
		out->roots[out->root_count++] = root;
		for (size_t f = 0; publications__name_fields[f]; f++) {
			const char *v = json_string_value(json_object_get(values,
									  publications__name_fields[f]));

			/* A name is short; longer values are sentences, not names. */
			if (v && *v && strlen(v) <= 12 && out->count < PUBLICATIONS_MAX_NAMES)
				out->names[out->count++] = v;
		}
	}
	store_case_records_free(recs, count);
	return 0;
}

/* The record's value `name` (from its stored {"values": {...}}), copied; "" when absent. */
static void publications__record_value(char *out, size_t size, const struct store_case_record *r,
				       const char *name)
{
	json_t *root = r->values_json ? json_loads(r->values_json, 0, NULL) : NULL;
	const char *v = json_string_value(json_object_get(json_object_get(root, "values"), name));

	snprintf(out, size, "%s", v ? v : "");
	json_decref(root);
}

/*
 * Redaction check of everything the public would read, unless overridden with a reason. It
 * knows what the draft was masked with: the party (a person's real name) and the people named
 * in the case file, so that a name typed back in is caught like an ID number.
 */
static int publications__redact_check(const struct store_publication *p, struct store_tx *tx,
				      struct sx_error *err)
{
	struct buf b;
	struct redact_options opt;
	struct publications_names names;
	struct store_case c;
	const char *keep[2];
	int rc;

	if (p->override_reason[0])
		return 0;
	memset(&opt, 0, sizeof(opt));
	memset(&names, 0, sizeof(names));
	if (p->party_code[0])
		keep[opt.keep_count++] = p->party_code;
	if (p->doc_no[0])
		keep[opt.keep_count++] = p->doc_no;
	opt.keep = keep;
	if (p->case_id[0]) {
		if ((rc = store_case_get(&c, tx, p->case_id, err)) < 0 ||
		    (rc = publications__names(&names, tx, p->case_id, err)) < 0)
			return rc;
		opt.party_name = c.party_name;
		opt.party_is_person = strcmp(c.party_type, "person") == 0;
		opt.names = names.names;
		opt.name_count = names.count;
	}
	buf_init(&b, 8u * 1024 * 1024);
	if ((rc = publications__public_text(&b, p)) < 0)
		rc = sx_error_set(err, rc, NULL, NULL);
	else
		rc = redact_check(NULL, b.data ? b.data : "", b.len, &opt, err);
	buf_free(&b);
	publications__names_clear(&names);
	return rc;
}

/* Replaces every occurrence of needle in *text with with (a new string when found). */
static int publications__replace_all(char **text, const char *needle, const char *with,
				     struct sx_error *err)
{
	struct buf b;
	const char *p = *text, *at;
	size_t n = strlen(needle);
	int rc = 0;

	if (n == 0 || !strstr(*text, needle))
		return 0;
	buf_init(&b, 16u * 1024 * 1024);
	while (rc == 0 && (at = strstr(p, needle)) != NULL) {
		rc = buf_append(&b, p, (size_t)(at - p));
		if (rc == 0)
			rc = buf_append_str(&b, with);
		p = at + n;
	}
	if (rc == 0)
		rc = buf_append_str(&b, p);
	if (rc == 0 && b.data) {
		sx_free(*text);
		*text = buf_detach(&b, NULL);
	}
	buf_free(&b);
	return rc < 0 ? sx_error_set(err, rc, NULL, NULL) : 0;
}

/* ---- the ledger and the audit trail ---- */

static int publications__event(uint64_t *index, const struct service *svc, struct store_tx *tx,
			       const struct service_actor *actor, const char *kind,
			       const struct store_publication *p, struct sx_error *err)
{
	char version[24], sha[STORE_SHA256_HEX_SIZE] = "";
	struct buf b;
	const char *fields[] = {"publication_id", p->id,     "agency_id", p->agency_id,
				"status",	  p->status, "version",   version,
				"doc_no",	  p->doc_no, "content_sha256", sha,
				NULL};

	snprintf(version, sizeof(version), "%lld", (long long)p->version);
	buf_init(&b, 8u * 1024 * 1024);
	if (publications__public_text(&b, p) == 0 &&
	    crypto_hash_hex(sha, CRYPTO_HASH_SHA256, b.data ? b.data : "", b.len) < 0)
		sha[0] = '\0';
	buf_free(&b);
	return cases__event(index, svc, tx, actor, kind, "publication", p->id,
			    p->case_id[0] ? p->case_id : p->id, fields, err);
}

/* ---- the task opened by a decision ---- */

static int publications__due(char out[11], const struct service *svc, enum publication_act act,
			     const char *decided_on, struct sx_error *err)
{
	struct calendar cal;
	struct sx_error why;
	int rc;

	out[0] = '\0';
	if ((rc = service_calendar_load(&cal, svc, err)) < 0)
		return rc;
	sx_error_clear(&why);
	rc = publication_due(out, &cal, act, decided_on, &why);
	calendar_clear(&cal);
	/*
	 * A decision is never held up by a missing year of holidays: the task is
	 * opened without a due date ("" — listed as such) until the year is imported.
	 */
	if (rc == SX_ENOTFOUND) {
		out[0] = '\0';
		return 0;
	}
	if (rc < 0 && err)
		*err = why;
	return rc;
}

int publications__on_decision(const struct service *svc, struct store_tx *tx,
			      const struct service_actor *actor, const struct case_ctx *cx,
			      const struct store_case_record *r, const char *verify_code,
			      struct sx_error *err)
{
	struct redact_span mark;
	struct store_publication p;
	struct publications_names names;
	struct redact_options opt;
	const char *keep[2 + SERVICE_CASE_MAX_OFFICERS];
	char fine[32], confiscated[32];
	char *text = NULL;
	size_t text_len = 0, i;
	uint64_t index = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&opt, 0, sizeof(opt));
	if ((rc = sx_id_new(p.id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	snprintf(p.agency_id, sizeof(p.agency_id), "%s", cx->c.agency_id);
	snprintf(p.region_code, sizeof(p.region_code), "%s", cx->agency.region_code);
	snprintf(p.case_id, sizeof(p.case_id), "%s", cx->c.id);
	snprintf(p.record_id, sizeof(p.record_id), "%s", r->id);
	p.version = 1;
	snprintf(p.status, sizeof(p.status), "%s", "draft");
	snprintf(p.act_type, sizeof(p.act_type), "%s", "penalty");
	snprintf(p.decided_on, sizeof(p.decided_on), "%s", r->made_on);
	if ((rc = publications__due(p.due_on, svc, PUBLICATION_ACT_PENALTY, p.decided_on, err)) < 0)
		return rc;
	snprintf(p.agency_name, sizeof(p.agency_name), "%s", cx->agency.name);
	snprintf(p.party_type, sizeof(p.party_type), "%s", cx->c.party_type);
	if (strcmp(cx->c.party_type, "person") == 0) {
		/* A natural person is published as 张某 and never with an ID number. */
		if ((rc = redact_mask_person_name(p.party_name, sizeof(p.party_name),
						  cx->c.party_name, err)) < 0)
			return rc;
	} else {
		snprintf(p.party_name, sizeof(p.party_name), "%s", cx->c.party_name);
		snprintf(p.party_code, sizeof(p.party_code), "%s", cx->c.party_id_code);
	}
	publications__copy(p.category, sizeof(p.category), cx->c.matter_name);
	snprintf(p.doc_no, sizeof(p.doc_no), "%s", r->doc_no);
	publications__record_value(p.legal_basis, sizeof(p.legal_basis), r, "legal_basis");
	publications__record_value(p.penalty, sizeof(p.penalty), r, "penalty_content");
	if (!p.penalty[0])
		publications__record_value(p.penalty, sizeof(p.penalty), r, "penalty_type");
	{
		char conclusion[sizeof(p.conclusion) + 32];

		snprintf(conclusion, sizeof(conclusion), "给予行政处罚：%s", p.penalty);
		publications__copy(p.conclusion, sizeof(p.conclusion), conclusion);
	}
	publications__record_value(fine, sizeof(fine), r, "fine_amount");
	publications__record_value(confiscated, sizeof(confiscated), r, "confiscation_amount");
	p.fine_fen = publications__fen(fine);
	p.confiscation_fen = publications__fen(confiscated);
	/* The full text, redacted: the party, the people named in the file; officers' certificate
	 * numbers and the party's credit code are public and kept. */
	if ((rc = publications__names(&names, tx, cx->c.id, err)) < 0)
		return rc;
	keep[0] = cx->c.case_no;
	keep[1] = r->doc_no;
	opt.keep_count = 2;
	for (i = 0; i < cx->officer_count && opt.keep_count < 2 + SERVICE_CASE_MAX_OFFICERS; i++)
		keep[opt.keep_count++] = cx->officers[i].officer.cert_no;
	opt.keep = keep;
	opt.party_name = cx->c.party_name;
	opt.party_is_person = strcmp(cx->c.party_type, "person") == 0;
	opt.names = names.names;
	opt.name_count = names.count;
	/* The party's 查验码 printed on a served document opens their page: never public. */
	if (verify_code && *verify_code && r->body_text) {
		const char *at = strstr(r->body_text, verify_code);

		if (at) {
			mark.start = (size_t)(at - r->body_text);
			mark.end = mark.start + strlen(verify_code);
			mark.kind = REDACT_MANUAL;
			opt.manual = &mark;
			opt.manual_count = 1;
		}
	}
	rc = redact_apply(&text, &text_len, r->body_text ? r->body_text : "",
			  r->body_text ? strlen(r->body_text) : 0, &opt, err);
	publications__names_clear(&names);
	if (rc < 0)
		return rc;
	/* A person's ID number never, not even as the document prints it half-masked. */
	if (strcmp(cx->c.party_type, "person") == 0 && cx->c.party_id_code[0]) {
		char masked[STORE_CODE_SIZE];

		if ((rc = publications__replace_all(&text, cx->c.party_id_code, "[身份证号已隐去]",
						    err)) < 0)
			goto fail;
		if (idcheck_mask_person_id(masked, sizeof(masked), cx->c.party_id_code,
					   strlen(cx->c.party_id_code)) == 0 &&
		    (rc = publications__replace_all(&text, masked, "[身份证号已隐去]", err)) < 0)
			goto fail;
	}
	p.full_text = text;
	cases__now(p.made_at);
	snprintf(p.made_by, sizeof(p.made_by), "%s", actor->user_id);
	snprintf(p.made_by_name, sizeof(p.made_by_name), "%s", actor->display_name);
	snprintf(p.updated_at, sizeof(p.updated_at), "%s", p.made_at);
	if ((rc = store_publication_insert(tx, &p, err)) == 0)
		rc = publications__event(&index, svc, tx, actor, "publication.open", &p, err);
fail:
	sx_free(text);
	return rc;
}

/* ---- reading ---- */

void service_publication_clear(struct service_publication *p)
{
	if (!p)
		return;
	store_publication_clear(&p->p);
	store_publications_free(p->history, p->history_count);
	memset(p, 0, sizeof(*p));
	p->ledger_index = -1;
}

/* The deadline of what is open: publication while draft/pending_check, withdrawal while a
 * published decision fell. */
static void publications__deadline(bool *task, bool *overdue, int *days_left,
				   const struct store_publication *p, const char *today,
				   const struct calendar *cal)
{
	const char *due = "";

	*task = false;
	*overdue = false;
	*days_left = 0;
	if (strcmp(p->status, "draft") == 0 || strcmp(p->status, "pending_check") == 0) {
		*task = true;
		due = p->due_on;
	} else if (strcmp(p->status, "published") == 0 && p->withdraw_event_on[0]) {
		*task = true;
		due = p->withdraw_due_on;
	}
	if (!*task || !due[0])
		return;
	*overdue = publication_is_overdue(due, "", today);
	if (cal && publication_days_left(days_left, cal, due, today, NULL) < 0)
		*days_left = 0;
}

/* Fills the answer's history, changes, deadline and flags around out->p. */
static int publications__answer(struct service_publication *out, const struct service *svc,
				struct store_tx *tx, const struct service_actor *actor,
				struct sx_error *err)
{
	const struct store_publication *p = &out->p;
	struct calendar cal;
	bool has_cal = false;
	int rc;

	cases__today(out->today);
	if ((rc = store_publication_history(&out->history, &out->history_count, tx, p->id, err)) <
	    0)
		return rc;
	for (size_t i = 1; i < out->history_count; i++)
		if (strcmp(out->history[i].id, p->id) == 0) {
			struct publication_content a, b;
			enum publication_field fields[PUBLICATION_FIELD_COUNT];
			size_t n = 0;

			if (publications__content(&a, &out->history[i - 1], err) < 0 ||
			    publications__content(&b, p, err) < 0)
				return SX_ECORRUPT;
			a.full_text = b.full_text = NULL; /* history rows have no text */
			a.full_text_len = b.full_text_len = 0;
			if (publication_diff(fields, &n, &a, &b) == 0)
				publication_diff_describe(out->changes, sizeof(out->changes), fields,
							  n);
		}
	if (svc && service_calendar_load(&cal, svc, NULL) == 0)
		has_cal = true;
	publications__deadline(&out->task_open, &out->overdue, &out->days_left, p, out->today,
			       has_cal ? &cal : NULL);
	if (has_cal)
		calendar_clear(&cal);
	if (!actor)
		return 0;
	{
		bool prep = publications__may_prepare(actor, p->agency_id);
		bool draft = strcmp(p->status, "draft") == 0;
		bool pending = strcmp(p->status, "pending_check") == 0;
		bool published = strcmp(p->status, "published") == 0;

		out->may_edit = out->may_submit = out->may_withhold = prep && draft;
		out->may_return = pending && publications__may_check(actor, p->agency_id);
		out->may_publish = out->may_return && strcmp(p->made_by, actor->user_id) != 0;
		out->may_open_withdrawal = prep && published && !p->withdraw_event_on[0];
		out->may_withdraw = prep && published && p->withdraw_event_on[0];
		out->may_correct = prep && published && !p->withdraw_event_on[0];
	}
	return 0;
}

int service_publication_get(struct service_publication *out, const struct service *svc,
			    const struct service_actor *actor, const char *id, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ledger_index = -1;
	if (!id || strlen(id) >= STORE_ID_SIZE)
		return publications__not_found(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_publication_get(&out->p, tx, id, true, err);
	if (rc == SX_ENOTFOUND || (rc == 0 && !publications__may_read(actor, &out->p)))
		rc = publications__not_found(err);
	if (rc == 0)
		rc = publications__answer(out, svc, tx, actor, err);
	store_rollback(tx);
	if (rc < 0)
		service_publication_clear(out);
	return rc;
}

/* ---- changes ---- */

struct publications_step {
	const char *word;     /* reason code */
	const char *text;     /* reason text */
	const char *date;     /* event_on */
	const struct service_publication_input *in;
};

typedef int (*publications_apply_fn)(struct store_publication *p, const char **kind,
				     const struct service *svc, struct store_tx *tx,
				     const struct service_actor *actor,
				     const struct publications_step *s, struct sx_error *err);

/* Loads, applies, updates (expecting the status it found), logs, commits, answers. */
static int publications__change(struct service_publication *out, const struct service *svc,
				const struct service_actor *actor, const char *id,
				publications_apply_fn apply, const struct publications_step *s,
				struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_publication p;
	char expected[STORE_ROLE_SIZE];
	const char *kind = NULL;
	uint64_t index = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ledger_index = -1;
	memset(&p, 0, sizeof(p));
	if (!id || strlen(id) >= STORE_ID_SIZE)
		return publications__not_found(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	rc = store_publication_get(&p, tx, id, true, err);
	if (rc == SX_ENOTFOUND || (rc == 0 && !publications__may_read(actor, &p)))
		rc = publications__not_found(err);
	if (rc < 0)
		goto done;
	snprintf(expected, sizeof(expected), "%s", p.status);
	if ((rc = apply(&p, &kind, svc, tx, actor, s, err)) < 0)
		goto done;
	cases__now(p.updated_at);
	if ((rc = store_publication_update(tx, &p, expected, err)) < 0 ||
	    (rc = publications__event(&index, svc, tx, actor, kind, &p, err)) < 0)
		goto done;
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	rc = service_publication_get(out, svc, actor, p.id, err);
	if (rc == 0)
		out->ledger_index = (int64_t)index;
done:
	store_rollback(tx);
	store_publication_clear(&p);
	return rc;
}

/* Checks a move with the domain (reasons, the second person). */
static int publications__move(struct store_publication *p, enum publication_status to,
			      const char *reason_code, const char *reason_text,
			      const struct service_actor *actor, struct sx_error *err)
{
	enum publication_status from;
	int rc;

	if ((rc = publications__status(&from, p->status, err)) < 0)
		return rc;
	if ((rc = publication_transition_check(from, to, reason_code, reason_text, p->made_by,
					       actor->user_id, err)) < 0)
		return rc;
	snprintf(p->status, sizeof(p->status), "%s", publication_status_code(to));
	return 0;
}

static int publications__copy_text(char *dst, size_t size, const char *src, const char *label,
				   struct sx_error *err)
{
	if (!src)
		return 0;
	return service_text_copy(dst, size, src, label, (size - 1) / 3, SERVICE_TEXT_MULTILINE, err);
}

static int publications__apply_save(struct store_publication *p, const char **kind,
				     const struct service *svc, struct store_tx *tx,
				     const struct service_actor *actor,
				     const struct publications_step *s, struct sx_error *err)
{
	const struct service_publication_input *in = s->in;
	struct publication_content c;
	int rc;

	(void)svc;
	*kind = "publication.save";
	if (!publications__may_prepare(actor, p->agency_id))
		return cases__forbidden(err, "只有本机关执法人员可以编辑公开信息");
	if (strcmp(p->status, "draft") != 0)
		return sx_error_set(err, SX_ECONFLICT, "not_draft", "只有待发布的公开信息可以编辑");
	if ((rc = publications__copy_text(p->party_name, sizeof(p->party_name), in->party_name,
					  "执法对象", err)) < 0 ||
	    (rc = publications__copy_text(p->category, sizeof(p->category), in->category,
					  "执法类别", err)) < 0 ||
	    (rc = publications__copy_text(p->conclusion, sizeof(p->conclusion), in->conclusion,
					  "执法结论", err)) < 0 ||
	    (rc = publications__copy_text(p->doc_no, sizeof(p->doc_no), in->doc_no, "文号", err)) <
		    0 ||
	    (rc = publications__copy_text(p->legal_basis, sizeof(p->legal_basis), in->legal_basis,
					  "执法依据", err)) < 0 ||
	    (rc = publications__copy_text(p->penalty, sizeof(p->penalty), in->penalty, "处罚内容",
					  err)) < 0)
		return rc;
	if (in->fine_fen >= 0)
		p->fine_fen = in->fine_fen;
	if (in->confiscation_fen >= 0)
		p->confiscation_fen = in->confiscation_fen;
	if (in->full_text) {
		sx_free(p->full_text);
		p->full_text = NULL;
		if (in->full_text[0] && !(p->full_text = sx_strdup(in->full_text)))
			return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	p->override_reason[0] = '\0';
	if (in->override_reason &&
	    (rc = publications__copy_text(p->override_reason, sizeof(p->override_reason),
					  in->override_reason, "保留理由", err)) < 0)
		return rc;
	if ((rc = publications__content(&c, p, err)) < 0 ||
	    (rc = publication_content_check(&c, err)) < 0)
		return rc;
	return publications__redact_check(p, tx, err);
}

int service_publication_save(struct service_publication *out, const struct service *svc,
			     const struct service_actor *actor, const char *id,
			     const struct service_publication_input *in, struct sx_error *err)
{
	struct publications_step s = {NULL, NULL, NULL, in};

	return publications__change(out, svc, actor, id, publications__apply_save, &s, err);
}

static int publications__apply_submit(struct store_publication *p, const char **kind,
				      const struct service *svc, struct store_tx *tx,
				      const struct service_actor *actor,
				      const struct publications_step *s, struct sx_error *err)
{
	struct publication_content c;
	int rc;

	(void)svc;
	(void)s;
	*kind = "publication.submit";
	if (!publications__may_prepare(actor, p->agency_id))
		return cases__forbidden(err, NULL);
	if ((rc = publications__content(&c, p, err)) < 0 ||
	    (rc = publication_content_check(&c, err)) < 0 ||
	    (rc = publications__redact_check(p, tx, err)) < 0)
		return rc;
	/* The one who sends it to check is the one the second person must differ from. */
	snprintf(p->made_by, sizeof(p->made_by), "%s", actor->user_id);
	snprintf(p->made_by_name, sizeof(p->made_by_name), "%s", actor->display_name);
	return publications__move(p, PUBLICATION_PENDING_CHECK, NULL, NULL, actor, err);
}

int service_publication_submit(struct service_publication *out, const struct service *svc,
			       const struct service_actor *actor, const char *id,
			       struct sx_error *err)
{
	struct publications_step s = {NULL, NULL, NULL, NULL};

	return publications__change(out, svc, actor, id, publications__apply_submit, &s, err);
}

static int publications__apply_return(struct store_publication *p, const char **kind,
				      const struct service *svc, struct store_tx *tx,
				      const struct service_actor *actor,
				      const struct publications_step *s, struct sx_error *err)
{
	int rc;

	(void)svc;
	(void)tx;
	*kind = "publication.return";
	if (!publications__may_check(actor, p->agency_id))
		return cases__forbidden(err, "公开前审核由科室负责人或机关负责人办理");
	if ((rc = publications__move(p, PUBLICATION_DRAFT, NULL, s->text, actor, err)) < 0)
		return rc;
	return service_text_copy(p->returned_reason, sizeof(p->returned_reason), s->text,
				 "退回理由", 512, SERVICE_TEXT_MULTILINE | SERVICE_TEXT_REQUIRED, err);
}

int service_publication_return(struct service_publication *out, const struct service *svc,
			       const struct service_actor *actor, const char *id,
			       const char *reason, struct sx_error *err)
{
	struct publications_step s = {NULL, reason, NULL, NULL};

	return publications__change(out, svc, actor, id, publications__apply_return, &s, err);
}

/* Puts p's public text into the search index. */
static int publications__index(const struct service *svc, struct store_tx *tx,
			       const struct store_publication *p, struct sx_error *err)
{
	struct buf b;
	char *norm = NULL, **grams = NULL;
	size_t norm_len = 0, gram_count = 0;
	int rc;

	if (!svc->zhnorm)
		return sx_error_set(err, SX_EINTERNAL, "zhnorm_unavailable", "全文检索不可用");
	buf_init(&b, 8u * 1024 * 1024);
	if ((rc = publications__public_text(&b, p)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	if ((rc = zhnorm_text(&norm, &norm_len, svc->zhnorm, b.data ? b.data : "", b.len, err)) <
		    0 ||
	    (rc = zhnorm_grams(&grams, &gram_count, norm, norm_len, err)) < 0)
		goto done;
	rc = store_publication_index_put(tx, p->id, norm, (const char *const *)grams, gram_count,
					 err);
done:
	zhnorm_grams_free(grams, gram_count);
	sx_free(norm);
	buf_free(&b);
	return rc;
}

static int publications__apply_publish(struct store_publication *p, const char **kind,
				       const struct service *svc, struct store_tx *tx,
				       const struct service_actor *actor,
				       const struct publications_step *s, struct sx_error *err)
{
	int rc;

	(void)s;
	*kind = "publication.publish";
	if (!publications__may_check(actor, p->agency_id))
		return cases__forbidden(err, "公开前审核由科室负责人或机关负责人办理");
	/* Review before release: the domain refuses the preparer (second_person_required). */
	if ((rc = publications__move(p, PUBLICATION_PUBLISHED, NULL, NULL, actor, err)) < 0)
		return rc;
	cases__now(p->checked_at);
	snprintf(p->checked_by, sizeof(p->checked_by), "%s", actor->user_id);
	snprintf(p->checked_by_name, sizeof(p->checked_by_name), "%s", actor->display_name);
	snprintf(p->published_at, sizeof(p->published_at), "%s", p->checked_at);
	cases__today(p->published_on);
	if ((rc = publications__index(svc, tx, p, err)) < 0)
		return rc;
	if (p->supersedes[0]) {
		/* The corrected version leaves the portal's search; its page says 已更正. */
		struct store_publication old;

		memset(&old, 0, sizeof(old));
		if ((rc = store_publication_get(&old, tx, p->supersedes, true, err)) < 0)
			return rc;
		if (old.withdraw_event_on[0]) {
			store_publication_clear(&old);
			return sx_error_set(err, SX_ECONFLICT, "withdrawal_pending",
					    "原决定已登记撤下事由，请先撤下，不再发布更正");
		}
		snprintf(old.status, sizeof(old.status), "%s", "corrected");
		cases__now(old.updated_at);
		rc = store_publication_update(tx, &old, "published", err);
		if (rc == 0)
			rc = store_publication_index_delete(tx, old.id, err);
		store_publication_clear(&old);
	}
	return rc;
}

int service_publication_publish(struct service_publication *out, const struct service *svc,
				const struct service_actor *actor, const char *id,
				struct sx_error *err)
{
	struct publications_step s = {NULL, NULL, NULL, NULL};

	return publications__change(out, svc, actor, id, publications__apply_publish, &s, err);
}

static int publications__apply_withhold(struct store_publication *p, const char **kind,
					const struct service *svc, struct store_tx *tx,
					const struct service_actor *actor,
					const struct publications_step *s, struct sx_error *err)
{
	int rc;

	(void)svc;
	(void)tx;
	*kind = "publication.withhold";
	if (!publications__may_prepare(actor, p->agency_id))
		return cases__forbidden(err, NULL);
	if ((rc = publications__move(p, PUBLICATION_WITHHELD, s->word, s->text, actor, err)) < 0)
		return rc;
	snprintf(p->withhold_reason, sizeof(p->withhold_reason), "%s", s->word);
	return service_text_copy(p->withhold_text, sizeof(p->withhold_text), s->text, "不予公开理由",
				 512, SERVICE_TEXT_MULTILINE | SERVICE_TEXT_REQUIRED, err);
}

int service_publication_withhold(struct service_publication *out, const struct service *svc,
				 const struct service_actor *actor, const char *id,
				 const char *reason, const char *text, struct sx_error *err)
{
	struct publications_step s = {reason, text, NULL, NULL};

	return publications__change(out, svc, actor, id, publications__apply_withhold, &s, err);
}

static int publications__apply_open_withdrawal(struct store_publication *p, const char **kind,
					       const struct service *svc, struct store_tx *tx,
					       const struct service_actor *actor,
					       const struct publications_step *s,
					       struct sx_error *err)
{
	enum publication_withdraw_reason why;
	struct calendar cal;
	char event_on[11];
	int rc;

	(void)tx;
	*kind = "publication.withdrawal_open";
	if (!publications__may_prepare(actor, p->agency_id))
		return cases__forbidden(err, NULL);
	if (strcmp(p->status, "published") != 0 || p->withdraw_event_on[0])
		return sx_error_set(err, SX_ECONFLICT, "withdrawal_not_applicable",
				    "只能对已公开且尚未登记撤下的决定登记撤下事由");
	/* The reason is checked now, as the withdrawal will check it. */
	if ((rc = publication_transition_check(PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN,
					       s->word, s->text, p->made_by, actor->user_id,
					       err)) < 0)
		return rc;
	if (publication_withdraw_reason_from_code(&why, s->word, err) < 0)
		return SX_EINVALID;
	if ((rc = cases__check_date(event_on, s->date, err)) < 0)
		return rc;
	{
		char today[11];

		cases__today(today);
		if (strcmp(event_on, p->decided_on) < 0 || strcmp(event_on, today) > 0)
			return sx_error_set(err, SX_EINVALID, "bad_event_date",
					    "撤下事由发生日期应在决定作出之日至今天之间");
	}
	if ((rc = service_calendar_load(&cal, svc, err)) < 0)
		return rc;
	rc = publication_withdraw_due(p->withdraw_due_on, &cal, event_on, err);
	calendar_clear(&cal);
	if (rc < 0)
		return rc;
	snprintf(p->withdraw_event_on, sizeof(p->withdraw_event_on), "%s", event_on);
	snprintf(p->withdraw_reason, sizeof(p->withdraw_reason), "%s", s->word);
	return service_text_copy(p->withdraw_text, sizeof(p->withdraw_text), s->text, "撤下说明",
				 512, SERVICE_TEXT_MULTILINE, err);
}

int service_publication_open_withdrawal(struct service_publication *out,
					const struct service *svc,
					const struct service_actor *actor, const char *id,
					const char *reason, const char *text,
					const char *event_on, struct sx_error *err)
{
	struct publications_step s = {reason, text, event_on, NULL};

	return publications__change(out, svc, actor, id, publications__apply_open_withdrawal, &s,
				    err);
}

static int publications__apply_withdraw(struct store_publication *p, const char **kind,
					const struct service *svc, struct store_tx *tx,
					const struct service_actor *actor,
					const struct publications_step *s, struct sx_error *err)
{
	int rc;

	(void)svc;
	(void)s;
	*kind = "publication.withdraw";
	if (!publications__may_prepare(actor, p->agency_id))
		return cases__forbidden(err, NULL);
	if (!p->withdraw_event_on[0])
		return sx_error_set(err, SX_ECONFLICT, "no_withdrawal_task",
				    "请先登记撤下事由（撤销、确认违法或责令重新作出）");
	if ((rc = publications__move(p, PUBLICATION_WITHDRAWN, p->withdraw_reason,
				     p->withdraw_text[0] ? p->withdraw_text : NULL, actor, err)) < 0)
		return rc;
	cases__now(p->withdrawn_at);
	snprintf(p->withdrawn_by, sizeof(p->withdrawn_by), "%s", actor->user_id);
	snprintf(p->withdrawn_by_name, sizeof(p->withdrawn_by_name), "%s", actor->display_name);
	return store_publication_index_delete(tx, p->id, err);
}

int service_publication_withdraw(struct service_publication *out, const struct service *svc,
				 const struct service_actor *actor, const char *id,
				 struct sx_error *err)
{
	struct publications_step s = {NULL, NULL, NULL, NULL};

	return publications__change(out, svc, actor, id, publications__apply_withdraw, &s, err);
}

int service_publication_correct(struct service_publication *out, const struct service *svc,
				const struct service_actor *actor, const char *id,
				const char *reason, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_publication old, p;
	char why[STORE_REASON_SIZE];
	uint64_t index = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ledger_index = -1;
	memset(&old, 0, sizeof(old));
	memset(&p, 0, sizeof(p));
	if ((rc = service_text_copy(why, sizeof(why), reason, "更正理由", 512,
				    SERVICE_TEXT_MULTILINE | SERVICE_TEXT_REQUIRED, err)) < 0)
		return rc;
	if (!id || strlen(id) >= STORE_ID_SIZE)
		return publications__not_found(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	rc = store_publication_get(&old, tx, id, true, err);
	if (rc == SX_ENOTFOUND || (rc == 0 && !publications__may_read(actor, &old)))
		rc = publications__not_found(err);
	if (rc < 0)
		goto done;
	if (!publications__may_prepare(actor, old.agency_id)) {
		rc = cases__forbidden(err, NULL);
		goto done;
	}
	if (strcmp(old.status, "published") != 0 || old.withdraw_event_on[0]) {
		rc = sx_error_set(err, SX_ECONFLICT, "not_correctable",
				  "只能更正已公开且未登记撤下的决定");
		goto done;
	}
	/* The new version starts as a copy of the published one, as a draft. */
	p = old;
	old.full_text = NULL; /* now p's */
	if ((rc = sx_id_new(p.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	p.version = old.version + 1;
	{
		enum publication_act act;
		char today[11];

		cases__today(today);
		if (publication_act_from_code(&act, p.act_type, NULL) < 0)
			act = PUBLICATION_ACT_OTHER;
		/* The correction is a task of its own, due as from the day it is opened. */
		if ((rc = publications__due(p.due_on, svc, act, today, err)) < 0)
			goto done;
	}
	snprintf(p.supersedes, sizeof(p.supersedes), "%s", old.id);
	snprintf(p.status, sizeof(p.status), "%s", "draft");
	p.checked_at[0] = p.checked_by[0] = p.checked_by_name[0] = '\0';
	p.published_at[0] = p.published_on[0] = '\0';
	snprintf(p.returned_reason, sizeof(p.returned_reason), "%s", why);
	cases__now(p.made_at);
	snprintf(p.made_by, sizeof(p.made_by), "%s", actor->user_id);
	snprintf(p.made_by_name, sizeof(p.made_by_name), "%s", actor->display_name);
	snprintf(p.updated_at, sizeof(p.updated_at), "%s", p.made_at);
	if ((rc = store_publication_insert(tx, &p, err)) < 0 ||
	    (rc = publications__event(&index, svc, tx, actor, "publication.correct", &p, err)) < 0)
		goto done;
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	rc = service_publication_get(out, svc, actor, p.id, err);
	if (rc == 0)
		out->ledger_index = (int64_t)index;
done:
	store_rollback(tx);
	store_publication_clear(&old);
	store_publication_clear(&p);
	return rc;
}

/* ---- lists ---- */

void service_publication_page_clear(struct service_publication_page *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++)
		store_publication_clear(&p->items[i].p);
	sx_free(p->items);
	memset(p, 0, sizeof(*p));
}

int service_publication_list(struct service_publication_page *out, const struct service *svc,
			     const struct service_actor *actor,
			     const struct service_publication_query *q, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_publication_filter f;
	struct store_publication *rows = NULL;
	struct calendar cal;
	size_t count = 0;
	bool has_cal = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (q->scope == SERVICE_PUBLICATION_SCOPE_AGENCY) {
		if (actor->role == ACCOUNT_ROLE_SUPERVISOR || actor->role == ACCOUNT_ROLE_ADMIN ||
		    !actor->agency_id[0])
			return cases__forbidden(err, NULL);
		f.agency_id = actor->agency_id;
	} else if (q->scope == SERVICE_PUBLICATION_SCOPE_REGION) {
		if (actor->role != ACCOUNT_ROLE_SUPERVISOR && actor->role != ACCOUNT_ROLE_ADMIN)
			return cases__forbidden(err, NULL);
		if (actor->role == ACCOUNT_ROLE_SUPERVISOR)
			f.region_prefix = actor->region_code;
	} else {
		return sx_error_set(err, SX_EINVALID, "bad_scope", "查询范围不正确");
	}
	if (q->per_page < 1 || q->per_page > 100 || q->page < 1 || q->page > 100000)
		return sx_error_set(err, SX_EINVALID, "bad_page", "分页参数不正确");
	cases__today(out->today);
	out->page = q->page;
	out->per_page = q->per_page;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	{
		struct store_publication_filter c = f;

		c.tasks_only = true;
		c.limit = 1;
		if ((rc = store_publication_list_count(&out->task_count, tx, &c, err)) < 0)
			goto done;
		c.overdue_on = out->today;
		if ((rc = store_publication_list_count(&out->overdue_count, tx, &c, err)) < 0)
			goto done;
	}
	f.tasks_only = q->tasks_only || q->overdue_only;
	f.overdue_on = q->overdue_only ? out->today : NULL;
	f.status = q->status;
	f.limit = q->per_page;
	f.offset = (q->page - 1) * q->per_page;
	if ((rc = store_publication_list_count(&out->total, tx, &f, err)) < 0 ||
	    (rc = store_publication_list(&rows, &count, tx, &f, err)) < 0)
		goto done;
	if (count && !(out->items = sx_calloc(count, sizeof(*out->items)))) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	if (service_calendar_load(&cal, svc, NULL) == 0)
		has_cal = true;
	for (size_t i = 0; i < count; i++) {
		bool task;

		out->items[i].p = rows[i];
		memset(&rows[i], 0, sizeof(rows[i]));
		out->count++;
		publications__deadline(&task, &out->items[i].overdue, &out->items[i].days_left,
				       &out->items[i].p, out->today, has_cal ? &cal : NULL);
	}
done:
	store_rollback(tx);
	if (has_cal)
		calendar_clear(&cal);
	store_publications_free(rows, count);
	if (rc < 0)
		service_publication_page_clear(out);
	return rc;
}

/* ---- the public ---- */

int service_public_decision_get(struct service_publication *out, const struct service *svc,
				const char *id, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_publication *p = &out->p;
	bool fallen;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ledger_index = -1;
	if (!id || strlen(id) >= STORE_ID_SIZE)
		return publications__not_found(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_publication_get(p, tx, id, true, err);
	if (rc == SX_ENOTFOUND ||
	    (rc == 0 && strcmp(p->status, "published") != 0 && strcmp(p->status, "corrected") != 0 &&
	     strcmp(p->status, "withdrawn") != 0))
		rc = publications__not_found(err);
	if (rc == 0)
		rc = publications__answer(out, svc, tx, NULL, err);
	store_rollback(tx);
	if (rc < 0) {
		service_publication_clear(out);
		return rc;
	}
	/* Staff-only fields never reach the public. */
	p->made_by[0] = p->checked_by[0] = p->withdrawn_by[0] = '\0';
	p->made_by_name[0] = p->checked_by_name[0] = p->withdrawn_by_name[0] = '\0';
	p->override_reason[0] = p->returned_reason[0] = '\0';
	p->case_id[0] = p->record_id[0] = '\0';
	fallen = strcmp(p->status, "withdrawn") == 0;
	/* A decision that fell comes down in every version, corrected ones included. */
	for (size_t i = 0; i < out->history_count; i++)
		if (strcmp(out->history[i].status, "withdrawn") == 0)
			fallen = true;
	if (fallen) {
		/* 已撤下: when and why, without the old content. */
		p->party_name[0] = p->party_code[0] = p->category[0] = p->conclusion[0] = '\0';
		p->legal_basis[0] = p->penalty[0] = '\0';
		p->fine_fen = p->confiscation_fen = 0;
		sx_free(p->full_text);
		p->full_text = NULL;
		out->changes[0] = '\0';
	}
	{
		/* Only released versions: a correction still in preparation is nobody's business. */
		size_t kept = 0;

		for (size_t i = 0; i < out->history_count; i++) {
			struct store_publication *h = &out->history[i];

			if (strcmp(h->status, "published") && strcmp(h->status, "corrected") &&
			    strcmp(h->status, "withdrawn")) {
				store_publication_clear(h);
				continue;
			}
			if (kept != i)
				out->history[kept] = *h;
			kept++;
		}
		out->history_count = kept;
	}
	for (size_t i = 0; i < out->history_count; i++) {
		struct store_publication *h = &out->history[i];

		h->made_by[0] = h->checked_by[0] = h->withdrawn_by[0] = '\0';
		h->made_by_name[0] = h->checked_by_name[0] = h->withdrawn_by_name[0] = '\0';
		h->override_reason[0] = h->returned_reason[0] = '\0';
		h->case_id[0] = h->record_id[0] = '\0';
		/* The history lists versions and dates; a version's content is on its own page. */
		h->party_name[0] = h->party_code[0] = h->conclusion[0] = '\0';
		h->legal_basis[0] = h->penalty[0] = h->category[0] = '\0';
	}
	return 0;
}

void service_public_search_page_clear(struct service_public_search_page *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++) {
		store_publication_clear(&p->items[i].p);
		sx_free(p->items[i].snippet);
	}
	sx_free(p->items);
	memset(p, 0, sizeof(*p));
}

int service_public_search(struct service_public_search_page *out, const struct service *svc,
			  const struct service_public_search_query *q, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_publication_search s;
	struct store_publication *rows = NULL;
	char *norm = NULL, **grams = NULL;
	size_t norm_len = 0, gram_count = 0, count = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	if (!svc->zhnorm)
		return sx_error_set(err, SX_EINTERNAL, "zhnorm_unavailable", "全文检索不可用");
	{
		char query[301];

		if (service_text_copy(query, sizeof(query), q->q, "检索词", 100,
				      SERVICE_TEXT_REQUIRED, NULL) < 0)
			return sx_error_set(err, SX_EINVALID, "bad_query",
					    "请输入 1 至 100 个字的检索词");
	}
	if (q->per_page < 1 || q->per_page > 50 || q->page < 1 || q->page > 10000)
		return sx_error_set(err, SX_EINVALID, "bad_page", "分页参数不正确");
	if ((rc = zhnorm_text(&norm, &norm_len, svc->zhnorm, q->q, strlen(q->q), err)) < 0 ||
	    (rc = zhnorm_grams(&grams, &gram_count, norm, norm_len, err)) < 0)
		goto done;
	s.query = norm;
	s.grams = (const char *const *)grams;
	s.gram_count = gram_count;
	s.agency_id = q->agency_id && *q->agency_id ? q->agency_id : NULL;
	s.act_type = q->act_type && *q->act_type ? q->act_type : NULL;
	s.region_prefix = q->region_prefix && *q->region_prefix ? q->region_prefix : NULL;
	s.from_on = q->from_on && *q->from_on ? q->from_on : NULL;
	s.to_on = q->to_on && *q->to_on ? q->to_on : NULL;
	s.limit = q->per_page;
	s.offset = (q->page - 1) * q->per_page;
	out->page = q->page;
	out->per_page = q->per_page;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		goto done;
	if ((rc = store_publication_search(&rows, &count, &out->total, tx, &s, err)) < 0)
		goto done;
	if (count && !(out->items = sx_calloc(count, sizeof(*out->items)))) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		struct service_public_hit *h = &out->items[i];
		struct buf text, snip;

		h->p = rows[i];
		memset(&rows[i], 0, sizeof(rows[i]));
		h->p.made_by[0] = h->p.checked_by[0] = h->p.override_reason[0] = '\0';
		h->p.made_by_name[0] = h->p.checked_by_name[0] = h->p.withdrawn_by_name[0] = '\0';
		h->p.withdrawn_by[0] = h->p.returned_reason[0] = '\0';
		h->p.case_id[0] = h->p.record_id[0] = '\0';
		out->count++;
		struct store_publication full;

		buf_init(&text, 8u * 1024 * 1024);
		buf_init(&snip, 64u * 1024);
		/* The snippet comes from what was indexed, the full text included. */
		rc = store_publication_get(&full, tx, h->p.id, true, err);
		if (rc == 0) {
			rc = publications__public_text(&text, &full);
			store_publication_clear(&full);
		} else {
			buf_free(&text);
			buf_free(&snip);
			goto done;
		}
		if (rc == 0)
			rc = zhnorm_highlight(&snip, svc->zhnorm, text.data ? text.data : "",
					      text.len, q->q, strlen(q->q),
					      PUBLICATIONS_SNIPPET_CHARS, err);
		else
			rc = sx_error_set(err, rc, NULL, NULL);
		if (rc == 0 && !(h->snippet = sx_strdup(snip.data ? snip.data : "")))
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		buf_free(&text);
		buf_free(&snip);
		if (rc < 0)
			goto done;
	}
done:
	store_rollback(tx);
	store_publications_free(rows, count);
	zhnorm_grams_free(grams, gram_count);
	sx_free(norm);
	if (rc < 0)
		service_public_search_page_clear(out);
	return rc;
}

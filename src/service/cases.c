/*
 * service/cases — see cases.h. Records and their documents are in
 * case_records.c; this file holds the case itself: opening, reading (调阅),
 * lists, moves between stages with their gates, hearing requests, deadline
 * extensions and recording exemptions.
 */
#include "service/cases.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "domain/fieldact.h"
#include "domain/idcheck.h"
#include "domain/matter.h"
#include "domain/recording.h"
#include "service/case_internal.h"
#include "service/ledger.h"
#include "service/matter_json.h"
#include "service/text.h"

/* ---- small things shared with case_records.c (case_internal.h) ---- */

void cases__today(char out[11])
{
	int y, m, d;

	sx_time_shanghai_date(&y, &m, &d, sx_time_now_us());
	sx_date_format(out, y, m, d);
}

void cases__now(char out[STORE_TIME_SIZE])
{
	sx_time_format_utc(out, sx_time_now_us());
}

int cases__not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "case_not_found", "案件不存在或您无权查看");
}

int cases__forbidden(struct sx_error *err, const char *message)
{
	return sx_error_set(err, SX_EPERM, "forbidden", message ? message : "您无权办理该案件");
}

bool cases__same_agency(const struct service_actor *actor, const char *agency_id)
{
	return actor->agency_id[0] != '\0' && strcmp(actor->agency_id, agency_id) == 0;
}

int cases__check_date(char out[11], const char *date, struct sx_error *err)
{
	int y, m, d;

	if (!date || !*date) {
		cases__today(out);
		return 0;
	}
	if (sx_date_parse(&y, &m, &d, date, strlen(date)) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_date", "日期格式应为 YYYY-MM-DD");
	sx_date_format(out, y, m, d);
	return 0;
}

/* The actor's own officer row (linked account), if any. */
int cases__actor_officer(struct store_officer *out, bool *found, struct store_tx *tx,
			 const struct service_actor *actor, struct sx_error *err)
{
	int rc;

	*found = false;
	if (actor->role != ACCOUNT_ROLE_OFFICER && actor->role != ACCOUNT_ROLE_UNIT_HEAD &&
	    actor->role != ACCOUNT_ROLE_AGENCY_HEAD)
		return 0;
	rc = store_officer_by_user(out, tx, actor->user_id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		return 0;
	}
	if (rc < 0)
		return rc;
	*found = true;
	return 0;
}

int cases__load(struct case_ctx *cx, struct store_tx *tx, const struct service_actor *actor,
		const char *case_id, struct sx_error *err)
{
	struct store_officer self;
	bool has_self;
	size_t i;
	int rc;

	memset(cx, 0, sizeof(*cx));
	if (!case_id || !*case_id || strlen(case_id) >= STORE_ID_SIZE)
		return cases__not_found(err);
	rc = store_case_get(&cx->c, tx, case_id, err);
	if (rc == SX_ENOTFOUND)
		return cases__not_found(err);
	if (rc < 0)
		return rc;
	if ((rc = store_agency_get(&cx->agency, tx, cx->c.agency_id, err)) < 0)
		return rc;
	if ((rc = store_case_officers(&cx->officers, &cx->officer_count, tx, case_id, err)) < 0)
		return rc;
	if ((rc = cases__actor_officer(&self, &has_self, tx, actor, err)) < 0)
		goto fail;
	for (i = 0; has_self && i < cx->officer_count; i++)
		if (strcmp(cx->officers[i].officer_id, self.id) == 0)
			cx->actor_on_case = true;
	if (!cases__may_read(actor, cx)) {
		rc = cases__not_found(err);
		goto fail;
	}
	return 0;
fail:
	cases__ctx_clear(cx);
	return rc;
}

void cases__ctx_clear(struct case_ctx *cx)
{
	sx_free(cx->officers);
	memset(cx, 0, sizeof(*cx));
}

bool cases__may_read(const struct service_actor *actor, const struct case_ctx *cx)
{
	struct account_actor view = {actor->role, actor->agency_id, actor->region_code};

	switch (actor->role) {
	case ACCOUNT_ROLE_ADMIN:
		return true;
	case ACCOUNT_ROLE_SUPERVISOR:
		return account_scope_covers(ACCOUNT_SCOPE_REGION, &view, cx->agency.id,
					    cx->agency.region_code);
	case ACCOUNT_ROLE_OFFICER:
		return cx->actor_on_case;
	case ACCOUNT_ROLE_UNIT_HEAD:
	case ACCOUNT_ROLE_REVIEWER:
	case ACCOUNT_ROLE_AGENCY_HEAD:
		return cases__same_agency(actor, cx->c.agency_id);
	}
	return false;
}

bool cases__may_work(const struct service_actor *actor, const struct case_ctx *cx)
{
	switch (actor->role) {
	case ACCOUNT_ROLE_OFFICER:
		return cx->actor_on_case;
	case ACCOUNT_ROLE_UNIT_HEAD:
	case ACCOUNT_ROLE_AGENCY_HEAD:
		return cases__same_agency(actor, cx->c.agency_id);
	default:
		return false;
	}
}

static void cases__sha256_hex(char out[STORE_SHA256_HEX_SIZE], const char *text)
{
	if (crypto_hash_hex(out, CRYPTO_HASH_SHA256, text, strlen(text)) < 0)
		out[0] = '\0';
}

int cases__log_access(uint64_t *index, const struct service *svc, struct store_tx *tx,
		      const struct service_actor *actor, const struct case_ctx *cx,
		      const char *object_type, const char *object_id, const char *action,
		      const char *reason, const char *remote_addr, struct sx_error *err)
{
	struct store_case_access a;
	char reason_hash[STORE_SHA256_HEX_SIZE];
	int rc;

	memset(&a, 0, sizeof(a));
	if (!cx->actor_on_case || (reason && !service_text_is_blank(reason))) {
		if ((rc = service_text_copy(a.reason, sizeof(a.reason), reason, "调阅理由", 512,
					    SERVICE_TEXT_REQUIRED, err)) < 0) {
			if (rc == SX_EINVALID && strcmp(err ? err->code : "", "field_required") == 0)
				return sx_error_set(err, SX_EINVALID, "reason_required",
						    "调阅案卷须填写理由");
			return rc;
		}
	} else {
		snprintf(a.reason, sizeof(a.reason), "%s", SERVICE_CASE_OPEN_REASON);
	}
	if ((rc = sx_id_new(a.id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	snprintf(a.case_id, sizeof(a.case_id), "%s", cx->c.id);
	snprintf(a.agency_id, sizeof(a.agency_id), "%s", cx->c.agency_id);
	snprintf(a.object_type, sizeof(a.object_type), "%s", object_type);
	snprintf(a.object_id, sizeof(a.object_id), "%s", object_id);
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.actor_id, sizeof(a.actor_id), "%s", actor->user_id);
	snprintf(a.actor_name, sizeof(a.actor_name), "%s",
		 actor->display_name[0] ? actor->display_name : actor->username);
	snprintf(a.remote_addr, sizeof(a.remote_addr), "%s", remote_addr ? remote_addr : "");
	cases__now(a.at);
	if ((rc = store_case_access_insert(tx, &a, err)) < 0)
		return rc;
	cases__sha256_hex(reason_hash, a.reason);
	{
		const char *fields[] = {"access_id", a.id, "case_id", a.case_id,
					"object_type", a.object_type, "object_id", a.object_id,
					"action", a.action, "actor_id", a.actor_id,
					"reason_sha256", reason_hash, NULL};

		return service_ledger_record_fields(index, svc, tx, "case.access", a.case_id, fields,
						    err);
	}
}

int cases__event(uint64_t *index, const struct service *svc, struct store_tx *tx,
		 const struct service_actor *actor, const char *kind, const char *object_type,
		 const char *object_id, const char *entity_id, const char *const *fields,
		 struct sx_error *err)
{
	struct store_audit ev = {actor->user_id, kind, object_type, object_id, NULL};
	int rc;

	if ((rc = store_audit_append(tx, &ev, err)) < 0)
		return rc;
	return service_ledger_record_fields(index, svc, tx, kind, entity_id, fields, err);
}

int cases__format_number(char out[STORE_CASE_NO_SIZE], struct store_tx *tx,
			 const char *agency_id, const char *word, int64_t year, int64_t *seq,
			 struct sx_error *err)
{
	struct store_case_settings settings;
	int rc;

	rc = store_case_settings_get(&settings, tx, agency_id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		settings.doc_prefix[0] = '\0';
	} else if (rc < 0) {
		return rc;
	}
	if ((rc = store_doc_counter_next(seq, tx, agency_id, word, year, err)) < 0)
		return rc;
	/* 〔〕 are the brackets GB/T 9704-2012 7.2.4 prescribes for the year of a 发文字号. */
	if ((size_t)snprintf(out, STORE_CASE_NO_SIZE, "%s%s〔%lld〕%lld号", settings.doc_prefix, word,
			     (long long)year, (long long)*seq) >= STORE_CASE_NO_SIZE)
		return sx_error_set(err, SX_ETOOBIG, "doc_no_too_long", "文号过长，请缩短文书简称");
	return 0;
}

/* ---- the matter of a case ---- */

/* The matter `code` of the agency's list in force on `on`, and the version number. */
static int cases__matter(struct matter *out, int64_t *version, struct store_tx *tx,
			 const char *agency_id, const char *code, const char *on,
			 struct sx_error *err)
{
	struct store_list_version v;
	struct store_list_item *items = NULL;
	struct store_list_item_filter filter = {code, false, false, true};
	size_t count = 0;
	int rc;

	rc = store_list_version_current(&v, tx, agency_id, on, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "no_list_in_force",
				    "本机关在立案日期尚无生效的执法事项清单");
	if (rc < 0)
		return rc;
	if ((rc = store_list_items(&items, &count, tx, v.id, &filter, err)) < 0)
		return rc;
	if (count == 0 || !items[0].body) {
		rc = sx_error_set(err, SX_ENOTFOUND, "matter_not_found",
				  "执法事项不在本机关现行清单中");
		goto done;
	}
	rc = matter_json_parse(out, items[0].body, strlen(items[0].body), err);
	*version = v.version;
done:
	store_list_items_free(items, count);
	return rc;
}

int cases__matter_of(struct matter *out, struct store_tx *tx, const struct store_case *c,
		     struct sx_error *err)
{
	struct store_list_version v;
	struct store_list_item *items = NULL;
	struct store_list_item_filter filter = {c->matter_code, false, false, true};
	size_t count = 0;
	int rc;

	if ((rc = store_list_version_get(&v, tx, c->agency_id, c->list_version, err)) < 0)
		return rc;
	if ((rc = store_list_items(&items, &count, tx, v.id, &filter, err)) < 0)
		return rc;
	if (count == 0 || !items[0].body)
		rc = sx_error_set(err, SX_ECORRUPT, "matter_missing", "案件的执法事项在清单中不存在");
	else
		rc = matter_json_parse(out, items[0].body, strlen(items[0].body), err);
	store_list_items_free(items, count);
	return rc;
}

static enum matter_act_type cases__act_type_of(enum casefile_kind kind)
{
	switch (kind) {
	case CASEFILE_KIND_INSPECTION:
		return MATTER_ACT_INSPECTION;
	case CASEFILE_KIND_COERCION:
		return MATTER_ACT_COERCION;
	case CASEFILE_KIND_PENALTY:
	default:
		return MATTER_ACT_PENALTY;
	}
}

/* ---- state of a case for the domain rules ---- */

int cases__state(struct casefile_state *out, const struct store_case *c, struct sx_error *err)
{
	memset(out, 0, sizeof(*out));
	if (casefile_kind_from_code(&out->kind, c->kind) < 0 ||
	    casefile_procedure_from_code(&out->procedure, c->procedure) < 0 ||
	    casefile_stage_from_code(&out->stage, c->stage) < 0)
		return sx_error_set(err, SX_ECORRUPT, "bad_case_row", "案件数据已损坏");
	out->major = c->major;
	out->hearing_requested = c->hearing_requested;
	return 0;
}

/*
 * The transition check with the legal review's gate (service/reviews): the
 * domain refuses a major case's move past the review without review_passed
 * ("review_required"); the review says more precisely why — no review of the
 * current draft, a review that did not pass, a missing 集体讨论 before the
 * decision (《行政处罚法》第五十七条第二款, 第五十八条).
 */
static int cases__check_move(const struct casefile_state *s, const struct service_case_review *rv,
			     enum casefile_stage to, const char *reason, struct sx_error *err)
{
	struct sx_error why;
	int rc, gate;

	sx_error_clear(&why);
	rc = casefile_transition_check(s, to, reason, &why);
	if (rc < 0 && !(rc == SX_ECONFLICT && strcmp(why.code, "review_required") == 0))
		goto done;
	if (to == CASEFILE_STAGE_DECISION || rc < 0) {
		struct sx_error g;

		sx_error_clear(&g);
		gate = reviews__decision_gate(rv, to == CASEFILE_STAGE_DECISION, &g);
		if (gate < 0) {
			rc = gate;
			why = g;
		}
	}
done:
	if (rc < 0 && err)
		*err = why;
	return rc;
}

/* The audio/video requirements of the matter, mapped to this case's stages. */
static int cases__av_requirements(struct service_case_av **out, size_t *count,
				  const struct matter *m, enum casefile_kind kind,
				  struct sx_error *err)
{
	struct service_case_av *av = NULL;
	size_t n = 0, i;

	*out = NULL;
	*count = 0;
	if (m->av_requirement == MATTER_AV_NONE || m->av_stage_count == 0)
		return 0;
	if (!(av = sx_calloc(m->av_stage_count, sizeof(*av))))
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (i = 0; i < m->av_stage_count; i++) {
		enum casefile_stage st;

		if (casefile_stage_for_av_name(&st, kind, m->av_stages[i].stage) < 0)
			continue; /* a stage this kind of case does not have */
		snprintf(av[n].stage, sizeof(av[n].stage), "%s", casefile_stage_code(st));
		snprintf(av[n].av_name, sizeof(av[n].av_name), "%s", m->av_stages[i].stage);
		av[n].full_process = m->av_requirement == MATTER_AV_FULL_PROCESS ||
				     m->av_stages[i].full_process;
		n++;
	}
	*out = av;
	*count = n;
	return 0;
}

/* Runs the recording gate for leaving `stage`; fills met/exempted of every requirement. */
static int cases__recording_gate(struct service_case *sc, const char *stage, struct sx_error *err)
{
	struct recording_requirement *reqs = NULL;
	struct recording_evidence *ev = NULL;
	struct recording_exemption *ex = NULL;
	const struct recording_requirement *missing = NULL;
	size_t i, j, nev = 0;
	int rc = 0;

	if (sc->av_count == 0)
		return 0;
	reqs = sx_calloc(sc->av_count, sizeof(*reqs));
	ev = sx_calloc(sc->evidence_count + 1, sizeof(*ev));
	ex = sx_calloc(sc->exemption_count + 1, sizeof(*ex));
	if (!reqs || !ev || !ex) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	for (i = 0; i < sc->av_count; i++) {
		reqs[i].stage = sc->av[i].stage;
		reqs[i].av_name = sc->av[i].av_name;
		reqs[i].full_process = sc->av[i].full_process;
	}
	for (i = 0; i < sc->evidence_count; i++) {
		if (sc->evidence[i].deleted_at[0])
			continue;
		if (recording_kind_from_code(&ev[nev].kind, sc->evidence[i].meta.kind, NULL) < 0)
			continue;
		ev[nev++].stage = sc->evidence[i].meta.stage;
	}
	for (i = 0; i < sc->exemption_count; i++) {
		ex[i].stage = sc->exemptions[i].stage;
		ex[i].reason = sc->exemptions[i].reason;
	}
	/* What is met, for the page: each requirement checked on its own. */
	for (i = 0; i < sc->av_count; i++) {
		struct sx_error ignored;

		sc->av[i].met = recording_gate_check(NULL, sc->av[i].stage, &reqs[i], 1, ev, nev, ex,
						     sc->exemption_count, &ignored) == 0;
		for (j = 0; j < sc->exemption_count; j++)
			if (strcmp(ex[j].stage, sc->av[i].stage) == 0)
				sc->av[i].exempted = true;
	}
	if (stage)
		rc = recording_gate_check(&missing, stage, reqs, sc->av_count, ev, nev, ex,
					  sc->exemption_count, err);
done:
	sx_free(reqs);
	sx_free(ev);
	sx_free(ex);
	return rc;
}

/* Whether only the agency head may move from `from` to `to`. */
static bool cases__needs_head(enum casefile_stage from, enum casefile_stage to)
{
	if (to == CASEFILE_STAGE_DECISION)
		return true;
	/* Closing a case without a decision (撤销立案, 不予处罚, 解除强制措施). */
	return to == CASEFILE_STAGE_CLOSED && !casefile_stage_is_decided(from) &&
	       from != CASEFILE_STAGE_HANDLING && from != CASEFILE_STAGE_RECHECK;
}

static bool cases__may_move(const struct service_actor *actor, const struct case_ctx *cx,
			    enum casefile_stage from, enum casefile_stage to)
{
	if (!cases__may_work(actor, cx))
		return false;
	if (cases__needs_head(from, to))
		return actor->role == ACCOUNT_ROLE_AGENCY_HEAD;
	if (to == CASEFILE_STAGE_ARCHIVED)
		return actor->role == ACCOUNT_ROLE_AGENCY_HEAD || actor->role == ACCOUNT_ROLE_UNIT_HEAD;
	return true;
}

void cases__mask(struct store_case *c)
{
	char masked[STORE_CODE_SIZE];

	if (strcmp(c->party_type, "person") == 0 && c->party_id_code[0]) {
		if (idcheck_mask_person_id(masked, sizeof(masked), c->party_id_code,
					   strlen(c->party_id_code)) < 0)
			snprintf(masked, sizeof(masked), "%s", "已隐藏");
		snprintf(c->party_id_code, sizeof(c->party_id_code), "%s", masked);
	}
	if (c->party_phone[0])
		snprintf(c->party_phone, sizeof(c->party_phone), "%s", "已隐藏");
}

bool cases__may_see_secrets(const struct service_actor *actor, const char *agency_id)
{
	return account_can_see_id_numbers(actor->role) &&
	       (actor->role == ACCOUNT_ROLE_ADMIN || cases__same_agency(actor, agency_id));
}

/* Fills sc from cx (moved into it: cx's arrays belong to sc afterwards). */
static int cases__fill(struct service_case *sc, struct case_ctx *cx, struct store_tx *tx,
		       const struct service_actor *actor, struct sx_error *err)
{
	struct casefile_state state;
	struct matter m;
	enum casefile_stage next[CASEFILE_STAGE_COUNT];
	struct sx_error gate;
	size_t n = 0, i;
	char today[11];
	int rc, gate_rc;

	memset(&m, 0, sizeof(m));
	memset(sc, 0, sizeof(*sc));
	sc->ledger_index = -1;
	sc->c = cx->c;
	snprintf(sc->agency_name, sizeof(sc->agency_name), "%s", cx->agency.name);
	sc->actor_on_case = cx->actor_on_case;
	sc->officers = cx->officers;
	sc->officer_count = cx->officer_count;
	cx->officers = NULL;
	cx->officer_count = 0;
	for (i = 0; i < sc->officer_count; i++)
		sc->officers[i].officer.id_number[0] = '\0';
	sc->secrets_visible = cases__may_see_secrets(actor, sc->c.agency_id);
	if (!sc->secrets_visible)
		cases__mask(&sc->c);
	if ((rc = store_case_transitions(&sc->transitions, &sc->transition_count, tx, sc->c.id,
					 err)) < 0 ||
	    (rc = store_case_records(&sc->records, &sc->record_count, tx, sc->c.id, false, err)) < 0 ||
	    (rc = store_evidence_list(&sc->evidence, &sc->evidence_count, tx, sc->c.id, err)) < 0 ||
	    (rc = store_recording_exemptions(&sc->exemptions, &sc->exemption_count, tx, sc->c.id,
					     err)) < 0)
		goto done;
	if ((rc = cases__state(&state, &cx->c, err)) < 0)
		goto done;
	if ((rc = reviews__case_review(&sc->review, tx, &cx->c, sc->transitions,
				       sc->transition_count, err)) < 0)
		goto done;
	state.major = sc->review.major;
	state.review_passed = sc->review.review_passed;
	if ((rc = cases__matter_of(&m, tx, &cx->c, err)) < 0)
		goto done;
	if ((rc = cases__av_requirements(&sc->av, &sc->av_count, &m, state.kind, err)) < 0)
		goto done;
	/*
	 * The recording gate of the stage the case is in: the same for every move
	 * out of it, so it is checked once here (this also fills sc->av's met
	 * flags); a blocked gate is SX_ECONFLICT, anything else a failure.
	 */
	sx_error_clear(&gate);
	gate_rc = cases__recording_gate(sc, sc->c.stage, &gate);
	if (gate_rc < 0 && gate_rc != SX_ECONFLICT) {
		rc = gate_rc;
		if (err)
			*err = gate;
		goto done;
	}
	cases__today(today);
	sc->has_deadline = sc->c.due_on[0] != '\0';
	if (sc->has_deadline && !sc->c.decided_on[0]) {
		sc->overdue = casefile_is_overdue(state.kind, state.stage, sc->c.due_on, today);
		if (casefile_days_left(&sc->days_left, sc->c.due_on, today) < 0)
			sc->days_left = 0;
	}
	casefile_next_stages(next, &n, &state);
	for (i = 0; i < n && sc->next_count < CASEFILE_STAGE_COUNT; i++) {
		struct service_case_next *x = &sc->next[sc->next_count++];
		struct sx_error why;

		sx_error_clear(&why);
		snprintf(x->stage, sizeof(x->stage), "%s", casefile_stage_code(next[i]));
		snprintf(x->label, sizeof(x->label), "%s", casefile_stage_label(next[i]));
		x->needs_reason = casefile_transition_needs_reason(state.kind, state.procedure,
								   state.stage, next[i]);
		x->needs_agency_head = cases__needs_head(state.stage, next[i]);
		x->allowed = cases__check_move(&state, &sc->review, next[i], "理由", &why) == 0;
		if (x->allowed && gate_rc < 0) {
			x->allowed = false;
			why = gate;
		}
		if (x->allowed && !cases__may_move(actor, cx, state.stage, next[i])) {
			x->allowed = false;
			sx_error_set(&why, SX_EPERM, x->needs_agency_head ? "agency_head_required"
									  : "forbidden",
				     x->needs_agency_head ? "这一步须由机关负责人决定"
							  : "您无权办理这一步");
		}
		if (!x->allowed) {
			snprintf(x->blocked_code, sizeof(x->blocked_code), "%s", why.code);
			snprintf(x->blocked_message, sizeof(x->blocked_message), "%s", why.message);
		}
	}
	rc = 0;
done:
	matter_clear(&m);
	if (rc < 0)
		service_case_clear(sc);
	return rc;
}

void service_case_clear(struct service_case *c)
{
	if (!c)
		return;
	sx_free(c->officers);
	sx_free(c->transitions);
	store_case_records_free(c->records, c->record_count);
	sx_free(c->evidence);
	sx_free(c->exemptions);
	sx_free(c->av);
	store_case_draft_clear(&c->review.draft);
	store_review_clear(&c->review.review);
	memset(c, 0, sizeof(*c));
	c->ledger_index = -1;
}

/* Reads the case anew in tx (after a change) into out. */
static int cases__reload(struct service_case *out, struct store_tx *tx,
			 const struct service_actor *actor, const char *case_id,
			 struct sx_error *err)
{
	struct case_ctx cx;
	int rc;

	if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
		return rc;
	rc = cases__fill(out, &cx, tx, actor, err);
	cases__ctx_clear(&cx);
	return rc;
}

/* Commits tx after a change and gives out the case as it now is. */
static int cases__finish(struct service_case *out, const struct service *svc,
			 struct store_tx *tx, const struct service_actor *actor,
			 const char *case_id, uint64_t index, struct sx_error *err)
{
	struct store_tx *rtx = NULL;
	char id[STORE_ID_SIZE];
	int rc;

	/* case_id may point into *out (a page passing back the case it shows). */
	snprintf(id, sizeof(id), "%s", case_id);
	if ((rc = store_commit(tx, err)) < 0)
		return rc;
	if (!out)
		return 0;
	if ((rc = store_begin(&rtx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = cases__reload(out, rtx, actor, id, err);
	store_rollback(rtx);
	if (rc == 0)
		out->ledger_index = (int64_t)index;
	return rc;
}

/* ---- opening a case ---- */

static int cases__check_party(struct store_case *c, const struct service_case_input *in,
			      struct sx_error *err)
{
	char reason[SX_ERROR_MESSAGE_MAX - 48], msg[SX_ERROR_MESSAGE_MAX];
	int rc;

	if (!in->party_type || (strcmp(in->party_type, "person") != 0 &&
				strcmp(in->party_type, "organization") != 0))
		return sx_error_set(err, SX_EINVALID, "bad_party",
				    "当事人类型应为 person（自然人）或 organization（法人或其他组织）");
	snprintf(c->party_type, sizeof(c->party_type), "%s", in->party_type);
	if ((rc = service_text_copy(c->party_name, sizeof(c->party_name), in->party_name,
				    "当事人名称", 64, SERVICE_TEXT_REQUIRED, err)) < 0 ||
	    (rc = service_text_copy(c->party_id_code, sizeof(c->party_id_code), in->party_id_code,
				    "当事人证件号码", 18, 0, err)) < 0 ||
	    (rc = service_text_copy(c->party_phone, sizeof(c->party_phone), in->party_phone,
				    "联系电话", 64, 0, err)) < 0 ||
	    (rc = service_text_copy(c->party_address, sizeof(c->party_address), in->party_address,
				    "地址", 128, 0, err)) < 0)
		return rc;
	if (!c->party_id_code[0])
		return 0;
	if (strcmp(c->party_type, "person") == 0) {
		if (idcheck_person_id_explain(reason, sizeof(reason), c->party_id_code,
					      strlen(c->party_id_code)) < 0) {
			snprintf(msg, sizeof(msg), "当事人身份证号码有误：%s", reason);
			return sx_error_set(err, SX_EINVALID, "bad_id_number", msg);
		}
	} else if (idcheck_credit_code_explain(reason, sizeof(reason), c->party_id_code,
					       strlen(c->party_id_code)) < 0) {
		snprintf(msg, sizeof(msg), "统一社会信用代码有误：%s", reason);
		return sx_error_set(err, SX_EINVALID, "bad_credit_code", msg);
	}
	return 0;
}

static int cases__insert_officers(struct store_tx *tx, const struct service_actor *actor,
				  const struct store_case *c, const struct service_case_input *in,
				  struct sx_error *err)
{
	size_t i, distinct = 0;
	int rc;

	if (in->officer_count > SERVICE_CASE_MAX_OFFICERS)
		return sx_error_set(err, SX_EINVALID, "too_many_officers", "执法人员过多（最多 20 名）");
	for (i = 0; i < in->officer_count; i++) {
		struct store_case_officer co;
		struct store_officer o;

		memset(&co, 0, sizeof(co));
		if (!in->officer_ids[i] || strlen(in->officer_ids[i]) >= STORE_ID_SIZE)
			return sx_error_set(err, SX_ENOTFOUND, "officer_not_found", "执法人员不存在");
		rc = store_officer_get(&o, tx, in->officer_ids[i], err);
		if (rc == SX_ENOTFOUND || (rc == 0 && strcmp(o.agency_id, c->agency_id) != 0))
			return sx_error_set(err, SX_ENOTFOUND, "officer_not_found",
					    "执法人员不存在或不属于本机关");
		if (rc < 0)
			return rc;
		snprintf(co.case_id, sizeof(co.case_id), "%s", c->id);
		snprintf(co.officer_id, sizeof(co.officer_id), "%s", o.id);
		snprintf(co.role, sizeof(co.role), "%s", distinct == 0 ? "lead" : "assist");
		snprintf(co.added_at, sizeof(co.added_at), "%s", c->created_at);
		snprintf(co.added_by, sizeof(co.added_by), "%s", actor->user_id);
		rc = store_case_officer_add(tx, &co, err);
		if (rc == SX_EEXISTS) {
			sx_error_clear(err);
			continue; /* named twice: once is enough */
		}
		if (rc < 0)
			return rc;
		distinct++;
	}
	/* 《行政处罚法》第四十二条: 执法人员不得少于两人. */
	if (distinct < FIELDACT_MIN_OFFICERS)
		return sx_error_set(err, SX_EINVALID, "two_officers_required",
				    "案件须指定两名以上本机关执法人员（第一名为承办人）");
	return 0;
}

int service_case_open(struct service_case *out, const struct service *svc,
		      const struct service_actor *actor, const struct service_case_input *in,
		      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case c;
	struct store_case_transition t;
	struct store_agency agency;
	struct matter m;
	enum casefile_kind kind;
	enum casefile_procedure proc = CASEFILE_PROC_GENERAL;
	uint64_t index = 0;
	int64_t seq, year;
	int y, mo, d, rc;

	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	if (out)
		memset(out, 0, sizeof(*out));
	if (actor->role != ACCOUNT_ROLE_OFFICER && actor->role != ACCOUNT_ROLE_UNIT_HEAD &&
	    actor->role != ACCOUNT_ROLE_AGENCY_HEAD)
		return cases__forbidden(err, "只有执法机关的执法人员和负责人可以立案");
	if (in->agency_id && *in->agency_id && !cases__same_agency(actor, in->agency_id))
		return cases__forbidden(err, "只能为本机关立案");
	if (!in->kind || casefile_kind_from_code(&kind, in->kind) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_kind",
				    "案件类别应为 penalty（处罚）、inspection（检查）或 coercion（强制）");
	if (in->procedure && *in->procedure && casefile_procedure_from_code(&proc, in->procedure) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_procedure",
				    "程序应为 general（普通程序）或 simple（简易程序）");
	if ((rc = casefile_kind_procedure_check(kind, proc, err)) < 0)
		return rc;
	if ((rc = cases__check_party(&c, in, err)) < 0)
		return rc;
	if (proc == CASEFILE_PROC_SIMPLE &&
	    (rc = casefile_simple_eligible(strcmp(c.party_type, "person") == 0,
					   in->fine_fen < 0 ? 0 : in->fine_fen, err)) < 0)
		return rc;
	if ((rc = service_text_copy(c.cause, sizeof(c.cause), in->cause, "案由", 256,
				    SERVICE_TEXT_REQUIRED, err)) < 0)
		return rc;
	if ((rc = cases__check_date(c.started_on, in->started_on, err)) < 0)
		return rc;
	if (!in->matter_code || !*in->matter_code || strlen(in->matter_code) >= STORE_CODE_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "matter_not_found", "请选择执法事项");

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_agency_get(&agency, tx, actor->agency_id, err)) < 0)
		goto fail;
	if (!agency.active) {
		rc = sx_error_set(err, SX_ECONFLICT, "agency_inactive", "本机关已停用，不能立案");
		goto fail;
	}
	if ((rc = cases__matter(&m, &c.list_version, tx, agency.id, in->matter_code, c.started_on,
				err)) < 0)
		goto fail;
	if (m.act_type != cases__act_type_of(kind)) {
		rc = sx_error_set(err, SX_ECONFLICT, "matter_kind_mismatch",
				  "所选执法事项的类别与案件类别不符");
		goto fail;
	}
	if ((rc = sx_id_new(c.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto fail;
	}
	snprintf(c.agency_id, sizeof(c.agency_id), "%s", agency.id);
	snprintf(c.kind, sizeof(c.kind), "%s", casefile_kind_code(kind));
	snprintf(c.procedure, sizeof(c.procedure), "%s", casefile_procedure_code(proc));
	snprintf(c.matter_code, sizeof(c.matter_code), "%s", m.code);
	snprintf(c.matter_name, sizeof(c.matter_name), "%s", m.name);
	snprintf(c.stage, sizeof(c.stage), "%s", casefile_stage_code(casefile_first_stage(kind, proc)));
	c.major = m.major_decision;
	rc = casefile_decision_due(c.due_on, kind, c.started_on, 0, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		c.due_on[0] = '\0';
	} else if (rc < 0) {
		goto fail;
	}
	cases__now(c.created_at);
	snprintf(c.updated_at, sizeof(c.updated_at), "%s", c.created_at);
	snprintf(c.created_by, sizeof(c.created_by), "%s", actor->user_id);
	sx_date_parse(&y, &mo, &d, c.started_on, 10);
	year = y;
	if ((rc = cases__format_number(c.case_no, tx, agency.id, "案", year, &seq, err)) < 0)
		goto fail;
	if ((rc = store_case_insert(tx, &c, err)) < 0)
		goto fail;
	if ((rc = cases__insert_officers(tx, actor, &c, in, err)) < 0)
		goto fail;
	memset(&t, 0, sizeof(t));
	if ((rc = sx_id_new(t.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto fail;
	}
	snprintf(t.case_id, sizeof(t.case_id), "%s", c.id);
	t.seq = 1;
	snprintf(t.to_stage, sizeof(t.to_stage), "%s", c.stage);
	snprintf(t.reason, sizeof(t.reason), "%s", "立案");
	snprintf(t.at, sizeof(t.at), "%s", c.created_at);
	snprintf(t.by_id, sizeof(t.by_id), "%s", actor->user_id);
	snprintf(t.by_name, sizeof(t.by_name), "%s",
		 actor->display_name[0] ? actor->display_name : actor->username);
	if ((rc = store_case_transition_insert(tx, &t, err)) < 0)
		goto fail;
	{
		const char *fields[] = {"case_id", c.id, "case_no", c.case_no, "agency_id", c.agency_id,
					"kind", c.kind, "procedure", c.procedure,
					"matter_code", c.matter_code, "stage", c.stage,
					"started_on", c.started_on, "due_on", c.due_on, NULL};

		if ((rc = cases__event(&index, svc, tx, actor, "case.open", "case", c.id, c.id, fields,
				       err)) < 0)
			goto fail;
	}
	matter_clear(&m);
	return cases__finish(out, svc, tx, actor, c.id, index, err);
fail:
	matter_clear(&m);
	store_rollback(tx);
	return rc;
}

/* ---- reading ---- */

int service_case_get(struct service_case *out, const struct service *svc,
		     const struct service_actor *actor, const char *case_id, const char *reason,
		     const char *remote_addr, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	char id[STORE_ID_SIZE];
	uint64_t index = 0;
	int rc;

	snprintf(id, sizeof(id), "%s", case_id ? case_id : ""); /* may point into *out */
	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = cases__load(&cx, tx, actor, id, err)) < 0)
		goto fail;
	if ((rc = cases__log_access(&index, svc, tx, actor, &cx, "case", cx.c.id, "view", reason,
				    remote_addr, err)) < 0)
		goto fail_ctx;
	if ((rc = cases__fill(out, &cx, tx, actor, err)) < 0)
		goto fail_ctx;
	cases__ctx_clear(&cx);
	if ((rc = store_commit(tx, err)) < 0) {
		service_case_clear(out);
		return rc;
	}
	out->ledger_index = (int64_t)index;
	return 0;
fail_ctx:
	cases__ctx_clear(&cx);
fail:
	store_rollback(tx);
	return rc;
}

void service_case_page_clear(struct service_case_page *p)
{
	if (!p)
		return;
	sx_free(p->items);
	memset(p, 0, sizeof(*p));
}

int service_case_list(struct service_case_page *out, const struct service *svc,
		      const struct service_actor *actor, const struct service_case_query *q,
		      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case_filter f;
	struct store_officer self;
	char prefix[8];
	bool has_self = false;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	out->per_page = q->per_page < 1 ? 20 : q->per_page > 100 ? 100 : q->per_page;
	out->page = q->page < 1 ? 1 : q->page;
	if (out->page > 1000000)
		out->page = 1000000;
	cases__today(out->today);
	f.stage = q->stage && *q->stage ? q->stage : NULL;
	f.open_only = q->open_only;
	f.overdue_on = q->overdue_only ? out->today : NULL;
	f.limit = out->per_page;
	f.offset = (out->page - 1) * out->per_page;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	switch (q->scope) {
	case SERVICE_CASES_MINE:
		if ((rc = cases__actor_officer(&self, &has_self, tx, actor, err)) < 0)
			goto done;
		if (!has_self)
			goto done; /* not an officer: no cases of one's own */
		f.officer_id = self.id;
		break;
	case SERVICE_CASES_AGENCY:
		if (actor->role != ACCOUNT_ROLE_UNIT_HEAD && actor->role != ACCOUNT_ROLE_REVIEWER &&
		    actor->role != ACCOUNT_ROLE_AGENCY_HEAD) {
			rc = cases__forbidden(err, "您的角色不能查看本机关全部案件");
			goto done;
		}
		f.agency_id = actor->agency_id;
		break;
	case SERVICE_CASES_ALL:
		if (actor->role == ACCOUNT_ROLE_SUPERVISOR) {
			if (account_region_prefix(prefix, sizeof(prefix), actor->region_code) < 0) {
				rc = cases__forbidden(err, NULL);
				goto done;
			}
			f.region_prefix = prefix;
		} else if (actor->role != ACCOUNT_ROLE_ADMIN) {
			rc = cases__forbidden(err, "您的角色不能查看各机关案件");
			goto done;
		}
		break;
	default:
		rc = sx_error_set(err, SX_EINVALID, "bad_scope", "未知的案件范围");
		goto done;
	}
	if ((rc = store_case_list_count(&out->total, tx, &f, err)) < 0 ||
	    (rc = store_case_list(&out->items, &out->count, tx, &f, err)) < 0)
		goto done;
	for (i = 0; i < out->count; i++) {
		out->items[i].party_id_code[0] = '\0';
		out->items[i].party_phone[0] = '\0';
	}
	rc = 0;
done:
	store_rollback(tx);
	if (rc < 0)
		service_case_page_clear(out);
	return rc;
}

/* ---- changes ---- */

/* Begins a change: a write tx and the case loaded; the actor must be able to work on it. */
static int cases__begin_change(struct store_tx **tx, struct case_ctx *cx,
			       const struct service *svc, const struct service_actor *actor,
			       const char *case_id, struct sx_error *err)
{
	int rc;

	*tx = NULL;
	if ((rc = store_begin(tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = cases__load(cx, *tx, actor, case_id, err)) < 0)
		goto fail;
	if (!cases__may_work(actor, cx)) {
		cases__ctx_clear(cx);
		rc = cases__forbidden(err, NULL);
		goto fail;
	}
	return 0;
fail:
	store_rollback(*tx);
	*tx = NULL;
	return rc;
}

static int cases__insert_transition(struct store_tx *tx, const struct service_actor *actor,
				    const struct store_case *c, const char *from, const char *to,
				    const char *reason, struct sx_error *err)
{
	struct store_case_transition *list = NULL, t;
	size_t count = 0;
	int rc;

	if ((rc = store_case_transitions(&list, &count, tx, c->id, err)) < 0)
		return rc;
	sx_free(list);
	memset(&t, 0, sizeof(t));
	if ((rc = sx_id_new(t.id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	snprintf(t.case_id, sizeof(t.case_id), "%s", c->id);
	t.seq = (int64_t)count + 1;
	snprintf(t.from_stage, sizeof(t.from_stage), "%s", from);
	snprintf(t.to_stage, sizeof(t.to_stage), "%s", to);
	snprintf(t.reason, sizeof(t.reason), "%s", reason);
	snprintf(t.at, sizeof(t.at), "%s", c->updated_at);
	snprintf(t.by_id, sizeof(t.by_id), "%s", actor->user_id);
	snprintf(t.by_name, sizeof(t.by_name), "%s",
		 actor->display_name[0] ? actor->display_name : actor->username);
	return store_case_transition_insert(tx, &t, err);
}

int service_case_move(struct service_case *out, const struct service *svc,
		      const struct service_actor *actor, const char *case_id,
		      const char *expected_stage, const char *to, const char *reason,
		      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	struct service_case sc;
	struct casefile_state state;
	enum casefile_stage target;
	char why[STORE_REASON_SIZE], from[STORE_STAGE_SIZE];
	uint64_t index = 0;
	int rc;

	memset(&sc, 0, sizeof(sc));
	if (!to || casefile_stage_from_code(&target, to) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_stage", "未知的办案环节");
	if ((rc = service_text_copy(why, sizeof(why), reason, "理由", 512, SERVICE_TEXT_MULTILINE,
				    err)) < 0)
		return rc;
	if ((rc = cases__begin_change(&tx, &cx, svc, actor, case_id, err)) < 0)
		return rc;
	if (expected_stage && *expected_stage && strcmp(expected_stage, cx.c.stage) != 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "stale_stage",
				  "案件状态已被他人更新，请刷新后重试");
		goto fail_ctx;
	}
	snprintf(from, sizeof(from), "%s", cx.c.stage);
	if ((rc = cases__fill(&sc, &cx, tx, actor, err)) < 0)
		goto fail_ctx;
	if ((rc = cases__state(&state, &cx.c, err)) < 0)
		goto fail_sc;
	state.major = sc.review.major;
	state.review_passed = sc.review.review_passed;
	if ((rc = cases__check_move(&state, &sc.review, target, why, err)) < 0)
		goto fail_sc;
	/* 国办发〔2018〕118号 三(二): the stage being left must have its recording. */
	if ((rc = cases__recording_gate(&sc, from, err)) < 0)
		goto fail_sc;
	if (!cases__may_move(actor, &cx, state.stage, target)) {
		rc = cases__needs_head(state.stage, target)
			     ? sx_error_set(err, SX_EPERM, "agency_head_required",
					    "这一步须由机关负责人决定")
			     : cases__forbidden(err, "您无权办理这一步");
		goto fail_sc;
	}
	cases__now(cx.c.updated_at);
	snprintf(cx.c.stage, sizeof(cx.c.stage), "%s", casefile_stage_code(target));
	if (target == CASEFILE_STAGE_DECISION && !cx.c.decided_on[0])
		cases__today(cx.c.decided_on);
	if (target == CASEFILE_STAGE_CLOSED)
		cases__today(cx.c.closed_on);
	if (target == CASEFILE_STAGE_ARCHIVED)
		cases__today(cx.c.archived_on);
	if ((rc = store_case_update(tx, &cx.c, from, err)) < 0)
		goto fail_sc;
	if ((rc = cases__insert_transition(tx, actor, &cx.c, from, cx.c.stage,
					   why[0] ? why : "", err)) < 0)
		goto fail_sc;
	{
		char reason_hash[STORE_SHA256_HEX_SIZE];
		const char *fields[] = {"case_id", cx.c.id, "from", from, "to", cx.c.stage,
					"reason_sha256", reason_hash, NULL};

		cases__sha256_hex(reason_hash, why);
		if ((rc = cases__event(&index, svc, tx, actor, "case.move", "case", cx.c.id, cx.c.id,
				       fields, err)) < 0)
			goto fail_sc;
	}
	service_case_clear(&sc);
	cases__ctx_clear(&cx);
	return cases__finish(out, svc, tx, actor, case_id, index, err);
fail_sc:
	service_case_clear(&sc);
fail_ctx:
	cases__ctx_clear(&cx);
	store_rollback(tx);
	return rc;
}

int service_case_request_hearing(struct service_case *out, const struct service *svc,
				 const struct service_actor *actor, const char *case_id,
				 const char *reason, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	char why[STORE_REASON_SIZE];
	uint64_t index = 0;
	int rc;

	if ((rc = service_text_copy(why, sizeof(why), reason, "听证申请说明", 512,
				    SERVICE_TEXT_MULTILINE, err)) < 0)
		return rc;
	if ((rc = cases__begin_change(&tx, &cx, svc, actor, case_id, err)) < 0)
		return rc;
	if (strcmp(cx.c.stage, "notice") != 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "wrong_stage",
				  "只能在告知环节登记当事人的听证申请");
		goto fail;
	}
	if (cx.c.hearing_requested) {
		rc = sx_error_set(err, SX_ECONFLICT, "hearing_already_requested", "已登记听证申请");
		goto fail;
	}
	cx.c.hearing_requested = true;
	cases__now(cx.c.updated_at);
	if ((rc = store_case_update(tx, &cx.c, cx.c.stage, err)) < 0)
		goto fail;
	{
		const char *fields[] = {"case_id", cx.c.id, "hearing_requested", "true", NULL};

		if ((rc = cases__event(&index, svc, tx, actor, "case.hearing_requested", "case",
				       cx.c.id, cx.c.id, fields, err)) < 0)
			goto fail;
	}
	cases__ctx_clear(&cx);
	return cases__finish(out, svc, tx, actor, case_id, index, err);
fail:
	cases__ctx_clear(&cx);
	store_rollback(tx);
	return rc;
}

int service_case_extend(struct service_case *out, const struct service *svc,
			const struct service_actor *actor, const char *case_id, int days,
			const char *reason, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	enum casefile_kind kind;
	char why[STORE_REASON_SIZE], days_text[16];
	uint64_t index = 0;
	int rc;

	if (actor->role != ACCOUNT_ROLE_AGENCY_HEAD)
		return sx_error_set(err, SX_EPERM, "agency_head_required",
				    "延长办案期限须经机关负责人批准");
	if ((rc = service_text_copy(why, sizeof(why), reason, "延期理由", 512,
				    SERVICE_TEXT_REQUIRED | SERVICE_TEXT_MULTILINE, err)) < 0)
		return rc;
	if (days < 1)
		return sx_error_set(err, SX_EINVALID, "bad_extension", "延长天数应为正整数");
	if ((rc = cases__begin_change(&tx, &cx, svc, actor, case_id, err)) < 0)
		return rc;
	if (!cx.c.due_on[0] || cx.c.decided_on[0] || casefile_kind_from_code(&kind, cx.c.kind) < 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "no_deadline", "该案件没有待延长的决定期限");
		goto fail;
	}
	if ((rc = casefile_decision_due(cx.c.due_on, kind, cx.c.started_on,
					(int)cx.c.extension_days + days, err)) < 0)
		goto fail;
	cx.c.extension_days += days;
	cases__now(cx.c.updated_at);
	if ((rc = store_case_update(tx, &cx.c, cx.c.stage, err)) < 0)
		goto fail;
	snprintf(days_text, sizeof(days_text), "%d", days);
	{
		char reason_hash[STORE_SHA256_HEX_SIZE];
		const char *fields[] = {"case_id", cx.c.id, "days", days_text, "due_on", cx.c.due_on,
					"reason_sha256", reason_hash, NULL};

		cases__sha256_hex(reason_hash, why);
		if ((rc = cases__event(&index, svc, tx, actor, "case.extend", "case", cx.c.id,
				       cx.c.id, fields, err)) < 0)
			goto fail;
	}
	cases__ctx_clear(&cx);
	return cases__finish(out, svc, tx, actor, case_id, index, err);
fail:
	cases__ctx_clear(&cx);
	store_rollback(tx);
	return rc;
}

int service_case_exempt_recording(struct service_case *out, const struct service *svc,
				  const struct service_actor *actor, const char *case_id,
				  const char *stage, const char *reason, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	struct service_case sc;
	struct store_recording_exemption ex;
	uint64_t index = 0;
	bool required = false;
	size_t i;
	int rc;

	memset(&sc, 0, sizeof(sc));
	memset(&ex, 0, sizeof(ex));
	if (actor->role != ACCOUNT_ROLE_AGENCY_HEAD)
		return sx_error_set(err, SX_EPERM, "agency_head_required",
				    "免于音像记录须由机关负责人登记理由");
	if ((rc = service_text_copy(ex.reason, sizeof(ex.reason), reason, "免于录像的理由", 512,
				    SERVICE_TEXT_REQUIRED | SERVICE_TEXT_MULTILINE, err)) < 0)
		return rc;
	if ((rc = cases__begin_change(&tx, &cx, svc, actor, case_id, err)) < 0)
		return rc;
	if ((rc = cases__fill(&sc, &cx, tx, actor, err)) < 0)
		goto fail;
	for (i = 0; stage && i < sc.av_count; i++)
		if (strcmp(sc.av[i].stage, stage) == 0)
			required = true;
	if (!required) {
		rc = sx_error_set(err, SX_EINVALID, "bad_stage",
				  "该环节没有音像记录要求，无需登记免于录像");
		goto fail;
	}
	if ((rc = sx_id_new(ex.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto fail;
	}
	snprintf(ex.case_id, sizeof(ex.case_id), "%s", cx.c.id);
	snprintf(ex.stage, sizeof(ex.stage), "%s", stage);
	cases__now(ex.created_at);
	snprintf(ex.created_by, sizeof(ex.created_by), "%s", actor->user_id);
	if ((rc = store_recording_exemption_insert(tx, &ex, err)) < 0)
		goto fail;
	{
		char reason_hash[STORE_SHA256_HEX_SIZE];
		const char *fields[] = {"exemption_id", ex.id, "case_id", ex.case_id, "stage", ex.stage,
					"reason_sha256", reason_hash, NULL};

		cases__sha256_hex(reason_hash, ex.reason);
		if ((rc = cases__event(&index, svc, tx, actor, "recording.exempt", "case", cx.c.id,
				       cx.c.id, fields, err)) < 0)
			goto fail;
	}
	service_case_clear(&sc);
	cases__ctx_clear(&cx);
	return cases__finish(out, svc, tx, actor, case_id, index, err);
fail:
	service_case_clear(&sc);
	cases__ctx_clear(&cx);
	store_rollback(tx);
	return rc;
}

int service_case_settings_put(const struct service *svc, const struct service_actor *actor,
			      const char *agency_id, const char *doc_prefix, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case_settings s;
	struct store_agency agency;
	int rc;

	memset(&s, 0, sizeof(s));
	if (!agency_id || strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "机关不存在");
	if (!(actor->role == ACCOUNT_ROLE_ADMIN ||
	      (actor->role == ACCOUNT_ROLE_AGENCY_HEAD && cases__same_agency(actor, agency_id))))
		return cases__forbidden(err, "只有本机关负责人或系统管理员可以设置文书简称");
	if ((rc = service_text_copy(s.doc_prefix, sizeof(s.doc_prefix), doc_prefix, "文书简称", 16,
				    0, err)) < 0)
		return rc;
	snprintf(s.agency_id, sizeof(s.agency_id), "%s", agency_id);
	cases__now(s.updated_at);
	snprintf(s.updated_by, sizeof(s.updated_by), "%s", actor->user_id);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_agency_get(&agency, tx, agency_id, err)) < 0 ||
	    (rc = store_case_settings_put(tx, &s, err)) < 0) {
		store_rollback(tx);
		return rc;
	}
	{
		struct store_audit ev = {actor->user_id, "case.settings", "agency", agency_id,
					 s.doc_prefix};

		if ((rc = store_audit_append(tx, &ev, err)) < 0) {
			store_rollback(tx);
			return rc;
		}
	}
	return store_commit(tx, err);
}

/*
 * service/reviews — 重大执法决定法制审核 (see reviews.h for the rules and who
 * may do what). The pure rules are domain/majorcat (is the case major) and
 * domain/review (checklist, materials, deadlines, 回避, staffing); this file
 * reads and writes the rows, keeps the audit trail and the ledger, and makes
 * the 法制审核意见书 through the case records.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/buf.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "service/calendar.h"
#include "service/case_internal.h"
#include "service/doctemplates.h"
#include "service/majorcat_json.h"
#include "service/reviews.h"
#include "service/text.h"

#define REVIEWS_MAX_DRAFT_BYTES (256u * 1024)
#define REVIEWS_ATTENDEES_BYTES 4096

/* Kinds of decision that need 集体讨论 whatever their amount (《行政处罚法》第五十七条第二款,
 * read with 第六十三条's list of heavy penalties). */
static const unsigned reviews__heavy_acts =
	MAJORCAT_ACT_BIT(MAJORCAT_ACT_REVOKE_LICENSE) |
	MAJORCAT_ACT_BIT(MAJORCAT_ACT_LOWER_QUALIFICATION) |
	MAJORCAT_ACT_BIT(MAJORCAT_ACT_ORDER_SUSPEND) | MAJORCAT_ACT_BIT(MAJORCAT_ACT_ORDER_CLOSE) |
	MAJORCAT_ACT_BIT(MAJORCAT_ACT_RESTRICT_EMPLOYMENT) |
	MAJORCAT_ACT_BIT(MAJORCAT_ACT_DETENTION);

/* ---- small helpers ---- */

static bool reviews__blank(const char *s)
{
	return service_text_is_blank(s);
}

/* A reason, note or name typed by staff: trimmed, clean UTF-8, within size (CJK counted as
 * three bytes), line breaks allowed. Errors of service_text_copy. */
static int reviews__text(char *out, size_t size, const char *s, const char *what, bool required,
			 struct sx_error *err)
{
	return service_text_copy(out, size, s, what, (size - 1) / 3,
				 SERVICE_TEXT_MULTILINE | (required ? SERVICE_TEXT_REQUIRED : 0),
				 err);
}

static bool reviews__is_head(const struct service_actor *actor, const char *agency_id)
{
	return actor->role == ACCOUNT_ROLE_ADMIN ||
	       (actor->role == ACCOUNT_ROLE_AGENCY_HEAD && cases__same_agency(actor, agency_id));
}

static bool reviews__applicable(const struct store_case *c)
{
	return strcmp(c->kind, "penalty") == 0 && strcmp(c->procedure, "general") == 0;
}

/* Parses "fine confiscate" / "fine,confiscate" into a mask. */
static int reviews__acts_mask(unsigned *out, const char *acts, struct sx_error *err)
{
	char word[32];
	size_t n = 0;
	const char *p = acts ? acts : "";

	*out = 0;
	for (;; p++) {
		if (*p && *p != ' ' && *p != ',' && *p != '\t') {
			if (n + 1 >= sizeof(word))
				return sx_error_set(err, SX_EINVALID, "bad_acts", "处罚种类不正确");
			word[n++] = *p;
			continue;
		}
		if (n > 0) {
			enum majorcat_act act;

			word[n] = '\0';
			if (majorcat_act_from_code(&act, word, NULL) < 0)
				return sx_error_set(err, SX_EINVALID, "bad_acts", "处罚种类不正确");
			*out |= MAJORCAT_ACT_BIT(act);
			n = 0;
		}
		if (!*p)
			break;
	}
	return 0;
}

/* The mask's codes in enum order, space-separated. */
static void reviews__acts_words(char out[STORE_ACTS_SIZE], unsigned mask)
{
	size_t len = 0;

	out[0] = '\0';
	for (int a = 1; a <= MAJORCAT_ACT_COUNT; a++) {
		if (!(mask & MAJORCAT_ACT_BIT(a)))
			continue;
		len += (size_t)snprintf(out + len, STORE_ACTS_SIZE - len, "%s%s", len ? " " : "",
					majorcat_act_code((enum majorcat_act)a));
		if (len >= STORE_ACTS_SIZE)
			break;
	}
}

/* The agency's catalog in force: its latest published version, else the default. */
static int reviews__catalog(struct majorcat *out, struct store_major_catalog *row,
			    struct store_tx *tx, const char *agency_id, struct sx_error *err)
{
	struct store_major_catalog latest;
	int rc;

	memset(out, 0, sizeof(*out));
	if (row)
		memset(row, 0, sizeof(*row));
	memset(&latest, 0, sizeof(latest));
	rc = store_major_catalog_latest(&latest, tx, agency_id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		return majorcat_default(out, err);
	}
	if (rc < 0)
		return rc;
	rc = majorcat_json_parse(out, latest.body, strlen(latest.body), err);
	if (rc < 0) {
		majorcat_clear(out);
		store_major_catalog_clear(&latest);
		if (rc == SX_ENOMEM)
			return rc;
		return sx_error_set(err, SX_ECORRUPT, "catalog_corrupt", "重大执法决定目录数据已损坏");
	}
	if (row)
		*row = latest;
	else
		store_major_catalog_clear(&latest);
	return 0;
}

static bool reviews__hearing_held(const struct store_case_transition *t, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(t[i].to_stage, "hearing") == 0)
			return true;
	return false;
}

/* ---- where a case stands ---- */

int reviews__case_review(struct service_case_review *out, struct store_tx *tx,
			 const struct store_case *c, const struct store_case_transition *t,
			 size_t tcount, struct sx_error *err)
{
	struct majorcat cat;
	struct majorcat_case k;
	struct majorcat_match match;
	struct store_case_discussion *disc = NULL;
	size_t dcount = 0, i;
	unsigned acts = 0;
	bool hearing = reviews__hearing_held(t, tcount);
	const char *heard_at = ""; /* when the case last entered 听证 */
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&cat, 0, sizeof(cat));
	out->major = c->major;
	out->applicable = reviews__applicable(c);
	rc = store_case_draft_latest(&out->draft, tx, c->id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
	} else if (rc < 0) {
		goto done;
	} else {
		out->has_draft = true;
		sx_free(out->draft.body);
		out->draft.body = NULL;
		if ((rc = reviews__acts_mask(&acts, out->draft.acts, err)) < 0)
			goto done;
	}
	rc = store_review_latest(&out->review, tx, c->id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
	} else if (rc < 0) {
		goto done;
	} else {
		out->has_review = true;
		sx_free(out->review.checklist);
		sx_free(out->review.opinion);
		out->review.checklist = NULL;
		out->review.opinion = NULL;
	}
	if ((rc = store_case_discussions(&disc, &dcount, tx, c->id, err)) < 0)
		goto done;
	out->discussion_count = dcount;
	for (i = 0; i < dcount; i++)
		if (out->has_draft && strcmp(disc[i].draft_id, out->draft.id) == 0) {
			out->discussion_done = true;
			snprintf(out->discussed_by, sizeof(out->discussed_by), "%s", disc[i].host);
		}
	for (i = 0; i < tcount; i++) {
		if (strcmp(t[i].to_stage, "decision") == 0)
			snprintf(out->approved_by, sizeof(out->approved_by), "%s", t[i].by_name);
		if (strcmp(t[i].to_stage, "hearing") == 0)
			heard_at = t[i].at;
	}
	if (out->has_review) {
		const struct store_review *r = &out->review;

		snprintf(out->submitted_by, sizeof(out->submitted_by), "%s", r->submitted_by_name);
		if (strcmp(r->pre_review_result, "pass") == 0)
			snprintf(out->pre_reviewed_by, sizeof(out->pre_reviewed_by), "%s",
				 r->pre_review_by_name);
		if (strcmp(r->status, "concluded") == 0)
			snprintf(out->reviewed_by, sizeof(out->reviewed_by), "%s", r->reviewer_name);
		/* 第五十八条: only a review of the draft that is still the latest counts. */
		/* 第五十八条第一款第二项: after a hearing, only a review submitted after it
		 * (the review then sees the 听证笔录 and what the hearing changed). */
		out->review_current = out->has_draft && strcmp(r->draft_id, out->draft.id) == 0 &&
				      strcmp(r->draft_sha256, out->draft.body_sha256) == 0 &&
				      strcmp(r->submitted_at, heard_at) > 0;
		if (out->review_current && strcmp(r->status, "concluded") == 0)
			out->review_passed = strcmp(r->conclusion, "approve") == 0 ||
					     (strcmp(r->head_decision, "proceed") == 0 &&
					      out->discussion_done);
	}
	if (!out->applicable) {
		rc = 0;
		goto done;
	}
	/* 第五十七条第二款: 情节复杂或者重大违法行为 — the head decides collectively. */
	out->discussion_required =
		hearing || (out->has_draft && (out->draft.complex || (acts & reviews__heavy_acts)));
	if ((rc = reviews__catalog(&cat, NULL, tx, c->agency_id, err)) < 0)
		goto done;
	memset(&k, 0, sizeof(k));
	k.kind = c->kind;
	k.procedure = c->procedure;
	k.matter_code = c->matter_code;
	k.party_type = c->party_type;
	k.acts_mask = acts;
	k.hearing_held = hearing;
	k.matter_flagged_major = c->major;
	if (out->has_draft) {
		k.fine_fen = out->draft.fine_fen;
		k.confiscation_fen = out->draft.confiscation_fen;
		k.coercion_value_fen = out->draft.coercion_value_fen;
		k.public_interest = out->draft.public_interest;
		k.complex = out->draft.complex;
		k.multi_agency = out->draft.multi_agency;
	}
	if ((rc = majorcat_match(&match, &cat, &k, err)) < 0)
		goto done;
	out->major = match.major;
	snprintf(out->major_reasons, sizeof(out->major_reasons), "%s", match.reasons);
	/* 第五十八条第一款第二项 names cases 经过听证程序 itself: major whatever the catalog says. */
	if (hearing && !out->major) {
		out->major = true;
		snprintf(out->major_reasons, sizeof(out->major_reasons), "%s",
			 "经过听证程序（《行政处罚法》第五十八条第一款第二项）");
	}
done:
	majorcat_clear(&cat);
	store_case_discussions_free(disc, dcount);
	return rc;
}

int reviews__decision_gate(const struct service_case_review *rv, bool deciding,
			   struct sx_error *err)
{
	if (!rv->applicable)
		return 0;
	if (rv->major && !rv->review_passed) {
		if (!rv->review_current)
			return sx_error_set(err, SX_ECONFLICT, "review_required",
					    "重大执法决定须经法制审核：本案现行的决定草稿（听证后的须在听证后）尚未经法制审核");
		return sx_error_set(err, SX_ECONFLICT, "review_not_passed",
				    "法制审核未通过（或尚未审结），不得作出决定");
	}
	if (deciding && rv->discussion_required && !rv->discussion_done)
		return sx_error_set(err, SX_ECONFLICT, "discussion_required",
				    "情节复杂或者重大违法行为的处罚须经负责人集体讨论决定"
				    "（《行政处罚法》第五十七条第二款），请先记录集体讨论");
	return 0;
}

int reviews__decision_values_check(struct store_tx *tx, const struct store_case *c,
				   const char *canonical_values, struct sx_error *err)
{
	struct store_case_transition *t = NULL;
	struct service_case_review rv;
	struct store_case_draft d;
	size_t tcount = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = store_case_transitions(&t, &tcount, tx, c->id, err)) < 0)
		return rc;
	rc = reviews__case_review(&rv, tx, c, t, tcount, err);
	sx_free(t);
	if (rc < 0)
		return rc;
	if (!rv.applicable || !rv.major) {
		rc = 0;
		goto done;
	}
	if ((rc = reviews__decision_gate(&rv, true, err)) < 0)
		goto done;
	if ((rc = store_case_draft_get(&d, tx, rv.draft.id, err)) < 0)
		goto done;
	if (strcmp(d.body, canonical_values) != 0)
		rc = sx_error_set(err, SX_ECONFLICT, "draft_differs",
				  "决定书内容与经法制审核的决定草稿不一致；如需修改，请修改草稿并重新送审");
done:
	store_case_draft_clear(&d);
	return rc;
}

/* ---- the catalog ---- */

void service_major_catalog_clear(struct service_major_catalog *c)
{
	if (!c)
		return;
	store_major_catalog_clear(&c->row);
	majorcat_clear(&c->catalog);
	store_major_catalogs_free(c->history, c->history_count);
	memset(c, 0, sizeof(*c));
}

static int reviews__catalog_read(struct service_major_catalog *out, struct store_tx *tx,
				 const char *agency_id, int64_t version, struct sx_error *err)
{
	struct store_agency agency;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!agency_id || strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	rc = store_agency_get(&agency, tx, agency_id, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if (rc < 0)
		return rc;
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", agency.id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency.name);
	if ((rc = store_major_catalog_versions(&out->history, &out->history_count, tx, agency_id,
					       err)) < 0)
		goto fail;
	if (out->history_count == 0) {
		if (version > 0) {
			rc = sx_error_set(err, SX_ENOTFOUND, "catalog_not_found",
					  "该版本的重大执法决定目录不存在");
			goto fail;
		}
		out->is_default = true;
		if ((rc = majorcat_default(&out->catalog, err)) < 0)
			goto fail;
		return 0;
	}
	for (i = 0; i < out->history_count; i++)
		if (version <= 0 ? i == 0 : out->history[i].version == version)
			break;
	if (i == out->history_count) {
		rc = sx_error_set(err, SX_ENOTFOUND, "catalog_not_found",
				  "该版本的重大执法决定目录不存在");
		goto fail;
	}
	out->row = out->history[i];
	out->history[i].body = NULL;
	for (i = 0; i < out->history_count; i++) {
		sx_free(out->history[i].body);
		out->history[i].body = NULL;
	}
	rc = majorcat_json_parse(&out->catalog, out->row.body, strlen(out->row.body), err);
	if (rc == SX_ENOMEM)
		goto fail;
	if (rc < 0) {
		rc = sx_error_set(err, SX_ECORRUPT, "catalog_corrupt", "重大执法决定目录数据已损坏");
		goto fail;
	}
	return 0;
fail:
	service_major_catalog_clear(out);
	return rc;
}

int service_major_catalog_get(struct service_major_catalog *out, const struct service *svc,
			      const char *agency_id, int64_t version, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = reviews__catalog_read(out, tx, agency_id, version, err);
	store_rollback(tx);
	return rc;
}

int service_major_catalog_publish(struct service_major_catalog *out, const struct service *svc,
				  const struct service_actor *actor, const char *agency_id,
				  const char *json, size_t json_len, const char *note,
				  struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct majorcat cat;
	struct store_major_catalog row, latest;
	char *canonical = NULL, version_text[24];
	size_t len = 0;
	uint64_t index = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&cat, 0, sizeof(cat));
	memset(&row, 0, sizeof(row));
	memset(&latest, 0, sizeof(latest));
	if (!agency_id || !*agency_id)
		agency_id = actor->agency_id;
	if (!reviews__is_head(actor, agency_id))
		return cases__forbidden(err, "只有本机关负责人可以发布重大执法决定目录");
	if ((rc = reviews__text(row.note, sizeof(row.note), note, "修订说明", false, err)) < 0)
		return rc;
	if ((rc = majorcat_json_parse(&cat, json ? json : "", json ? json_len : 0, err)) < 0 ||
	    (rc = majorcat_json_canonical(&canonical, &len, &cat, err)) < 0)
		goto done;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto done;
	{
		struct store_agency agency;

		rc = strlen(agency_id) < STORE_ID_SIZE ? store_agency_get(&agency, tx, agency_id, err)
						       : SX_ENOTFOUND;
		if (rc == SX_ENOTFOUND)
			rc = sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
		if (rc < 0)
			goto done;
	}
	rc = store_major_catalog_latest(&latest, tx, agency_id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		row.version = 1;
	} else if (rc < 0) {
		goto done;
	} else {
		if (strcmp(latest.body, canonical) == 0) {
			rc = sx_error_set(err, SX_ECONFLICT, "catalog_unchanged",
					  "目录内容与现行版本相同，无需发布");
			goto done;
		}
		row.version = latest.version + 1;
	}
	snprintf(row.agency_id, sizeof(row.agency_id), "%s", agency_id);
	row.body = canonical;
	if ((rc = crypto_hash_hex(row.body_sha256, CRYPTO_HASH_SHA256, canonical, len)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	cases__now(row.published_at);
	snprintf(row.published_by, sizeof(row.published_by), "%s", actor->user_id);
	snprintf(row.published_by_name, sizeof(row.published_by_name), "%s", actor->display_name);
	if ((rc = store_major_catalog_insert(tx, &row, err)) < 0)
		goto done;
	snprintf(version_text, sizeof(version_text), "%lld", (long long)row.version);
	{
		const char *fields[] = {"agency_id", agency_id, "version", version_text,
					"body_sha256", row.body_sha256, NULL};

		if ((rc = cases__event(&index, svc, tx, actor, "majorcat.publish", "major_catalog",
				       agency_id, agency_id, fields, err)) < 0)
			goto done;
	}
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	rc = service_major_catalog_get(out, svc, agency_id, 0, err);
done:
	store_rollback(tx);
	majorcat_clear(&cat);
	store_major_catalog_clear(&latest);
	sx_free(canonical);
	return rc;
}

int service_review_settings_put(const struct service *svc, const struct service_actor *actor,
				const char *agency_id, bool unit_pre_review, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_review_settings s;
	uint64_t index = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	if (!agency_id || !*agency_id)
		agency_id = actor->agency_id;
	if (!reviews__is_head(actor, agency_id))
		return cases__forbidden(err, "只有本机关负责人可以设置法制审核流程");
	if (strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	{
		struct store_agency agency;

		rc = store_agency_get(&agency, tx, agency_id, err);
		if (rc == SX_ENOTFOUND)
			rc = sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
		if (rc < 0)
			goto done;
	}
	snprintf(s.agency_id, sizeof(s.agency_id), "%s", agency_id);
	s.unit_pre_review = unit_pre_review;
	cases__now(s.updated_at);
	snprintf(s.updated_by, sizeof(s.updated_by), "%s", actor->user_id);
	if ((rc = store_review_settings_put(tx, &s, err)) < 0)
		goto done;
	{
		const char *fields[] = {"agency_id", agency_id, "unit_pre_review",
					unit_pre_review ? "true" : "false", NULL};

		if ((rc = cases__event(&index, svc, tx, actor, "review.settings", "agency", agency_id,
				       agency_id, fields, err)) < 0)
			goto done;
	}
	rc = store_commit(tx, err);
	tx = NULL;
done:
	store_rollback(tx);
	return rc;
}

/* ---- drafts ---- */

/* The review of the case that is still open (pre_review or accepted), if any. */
static int reviews__open_review(bool *open, struct store_tx *tx, const char *case_id,
				struct sx_error *err)
{
	struct store_review r;
	int rc;

	*open = false;
	rc = store_review_latest(&r, tx, case_id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		return 0;
	}
	if (rc < 0)
		return rc;
	*open = strcmp(r.status, "pre_review") == 0 || strcmp(r.status, "accepted") == 0;
	store_review_clear(&r);
	return 0;
}

static bool reviews__before_decision(const char *stage)
{
	return strcmp(stage, "investigation") == 0 || strcmp(stage, "examination") == 0 ||
	       strcmp(stage, "legal_review") == 0 || strcmp(stage, "notice") == 0 ||
	       strcmp(stage, "hearing") == 0;
}

int service_draft_save(struct store_case_draft *out, const struct service *svc,
		       const struct service_actor *actor, const char *case_id,
		       const struct service_draft_input *in, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	struct doctemplate_values values;
	struct store_case_draft d, latest;
	const struct doctemplate *t;
	char bad_field[33], version_text[24];
	char *canonical = NULL;
	unsigned acts = 0;
	uint64_t index = 0;
	bool loaded = false, open = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&values, 0, sizeof(values));
	memset(&d, 0, sizeof(d));
	memset(&latest, 0, sizeof(latest));
	if (!svc->templates || !(t = doctemplates_find(svc->templates, REVIEWS_DECISION_TEMPLATE)))
		return sx_error_set(err, SX_EINTERNAL, "templates_unavailable", "文书模板未加载");
	if (in->values_len > REVIEWS_MAX_DRAFT_BYTES)
		return sx_error_set(err, SX_ETOOBIG, "too_big", "决定草稿过长");
	if ((rc = reviews__acts_mask(&acts, in->acts, err)) < 0)
		return rc;
	if (acts == 0)
		return sx_error_set(err, SX_EINVALID, "bad_acts", "请选择拟作出的处罚种类");
	if (in->fine_fen < 0 || in->confiscation_fen < 0 || in->coercion_value_fen < 0 ||
	    in->fine_fen > MAJORCAT_MAX_FEN || in->confiscation_fen > MAJORCAT_MAX_FEN ||
	    in->coercion_value_fen > MAJORCAT_MAX_FEN)
		return sx_error_set(err, SX_EINVALID, "bad_amount", "金额不正确");
	if ((acts & MAJORCAT_ACT_BIT(MAJORCAT_ACT_FINE)) != 0 && in->fine_fen == 0)
		return sx_error_set(err, SX_EINVALID, "bad_amount", "拟处罚款的，请填写罚款金额");
	if ((rc = reviews__text(d.note, sizeof(d.note), in->note, "修改说明", false, err)) < 0)
		return rc;
	if ((rc = doctemplates_values_from_json(&values, in->values_json ? in->values_json : "{}",
						in->values_json ? in->values_len : 2, err)) < 0)
		return rc;
	if ((rc = doctemplate_check_values(bad_field, t, &values, err)) < 0 ||
	    (rc = doctemplates_values_to_json(&canonical, &values, err)) < 0)
		goto done;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto done;
	if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
		goto done;
	loaded = true;
	if (actor->role != ACCOUNT_ROLE_OFFICER && actor->role != ACCOUNT_ROLE_UNIT_HEAD) {
		rc = cases__forbidden(err, "决定草稿由本案执法人员拟定");
		goto done;
	}
	if (!cases__may_work(actor, &cx) || !cx.actor_on_case) {
		rc = cases__forbidden(err, "只有本案执法人员可以拟定决定草稿");
		goto done;
	}
	if (!reviews__applicable(&cx.c) || !reviews__before_decision(cx.c.stage)) {
		rc = sx_error_set(err, SX_ECONFLICT, "wrong_stage",
				  "决定草稿只能在普通程序案件作出决定之前拟定");
		goto done;
	}
	if ((rc = reviews__open_review(&open, tx, cx.c.id, err)) < 0)
		goto done;
	if (open) {
		rc = sx_error_set(err, SX_ECONFLICT, "review_in_progress",
				  "法制审核进行中，不能修改决定草稿");
		goto done;
	}
	rc = store_case_draft_latest(&latest, tx, cx.c.id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		d.version = 1;
	} else if (rc < 0) {
		goto done;
	} else {
		d.version = latest.version + 1;
	}
	if ((rc = sx_id_new(d.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	snprintf(d.case_id, sizeof(d.case_id), "%s", cx.c.id);
	d.body = canonical;
	if ((rc = crypto_hash_hex(d.body_sha256, CRYPTO_HASH_SHA256, canonical,
				  strlen(canonical))) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	reviews__acts_words(d.acts, acts);
	d.fine_fen = in->fine_fen;
	d.confiscation_fen = in->confiscation_fen;
	d.coercion_value_fen = in->coercion_value_fen;
	d.public_interest = in->public_interest;
	d.complex = in->complex;
	d.multi_agency = in->multi_agency;
	cases__now(d.created_at);
	snprintf(d.created_by, sizeof(d.created_by), "%s", actor->user_id);
	snprintf(d.created_by_name, sizeof(d.created_by_name), "%s", actor->display_name);
	if ((rc = store_case_draft_insert(tx, &d, err)) < 0)
		goto done;
	snprintf(version_text, sizeof(version_text), "%lld", (long long)d.version);
	{
		const char *fields[] = {"draft_id", d.id, "case_id", d.case_id, "version",
					version_text, "body_sha256", d.body_sha256, "acts", d.acts,
					NULL};

		if ((rc = cases__event(&index, svc, tx, actor, "draft.save", "draft", d.id, cx.c.id,
				       fields, err)) < 0)
			goto done;
	}
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	*out = d;
	canonical = NULL; /* now out->body */
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	doctemplate_values_clear(&values);
	store_case_draft_clear(&latest);
	sx_free(canonical);
	return rc;
}

int service_draft_get(struct store_case_draft *out, const struct service *svc,
		      const struct service_actor *actor, const char *case_id, const char *reason,
		      const char *remote_addr, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	uint64_t index = 0;
	bool loaded = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
		goto done;
	loaded = true;
	rc = store_case_draft_latest(out, tx, cx.c.id, err);
	if (rc == SX_ENOTFOUND)
		rc = sx_error_set(err, SX_ENOTFOUND, "draft_not_found", "本案尚无决定草稿");
	if (rc < 0)
		goto done;
	if ((rc = cases__log_access(&index, svc, tx, actor, &cx, "case", cx.c.id, "view",
				    cx.actor_on_case ? SERVICE_CASE_OPEN_REASON : reason,
				    remote_addr, err)) < 0)
		goto done;
	rc = store_commit(tx, err);
	tx = NULL;
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	if (rc < 0)
		store_case_draft_clear(out);
	return rc;
}

/* ---- reviews: loading and answering ---- */

void service_review_clear(struct service_review *r)
{
	if (!r)
		return;
	store_review_clear(&r->r);
	store_case_draft_clear(&r->draft);
	memset(r, 0, sizeof(*r));
	r->ledger_index = -1;
}

/* The checklist as stored: [{"item","checked","passed","note"}…] in enum order. */
static int reviews__checklist_json(char **out, const struct review_item items[REVIEW_CHECK_COUNT],
				   struct sx_error *err)
{
	json_t *list = json_array();
	int rc = SX_ENOMEM;

	*out = NULL;
	if (!list)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		json_t *o = json_pack("{s:s,s:b,s:b,s:s}", "item",
				      review_check_code((enum review_check)i), "checked",
				      items[i].checked, "passed", items[i].passed, "note",
				      items[i].note);

		if (!o || json_array_append_new(list, o) < 0)
			goto done;
	}
	{
		char *text = json_dumps(list, JSON_COMPACT);

		if (!text)
			goto done;
		*out = sx_strdup(text);
		free(text); /* jansson's allocator */
		if (!*out)
			goto done;
	}
	rc = 0;
done:
	json_decref(list);
	return rc < 0 ? sx_error_set(err, rc, NULL, NULL) : 0;
}

static void reviews__checklist_read(struct review_item items[REVIEW_CHECK_COUNT], const char *text)
{
	json_t *list;
	size_t i;
	json_t *o;

	memset(items, 0, sizeof(struct review_item) * REVIEW_CHECK_COUNT);
	if (!text || !*text || !(list = json_loads(text, 0, NULL)))
		return;
	json_array_foreach(list, i, o)
	{
		enum review_check c;
		const char *note = json_string_value(json_object_get(o, "note"));

		if (review_check_from_code(&c, json_string_value(json_object_get(o, "item")), NULL) <
		    0)
			continue;
		items[c].checked = json_is_true(json_object_get(o, "checked"));
		items[c].passed = json_is_true(json_object_get(o, "passed"));
		snprintf(items[c].note, sizeof(items[c].note), "%s", note ? note : "");
	}
	json_decref(list);
}

/* Whether the actor is a reviewer of the agency who may review the case (回避). */
static int reviews__reviewer_check(const struct service_actor *actor, struct store_tx *tx,
				   const struct case_ctx *cx, const struct store_review *r,
				   struct sx_error *err)
{
	struct store_officer self;
	const char **ids = NULL;
	bool has_self = false;
	int rc;

	if (actor->role != ACCOUNT_ROLE_REVIEWER || !cases__same_agency(actor, cx->c.agency_id))
		return cases__forbidden(err, "只有本机关法制审核人员可以审核");
	rc = store_officer_by_user(&self, tx, actor->user_id, err);
	if (rc == SX_ENOTFOUND)
		sx_error_clear(err);
	else if (rc < 0)
		return rc;
	else
		has_self = true;
	if (!(ids = sx_calloc(cx->officer_count + 1, sizeof(*ids))))
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (size_t i = 0; i < cx->officer_count; i++)
		ids[i] = cx->officers[i].officer_id;
	/* 《行政处罚法》第四十三条: 回避 — not one's own case. */
	rc = review_assignment_check(actor->user_id, has_self ? self.id : NULL, ids,
				     cx->officer_count, r->submitted_by, err);
	sx_free(ids);
	return rc;
}

/* Fills the answer's context and the may_* flags (r owned by out already). */
static int reviews__answer(struct service_review *out, const struct service *svc,
			   struct store_tx *tx, const struct service_actor *actor,
			   const struct case_ctx *cx, struct sx_error *err)
{
	struct store_case_transition *t = NULL;
	struct service_case_review rv;
	struct calendar cal;
	size_t tcount = 0;
	struct sx_error ignored;
	const struct store_review *r = &out->r;
	int rc;

	reviews__checklist_read(out->items, r->checklist);
	snprintf(out->case_no, sizeof(out->case_no), "%s", cx->c.case_no);
	snprintf(out->party_name, sizeof(out->party_name), "%s", cx->c.party_name);
	snprintf(out->cause, sizeof(out->cause), "%s", cx->c.cause);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", cx->agency.name);
	snprintf(out->stage, sizeof(out->stage), "%s", cx->c.stage);
	cases__today(out->today);
	if ((rc = store_case_draft_get(&out->draft, tx, r->draft_id, err)) < 0)
		return rc;
	if ((rc = store_case_transitions(&t, &tcount, tx, cx->c.id, err)) < 0)
		return rc;
	rc = reviews__case_review(&rv, tx, &cx->c, t, tcount, err);
	sx_free(t);
	if (rc < 0)
		return rc;
	out->draft_current = rv.has_draft && strcmp(rv.draft.id, r->draft_id) == 0;
	snprintf(out->major_reasons, sizeof(out->major_reasons), "%s", rv.major_reasons);
	if (strcmp(r->status, "accepted") == 0 && r->due_on[0]) {
		out->overdue = review_is_overdue(r->due_on, out->today);
		if ((rc = service_calendar_load(&cal, svc, err)) < 0)
			return rc;
		if (review_workdays_left(&out->workdays_left, &cal, r->due_on, out->today, NULL) <
		    0)
			out->workdays_left = 0;
		calendar_clear(&cal);
	}
	sx_error_clear(&ignored);
	out->may_pre_review = strcmp(r->status, "pre_review") == 0 &&
			      actor->role == ACCOUNT_ROLE_UNIT_HEAD &&
			      cases__same_agency(actor, cx->c.agency_id);
	if (strcmp(r->status, "accepted") == 0 &&
	    reviews__reviewer_check(actor, tx, cx, r, &ignored) == 0) {
		out->may_take = r->reviewer_id[0] == '\0';
		out->may_conclude = r->reviewer_id[0] == '\0' ||
				    strcmp(r->reviewer_id, actor->user_id) == 0;
	}
	out->may_extend = strcmp(r->status, "accepted") == 0 && !r->extended &&
			  reviews__is_head(actor, cx->c.agency_id);
	out->may_object = strcmp(r->status, "concluded") == 0 && strcmp(r->conclusion, "approve") &&
			  !r->objected_at[0] && cx->actor_on_case && out->draft_current;
	out->may_coordinate = strcmp(r->status, "concluded") == 0 && r->objected_at[0] &&
			      !r->coordinated_at[0] && actor->role == ACCOUNT_ROLE_REVIEWER &&
			      cases__same_agency(actor, cx->c.agency_id);
	out->may_head_decide = strcmp(r->status, "concluded") == 0 &&
			       strcmp(r->coordination_result, "maintained") == 0 &&
			       !r->head_at[0] && reviews__is_head(actor, cx->c.agency_id);
	return 0;
}

/* Loads review id and its case (readable by the actor) inside tx. */
static int reviews__load(struct store_review *r, struct case_ctx *cx, struct store_tx *tx,
			 const struct service_actor *actor, const char *review_id,
			 struct sx_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	memset(cx, 0, sizeof(*cx));
	if (!review_id || strlen(review_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "review_not_found", "法制审核记录不存在");
	rc = store_review_get(r, tx, review_id, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "review_not_found", "法制审核记录不存在");
	if (rc < 0)
		return rc;
	rc = cases__load(cx, tx, actor, r->case_id, err);
	if (rc == SX_ENOTFOUND)
		rc = sx_error_set(err, SX_ENOTFOUND, "review_not_found", "法制审核记录不存在");
	if (rc < 0)
		store_review_clear(r);
	return rc;
}

/*
 * The common frame of a change: loads the review in a write transaction, calls
 * apply (which checks, changes *r and names the ledger kind and the status it
 * expected), updates the row, logs the event, commits, and answers.
 */
struct reviews_change {
	const char *kind;            /* ledger event kind */
	char expected[STORE_ROLE_SIZE];
	const char *extra_key;       /* one more ledger field; NULL = none */
	const char *extra_value;
};

typedef int (*reviews_apply_fn)(struct reviews_change *ch, struct store_review *r,
				const struct service *svc, struct store_tx *tx,
				const struct service_actor *actor, struct case_ctx *cx,
				void *ctx, struct sx_error *err);

static int reviews__change(struct service_review *out, const struct service *svc,
			   const struct service_actor *actor, const char *review_id,
			   reviews_apply_fn apply, void *ctx, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_review r;
	struct case_ctx cx;
	struct reviews_change ch;
	uint64_t index = 0;
	bool loaded = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&ch, 0, sizeof(ch));
	memset(&r, 0, sizeof(r));
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = reviews__load(&r, &cx, tx, actor, review_id, err)) < 0)
		goto done;
	loaded = true;
	snprintf(ch.expected, sizeof(ch.expected), "%s", r.status);
	if ((rc = apply(&ch, &r, svc, tx, actor, &cx, ctx, err)) < 0)
		goto done;
	cases__now(r.updated_at);
	if ((rc = store_review_update(tx, &r, ch.expected, err)) < 0)
		goto done;
	{
		const char *fields[] = {"review_id", r.id,	  "case_id",	 r.case_id,
					"status",    r.status,	  "draft_sha256", r.draft_sha256,
					ch.extra_key, ch.extra_value, NULL};

		if ((rc = cases__event(&index, svc, tx, actor, ch.kind, "review", r.id, r.case_id,
				       fields, err)) < 0)
			goto done;
	}
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	/* The answer is read again in its own transaction (reviews__answer reads much). */
	rc = service_review_get(out, svc, actor, r.id, SERVICE_CASE_OPEN_REASON, NULL, err);
	if (rc == 0)
		out->ledger_index = (int64_t)index;
done:
	store_rollback(tx);
	store_review_clear(&r);
	if (loaded)
		cases__ctx_clear(&cx);
	return rc;
}

/* ---- submission ---- */

/* Which materials the case file holds (bits of enum review_material). */
static int reviews__materials(unsigned *present, bool *hearing_held, struct store_tx *tx,
			      const struct store_case *c, const struct store_case_draft *draft,
			      struct sx_error *err)
{
	struct store_case_record *recs = NULL;
	struct store_evidence *ev = NULL;
	struct store_case_transition *t = NULL;
	struct store_case_discussion *disc = NULL;
	size_t nrec = 0, nev = 0, nt = 0, nd = 0, i;
	int rc;

	*present = 0;
	*hearing_held = false;
	if ((rc = store_case_records(&recs, &nrec, tx, c->id, false, err)) < 0 ||
	    (rc = store_evidence_list(&ev, &nev, tx, c->id, err)) < 0 ||
	    (rc = store_case_transitions(&t, &nt, tx, c->id, err)) < 0 ||
	    (rc = store_case_discussions(&disc, &nd, tx, c->id, err)) < 0)
		goto done;
	if (draft)
		*present |= 1u << REVIEW_MAT_DRAFT_DECISION;
	*hearing_held = reviews__hearing_held(t, nt);
	for (i = 0; i < nrec; i++) {
		const char *code = recs[i].template_code;

		if (strcmp(code, "investigation_report") == 0)
			*present |= 1u << REVIEW_MAT_INVESTIGATION_REPORT;
		else if (strcmp(code, "hearing_record") == 0)
			*present |= 1u << REVIEW_MAT_HEARING_RECORD;
		/* The evidence list is drawn from the file: records that fix evidence count. */
		else if (strcmp(code, "onsite_inspection") == 0 || strcmp(code, "inquiry") == 0 ||
			 strcmp(code, "evidence_preservation") == 0)
			*present |= 1u << REVIEW_MAT_EVIDENCE_LIST;
	}
	for (i = 0; i < nev; i++)
		if (!ev[i].deleted_at[0])
			*present |= 1u << REVIEW_MAT_EVIDENCE_LIST;
	for (i = 0; i < nd; i++)
		if (draft && strcmp(disc[i].draft_id, draft->id) == 0)
			*present |= 1u << REVIEW_MAT_DISCUSSION_RECORD;
done:
	store_case_records_free(recs, nrec);
	sx_free(ev);
	sx_free(t);
	store_case_discussions_free(disc, nd);
	return rc;
}

int service_review_submit(struct service_review *out, const struct service *svc,
			  const struct service_actor *actor, const char *case_id, bool urgent,
			  const char *note, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	struct store_case_draft draft;
	struct store_review r, last;
	struct store_review_settings settings;
	struct calendar cal;
	struct sx_error missing_err;
	unsigned present = 0, missing = 0;
	bool loaded = false, hearing = false, has_cal = false;
	uint64_t index = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&draft, 0, sizeof(draft));
	memset(&r, 0, sizeof(r));
	memset(&last, 0, sizeof(last));
	sx_error_clear(&missing_err);
	if ((rc = reviews__text(r.submit_note, sizeof(r.submit_note), note, "送审说明", false,
				err)) < 0)
		return rc;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
		goto done;
	loaded = true;
	/* The 承办人 submits (国办发〔2018〕118号 四: 送审材料由承办机构提交). */
	if (!cx.actor_on_case) {
		rc = cases__forbidden(err, "只有本案执法人员可以送审");
		goto done;
	}
	if (strcmp(cx.c.stage, "legal_review") != 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "wrong_stage",
				  "案件须处于“法制审核”环节才能送审");
		goto done;
	}
	rc = store_review_latest(&last, tx, cx.c.id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		r.seq = 1;
	} else if (rc < 0) {
		goto done;
	} else {
		if (strcmp(last.status, "pre_review") == 0 || strcmp(last.status, "accepted") == 0) {
			rc = sx_error_set(err, SX_ECONFLICT, "review_in_progress",
					  "本案已有进行中的法制审核");
			goto done;
		}
		r.seq = last.seq + 1;
	}
	rc = store_case_draft_latest(&draft, tx, cx.c.id, err);
	if (rc == SX_ENOTFOUND) {
		rc = sx_error_set(err, SX_ECONFLICT, "draft_required",
				  "请先拟定决定草稿（拟作出的行政处罚决定）再送审");
		goto done;
	}
	if (rc < 0)
		goto done;
	if ((rc = reviews__materials(&present, &hearing, tx, &cx.c, &draft, err)) < 0)
		goto done;
	if ((rc = store_review_settings_get(&settings, tx, cx.c.agency_id, err)) < 0)
		goto done;
	if ((rc = sx_id_new(r.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	snprintf(r.case_id, sizeof(r.case_id), "%s", cx.c.id);
	snprintf(r.agency_id, sizeof(r.agency_id), "%s", cx.c.agency_id);
	snprintf(r.draft_id, sizeof(r.draft_id), "%s", draft.id);
	snprintf(r.draft_sha256, sizeof(r.draft_sha256), "%s", draft.body_sha256);
	r.urgent = urgent;
	r.materials = present;
	cases__now(r.submitted_at);
	snprintf(r.submitted_by, sizeof(r.submitted_by), "%s", actor->user_id);
	snprintf(r.submitted_by_name, sizeof(r.submitted_by_name), "%s", actor->display_name);
	r.updated_at[0] = '\0';
	if (review_materials_check(&missing, present, hearing, &missing_err) < 0) {
		/* Returned at once: the list of what is missing, and no clock. */
		r.missing = missing;
		snprintf(r.status, sizeof(r.status), "%s", "returned");
		snprintf(r.returned_at, sizeof(r.returned_at), "%s", r.submitted_at);
		snprintf(r.returned_reason, sizeof(r.returned_reason), "%s", missing_err.message);
	} else if (settings.unit_pre_review) {
		snprintf(r.status, sizeof(r.status), "%s", "pre_review");
	} else {
		snprintf(r.status, sizeof(r.status), "%s", "accepted");
		if ((rc = service_calendar_load(&cal, svc, err)) < 0)
			goto done;
		has_cal = true;
		snprintf(r.accepted_at, sizeof(r.accepted_at), "%s", r.submitted_at);
		cases__today(r.accepted_on);
		if ((rc = review_due(r.due_on, &cal, r.accepted_on, urgent, err)) < 0)
			goto done;
	}
	snprintf(r.updated_at, sizeof(r.updated_at), "%s", r.submitted_at);
	if ((rc = store_review_insert(tx, &r, err)) < 0)
		goto done;
	{
		char materials[8];
		const char *fields[] = {"review_id", r.id,	 "case_id",   r.case_id, "status",
					r.status,    "draft_sha256", r.draft_sha256, "due_on",
					r.due_on,    "materials",	 materials,	  NULL};

		snprintf(materials, sizeof(materials), "%u", present);
		if ((rc = cases__event(&index, svc, tx, actor, "review.submit", "review", r.id,
				       cx.c.id, fields, err)) < 0)
			goto done;
	}
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	if ((rc = service_review_get(out, svc, actor, r.id, SERVICE_CASE_OPEN_REASON, NULL, err)) <
	    0)
		goto done;
	out->ledger_index = (int64_t)index;
	if (missing) {
		if (err)
			*err = missing_err;
		rc = missing_err.rc;
	}
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	if (has_cal)
		calendar_clear(&cal);
	store_case_draft_clear(&draft);
	store_review_clear(&last);
	return rc;
}

/* ---- the steps of a review ---- */

struct reviews_step {
	const char *word;  /* result / decision / conclusion code */
	const char *text;  /* note / reason / opinion */
	const struct review_item *items;
};

static int reviews__apply_pre_review(struct reviews_change *ch, struct store_review *r,
				     const struct service *svc, struct store_tx *tx,
				     const struct service_actor *actor, struct case_ctx *cx,
				     void *ctx, struct sx_error *err)
{
	const struct reviews_step *s = ctx;
	struct calendar cal;
	bool pass;
	int rc;

	(void)tx;
	if (actor->role != ACCOUNT_ROLE_UNIT_HEAD || !cases__same_agency(actor, cx->c.agency_id))
		return cases__forbidden(err, "科室初审由本机关承办科室负责人办理");
	if (strcmp(r->status, "pre_review") != 0)
		return sx_error_set(err, SX_ECONFLICT, "review_not_open", "该送审不在科室初审环节");
	if (!s->word || (strcmp(s->word, "pass") && strcmp(s->word, "return")))
		return sx_error_set(err, SX_EINVALID, "bad_result", "初审结果须为通过或退回");
	pass = strcmp(s->word, "pass") == 0;
	if ((rc = reviews__text(r->pre_review_note, sizeof(r->pre_review_note), s->text,
				"初审意见", !pass, err)) < 0)
		return rc;
	snprintf(r->pre_review_result, sizeof(r->pre_review_result), "%s", s->word);
	cases__now(r->pre_review_at);
	snprintf(r->pre_review_by, sizeof(r->pre_review_by), "%s", actor->user_id);
	snprintf(r->pre_review_by_name, sizeof(r->pre_review_by_name), "%s", actor->display_name);
	ch->kind = "review.pre_review";
	ch->extra_key = "result";
	ch->extra_value = s->word;
	if (!pass) {
		snprintf(r->status, sizeof(r->status), "%s", "returned");
		snprintf(r->returned_at, sizeof(r->returned_at), "%s", r->pre_review_at);
		snprintf(r->returned_reason, sizeof(r->returned_reason), "%s", r->pre_review_note);
		return 0;
	}
	/* The clock starts when the legal-review body receives the materials. */
	snprintf(r->status, sizeof(r->status), "%s", "accepted");
	snprintf(r->accepted_at, sizeof(r->accepted_at), "%s", r->pre_review_at);
	cases__today(r->accepted_on);
	if ((rc = service_calendar_load(&cal, svc, err)) < 0)
		return rc;
	rc = review_due(r->due_on, &cal, r->accepted_on, r->urgent, err);
	calendar_clear(&cal);
	return rc;
}

int service_review_pre_review(struct service_review *out, const struct service *svc,
			      const struct service_actor *actor, const char *review_id,
			      const char *result, const char *note, struct sx_error *err)
{
	struct reviews_step s = {result, note, NULL};

	return reviews__change(out, svc, actor, review_id, reviews__apply_pre_review, &s, err);
}

static int reviews__take(struct store_review *r, struct store_tx *tx,
			 const struct service_actor *actor, struct case_ctx *cx,
			 struct sx_error *err)
{
	int rc;

	if (strcmp(r->status, "accepted") != 0)
		return sx_error_set(err, SX_ECONFLICT, "review_not_open", "该法制审核不在审核中");
	if ((rc = reviews__reviewer_check(actor, tx, cx, r, err)) < 0)
		return rc;
	if (r->reviewer_id[0] && strcmp(r->reviewer_id, actor->user_id) != 0)
		return sx_error_set(err, SX_ECONFLICT, "already_taken",
				    "该法制审核已由其他审核人员承办");
	snprintf(r->reviewer_id, sizeof(r->reviewer_id), "%s", actor->user_id);
	snprintf(r->reviewer_name, sizeof(r->reviewer_name), "%s", actor->display_name);
	return 0;
}

static int reviews__apply_take(struct reviews_change *ch, struct store_review *r,
			       const struct service *svc, struct store_tx *tx,
			       const struct service_actor *actor, struct case_ctx *cx, void *ctx,
			       struct sx_error *err)
{
	(void)svc;
	(void)ctx;
	ch->kind = "review.take";
	if (r->reviewer_id[0] && strcmp(r->reviewer_id, actor->user_id) == 0)
		return sx_error_set(err, SX_ECONFLICT, "already_taken", "您已承办该法制审核");
	return reviews__take(r, tx, actor, cx, err);
}

int service_review_take(struct service_review *out, const struct service *svc,
			const struct service_actor *actor, const char *review_id,
			struct sx_error *err)
{
	return reviews__change(out, svc, actor, review_id, reviews__apply_take, NULL, err);
}

static int reviews__apply_extend(struct reviews_change *ch, struct store_review *r,
				 const struct service *svc, struct store_tx *tx,
				 const struct service_actor *actor, struct case_ctx *cx, void *ctx,
				 struct sx_error *err)
{
	const struct reviews_step *s = ctx;
	struct calendar cal;
	char due[11];
	int rc;

	(void)tx;
	if (!reviews__is_head(actor, cx->c.agency_id))
		return cases__forbidden(err, "延长审核期限须经本机关负责人批准");
	if (strcmp(r->status, "accepted") != 0)
		return sx_error_set(err, SX_ECONFLICT, "review_not_open", "该法制审核不在审核中");
	if ((rc = reviews__text(r->extension_reason, sizeof(r->extension_reason), s->text,
				"延期理由", true, err)) < 0)
		return rc;
	if ((rc = service_calendar_load(&cal, svc, err)) < 0)
		return rc;
	rc = review_extend(due, &cal, r->due_on, r->extended, err);
	calendar_clear(&cal);
	if (rc < 0)
		return rc;
	snprintf(r->due_on, sizeof(r->due_on), "%s", due);
	r->extended = true;
	cases__now(r->extension_at);
	snprintf(r->extension_by, sizeof(r->extension_by), "%s", actor->user_id);
	snprintf(r->extension_by_name, sizeof(r->extension_by_name), "%s", actor->display_name);
	ch->kind = "review.extend";
	ch->extra_key = "due_on";
	ch->extra_value = r->due_on;
	return 0;
}

int service_review_extend(struct service_review *out, const struct service *svc,
			  const struct service_actor *actor, const char *review_id,
			  const char *reason, struct sx_error *err)
{
	struct reviews_step s = {NULL, reason, NULL};

	return reviews__change(out, svc, actor, review_id, reviews__apply_extend, &s, err);
}

/* The 法制审核意见书's values from the review. */
static int reviews__opinion_values(char **out, const struct store_review *r,
				   const struct review_item items[REVIEW_CHECK_COUNT],
				   enum review_conclusion c, const char *opinion,
				   const char *reviewer, struct sx_error *err)
{
	static const char *const numerals[REVIEW_CHECK_COUNT] = {"一", "二", "三", "四", "五",
								  "六", "七", "八", "九", "十"};
	struct buf materials, points;
	json_t *obj = NULL;
	char *text = NULL;
	int rc = 0;

	*out = NULL;
	buf_init(&materials, 16384);
	buf_init(&points, 32768);
	for (int m = 0; m < REVIEW_MAT_COUNT; m++)
		if (r->materials & (1 << m))
			rc |= buf_appendf(&materials, "%s%s", materials.len ? "、" : "",
					  review_material_label((enum review_material)m));
	rc |= buf_appendf(&materials, "（决定草稿 SHA-256：%.16s…）", r->draft_sha256);
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		bool problem = items[i].checked && !items[i].passed;

		rc |= buf_appendf(&points, "（%s）%s：%s%s%s\n", numerals[i],
				  review_check_label((enum review_check)i),
				  problem ? "存在问题" : "通过", items[i].note[0] ? "。" : "",
				  items[i].note);
	}
	if (rc < 0) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	obj = json_pack("{s:s%,s:s%,s:s,s:s,s:s}", "submitted_materials", materials.data,
			materials.len, "review_points", points.data, points.len, "conclusion",
			review_conclusion_label(c), "opinion",
			opinion && !reviews__blank(opinion) ? opinion : "同意作出该决定。", "reviewer",
			reviewer);
	if (!obj || !(text = json_dumps(obj, JSON_COMPACT))) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	if (!(*out = sx_strdup(text)))
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
done:
	free(text); /* jansson's allocator */
	json_decref(obj);
	buf_free(&materials);
	buf_free(&points);
	return rc;
}

static int reviews__apply_conclude(struct reviews_change *ch, struct store_review *r,
				   const struct service *svc, struct store_tx *tx,
				   const struct service_actor *actor, struct case_ctx *cx,
				   void *ctx, struct sx_error *err)
{
	const struct reviews_step *s = ctx;
	enum review_conclusion c;
	struct store_case_draft latest;
	struct service_record rec;
	char *values = NULL;
	int rc;

	memset(&latest, 0, sizeof(latest));
	memset(&rec, 0, sizeof(rec));
	if (strcmp(r->status, "accepted") != 0)
		return sx_error_set(err, SX_ECONFLICT, "review_not_open", "该法制审核不在审核中");
	if ((rc = reviews__take(r, tx, actor, cx, err)) < 0)
		return rc;
	if ((rc = review_conclusion_from_code(&c, s->word, err)) < 0 ||
	    (rc = review_check_conclusion(s->items, c, s->text, err)) < 0)
		return rc;
	if ((rc = store_case_draft_latest(&latest, tx, cx->c.id, err)) < 0)
		return rc;
	if (strcmp(latest.id, r->draft_id) != 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "draft_changed",
				  "送审后决定草稿已被修改，请退回重新送审");
		goto done;
	}
	if (strcmp(cx->c.stage, "legal_review") != 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "wrong_stage",
				  "案件已不在“法制审核”环节，不能作出审核结论");
		goto done;
	}
	sx_free(r->checklist);
	r->checklist = NULL;
	if ((rc = reviews__checklist_json(&r->checklist, s->items, err)) < 0)
		goto done;
	sx_free(r->opinion);
	if (!(r->opinion = sx_strdup(s->text ? s->text : ""))) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	snprintf(r->conclusion, sizeof(r->conclusion), "%s", review_conclusion_code(c));
	/* 法制审核意见书: part of the case file, numbered, in the ledger. */
	if ((rc = reviews__opinion_values(&values, r, s->items, c, s->text, actor->display_name,
					  err)) < 0 ||
	    (rc = cases__record_make(&rec, svc, tx, actor, cx, REVIEWS_OPINION_TEMPLATE, values,
				     err)) < 0)
		goto done;
	snprintf(r->opinion_record_id, sizeof(r->opinion_record_id), "%s", rec.r.id);
	cases__now(r->concluded_at);
	snprintf(r->status, sizeof(r->status), "%s", "concluded");
	ch->kind = "review.conclude";
	ch->extra_key = "conclusion";
	ch->extra_value = review_conclusion_code(c);
done:
	store_case_draft_clear(&latest);
	service_record_clear(&rec);
	sx_free(values);
	return rc;
}

int service_review_conclude(struct service_review *out, const struct service *svc,
			    const struct service_actor *actor, const char *review_id,
			    const struct review_item items[REVIEW_CHECK_COUNT],
			    const char *conclusion, const char *opinion, struct sx_error *err)
{
	struct reviews_step s = {conclusion, opinion, items};

	if (opinion && strlen(opinion) > REVIEW_OPINION_MAX_BYTES)
		return sx_error_set(err, SX_EINVALID, "bad_opinion", "审核意见过长");
	return reviews__change(out, svc, actor, review_id, reviews__apply_conclude, &s, err);
}

static int reviews__apply_object(struct reviews_change *ch, struct store_review *r,
				 const struct service *svc, struct store_tx *tx,
				 const struct service_actor *actor, struct case_ctx *cx, void *ctx,
				 struct sx_error *err)
{
	const struct reviews_step *s = ctx;
	int rc;

	(void)svc;
	(void)tx;
	if (!cx->actor_on_case)
		return cases__forbidden(err, "只有本案执法人员可以对审核意见提出异议");
	if (strcmp(r->status, "concluded") != 0 || strcmp(r->conclusion, "approve") == 0)
		return sx_error_set(err, SX_ECONFLICT, "nothing_to_object",
				    "只能对“建议修改”或“不同意”的审核结论提出异议");
	if (r->objected_at[0])
		return sx_error_set(err, SX_ECONFLICT, "already_objected",
				    "对同一审核结论只能提出一次异议");
	if ((rc = reviews__text(r->objection, sizeof(r->objection), s->text, "异议理由", true,
				err)) < 0)
		return rc;
	cases__now(r->objected_at);
	snprintf(r->objected_by, sizeof(r->objected_by), "%s", actor->user_id);
	snprintf(r->objected_by_name, sizeof(r->objected_by_name), "%s", actor->display_name);
	ch->kind = "review.object";
	return 0;
}

int service_review_object(struct service_review *out, const struct service *svc,
			  const struct service_actor *actor, const char *review_id,
			  const char *reason, struct sx_error *err)
{
	struct reviews_step s = {NULL, reason, NULL};

	return reviews__change(out, svc, actor, review_id, reviews__apply_object, &s, err);
}

static int reviews__apply_coordinate(struct reviews_change *ch, struct store_review *r,
				     const struct service *svc, struct store_tx *tx,
				     const struct service_actor *actor, struct case_ctx *cx,
				     void *ctx, struct sx_error *err)
{
	const struct reviews_step *s = ctx;
	int rc;

	(void)svc;
	(void)tx;
	if (actor->role != ACCOUNT_ROLE_REVIEWER || !cases__same_agency(actor, cx->c.agency_id))
		return cases__forbidden(err, "协调记录由本机关法制审核人员填写");
	if (strcmp(r->status, "concluded") != 0 || !r->objected_at[0] || r->coordinated_at[0])
		return sx_error_set(err, SX_ECONFLICT, "nothing_to_coordinate",
				    "没有待协调的异议");
	if (!s->word || (strcmp(s->word, "maintained") && strcmp(s->word, "changed")))
		return sx_error_set(err, SX_EINVALID, "bad_result", "协调结果须为维持或改变审核意见");
	if ((rc = reviews__text(r->coordination, sizeof(r->coordination), s->text, "协调情况",
				true, err)) < 0)
		return rc;
	snprintf(r->coordination_result, sizeof(r->coordination_result), "%s", s->word);
	cases__now(r->coordinated_at);
	snprintf(r->coordinated_by, sizeof(r->coordinated_by), "%s", actor->user_id);
	snprintf(r->coordinated_by_name, sizeof(r->coordinated_by_name), "%s",
		 actor->display_name);
	ch->kind = "review.coordinate";
	ch->extra_key = "result";
	ch->extra_value = s->word;
	if (strcmp(s->word, "changed") == 0) {
		/* The reviewer was persuaded: the review reopens for a new conclusion (and a new
		 * 意见书); the clock keeps its due date. */
		snprintf(r->status, sizeof(r->status), "%s", "accepted");
		r->conclusion[0] = '\0';
		r->concluded_at[0] = '\0';
	}
	return 0;
}

int service_review_coordinate(struct service_review *out, const struct service *svc,
			      const struct service_actor *actor, const char *review_id,
			      const char *result, const char *note, struct sx_error *err)
{
	struct reviews_step s = {result, note, NULL};

	return reviews__change(out, svc, actor, review_id, reviews__apply_coordinate, &s, err);
}

static int reviews__apply_head(struct reviews_change *ch, struct store_review *r,
			       const struct service *svc, struct store_tx *tx,
			       const struct service_actor *actor, struct case_ctx *cx, void *ctx,
			       struct sx_error *err)
{
	const struct reviews_step *s = ctx;
	int rc;

	(void)svc;
	if (!reviews__is_head(actor, cx->c.agency_id))
		return cases__forbidden(err, "异议由本机关负责人决定");
	if (strcmp(r->status, "concluded") != 0 ||
	    strcmp(r->coordination_result, "maintained") != 0 || r->head_at[0])
		return sx_error_set(err, SX_ECONFLICT, "nothing_to_decide",
				    "没有经协调仍未解决的异议");
	if (!s->word || (strcmp(s->word, "uphold") && strcmp(s->word, "proceed")))
		return sx_error_set(err, SX_EINVALID, "bad_decision",
				    "负责人决定须为维持审核意见或按草稿办理");
	if ((rc = reviews__text(r->head_reason, sizeof(r->head_reason), s->text, "决定理由", true,
				err)) < 0)
		return rc;
	if (strcmp(s->word, "proceed") == 0) {
		/* Overruling the legal review is a collective decision (第五十七条第二款). */
		struct store_case_discussion *disc = NULL;
		size_t n = 0, i;
		bool found = false;

		if ((rc = store_case_discussions(&disc, &n, tx, cx->c.id, err)) < 0)
			return rc;
		for (i = 0; i < n; i++)
			if (strcmp(disc[i].draft_id, r->draft_id) == 0)
				found = true;
		store_case_discussions_free(disc, n);
		if (!found)
			return sx_error_set(err, SX_ECONFLICT, "discussion_required",
					    "不采纳法制审核意见须经集体讨论决定，请先记录集体讨论");
	}
	snprintf(r->head_decision, sizeof(r->head_decision), "%s", s->word);
	cases__now(r->head_at);
	snprintf(r->head_by, sizeof(r->head_by), "%s", actor->user_id);
	snprintf(r->head_by_name, sizeof(r->head_by_name), "%s", actor->display_name);
	ch->kind = "review.head_decide";
	ch->extra_key = "decision";
	ch->extra_value = s->word;
	return 0;
}

int service_review_head_decide(struct service_review *out, const struct service *svc,
			       const struct service_actor *actor, const char *review_id,
			       const char *decision, const char *reason, struct sx_error *err)
{
	struct reviews_step s = {decision, reason, NULL};

	return reviews__change(out, svc, actor, review_id, reviews__apply_head, &s, err);
}

/* ---- reading ---- */

int service_review_get(struct service_review *out, const struct service *svc,
		       const struct service_actor *actor, const char *review_id,
		       const char *reason, const char *remote_addr, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	uint64_t index = 0;
	bool loaded = false;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ledger_index = -1;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = reviews__load(&out->r, &cx, tx, actor, review_id, err)) < 0)
		goto done;
	loaded = true;
	/* The draft is case-file content: reading the review is a 调阅 of the case file. */
	if ((rc = cases__log_access(&index, svc, tx, actor, &cx, "case", cx.c.id, "view",
				    cx.actor_on_case ? SERVICE_CASE_OPEN_REASON : reason,
				    remote_addr, err)) < 0)
		goto done;
	if ((rc = reviews__answer(out, svc, tx, actor, &cx, err)) < 0)
		goto done;
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	out->ledger_index = (int64_t)index;
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	if (rc < 0)
		service_review_clear(out);
	return rc;
}

void service_review_page_clear(struct service_review_page *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++)
		store_review_clear(&p->items[i].r);
	sx_free(p->items);
	memset(p, 0, sizeof(*p));
}

int service_review_list(struct service_review_page *out, const struct service *svc,
			const struct service_actor *actor, const struct service_review_query *q,
			struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_review_filter f;
	struct store_review *rows = NULL;
	struct calendar cal;
	size_t count = 0, i;
	bool has_cal = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	switch (q->scope) {
	case SERVICE_REVIEW_SCOPE_QUEUE:
		if (actor->role != ACCOUNT_ROLE_REVIEWER)
			return cases__forbidden(err, "审核队列仅供法制审核人员使用");
		f.agency_id = actor->agency_id;
		f.open_only = true;
		break;
	case SERVICE_REVIEW_SCOPE_AGENCY:
		if (actor->role != ACCOUNT_ROLE_REVIEWER && actor->role != ACCOUNT_ROLE_AGENCY_HEAD &&
		    actor->role != ACCOUNT_ROLE_UNIT_HEAD)
			return cases__forbidden(err, NULL);
		f.agency_id = actor->agency_id;
		break;
	case SERVICE_REVIEW_SCOPE_REGION:
		if (actor->role != ACCOUNT_ROLE_SUPERVISOR && actor->role != ACCOUNT_ROLE_ADMIN)
			return cases__forbidden(err, NULL);
		if (actor->role == ACCOUNT_ROLE_SUPERVISOR)
			f.region_prefix = actor->region_code;
		break;
	default:
		return sx_error_set(err, SX_EINVALID, "bad_scope", "查询范围不正确");
	}
	if (q->per_page < 1 || q->per_page > 100 || q->page < 1 || q->page > 100000)
		return sx_error_set(err, SX_EINVALID, "bad_page", "分页参数不正确");
	if (q->open_only)
		f.open_only = true;
	cases__today(out->today);
	out->page = q->page;
	out->per_page = q->per_page;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	{
		struct store_review_filter c = f;

		c.open_only = true;
		c.limit = 1;
		if ((rc = store_review_list_count(&out->open_count, tx, &c, err)) < 0)
			goto done;
		c.open_only = false;
		c.overdue_on = out->today;
		if ((rc = store_review_list_count(&out->overdue_count, tx, &c, err)) < 0)
			goto done;
	}
	if (q->overdue_only)
		f.overdue_on = out->today;
	f.limit = q->per_page;
	f.offset = (q->page - 1) * q->per_page;
	if ((rc = store_review_list_count(&out->total, tx, &f, err)) < 0 ||
	    (rc = store_review_list(&rows, &count, tx, &f, err)) < 0)
		goto done;
	if (count && !(out->items = sx_calloc(count, sizeof(*out->items)))) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	if ((rc = service_calendar_load(&cal, svc, err)) < 0)
		goto done;
	has_cal = true;
	for (i = 0; i < count; i++) {
		struct service_review_row *row = &out->items[i];
		struct store_case c;
		struct store_agency a;

		row->r = rows[i];
		memset(&rows[i], 0, sizeof(rows[i]));
		out->count++;
		if ((rc = store_case_get(&c, tx, row->r.case_id, err)) < 0 ||
		    (rc = store_agency_get(&a, tx, row->r.agency_id, err)) < 0)
			goto done;
		snprintf(row->case_no, sizeof(row->case_no), "%s", c.case_no);
		snprintf(row->party_name, sizeof(row->party_name), "%s", c.party_name);
		snprintf(row->agency_name, sizeof(row->agency_name), "%s", a.name);
		if (strcmp(row->r.status, "accepted") == 0 && row->r.due_on[0]) {
			row->overdue = review_is_overdue(row->r.due_on, out->today);
			if (review_workdays_left(&row->workdays_left, &cal, row->r.due_on,
						 out->today, NULL) < 0)
				row->workdays_left = 0;
		}
	}
done:
	store_rollback(tx);
	if (has_cal)
		calendar_clear(&cal);
	store_reviews_free(rows, count);
	if (rc < 0)
		service_review_page_clear(out);
	return rc;
}

int service_review_staffing(struct service_review_staffing *out, const struct service *svc,
			    const struct service_actor *actor, const char *agency_id,
			    struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency agency;
	char today[11];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!agency_id || !*agency_id)
		agency_id = actor->agency_id;
	if (!agency_id || !*agency_id || strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_agency_get(&agency, tx, agency_id, err);
	if (rc == SX_ENOTFOUND)
		rc = sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if (rc < 0)
		goto done;
	{
		struct account_actor view = {actor->role, actor->agency_id, actor->region_code};
		bool allowed = actor->role == ACCOUNT_ROLE_ADMIN ||
			       (actor->role == ACCOUNT_ROLE_SUPERVISOR &&
				account_scope_covers(ACCOUNT_SCOPE_REGION, &view, agency.id,
						     agency.region_code)) ||
			       ((actor->role == ACCOUNT_ROLE_AGENCY_HEAD ||
				 actor->role == ACCOUNT_ROLE_REVIEWER) &&
				cases__same_agency(actor, agency.id));

		if (!allowed) {
			rc = cases__forbidden(err, NULL);
			goto done;
		}
	}
	cases__today(today);
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", agency.id);
	if ((rc = store_review_staffing(&out->reviewers, &out->officers, tx, agency.id, today,
					err)) < 0)
		goto done;
	/* 国办发〔2018〕118号 四: 法制审核人员原则上不少于执法人员总数的 5%. */
	out->short_staffed = review_staffing_short(&out->required, out->reviewers, out->officers);
done:
	store_rollback(tx);
	return rc;
}

/* ---- 集体讨论 ---- */

int service_discussion_record(struct store_case_discussion *out, const struct service *svc,
			      const struct service_actor *actor, const char *case_id,
			      const struct service_discussion_input *in, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	struct store_case_discussion d;
	struct store_case_draft draft;
	char held[STORE_TIME_SIZE];
	json_t *list = NULL;
	char *attendees = NULL, *opinions = NULL, *conclusion = NULL, *lines = NULL;
	uint64_t index = 0;
	bool loaded = false;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	memset(&draft, 0, sizeof(draft));
	if ((rc = service_text_copy(held, sizeof(held), in->held_at, "讨论时间", 16,
				    SERVICE_TEXT_REQUIRED, err)) < 0 ||
	    (rc = reviews__text(d.place, sizeof(d.place), in->place, "讨论地点", true, err)) < 0 ||
	    (rc = reviews__text(d.host, sizeof(d.host), in->host, "主持人", true, err)) < 0)
		return rc;
	{
		int y, mo, da, h, mi;
		char tail;

		if (sscanf(held, "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &da, &h, &mi, &tail) != 5 ||
		    strlen(held) != 16 || !sx_date_is_valid(y, mo, da) || h > 23 || mi > 59 || h < 0 ||
		    mi < 0)
			return sx_error_set(err, SX_EINVALID, "bad_date",
					    "讨论时间格式应为 YYYY-MM-DD HH:MM");
		snprintf(d.held_at, sizeof(d.held_at), "%s", held);
	}
	opinions = sx_malloc(REVIEW_OPINION_MAX_BYTES + 1);
	conclusion = sx_malloc(REVIEW_OPINION_MAX_BYTES + 1);
	lines = sx_malloc(REVIEWS_ATTENDEES_BYTES + 1);
	if (!opinions || !conclusion || !lines || !(list = json_array())) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	if ((rc = service_text_copy(lines, REVIEWS_ATTENDEES_BYTES + 1, in->attendees, "参加人员",
				    REVIEWS_ATTENDEES_BYTES / 3,
				    SERVICE_TEXT_REQUIRED | SERVICE_TEXT_MULTILINE, err)) < 0 ||
	    (rc = service_text_copy(opinions, REVIEW_OPINION_MAX_BYTES + 1, in->opinions,
				    "讨论意见", REVIEW_OPINION_MAX_BYTES / 3,
				    SERVICE_TEXT_REQUIRED | SERVICE_TEXT_MULTILINE, err)) < 0 ||
	    (rc = service_text_copy(conclusion, REVIEW_OPINION_MAX_BYTES + 1, in->conclusion,
				    "讨论结论", REVIEW_OPINION_MAX_BYTES / 3,
				    SERVICE_TEXT_REQUIRED | SERVICE_TEXT_MULTILINE, err)) < 0)
		goto done;
	/* Attendees: one per line, kept as a JSON array of the lines. */
	{
		char *p = lines;

		while (*p) {
			char *e = strchr(p, '\n');
			char *q, *end;

			if (e)
				*e = '\0';
			for (q = p; *q == ' ' || *q == '\t' || *q == '\r'; q++)
				;
			end = q + strlen(q);
			while (end > q && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
				*--end = '\0';
			if (*q && json_array_append_new(list, json_string(q)) < 0) {
				rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
				goto done;
			}
			p = e ? e + 1 : end;
		}
		/* 第五十七条第二款: 负责人集体讨论 — not one person's decision. */
		if (json_array_size(list) < 3) {
			rc = sx_error_set(err, SX_EINVALID, "attendees_required",
					  "集体讨论应有机关负责人等三名以上人员参加（每行一人）");
			goto done;
		}
	}
	{
		char *text = json_dumps(list, JSON_COMPACT);

		if (!text || !(attendees = sx_strdup(text))) {
			free(text); /* jansson's allocator */
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto done;
		}
		free(text); /* jansson's allocator */
	}
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto done;
	if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
		goto done;
	loaded = true;
	if (!reviews__is_head(actor, cx.c.agency_id) || actor->role == ACCOUNT_ROLE_ADMIN) {
		rc = cases__forbidden(err, "集体讨论记录由本机关负责人填写");
		goto done;
	}
	if (!reviews__applicable(&cx.c) || !reviews__before_decision(cx.c.stage)) {
		rc = sx_error_set(err, SX_ECONFLICT, "wrong_stage",
				  "集体讨论须在作出决定之前进行");
		goto done;
	}
	rc = store_case_draft_latest(&draft, tx, cx.c.id, err);
	if (rc == SX_ENOTFOUND) {
		rc = sx_error_set(err, SX_ECONFLICT, "draft_required",
				  "请先拟定决定草稿，集体讨论针对拟作出的决定");
		goto done;
	}
	if (rc < 0)
		goto done;
	if ((rc = sx_id_new(d.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	snprintf(d.case_id, sizeof(d.case_id), "%s", cx.c.id);
	snprintf(d.draft_id, sizeof(d.draft_id), "%s", draft.id);
	snprintf(d.draft_sha256, sizeof(d.draft_sha256), "%s", draft.body_sha256);
	d.attendees = attendees;
	d.opinions = opinions;
	d.conclusion = conclusion;
	cases__now(d.created_at);
	snprintf(d.created_by, sizeof(d.created_by), "%s", actor->user_id);
	snprintf(d.created_by_name, sizeof(d.created_by_name), "%s", actor->display_name);
	if ((rc = store_case_discussion_insert(tx, &d, err)) < 0)
		goto done;
	{
		char sha[STORE_SHA256_HEX_SIZE];
		const char *fields[] = {"discussion_id", d.id,	    "case_id",	    d.case_id,
					"draft_sha256",	 d.draft_sha256, "held_at", d.held_at,
					"content_sha256", sha,		  NULL};

		if (crypto_hash_hex(sha, CRYPTO_HASH_SHA256, conclusion, strlen(conclusion)) < 0)
			sha[0] = '\0';
		if ((rc = cases__event(&index, svc, tx, actor, "discussion.record", "discussion",
				       d.id, cx.c.id, fields, err)) < 0)
			goto done;
	}
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	*out = d;
	out->attendees = attendees;
	attendees = NULL;
	out->opinions = opinions;
	out->conclusion = conclusion;
	opinions = NULL;
	conclusion = NULL;
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	json_decref(list);
	sx_free(attendees);
	sx_free(opinions);
	sx_free(conclusion);
	sx_free(lines);
	store_case_draft_clear(&draft);
	return rc;
}

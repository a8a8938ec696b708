/*
 * service/case_internal — what the case service files (cases.c,
 * case_records.c, and the evidence and archive files) share. Not for callers
 * outside src/service.
 */
#ifndef SX_SERVICE_CASE_INTERNAL_H
#define SX_SERVICE_CASE_INTERNAL_H

#include "crypto/hash.h"
#include "base/id.h"
#include "domain/matter.h"
#include "service/cases.h"
#include "service/reviews.h"

/* A case loaded for one request, with what permission checks need. */
struct case_ctx {
	struct store_case c;                 /* as stored (secrets whole) */
	struct store_agency agency;
	struct store_case_officer *officers; /* owned (sx_free) */
	size_t officer_count;
	bool actor_on_case;
};

void cases__today(char out[11]);
void cases__now(char out[STORE_TIME_SIZE]);
int cases__not_found(struct sx_error *err);
int cases__forbidden(struct sx_error *err, const char *message);
bool cases__same_agency(const struct service_actor *actor, const char *agency_id);
/* date "" / NULL = today; else validated and normalized. SX_EINVALID "bad_date". */
int cases__check_date(char out[11], const char *date, struct sx_error *err);
int cases__actor_officer(struct store_officer *out, bool *found, struct store_tx *tx,
			 const struct service_actor *actor, struct sx_error *err);

/* Loads the case and its officers; the actor must be allowed to read it
 * (else "case_not_found"). cx is cleared on error. */
int cases__load(struct case_ctx *cx, struct store_tx *tx, const struct service_actor *actor,
		const char *case_id, struct sx_error *err);
void cases__ctx_clear(struct case_ctx *cx);
bool cases__may_read(const struct service_actor *actor, const struct case_ctx *cx);
bool cases__may_work(const struct service_actor *actor, const struct case_ctx *cx);
bool cases__may_see_secrets(const struct service_actor *actor, const char *agency_id);
/* Masks the party's ID number (a person's) and phone as staff without the right see them. */
void cases__mask(struct store_case *c);

/* The access log row and ledger event "case.access" (see cases.h). */
int cases__log_access(uint64_t *index, const struct service *svc, struct store_tx *tx,
		      const struct service_actor *actor, const struct case_ctx *cx,
		      const char *object_type, const char *object_id, const char *action,
		      const char *reason, const char *remote_addr, struct sx_error *err);

/* Audit row + ledger event with flat string fields. */
int cases__event(uint64_t *index, const struct service *svc, struct store_tx *tx,
		 const struct service_actor *actor, const char *kind, const char *object_type,
		 const char *object_id, const char *entity_id, const char *const *fields,
		 struct sx_error *err);

/* Takes the next number of (agency, word, year) and formats it as
 * <文书简称><word>〔<year>〕<seq>号. */
int cases__format_number(char out[STORE_CASE_NO_SIZE], struct store_tx *tx,
			 const char *agency_id, const char *word, int64_t year, int64_t *seq,
			 struct sx_error *err);

/* The matter of the case, from the list version it was opened under. */
int cases__matter_of(struct matter *out, struct store_tx *tx, const struct store_case *c,
		     struct sx_error *err);

int cases__state(struct casefile_state *out, const struct store_case *c, struct sx_error *err);

/* The stored document of r (read with bodies) as an A4 PDF appended to pdf. */
int cases__record_pdf(struct buf *pdf, const struct store_case_record *r, struct sx_error *err);

/* The template the review makes its opinion from, and the decision's. */
#define REVIEWS_OPINION_TEMPLATE "legal_review_opinion"
#define REVIEWS_DECISION_TEMPLATE "penalty_decision"

/*
 * Makes a record of template_code from values_json (made today, no officers)
 * in the loaded case inside tx, without permission checks: for records that
 * a workflow produces (the 法制审核意见书). out receives it (service_record_clear).
 */
int cases__record_make(struct service_record *out, const struct service *svc, struct store_tx *tx,
		       const struct service_actor *actor, const struct case_ctx *cx,
		       const char *template_code, const char *values_json, struct sx_error *err);

/* Where the case c (as stored) stands in the legal review: major or not and why, the
 * latest draft and review, the gate's answer, 集体讨论 (service/reviews.c). */
int reviews__case_review(struct service_case_review *out, struct store_tx *tx,
			 const struct store_case *c, const struct store_case_transition *t,
			 size_t tcount, struct sx_error *err);
/* The gate of a move past the review (deciding: into DECISION): SX_ECONFLICT "review_required"
 * / "review_not_passed" / (deciding) "discussion_required", or 0. */
int reviews__decision_gate(const struct service_case_review *rv, bool deciding,
			   struct sx_error *err);
/* For a major case, the 行政处罚决定书's canonical values must be the reviewed draft's:
 * SX_ECONFLICT "draft_differs" (or the gate's codes). */
int reviews__decision_values_check(struct store_tx *tx, const struct store_case *c,
				   const char *canonical_values, struct sx_error *err);

/* Opens the publication task (a draft publication, service/publications) of a decision
 * document r just made in the case, inside tx; verify_code (the party's 查验码 printed on it,
 * may be "") is masked in the published text. */
int publications__on_decision(const struct service *svc, struct store_tx *tx,
			      const struct service_actor *actor, const struct case_ctx *cx,
			      const struct store_case_record *r, const char *verify_code,
			      struct sx_error *err);

#endif

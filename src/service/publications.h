/*
 * service/publications — 事后公开 (docs/publications.md): the publication of
 * enforcement decisions, from the task that opens when a decision is made to
 * the public page and the search, with withdrawal and correction.
 *
 * The flow (domain/publication has the rules, domain/redact the masking):
 *   - making a 行政处罚决定书 (or a 简易程序 decision) in a case opens a draft
 *     publication in the same transaction: the public content taken from the
 *     case and the document, the party's name masked when a person, the full
 *     text redacted (the party, the people named in the case's records, the
 *     officers' certificate numbers kept), due by publication_due;
 *   - staff of the agency edit the draft (every text is run through
 *     redact_check: personal data left in is refused with
 *     "personal_data_found" unless an override reason is given), send it to
 *     check (送核), and a second person publishes it or returns it; or it is
 *     withheld (不予公开) with a reason;
 *   - when the decision falls (撤销、确认违法、责令重新作出) a withdrawal task
 *     opens with its due date; withdrawing takes the content off the public
 *     page, which then says 已撤下, when and why;
 *   - a correction is a new version (draft → check → published); when it is
 *     published the old one becomes "corrected" and the history shows what
 *     changed.
 * Every change is an audit row and a ledger event publication.*.
 *
 * Who may: staff of the decision's agency who work cases (officers, unit
 * heads, the agency head) prepare, send to check, withhold, open withdrawals,
 * withdraw and correct; publishing (the check) is for a unit head or the
 * agency head other than the preparer; supervisors of the region and admins
 * read. The public sees published, withdrawn (without content) and corrected
 * versions only.
 *
 * Search: the normalized text (search/zhnorm) of published versions is
 * indexed when they are published and removed when they stop being published;
 * svc->zhnorm must be set (serve, demo, tests) or publishing and search answer
 * SX_EINTERNAL "zhnorm_unavailable".
 *
 * Answers: *out is overwritten, never freed first; zeroed on error.
 */
#ifndef SX_SERVICE_PUBLICATIONS_H
#define SX_SERVICE_PUBLICATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "service/service.h"
#include "store/store_publication.h"

struct service_publication {
	struct store_publication p;          /* with full_text */
	struct store_publication *history;   /* the whole chain, oldest first, no text */
	size_t history_count;
	char changes[256];                   /* what this version changed from the one it corrects */
	char today[11];
	bool task_open;                      /* draft or pending_check */
	bool overdue;                        /* publication (or, when open, withdrawal) overdue */
	int days_left;                       /* working days to due_on (or withdraw_due_on) */
	bool may_edit, may_submit, may_return, may_publish, may_withhold, may_open_withdrawal,
		may_withdraw, may_correct;
	int64_t ledger_index;                /* this call's change; -1 */
};
void service_publication_clear(struct service_publication *p);

int service_publication_get(struct service_publication *out, const struct service *svc,
			    const struct service_actor *actor, const char *id, struct sx_error *err);

struct service_publication_input {
	const char *party_name;      /* NULL = unchanged; a person's must be masked */
	const char *category;
	const char *conclusion;
	const char *doc_no;
	const char *legal_basis;
	const char *penalty;
	const char *full_text;       /* NULL = unchanged; "" = no full text */
	int64_t fine_fen;            /* -1 = unchanged */
	int64_t confiscation_fen;    /* -1 = unchanged */
	const char *override_reason; /* why a redaction finding is kept; NULL/"" = none */
};

/* Edits a draft. SX_ECONFLICT "personal_data_found" (redact_check), publication content
 * codes, "stale_publication"/"content_frozen"; SX_EPERM "forbidden". */
int service_publication_save(struct service_publication *out, const struct service *svc,
			     const struct service_actor *actor, const char *id,
			     const struct service_publication_input *in, struct sx_error *err);

/* draft → pending_check (the content must pass publication_content_check and redact_check). */
int service_publication_submit(struct service_publication *out, const struct service *svc,
			       const struct service_actor *actor, const char *id,
			       struct sx_error *err);
/* pending_check → draft with a reason. */
int service_publication_return(struct service_publication *out, const struct service *svc,
			       const struct service_actor *actor, const char *id,
			       const char *reason, struct sx_error *err);
/* pending_check → published by a second person (unit head or agency head); indexes it; a
 * correction moves the version it corrects to corrected. */
int service_publication_publish(struct service_publication *out, const struct service *svc,
				const struct service_actor *actor, const char *id,
				struct sx_error *err);
/* draft → withheld: reason state_secret | trade_secret | personal_privacy, with a text. */
int service_publication_withhold(struct service_publication *out, const struct service *svc,
				 const struct service_actor *actor, const char *id,
				 const char *reason, const char *text, struct sx_error *err);
/* Opens the withdrawal task of a published decision that fell on event_on ("" = today):
 * reason revoked | confirmed_illegal | remade | other, text required for other. */
int service_publication_open_withdrawal(struct service_publication *out,
					const struct service *svc,
					const struct service_actor *actor, const char *id,
					const char *reason, const char *text,
					const char *event_on, struct sx_error *err);
/* published (with an open withdrawal) → withdrawn; out of the index. SX_ECONFLICT
 * "no_withdrawal_task" when none is open. */
int service_publication_withdraw(struct service_publication *out, const struct service *svc,
				 const struct service_actor *actor, const char *id,
				 struct sx_error *err);
/* A new draft version correcting a published one (reason required); out is the new version. */
int service_publication_correct(struct service_publication *out, const struct service *svc,
				const struct service_actor *actor, const char *id,
				const char *reason, struct sx_error *err);

enum service_publication_scope {
	SERVICE_PUBLICATION_SCOPE_AGENCY = 1, /* the actor's agency */
	SERVICE_PUBLICATION_SCOPE_REGION,     /* supervisors and admins */
};
struct service_publication_query {
	enum service_publication_scope scope;
	bool tasks_only;
	bool overdue_only;
	const char *status;          /* NULL = any */
	int64_t page, per_page;      /* 1-based; 1..100 */
};
struct service_publication_row {
	struct store_publication p;  /* no full text */
	bool overdue;
	int days_left;
};
struct service_publication_page {
	struct service_publication_row *items;
	size_t count;
	int64_t total, page, per_page;
	int64_t task_count, overdue_count; /* in the whole scope */
	char today[11];
};
void service_publication_page_clear(struct service_publication_page *p);
int service_publication_list(struct service_publication_page *out, const struct service *svc,
			     const struct service_actor *actor,
			     const struct service_publication_query *q, struct sx_error *err);

/* ---- the public ---- */

/* A published, corrected or withdrawn version as the public sees it: a withdrawn one
 * without its content (agency, 文号 and decision date, when and why it was withdrawn).
 * SX_ENOTFOUND "publication_not_found" for any other. */
int service_public_decision_get(struct service_publication *out, const struct service *svc,
				const char *id, struct sx_error *err);

struct service_public_search_query {
	const char *q;               /* as typed: simplified or traditional; 1..100 characters */
	const char *agency_id, *act_type, *region_prefix, *from_on, *to_on; /* NULL = any */
	int64_t page, per_page;      /* 1-based; 1..50 */
};
struct service_public_hit {
	struct store_publication p;  /* no full text */
	char *snippet;               /* HTML, escaped, query hits in <mark> (sx_free) */
};
struct service_public_search_page {
	struct service_public_hit *items;
	size_t count;
	int64_t total, page, per_page;
};
void service_public_search_page_clear(struct service_public_search_page *p);
int service_public_search(struct service_public_search_page *out, const struct service *svc,
			  const struct service_public_search_query *q, struct sx_error *err);

#endif

/*
 * service/lists — an agency's public lists (事前公开): the 执法事项清单 and,
 * drawn from it, the 随机抽查事项清单, the 裁量基准 and the 音像记录事项清单,
 * as numbered versions that are reviewed before release.
 *
 * The life of a version (docs/lists.md):
 *   1. staff who may draft (account_can_draft_lists) submit the whole list
 *      with a summary of the change and a requested effective date; it is
 *      stored as version N+1, status pending. One pending version per
 *      agency at a time: the next one starts from what was decided.
 *   2. the agency head or an admin — not the submitter — approves or rejects
 *      it (a rejection says why). Approval fixes the effective date: the
 *      requested date, or the approval date if that has passed (a list does
 *      not take effect before it is approved and public: 国办发〔2018〕118号
 *      二(一) 事前公开).
 *   3. the public sees approved versions only: the one in force today (the
 *      highest-numbered approved version whose date has come), versions
 *      approved for a later date as 即将生效, and every earlier approved
 *      version as 历史版本, each with its diff against the one before.
 * Pending and rejected versions are visible to staff in scope
 * (account_registry_scope) and to no one else: to the public they do not
 * exist (the same "not found" as a number never used).
 *
 * Submission and approval are audit events and ledger events ("list.submit",
 * "list.approve", "list.reject") carrying the content hash, so that anyone
 * holding a published list can prove which version it was.
 */
#ifndef SX_SERVICE_LISTS_H
#define SX_SERVICE_LISTS_H

#include "domain/listdiff.h"
#include "domain/matter.h"
#include "service/service.h"

#define SERVICE_LIST_SUMMARY_MAX_BYTES 1536

/* A version as callers see it. */
struct service_list_version {
	char agency_id[STORE_ID_SIZE];
	char agency_name[STORE_NAME_SIZE];
	int64_t version;
	char status[STORE_ROLE_SIZE];          /* pending | approved | rejected */
	char effective_from[11];
	char effective_to[11];                 /* day before the next approved version took
						* effect; "" = open-ended or not approved */
	bool in_force;                         /* the version in force today */
	bool upcoming;                         /* approved, effective date still to come */
	char summary[STORE_SUMMARY_SIZE];
	int64_t item_count;
	char content_sha256[STORE_SHA256_HEX_SIZE];
	char created_at[STORE_TIME_SIZE];
	char created_by_name[STORE_NAME_SIZE];  /* who submitted; "" for the public */
	char decided_at[STORE_TIME_SIZE];       /* "" = pending */
	char decided_by_name[STORE_NAME_SIZE];  /* "" for the public or pending */
	char decision_note[STORE_SUMMARY_SIZE];
	int64_t ledger_index;                   /* leaf of the change made by this call; -1 */
};

/* A version with its matters. */
struct service_list {
	struct service_list_version version;
	struct matter *items;     /* owned: service_list_clear */
	size_t count;
};

void service_list_clear(struct service_list *l);

/*
 * Submits a new version of agency_id's list (pending). effective_from:
 * YYYY-MM-DD, not before today (Asia/Shanghai) nor before the effective date
 * of the latest approved version. items: the whole list, validated with
 * matter_validate_list; copied, still owned by the caller.
 * Errors: SX_EPERM "forbidden"; SX_ENOTFOUND "agency_not_found";
 * SX_EINVALID "bad_date", "bad_summary", matter_* codes, "empty_list";
 * SX_ECONFLICT "list_pending_exists" (decide that one first).
 * On error nothing is stored.
 */
int service_list_submit(struct service_list_version *out, const struct service *svc,
			const struct service_actor *actor, const char *agency_id,
			const char *effective_from, const char *summary,
			const struct matter *items, size_t count, struct sx_error *err);

/*
 * Approves (approve = true) or rejects a pending version. A rejection needs a
 * note (SX_EINVALID "note_required"). SX_EPERM "forbidden" (role or scope),
 * "same_person" (the submitter cannot decide their own version);
 * SX_ENOTFOUND "list_version_not_found"; SX_ECONFLICT "list_version_decided".
 */
int service_list_decide(struct service_list_version *out, const struct service *svc,
			const struct service_actor *actor, const char *agency_id,
			int64_t version, bool approve, const char *note, struct sx_error *err);

/* Which matters of a version to return. */
enum service_list_view {
	SERVICE_LIST_ALL = 0,
	SERVICE_LIST_RANDOM,       /* 随机抽查事项清单 */
	SERVICE_LIST_AV,           /* 音像记录事项清单 */
	SERVICE_LIST_DISCRETION,   /* matters that have 裁量基准 rows */
};

/*
 * A version of agency_id's list with its matters (filtered by view; code
 * non-NULL selects one matter: SX_ENOTFOUND "matter_not_found" if absent).
 * version 0 = the one in force today (SX_ENOTFOUND "list_not_published" when
 * none is). actor NULL = the public: approved versions only, read from a
 * replica when the store has any (it may lag); staff read the primary.
 */
int service_list_get(struct service_list *out, const struct service *svc,
		     const struct service_actor *actor, const char *agency_id, int64_t version,
		     enum service_list_view view, const char *code, struct sx_error *err);

/* The versions of an agency, newest first: approved ones for the public
 * (actor NULL, from a replica if any), all for staff in scope (from the
 * primary). *out freed with sx_free. */
int service_list_versions(struct service_list_version **out, size_t *count,
			  const struct service *svc, const struct service_actor *actor,
			  const char *agency_id, struct sx_error *err);

/*
 * The difference between version `from` and version `to` of an agency's list
 * (from 0 = the approved version before `to`, or nothing for the first).
 * Both must be visible to the actor. *out: listdiff_free; from_out and to_out
 * (may be NULL) receive the two versions (from_out->version 0 = nothing).
 */
int service_list_diff(struct listdiff *out, struct service_list_version *from_out,
		      struct service_list_version *to_out, const struct service *svc,
		      const struct service_actor *actor, const char *agency_id, int64_t from,
		      int64_t to, struct sx_error *err);

/*
 * For the service layer only (demo data, imports of history): inserts
 * version v with its items inside the caller's write transaction, bypassing
 * the date and four-eyes rules of submit/decide but not matter validation.
 * v->status "pending", "approved" or "rejected" (then decided_* and
 * effective_from are taken from v as given). Fills v->content_sha256 and
 * v->item_count. Audit and ledger events are written as for submit/decide.
 */
int service_list__insert_decided(const struct service *svc, struct store_tx *tx,
				 struct store_list_version *v, const struct matter *items,
				 size_t count, struct sx_error *err);

/* For the service layer only: the approved versions (as the public sees
 * them) read from the primary, for callers about to write on top of them. */
int service_list__approved_versions(struct service_list_version **out, size_t *count,
				    const struct service *svc, const char *agency_id,
				    struct sx_error *err);

/* 待审核 / 已发布 / 已退回 for a status word. */
const char *service_list_status_label(const char *status);

#endif

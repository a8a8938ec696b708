/*
 * domain/account — rules about staff accounts: roles and what each may see
 * and do, username and password policy, login throttling and session
 * lifetimes. Pure: no I/O, no allocation; the service layer applies these
 * rules to rows it loads from the store.
 *
 * Roles (DESIGN.md, users): officer 执法人员, unit_head 科室负责人, reviewer
 * 法制审核人员, agency_head 机关负责人, supervisor 监督人员 (司法局: reads across
 * the agencies of its region), admin 系统管理员. Every user belongs to one
 * agency.
 *
 * Region scope follows GB/T 2260: a code ending in "0000" is a province and
 * covers every code with the same first 2 digits; one ending in "00" is a
 * city and covers the same first 4 digits; any other code covers itself.
 */
#ifndef SX_DOMAIN_ACCOUNT_H
#define SX_DOMAIN_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum account_role {
	ACCOUNT_ROLE_OFFICER = 1,
	ACCOUNT_ROLE_UNIT_HEAD,
	ACCOUNT_ROLE_REVIEWER,
	ACCOUNT_ROLE_AGENCY_HEAD,
	ACCOUNT_ROLE_SUPERVISOR,
	ACCOUNT_ROLE_ADMIN,
};

/* "officer" … "admin" <-> enum. SX_EINVALID for an unknown name. */
int account_role_from_name(enum account_role *out, const char *name);
const char *account_role_name(enum account_role role);
/* zh-CN label for pages: 执法人员, 科室负责人, 法制审核人员, 机关负责人, 监督人员, 系统管理员. */
const char *account_role_label(enum account_role role);

/* Who is asking, as far as permission rules need to know. */
struct account_actor {
	enum account_role role;
	const char *agency_id;
	const char *region_code;   /* the actor's agency's GB/T 2260 code */
};

/* How far an actor's view of staff accounts reaches. */
enum account_scope {
	ACCOUNT_SCOPE_NONE = 0,
	ACCOUNT_SCOPE_OWN_AGENCY,
	ACCOUNT_SCOPE_REGION,
	ACCOUNT_SCOPE_ALL,
};

/* Listing users: admin all; supervisor their region; agency and unit heads
 * their agency; officers and reviewers none. */
enum account_scope account_user_list_scope(enum account_role role);

/* Creating users, disabling them and resetting others' passwords: admin only. */
bool account_can_manage_users(enum account_role role);

/*
 * The prefix of region codes that region_code covers (see the header
 * comment): "33" for "330000", "3301" for "330100", "330106" for "330106".
 * Writes into out (size ≥ 7). SX_EINVALID unless region_code is 6 digits.
 */
int account_region_prefix(char *out, size_t out_size, const char *region_code);

/* Whether an actor with that scope may see a user of target agency/region. */
bool account_scope_covers(enum account_scope scope, const struct account_actor *actor,
			  const char *target_agency_id, const char *target_region_code);

/* Usernames: 3–64 bytes of [a-z0-9._-], starting with a letter. Error code
 * "invalid_username". */
int account_check_username(const char *username, struct sx_error *err);

/* Display names: 1–192 bytes of valid UTF-8 without control characters. */
int account_check_display_name(const char *name, struct sx_error *err);

#define ACCOUNT_PASSWORD_MIN_CHARS 10
#define ACCOUNT_PASSWORD_MAX_BYTES 128

/*
 * Password policy: at least 10 characters (code points), at most 128 bytes,
 * valid UTF-8, not containing the username, at least two of: lower-case
 * letters, upper-case letters, digits, other characters. Error code
 * "weak_password" with the reason in Chinese.
 */
int account_check_password(const char *password, size_t len, const char *username,
			   struct sx_error *err);

/* Login throttling policy: see account_throttle_after_failure. */
struct account_throttle_policy {
	int delay_after;          /* failures before delays start; 0 = never delay */
	int64_t delay_base_ms;    /* first delay; doubles with each further failure */
	int64_t delay_max_ms;     /* cap on one delay */
	int lockout_after;        /* failures that lock the username; 0 = never lock */
	int64_t lockout_seconds;  /* how long a lockout lasts */
};

/* Defaults: delay after 3 failures, 1 s doubling up to 60 s, lock after 10
 * failures for 15 minutes. */
void account_throttle_default(struct account_throttle_policy *out);

/*
 * After a failed login that brought the count to `failures`, at now_us: until
 * when no further attempt for this username is even checked (returns now_us
 * when there is no wait), and whether that wait is a lockout.
 */
int64_t account_throttle_after_failure(const struct account_throttle_policy *policy, int failures,
				       int64_t now_us, bool *locked);

/* Session lifetime rules. */
struct account_session_policy {
	int64_t idle_seconds;   /* a session unused this long expires */
	int64_t max_seconds;    /* absolute lifetime from login */
};

void account_session_default(struct account_session_policy *out);

/* Whether a session created/last seen at those times is still valid at now. */
bool account_session_is_live(const struct account_session_policy *policy, int64_t created_us,
			     int64_t last_seen_us, int64_t now_us);

/* ---- the registry and the public lists (事前公开) ---- */

/* How far an actor sees the registry's unpublished side (pending list
 * versions, officers' masked ID numbers): admin all, supervisor their region,
 * everyone else their own agency. */
enum account_scope account_registry_scope(enum account_role role);

/* Preparing a new version of an agency's lists and submitting it for
 * approval: unit heads, legal reviewers and agency heads of that agency, and
 * admins. */
bool account_can_draft_lists(enum account_role role);

/* Approving or rejecting a submitted version (lists are reviewed before
 * release): the agency head of that agency, or an admin — never the person
 * who submitted it (the service checks that). */
bool account_can_approve_lists(enum account_role role);

/* Registering officers, changing their status, dates and photos: the agency
 * head of the officer's agency, or an admin. Agencies themselves: admin only
 * (account_can_manage_users). */
bool account_can_manage_officers(enum account_role role);

/* Registering agencies and changing their public fields: admin only. */
bool account_can_manage_agencies(enum account_role role);

/* Who sees an officer's full ID number in staff pages (everyone else in
 * scope sees it masked): admins and the head of the officer's agency. Every
 * such view is written to the audit trail. */
bool account_can_see_id_numbers(enum account_role role);

#endif

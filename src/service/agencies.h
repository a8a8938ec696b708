/*
 * service/agencies — registering agencies and keeping their public fields
 * current (事前公开: who the agency is, its duties, how to reach it and
 * where to complain). Admins only (account_can_manage_agencies).
 *
 * Rules: the 统一社会信用代码 is valid per GB 32100 and unique, and it never
 * changes (a different code is a different organisation); the region code is
 * a GB/T 2260 code of the agency's level (a province-level code for 省级, a
 * city-level one for 市级, a county-level one for 县级 and 乡镇级 — a
 * township's own code is longer than GB/T 2260's six digits, so it carries
 * its county's); a parent agency exists and is not the agency itself nor
 * one of its descendants. Agencies are never deleted: they are deactivated
 * (with a reason) and stay public, marked as such, because their past
 * decisions and officers remain on record.
 *
 * Every change is an audit event and a ledger event ("agency.create",
 * "agency.update", "agency.deactivate", "agency.activate"): agencies are
 * public, so their fields may stand in the public log.
 */
#ifndef SX_SERVICE_AGENCIES_H
#define SX_SERVICE_AGENCIES_H

#include "service/registry.h"
#include "service/service.h"

/* What staff enter; NULL texts are "". */
struct service_agency_input {
	const char *name;              /* 1–192 bytes, one line */
	const char *credit_code;       /* create only; ignored by update */
	const char *level;             /* province | city | county | township */
	const char *region_code;       /* 6 digits, GB/T 2260, of the level */
	const char *parent_id;         /* NULL or "" = none */
	bool is_justice_bureau;        /* 司法行政机关: supervises its region */
	const char *duties;            /* ≤ 3072 bytes; line breaks allowed */
	const char *address;           /* ≤ 384 bytes */
	const char *phone;             /* ≤ 64 bytes */
	const char *complaint_channel; /* ≤ 768 bytes; line breaks allowed */
};

/*
 * Registers an agency; *out gets its public view (ledger index in *ledger_index,
 * may be NULL). Errors: SX_EPERM "forbidden"; SX_EINVALID "invalid_name",
 * "bad_credit_code" (with the reason), "bad_level", "bad_region_code",
 * "bad_parent", "bad_text"; SX_EEXISTS "exists" (credit code taken).
 */
int service_agency_create(struct service_agency_public *out, int64_t *ledger_index,
			  const struct service *svc, const struct service_actor *actor,
			  const struct service_agency_input *in, struct sx_error *err);

/* Changes the fields of agency id (all but the credit code, which is kept).
 * Errors as create, and SX_ENOTFOUND "not_found". */
int service_agency_update(struct service_agency_public *out, int64_t *ledger_index,
			  const struct service *svc, const struct service_actor *actor,
			  const char *id, const struct service_agency_input *in,
			  struct sx_error *err);

/* Deactivates (active = false; reason required, ≤ 512 bytes) or reactivates
 * an agency. SX_ECONFLICT "state_unchanged" when it already is so. */
int service_agency_set_active(struct service_agency_public *out, int64_t *ledger_index,
			      const struct service *svc, const struct service_actor *actor,
			      const char *id, bool active, const char *reason,
			      struct sx_error *err);

#endif

/*
 * service/registry — reading the registry of agencies (the registry issue
 * adds officers, 执法事项 and the versioned public lists). Public reads take
 * no actor: what they return is public by law (事前公开).
 */
#ifndef SX_SERVICE_REGISTRY_H
#define SX_SERVICE_REGISTRY_H

#include "service/service.h"

/* A public view of an agency (no internal fields). */
struct service_agency {
	char id[STORE_ID_SIZE];
	char name[STORE_NAME_SIZE];
	char credit_code[STORE_CODE_SIZE];
	char level[STORE_ROLE_SIZE];
	char region_code[STORE_CODE_SIZE];
};

/* Active agencies ordered by region and name. *out freed with sx_free. */
int service_agency_list_public(struct service_agency **out, size_t *count,
			       const struct service *svc, struct sx_error *err);

/*
 * 亮证: what the public may know of a certificate — never the ID number.
 * state is computed for today's date in Asia/Shanghai.
 */
struct service_officer_public {
	char name[STORE_NAME_SIZE];
	char cert_no[STORE_CODE_SIZE];
	char cert_type[STORE_NAME_SIZE];
	char field[STORE_NAME_SIZE];        /* 执法领域 */
	char agency_id[STORE_ID_SIZE];
	char agency_name[STORE_NAME_SIZE];
	char valid_from[11];
	char valid_to[11];
	char status[STORE_ROLE_SIZE];        /* active | suspended | revoked */
	int state;                           /* enum officer_credential_state */
	char checked_on[11];                 /* the date the state was computed for */
};

/* Looks a certificate up. SX_EINVALID ("bad_cert_no") for a malformed number,
 * SX_ENOTFOUND ("officer_not_found") for an unknown one. */
int service_officer_verify(struct service_officer_public *out, const struct service *svc,
			   const char *cert_no, struct sx_error *err);

#endif

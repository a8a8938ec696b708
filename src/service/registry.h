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

#endif

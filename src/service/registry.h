/*
 * service/registry — reading the public registry: agencies and their public
 * fields, officers and their certificates (亮证). Public reads take no actor:
 * what they return is public by law (事前公开, 《国务院办公厅关于全面推行行政
 * 执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》 国办发
 * 〔2018〕118号 第二部分). Nothing here returns an officer's ID number: the
 * store's public officer rows do not carry it.
 *
 * Not done here yet: writes (creating and deactivating agencies, officers),
 * 执法事项 and the versioned public lists.
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
	char parent_id[STORE_ID_SIZE];      /* "" = none */
};

/* Active agencies ordered by region and name. *out freed with sx_free. */
int service_agency_list_public(struct service_agency **out, size_t *count,
			       const struct service *svc, struct sx_error *err);

/* Everything the public may know of one agency. */
struct service_agency_public {
	char id[STORE_ID_SIZE];
	char name[STORE_NAME_SIZE];
	char credit_code[STORE_CODE_SIZE];
	char level[STORE_ROLE_SIZE];                 /* province | city | county | township */
	char region_code[STORE_CODE_SIZE];           /* GB/T 2260 */
	char parent_id[STORE_ID_SIZE];               /* "" = none */
	char parent_name[STORE_NAME_SIZE];           /* "" = none */
	bool is_justice_bureau;
	bool active;                                 /* false = deactivated (kept public) */
	char duties[STORE_DUTIES_SIZE];              /* "" = not filled in */
	char address[STORE_ADDRESS_SIZE];
	char phone[STORE_PHONE_SIZE];
	char complaint_channel[STORE_CHANNEL_SIZE];
	int64_t officer_count;                       /* officers registered, any status */
};

/*
 * One agency by id, deactivated ones included (they stay public). SX_ENOTFOUND
 * with code "not_found" (执法机关不存在) for an unknown or malformed id. Read
 * from a replica when the store has any (STORE_TX_READ_PUBLIC): it may lag.
 */
int service_agency_get_public(struct service_agency_public *out, const struct service *svc,
			      const char *id, struct sx_error *err);

/* service_agency_get_public / service_agency_list_public for a reader:
 * actor NULL reads as the public does (a replica when there is one), a staff
 * actor reads the primary, so that staff see their own writes at once. */
int service_agency_get_for(struct service_agency_public *out, const struct service *svc,
			   const struct service_actor *actor, const char *id, struct sx_error *err);
int service_agency_list_for(struct service_agency **out, size_t *count, const struct service *svc,
			    const struct service_actor *actor, struct sx_error *err);

/* 执法层级 in words: 省级 / 市级 / 县级 / 乡镇级; "" for an unknown word. */
const char *service_agency_level_label(const char *level);

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
	char photo_sha256[STORE_SHA256_HEX_SIZE]; /* "" = no photo on file; else served
						   * at /officers/photo/<hash> */
};

/* Looks a certificate up. SX_EINVALID ("bad_cert_no") for a malformed number,
 * SX_ENOTFOUND ("officer_not_found") for an unknown one. */
int service_officer_verify(struct service_officer_public *out, const struct service *svc,
			   const char *cert_no, struct sx_error *err);

#define SERVICE_OFFICER_PAGE_SIZE_DEFAULT 20
#define SERVICE_OFFICER_PAGE_SIZE_MAX 100
#define SERVICE_OFFICER_PAGE_MAX 100000
#define SERVICE_OFFICER_QUERY_MAX_BYTES 64

/* Which officers a public list shows. */
struct service_officer_filter {
	const char *agency_id;   /* NULL or "" = any agency */
	const char *query;       /* NULL or "" = everyone; else a substring of the name or a
				  * prefix of the certificate number, taken literally after
				  * trimming ASCII blanks at both ends */
};

struct service_paging {
	int64_t page;            /* 1-based; 0 = 1 */
	int64_t page_size;       /* 1..SERVICE_OFFICER_PAGE_SIZE_MAX; 0 = the default */
};

/* One page of a public officer list. */
struct service_officer_page {
	struct service_officer_public *items;  /* owned; service_officer_page_clear */
	size_t count;
	int64_t total;                         /* matching officers on all pages */
	int64_t page;                          /* the page returned (1-based) */
	int64_t page_size;
	char agency_name[STORE_NAME_SIZE];     /* the filter's agency; "" = any */
	char checked_on[11];                   /* the date every item's state is for */
};

/*
 * Officers matching filter, ordered by agency then certificate number, each
 * with its credential state for today (Asia/Shanghai) as 亮证 computes it.
 * A page past the end is empty, not an error.
 * Errors: SX_EINVALID "bad_query" (query over 64 bytes or not UTF-8),
 * "bad_page" (page or page_size out of range); SX_ENOTFOUND "not_found"
 * (the filter's agency does not exist); store errors. On error *out is
 * empty (nothing to clear, clearing is harmless).
 */
int service_officer_list_public(struct service_officer_page *out, const struct service *svc,
				const struct service_officer_filter *filter,
				const struct service_paging *paging, struct sx_error *err);

/* For the service layer (public and staff officer searches): trims ASCII
 * blanks off query into buf (size SERVICE_OFFICER_QUERY_MAX_BYTES + 1) and
 * checks it: SX_EINVALID "bad_query" when too long or not UTF-8. NULL = "". */
int service_registry__query(char *buf, const char *query, struct sx_error *err);

/* Frees the items of p and zeroes it; p may be NULL. */
void service_officer_page_clear(struct service_officer_page *p);

#endif

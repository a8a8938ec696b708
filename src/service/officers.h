/*
 * service/officers — keeping the register of enforcement officers (执法人员):
 * registering an officer, correcting the record, suspending or revoking the
 * certificate, linking the officer to a staff account, the photo shown on
 * 亮证, and the staff view of the register with the 身份证号.
 *
 * Who may do what (domain/account):
 *   - changes: account_can_manage_officers (agency heads for their own
 *     agency, admins for any); the agency must be active to register in it;
 *   - the staff register: everyone in account_registry_scope (their own
 *     agency; supervisors their region; admins all), ID numbers masked
 *     (idcheck_mask_person_id: 330106********0012);
 *   - the whole ID number: account_can_see_id_numbers (agency heads of the
 *     officer's agency, admins), one officer at a time, on request; every
 *     such view is written to the audit trail ("officer.id_number.view": who
 *     saw whose number), which is the access log the rules on personal data
 *     ask for.
 *
 * Rules kept here:
 *   - a certificate number is registered once (SX_EEXISTS "cert_no_taken");
 *   - the certificate number and the ID number of a record never change: a
 *     wrong person is a new record (SX_EINVALID "cert_no_immutable",
 *     "id_number_immutable");
 *   - suspending and revoking need a reason (at most 512 characters), kept in
 *     the audit trail; revocation is final — a revoked record changes no
 *     more, except that its account link may be removed (SX_ECONFLICT
 *     "officer_revoked");
 *   - an account is linked to at most one officer, of the same agency
 *     (SX_ECONFLICT "user_already_linked", SX_EINVALID "user_other_agency");
 *   - photos are JPEG or PNG by their first bytes, at most 512 KiB, stored by
 *     their SHA-256 (sql 0006) and public by design (亮证 shows them).
 *
 * Every change is an audit event and a ledger event ("officer.create",
 * "officer.update", "officer.status", "officer.user", "officer.photo")
 * committed with it. The ledger is public: its events carry ids, the
 * certificate number, names of changed fields and hashes — never the ID
 * number, and not the officer's name or the reason text (the reason's
 * SHA-256 stands in for it).
 *
 * Not done here: the public reads (service/registry), CSV import.
 */
#ifndef SX_SERVICE_OFFICERS_H
#define SX_SERVICE_OFFICERS_H

#include "domain/officer.h"
#include "service/registry.h"
#include "service/service.h"

#define SERVICE_OFFICER_REASON_MAX_CHARS 512
#define SERVICE_OFFICER_PHOTO_MAX_BYTES (512u * 1024)

/* An officer as staff see it. */
struct service_officer {
	char id[STORE_ID_SIZE];
	char agency_id[STORE_ID_SIZE];
	char agency_name[STORE_NAME_SIZE];
	char name[STORE_NAME_SIZE];
	char cert_no[STORE_CODE_SIZE];
	char cert_type[STORE_NAME_SIZE];
	char field[STORE_NAME_SIZE];           /* 执法领域 */
	char valid_from[11];
	char valid_to[11];
	char status[STORE_ROLE_SIZE];           /* active | suspended | revoked */
	int state;                              /* enum officer_credential_state on checked_on */
	char checked_on[11];                    /* today, Asia/Shanghai */
	char id_number[STORE_CODE_SIZE];        /* masked ("330106********0012") unless
						 * id_number_revealed; "******" when the stored
						 * value cannot be masked */
	bool id_number_revealed;
	char user_id[STORE_ID_SIZE];            /* linked account; "" = none */
	char username[STORE_USERNAME_SIZE];     /* its username; "" = none */
	char photo_sha256[STORE_SHA256_HEX_SIZE]; /* "" = no photo */
	char created_at[STORE_TIME_SIZE];
	/* What the asking actor may do with this record (for pages to offer it;
	 * the service checks again on every call). */
	bool may_manage;
	bool may_reveal;
	int64_t ledger_index;                   /* leaf of the change made by this call; -1 = none */
};

/*
 * Registers an officer in agency_id (NULL or "" = the actor's own agency).
 * rec is normalised in place (officer_record_normalize) and must pass it.
 * username_to_link (NULL or "" = none) names a staff account of the same
 * agency, not yet linked to an officer.
 * Errors: SX_EPERM "forbidden"; officer_record_normalize's SX_EINVALID codes;
 * SX_ENOTFOUND "agency_not_found", "user_not_found"; SX_EINVALID
 * "agency_inactive", "user_other_agency"; SX_EEXISTS "cert_no_taken";
 * SX_ECONFLICT "user_already_linked". On error nothing is stored.
 * *out (may be NULL) gets the new record with the ID number masked.
 */
int service_officer_create(struct service_officer *out, const struct service *svc,
			   const struct service_actor *actor, const char *agency_id,
			   struct officer_record *rec, const char *username_to_link,
			   struct sx_error *err);

/*
 * Rewrites the record of the certificate cert_no from rec: name, type,
 * field, dates and status. rec->cert_no may be "" (= cert_no) and
 * rec->id_number "" (= the stored one); otherwise they must equal the stored
 * values. A status change here may only lift a suspension (to active):
 * suspending and revoking need a reason (service_officer_set_status).
 * Changing nothing is not an error (no event is written; ledger_index -1).
 * Errors: SX_EPERM "forbidden"; SX_ENOTFOUND "officer_not_found"; the codes
 * of officer_record_normalize; SX_EINVALID "cert_no_immutable",
 * "id_number_immutable", "reason_required"; SX_ECONFLICT "officer_revoked".
 */
int service_officer_update(struct service_officer *out, const struct service *svc,
			   const struct service_actor *actor, const char *cert_no,
			   const struct officer_record *rec, struct sx_error *err);

/*
 * Sets the status: "active" | "suspended" | "revoked" (or 在岗 / 暂停 / 注销).
 * reason: required (not blank) for suspended and revoked, optional for
 * active; at most 512 characters of UTF-8 text.
 * Errors: SX_EPERM "forbidden"; SX_ENOTFOUND "officer_not_found"; SX_EINVALID
 * "officer_bad_status", "reason_required", "bad_reason"; SX_ECONFLICT
 * "officer_revoked" (revocation is final), "status_unchanged".
 */
int service_officer_set_status(struct service_officer *out, const struct service *svc,
			       const struct service_actor *actor, const char *cert_no,
			       const char *status, const char *reason, struct sx_error *err);

/*
 * Links the officer to the account username, or removes the link when
 * username is NULL or "". Linking what is already linked, or unlinking an
 * officer without a link, changes nothing (no event).
 * Errors: SX_EPERM "forbidden"; SX_ENOTFOUND "officer_not_found",
 * "user_not_found"; SX_EINVALID "user_other_agency"; SX_ECONFLICT
 * "user_already_linked", "officer_revoked" (linking only).
 */
int service_officer_link_user(struct service_officer *out, const struct service *svc,
			      const struct service_actor *actor, const char *cert_no,
			      const char *username, struct sx_error *err);

/* One page of the staff register. */
struct service_officer_staff_page {
	struct service_officer *items;         /* owned; service_officer_staff_page_clear */
	size_t count;
	int64_t total;                         /* matching officers on all pages */
	int64_t page;                          /* 1-based */
	int64_t page_size;
	char agency_id[STORE_ID_SIZE];         /* the agency listed; "" = every agency */
	char agency_name[STORE_NAME_SIZE];
	char checked_on[11];
};

/*
 * The officers of agency_id (NULL or "" = the actor's own agency; for an
 * actor without an agency, the command line, every agency) matching query
 * (as for service_officer_list_public: a substring of the name or a prefix
 * of the certificate number; NULL = all), ordered by certificate number. ID
 * numbers are always masked in lists.
 * Errors: SX_EPERM "forbidden" (agency outside the actor's registry scope);
 * SX_ENOTFOUND "agency_not_found"; SX_EINVALID "bad_query", "bad_page".
 * On error *out is empty.
 */
int service_officer_staff_list(struct service_officer_staff_page *out, const struct service *svc,
			       const struct service_actor *actor, const char *agency_id,
			       const char *query, const struct service_paging *paging,
			       struct sx_error *err);

/* Frees the items of p and zeroes it; p may be NULL. */
void service_officer_staff_page_clear(struct service_officer_staff_page *p);

/*
 * One officer by certificate number, for staff in scope. The ID number is
 * masked unless reveal_id_number; revealing needs account_can_see_id_numbers
 * and the officer's own agency (admins: any) — otherwise SX_EPERM
 * "forbidden_id_number" and nothing is shown — and appends the audit event
 * "officer.id_number.view" before the number is returned (if that write
 * fails, the number is not returned).
 * Errors: SX_EINVALID "bad_cert_no"; SX_ENOTFOUND "officer_not_found";
 * SX_EPERM "forbidden" (outside the actor's registry scope),
 * "forbidden_id_number".
 */
int service_officer_staff_get(struct service_officer *out, const struct service *svc,
			      const struct service_actor *actor, const char *cert_no,
			      bool reveal_id_number, struct sx_error *err);

/*
 * Sets the officer's photo from the image bytes[0..len): JPEG (FF D8 FF) or
 * PNG (89 50 4E 47 0D 0A 1A 0A) by its first bytes — whatever the upload
 * claimed — at most 512 KiB. Stored by SHA-256; the officer then names it.
 * Errors: SX_EPERM "forbidden"; SX_ENOTFOUND "officer_not_found"; SX_ETOOBIG
 * "photo_too_large"; SX_EINVALID "bad_photo"; SX_ECONFLICT "officer_revoked".
 */
int service_officer_set_photo(struct service_officer *out, const struct service *svc,
			      const struct service_actor *actor, const char *cert_no,
			      const void *bytes, size_t len, struct sx_error *err);

/* A stored photo. */
struct service_officer_photo {
	char content_type[STORE_PHOTO_TYPE_SIZE];  /* image/jpeg | image/png */
	unsigned char *data;                       /* owned; service_officer_photo_clear */
	size_t size_bytes;
};

/*
 * The photo with that SHA-256 (64 lower-case hex digits). Public: photos are
 * shown on 亮证 and their hashes cannot be guessed. The bytes are checked
 * against the hash before they are returned.
 * Errors: SX_ENOTFOUND "photo_not_found" (also for anything that is not a
 * hash); SX_ECORRUPT when the stored bytes do not match their hash.
 */
int service_officer_photo(struct service_officer_photo *out, const struct service *svc,
			  const char *sha256_hex, struct sx_error *err);

/* Frees the bytes of p and zeroes it; p may be NULL. */
void service_officer_photo_clear(struct service_officer_photo *p);

#endif

/*
 * service/demo — demo data for a first run and for tests: three agencies of
 * one city (市场监督管理局, 生态环境局, and the 司法局 that supervises them),
 * officers with valid certificates, the public lists (执法事项 with their
 * 裁量基准 and 音像记录 stages, in several versions: data/demo/lists.json)
 * and one user per role. Everything is loaded in one transaction: either all of
 * it or nothing. Check digits (GB 32100, GB 11643) are computed, not typed.
 */
#ifndef SX_SERVICE_DEMO_H
#define SX_SERVICE_DEMO_H

#include "service/service.h"

/* The password of every demo user (documented in docs/cli.md). */
#define SERVICE_DEMO_PASSWORD "Sanxiang@2026"

/* Loads the demo data. SX_EPERM unless actor is admin; SX_EEXISTS
 * ("demo_present") when the database already holds agencies. */
int service_demo_load(const struct service *svc, const struct service_actor *actor,
		      struct sx_error *err);

#endif

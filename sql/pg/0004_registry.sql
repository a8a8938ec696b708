-- 0004 registry (PostgreSQL): mirrors sql/sqlite/0004_registry.sql — the
-- public fields of agencies (事前公开) and an officer's optional photo hash.

ALTER TABLE agency ADD COLUMN duties TEXT NOT NULL DEFAULT '';            -- 主要职责
ALTER TABLE agency ADD COLUMN address TEXT NOT NULL DEFAULT '';           -- 办公地址
ALTER TABLE agency ADD COLUMN phone TEXT NOT NULL DEFAULT '';             -- 联系电话
ALTER TABLE agency ADD COLUMN complaint_channel TEXT NOT NULL DEFAULT ''; -- 投诉举报渠道

ALTER TABLE officer ADD COLUMN photo_sha256 TEXT;                         -- hex SHA-256; NULL = none

CREATE INDEX officer_agency_cert ON officer(agency_id, cert_no);

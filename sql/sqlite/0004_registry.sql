-- 0004 registry: the public fields of agencies (事前公开: duties and how to
-- reach and complain to them) and an officer's optional photo.
--
-- Portable subset (sql/pg/0004 will mirror it): ADD COLUMN with a constant
-- default, so existing rows read as "not yet filled in" ('') rather than NULL.
-- The photo is a content hash into blob storage; NULL = no photo on file.

ALTER TABLE agency ADD COLUMN duties TEXT NOT NULL DEFAULT '';            -- 主要职责
ALTER TABLE agency ADD COLUMN address TEXT NOT NULL DEFAULT '';           -- 办公地址
ALTER TABLE agency ADD COLUMN phone TEXT NOT NULL DEFAULT '';             -- 联系电话
ALTER TABLE agency ADD COLUMN complaint_channel TEXT NOT NULL DEFAULT ''; -- 投诉举报渠道

ALTER TABLE officer ADD COLUMN photo_sha256 TEXT;                         -- hex SHA-256; NULL = none

-- The public officer list pages by agency then certificate number.
CREATE INDEX officer_agency_cert ON officer(agency_id, cert_no);

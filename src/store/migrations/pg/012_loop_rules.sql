-- 012_loop_rules.sql - the closed loop's rules as data (sqlite/012_loop_rules.sql says why).
ALTER TABLE rules ADD COLUMN trigger_kind TEXT COLLATE "C";
ALTER TABLE rules ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rules ADD COLUMN sla_days BIGINT;
ALTER TABLE followups ADD COLUMN note TEXT COLLATE "C";

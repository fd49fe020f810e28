-- 013_outcomes_account.sql - an account's outcomes found by index, as its contacts, touchpoints
-- and tasks are (the dashboard's account page lists them; without it the read was every outcome
-- of the workspace).
CREATE INDEX outcomes_account ON outcomes(account_id);

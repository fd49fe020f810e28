-- 012_loop_rules.sql - the closed loop's rules as data (docs/surveys.md "The closed loop"): the
-- playbooks' `rules` table gains what an event-driven rule needs — what triggers it (a survey
-- response written), its order, and the SLA of the task it opens — so the loop's built-in rules
-- (nps_detractor, csat_low, negative_comment) are rows a playbook engine can read, edit and run.
-- A rule's condition is its text (`survey.kind = nps and score <= 6`); its action is the task
-- of task_kind and task_title it opens. The task names its rule (tasks.rule_id); a follow-up
-- keeps the closing note of its task beside the outcome.
ALTER TABLE rules ADD COLUMN trigger_kind TEXT;   -- NULL: the playbooks' own; 'response'
ALTER TABLE rules ADD COLUMN position INTEGER NOT NULL DEFAULT 0; -- first match wins
ALTER TABLE rules ADD COLUMN sla_days INTEGER;    -- business days to the due date; NULL: settings
ALTER TABLE followups ADD COLUMN note TEXT;

-- Stride central database, version 5: what authoring needs beyond the seed's columns.
-- A badge's award rule (a JSON rule, checked at push and evaluated on devices as
-- progress is recorded), and an experiment's audience: the program or segment whose
-- workers it assigns. Both references stay inside the organization.
ALTER TABLE badges ADD COLUMN award_rule JSONB;
ALTER TABLE experiments ADD COLUMN program_id UUID;
ALTER TABLE experiments ADD COLUMN segment_id UUID;
ALTER TABLE experiments ADD CONSTRAINT fk_expt_program FOREIGN KEY (organization_id, program_id)
  REFERENCES programs (organization_id, id) ON DELETE SET NULL (program_id);
ALTER TABLE experiments ADD CONSTRAINT fk_expt_segment FOREIGN KEY (organization_id, segment_id)
  REFERENCES segments (organization_id, id) ON DELETE SET NULL (segment_id);

-- Stride central database, version 6: a change is known by its id.
--
-- A push answers `already_applied` only for a change whose id the audit trail holds; any
-- other change is applied, whatever its device sequence number (a device restored from
-- a backup, or reinstalled with its old id, numbers its new changes again from where the
-- backup stood). This index makes that lookup one probe per change.
CREATE INDEX idx_change_log_change ON change_log (organization_id, change_id);

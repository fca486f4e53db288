-- Stride device database, version 4: home's recent activity and weekly count read the
-- newest progress records first, which without this index means reading all of them
-- (a million on a large organization).
CREATE INDEX idx_wp_created ON worker_progress (created_at);

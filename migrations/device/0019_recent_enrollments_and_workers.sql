-- Stride device database, version 19: home's recent activity reads the newest
-- enrollments and workers first, which without these indexes means sorting all of them
-- (46 and 21 ms of each visit of home at 50,000 workers; under a millisecond with them).
CREATE INDEX idx_wa_created ON worker_assignments (created_at);
CREATE INDEX idx_workers_created ON workers (created_at);

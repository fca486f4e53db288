-- Stride device database, version 2: the head of the organization when this device's
-- first sync began. Every later page of that first sync sends it back, so the server
-- leaves out exactly the tombstones of rows this device never had.
ALTER TABLE sync_state ADD COLUMN first_sync_head INTEGER;

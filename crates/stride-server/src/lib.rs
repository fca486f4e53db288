//! Stride's central server on PostgreSQL. It owns the central database: its schema
//! and migrations (here now), and, as issue #3 lands, sign-in and devices, push and
//! pull of organization-scoped changes with row-level security, the audit trail and
//! the `stride-server` admin CLI. It never depends on a GUI library.

pub mod db;

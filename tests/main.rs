//! Every integration test of the workspace, in one binary: one link of the app, the
//! server and the sync client, shared fixtures (`support`: a PostgreSQL database per
//! test, devices, a faulty network; `window`: the real app window over WebDriver).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // fixtures are stamped by the wall clock

mod support;
mod window;

mod architecture;
mod authoring;
mod e2e;
mod e2e_authoring;
mod e2e_installed;
mod e2e_marketplace;
mod e2e_people;
mod e2e_quiz;
mod e2e_reminders;
mod e2e_staff;
mod e2e_unreadable;
mod marketplace;
mod marketplace_updates;
mod marketplace_usage;
mod replica;
mod schema;
mod scopes;
mod server;
mod servers;
mod sharding;
mod staff;
mod sync;
mod sync_faults;
mod sync_property;
mod tls;

//! What the store's tests share: a device set up for an organization, and its rows.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(dead_code)] // each test file uses its own part

use serde_json::json;
use std::sync::Arc;
use stride_domain::*;
use stride_store::{KeptInMemory, Store};

pub struct Device {
    pub _dir: tempfile::TempDir,
    pub store: Store,
    pub org: Organization,
    /// The database's key, to open the file (or a copy of it) again.
    pub keys: Arc<KeptInMemory>,
}

pub fn organization() -> Organization {
    let now = Timestamp::now();
    Organization {
        id: OrganizationId::new(),
        name: Name::parse("Lakeside Farms").unwrap(),
        organization_type: OrganizationType::Client,
        subscription_tier: SubscriptionTier::Standard,
        created_at: now,
        updated_at: now,
    }
}

/// Writes `org` by plain SQL into a database an older release made (tests of upgrades).
pub fn insert_organization_row(conn: &rusqlite::Connection, org: &Organization) {
    conn.execute(
        "INSERT INTO organizations (id, name, type, subscription_tier, created_at, updated_at)
         VALUES (?1, 'Lakeside Farms', 'client', 'standard', ?2, ?2)",
        rusqlite::params![org.id.to_string(), org.created_at.to_string()],
    )
    .unwrap();
}

/// A new device, set up for an organization, its database in a temporary folder.
pub fn device() -> Device {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(KeptInMemory::new());
    let store = Store::open(dir.path().join("stride.sqlite3"), keys.clone()).unwrap();
    let org = organization();
    store.set_up_organization(&org).unwrap();
    Device { _dir: dir, store, org, keys }
}

pub fn name(text: &str) -> Name {
    Name::parse(text).unwrap()
}

pub fn worker(org: OrganizationId, full_name: &str, phone: Option<&str>) -> Worker {
    let now = Timestamp::now();
    Worker {
        id: WorkerId::new(),
        organization_id: org,
        full_name: name(full_name),
        phone_number: phone.map(|p| PhoneNumber::parse(p).unwrap()),
        well_being_score: Some(Score::new(72.5).unwrap()),
        performance_metric: None,
        custom_attributes: serde_json::from_value(json!({"site": "Kisumu", "language": "sw"})).unwrap(),
        created_at: now,
        updated_at: now,
    }
}

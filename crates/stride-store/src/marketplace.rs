//! The marketplace's catalog as this device last saw it, kept (in the encrypted
//! database, with the device's settings) so it stays readable offline: browsing needs
//! the network, and a coordinator far from it can still read what was on offer.

use crate::error::{Result, StoreError};
use crate::settings::MARKETPLACE_CATALOG;
use crate::Store;
use serde::{Deserialize, Serialize};
use stride_domain::marketplace::Catalog;
use stride_domain::Timestamp;

#[derive(Serialize, Deserialize)]
struct Kept {
    seen_at: Timestamp,
    catalog: Catalog,
}

impl Store {
    /// Keeps `catalog` (the whole of it, unfiltered) as the one last seen, now.
    pub fn keep_catalog(&self, catalog: &Catalog) -> Result<()> {
        let kept = Kept { seen_at: self.now(), catalog: catalog.clone() };
        let json = serde_json::to_string(&kept)
            .map_err(|e| StoreError::CorruptRecord { what: "catalog".into(), problem: e.to_string() })?;
        self.set_setting(MARKETPLACE_CATALOG, Some(&json))
    }

    /// The catalog last seen, and when; None before the first.
    pub fn last_catalog(&self) -> Result<Option<(Catalog, Timestamp)>> {
        let Some(json) = self.setting(MARKETPLACE_CATALOG)? else { return Ok(None) };
        let kept: Kept = serde_json::from_str(&json)
            .map_err(|e| StoreError::CorruptRecord { what: "catalog".into(), problem: e.to_string() })?;
        Ok(Some((kept.catalog, kept.seen_at)))
    }
}

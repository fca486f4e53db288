//! What happened to a record: this device's edits that lost to a concurrent edit
//! elsewhere (told by the server after a sync, kept until a person has read them), and,
//! for an organization's administrators, the record's whole history from the server's
//! audit trail.

use super::Service;
use crate::error::AppError;
use serde::Serialize;
use std::sync::Arc;
use stride_domain::api::RecordHistory;
use stride_domain::{EntityKind, RowKey};
use stride_store::LostEdit;
use ts_rs::TS;

/// How many lost edits the sync panel lists.
const LOST_EDITS_LISTED: u32 = 200;

/// A lost edit, with the name of its record.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LostEditRecord {
    pub edit: LostEdit,
    pub label: Option<String>,
}

impl Service {
    /// The lost edits of the given records, oldest first.
    pub(super) fn lost_edits_of(&self, records: &[(EntityKind, RowKey)]) -> Result<Vec<LostEdit>, AppError> {
        let mut found = Vec::new();
        for (entity, key) in records {
            found.extend(self.store.lost_edits_of(*entity, key)?);
        }
        found.sort_by_key(|edit| edit.id);
        Ok(found)
    }

    /// Every lost edit not yet dismissed, newest first.
    pub(super) fn lost_edits(&self) -> Result<Vec<LostEditRecord>, AppError> {
        let mut listed = Vec::new();
        for edit in self.store.lost_edits(LOST_EDITS_LISTED)? {
            listed.push(LostEditRecord { label: self.label_of_record(edit.entity, &edit.row_key, None)?, edit });
        }
        Ok(listed)
    }

    /// A person has read it.
    pub fn dismiss_lost_edit(&self, id: i64) -> Result<(), AppError> {
        Ok(self.store.dismiss_lost_edit(id)?)
    }

    /// The record's history as the server keeps it (its administrators only; the
    /// server says so too).
    pub async fn record_history(self: &Arc<Self>, entity: EntityKind, key: String) -> Result<RecordHistory, AppError> {
        let client = self
            .blocking(|service| {
                service.client_if_permitted(|permissions| permissions.reads_history, "read a record's history")
            })
            .await?;
        Ok(client.history(entity, &RowKey::from_text(key)).await?)
    }
}

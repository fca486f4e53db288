//! What a delete takes with it, for the window to show before a person confirms
//! (`Store::delete_plan`: the seed's ON DELETE rules, judged without deleting).

use super::Service;
use crate::error::AppError;
use stride_domain::{EntityKind, RowKey};
use stride_store::DeletePlan;

impl Service {
    pub fn delete_plan(&self, entity: EntityKind, key: String) -> Result<DeletePlan, AppError> {
        self.require_write(entity)?;
        Ok(self.store.delete_plan(entity, &RowKey::from_text(key))?)
    }
}

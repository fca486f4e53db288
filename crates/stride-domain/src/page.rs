//! One page of a longer list.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many rows match in all.
    pub total: u64,
    /// Where this page starts within them.
    pub offset: u64,
}

impl<T> Page<T> {
    /// Where the next page starts, if there is one.
    pub fn next_offset(&self) -> Option<u64> {
        let end = self.offset + self.items.len() as u64;
        (end < self.total).then_some(end)
    }
}

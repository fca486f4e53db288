//! The history of recent syncs: when each ran, who started it, what it moved, and how
//! it ended. The latest hundred are kept.

use crate::store::Mode;
use crate::{Result, Store, StoreError};
use rusqlite::params;
use serde::Serialize;
use stride_domain::{ErrorCode, Timestamp};
use ts_rs::TS;

/// Syncs kept in the history.
const KEPT: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncStartedBy {
    SignIn,
    Button,
    Background,
}

impl SyncStartedBy {
    fn as_str(self) -> &'static str {
        match self {
            SyncStartedBy::SignIn => "sign_in",
            SyncStartedBy::Button => "button",
            SyncStartedBy::Background => "background",
        }
    }
    fn parse(text: &str) -> Option<Self> {
        [SyncStartedBy::SignIn, SyncStartedBy::Button, SyncStartedBy::Background]
            .into_iter()
            .find(|by| by.as_str() == text)
    }
}

/// One sync, finished (also what the sync panel's history shows).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SyncRun {
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub started_by: SyncStartedBy,
    #[ts(type = "number")]
    pub pushed: u64,
    #[ts(type = "number")]
    pub rejected: u64,
    #[ts(type = "number")]
    pub pulled: u64,
    pub retries: u32,
    /// The error's code when it failed.
    pub error_code: Option<ErrorCode>,
}

impl Store {
    pub fn record_sync_run(&self, run: &SyncRun) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            t.tx.execute(
                "INSERT INTO sync_runs (started_at, finished_at, started_by, pushed, rejected, pulled, retries, error_code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    run.started_at.to_string(),
                    run.finished_at.to_string(),
                    run.started_by.as_str(),
                    run.pushed as i64,
                    run.rejected as i64,
                    run.pulled as i64,
                    run.retries,
                    run.error_code.map(ErrorCode::as_str),
                ],
            )?;
            t.tx.execute("DELETE FROM sync_runs WHERE id <= (SELECT max(id) FROM sync_runs) - ?1", [KEPT])?;
            Ok(())
        })
    }

    /// The latest syncs, newest first.
    pub fn recent_sync_runs(&self, limit: u32) -> Result<Vec<SyncRun>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT started_at, finished_at, started_by, pushed, rejected, pulled, retries, error_code
                 FROM sync_runs ORDER BY id DESC LIMIT ?1",
            )?;
            let mut rows = statement.query([limit])?;
            let mut runs = Vec::new();
            while let Some(row) = rows.next()? {
                let corrupt = |problem: String| StoreError::CorruptRecord { what: "sync history".into(), problem };
                let time = |index: usize| -> Result<Timestamp> {
                    Timestamp::parse(&row.get::<_, String>(index)?).map_err(|e| corrupt(e.to_string()))
                };
                let by: String = row.get(2)?;
                runs.push(SyncRun {
                    started_at: time(0)?,
                    finished_at: time(1)?,
                    started_by: SyncStartedBy::parse(&by).ok_or_else(|| corrupt(format!("started by {by}")))?,
                    pushed: row.get::<_, i64>(3)? as u64,
                    rejected: row.get::<_, i64>(4)? as u64,
                    pulled: row.get::<_, i64>(5)? as u64,
                    retries: row.get(6)?,
                    error_code: crate::codec::error_code_column(row, 7)?,
                });
            }
            Ok(runs)
        })
    }
}

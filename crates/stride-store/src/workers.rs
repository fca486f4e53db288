//! Worker search as you type, by name or phone, fast at tens of thousands of workers:
//! three or more characters go through the trigram full-text index (any substring of
//! the name or the number); shorter text matches the start of the name.

use crate::repository::MAX_PAGE;
use crate::{Result, Store};
use rusqlite::params;
use serde::Deserialize;
use stride_domain::{Entity, Page, Worker};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WorkerSearch {
    /// Part of a name or of a phone number; empty lists everyone.
    pub text: String,
    pub offset: u64,
    pub limit: u32,
}

/// What to look for: a phone-like query ("0712 345", "+254-712") becomes its digits,
/// without the national trunk 0, so it matches the stored international form.
fn normalise(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let phone_like = !folded.is_empty()
        && folded.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'))
        && folded.chars().any(|c| c.is_ascii_digit());
    if phone_like {
        let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
        let without_trunk = digits.strip_prefix('0').filter(|rest| !rest.is_empty()).unwrap_or(&digits);
        without_trunk.to_owned()
    } else {
        folded
    }
}

impl Store {
    /// Live workers whose name or phone number contains the text, by name.
    pub fn search_workers(&self, search: &WorkerSearch) -> Result<Page<Worker>> {
        let needle = normalise(&search.text);
        let limit = search.limit.clamp(1, MAX_PAGE);
        let columns =
            Worker::KIND.spec().columns.iter().map(|c| format!("w.{}", c.name)).collect::<Vec<_>>().join(", ");
        let (from, argument) = match needle.chars().count() {
            0 => ("workers w WHERE w.deleted_at IS NULL AND ?1 = ''".to_owned(), String::new()),
            1 | 2 => (
                "workers w WHERE w.deleted_at IS NULL AND w.full_name LIKE ?1 ESCAPE '\\'".to_owned(),
                format!("{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
            ),
            _ => (
                "workers_search s JOIN workers w ON w.rowid = s.rowid WHERE workers_search MATCH ?1 AND w.deleted_at IS NULL"
                    .to_owned(),
                format!("\"{}\"", needle.replace('"', "\"\"")),
            ),
        };
        self.with_conn(|conn| {
            let total: i64 = conn
                .prepare_cached(&format!("SELECT count(*) FROM {from}"))?
                .query_row([&argument], |row| row.get(0))?;
            let sql =
                format!("SELECT {columns} FROM {from} ORDER BY w.full_name COLLATE NOCASE, w.id LIMIT ?2 OFFSET ?3");
            let mut statement = conn.prepare_cached(&sql)?;
            let mut rows = statement.query(params![argument, limit, search.offset as i64])?;
            let mut items = Vec::new();
            while let Some(row) = rows.next()? {
                let worker: Worker = crate::repository::worker_from_row(row)?;
                items.push(worker);
            }
            Ok(Page { items, total: total as u64, offset: search.offset })
        })
    }
}

impl Store {
    /// Live workers who may be the person described: the same phone number, or a close
    /// name (see `stride_domain::duplicates`). `except` leaves out the worker being edited.
    pub fn duplicate_candidates(
        &self,
        full_name: &stride_domain::Name,
        phone: Option<&stride_domain::PhoneNumber>,
        except: Option<stride_domain::WorkerId>,
    ) -> Result<Vec<stride_domain::duplicates::DuplicateCandidate>> {
        use stride_domain::duplicates::{names_close, DuplicateCandidate, DuplicateReason};
        let except = except.map(|id| id.to_string()).unwrap_or_default();
        let length = full_name.as_str().chars().count() as i64;
        let columns = Worker::KIND.spec().columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
        // The phone is indexed; a close name differs in length by at most three letters.
        let sql = format!(
            "SELECT {columns} FROM workers
             WHERE deleted_at IS NULL AND id <> ?1
               AND (phone_number = ?2 OR length(full_name) BETWEEN ?3 - 3 AND ?3 + 3)"
        );
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            let mut rows = statement.query(params![except, phone.map(|p| p.as_str()), length])?;
            let mut candidates = Vec::new();
            while let Some(row) = rows.next()? {
                let worker = crate::repository::worker_from_row(row)?;
                let mut reasons = Vec::new();
                if phone.is_some() && worker.phone_number.as_ref() == phone {
                    reasons.push(DuplicateReason::SamePhone);
                }
                if names_close(worker.full_name.as_str(), full_name.as_str()) {
                    reasons.push(DuplicateReason::SimilarName);
                }
                if !reasons.is_empty() {
                    candidates.push(DuplicateCandidate { worker, reasons });
                }
            }
            candidates
                .sort_by(|a, b| a.reasons.cmp(&b.reasons).then_with(|| a.worker.full_name.cmp(&b.worker.full_name)));
            Ok(candidates)
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn phone_like_text_becomes_digits_without_the_trunk_zero() {
        assert_eq!(super::normalise(" 0712 345 "), "712345");
        assert_eq!(super::normalise("+254-712"), "254712");
        assert_eq!(super::normalise("Amina   W"), "Amina W");
        assert_eq!(super::normalise("0"), "0");
    }
}

//! Worker search as you type, by name or phone, fast at tens of thousands of workers:
//! three or more characters go through the trigram full-text index (any substring of
//! the name or the number); shorter text matches the start of the name.

use crate::repository::MAX_PAGE;
use crate::{Result, Store};
use rusqlite::params;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use stride_domain::{AssignmentStatus, Entity, Page, ProgramId, SegmentId, Worker};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WorkerSearch {
    /// Part of a name or of a phone number; empty lists everyone.
    pub text: String,
    /// Only members of this segment.
    pub segment: Option<SegmentId>,
    /// Only workers enrolled in this program (in `enrollment`'s state, when given).
    pub program: Option<ProgramId>,
    /// Only workers with an enrollment in this state (in `program`, when given).
    pub enrollment: Option<EnrollmentFilter>,
    pub offset: u64,
    pub limit: u32,
}

/// Workers by the state of their enrollments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentFilter {
    Active,
    Completed,
    Dropped,
    /// In no program (or not in the chosen one).
    NotEnrolled,
}

impl EnrollmentFilter {
    fn status(self) -> Option<AssignmentStatus> {
        match self {
            Self::Active => Some(AssignmentStatus::Active),
            Self::Completed => Some(AssignmentStatus::Completed),
            Self::Dropped => Some(AssignmentStatus::Dropped),
            Self::NotEnrolled => None,
        }
    }
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
    /// Live workers whose name or phone number contains the text and who pass the
    /// filters, by name.
    pub fn search_workers(&self, search: &WorkerSearch) -> Result<Page<Worker>> {
        let needle = normalise(&search.text);
        let limit = search.limit.clamp(1, MAX_PAGE);
        let columns =
            Worker::KIND.spec().columns.iter().map(|c| format!("w.{}", c.name)).collect::<Vec<_>>().join(", ");
        let mut from = "workers w";
        // Conditions in the order of their arguments. A filter is a set of worker ids
        // (`w.id IN (…)`) that SQLite builds once from its index, where a correlated
        // EXISTS probes once per worker: among 50,000, a program of 5,000 is counted in
        // a third of the time; a set of half the workers costs about the same either way.
        let mut conditions = vec!["w.deleted_at IS NULL".to_owned()];
        let mut arguments: Vec<Value> = Vec::new();
        match needle.chars().count() {
            0 => {}
            1 | 2 => {
                conditions.push("w.full_name LIKE ? ESCAPE '\\'".into());
                let escaped = needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                arguments.push(Value::Text(format!("{escaped}%")));
            }
            _ => {
                from = "workers_search s JOIN workers w ON w.rowid = s.rowid";
                conditions.push("workers_search MATCH ?".into());
                arguments.push(Value::Text(format!("\"{}\"", needle.replace('"', "\"\""))));
            }
        }
        if let Some(segment) = search.segment {
            let (condition, values) = self.segment_condition(segment)?;
            conditions.push(condition);
            arguments.extend(values);
        }
        if search.program.is_some() || search.enrollment.is_some() {
            let mut enrolled = "SELECT a.worker_id FROM worker_assignments a WHERE a.deleted_at IS NULL".to_owned();
            if let Some(program) = search.program {
                enrolled.push_str(" AND a.program_id = ?");
                arguments.push(Value::Text(program.to_string()));
            }
            if let Some(status) = search.enrollment.and_then(EnrollmentFilter::status) {
                enrolled.push_str(" AND a.status = ?");
                arguments.push(Value::Text(status.as_str().to_owned()));
            }
            let negated = search.enrollment == Some(EnrollmentFilter::NotEnrolled);
            conditions.push(format!("w.id {}IN ({enrolled})", if negated { "NOT " } else { "" }));
        }
        let from = format!("{from} WHERE {}", conditions.join(" AND "));
        self.with_conn(|conn| {
            let total: i64 = conn
                .prepare_cached(&format!("SELECT count(*) FROM {from}"))?
                .query_row(rusqlite::params_from_iter(&arguments), |row| row.get(0))?;
            let sql =
                format!("SELECT {columns} FROM {from} ORDER BY w.full_name COLLATE NOCASE, w.id LIMIT ? OFFSET ?");
            let mut statement = conn.prepare_cached(&sql)?;
            let paged =
                arguments.iter().cloned().chain([Value::Integer(limit.into()), Value::Integer(search.offset as i64)]);
            let mut rows = statement.query(rusqlite::params_from_iter(paged))?;
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

//! Points and challenges, offline: the organization's point values, challenges with a
//! goal, a window of days and an audience (a program or a segment), and the boards
//! derived from progress and badges (`stride_domain::points`), the same on every device.

use super::calendar::{local_date, local_midnight};
use super::{optional_text, Service};
use crate::error::AppError;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use stride_domain::points::{Points, Standing};
use stride_domain::*;
use stride_store::{ChallengeLine, Filter};
use ts_rs::TS;

/// The point values as a form holds them.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PointsInput {
    /// Whole numbers, as typed.
    pub per_touchpoint: String,
    pub per_badge: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ChallengeInput {
    pub id: Option<ChallengeId>,
    pub title: String,
    pub description: String,
    pub goal_kind: ChallengeGoal,
    /// A whole number, as typed.
    pub goal: String,
    /// The first and the last day (YYYY-MM-DD) on this device's calendar.
    pub starts_on: String,
    pub ends_on: String,
    pub program_id: Option<ProgramId>,
    pub segment_id: Option<SegmentId>,
}

/// A challenge as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChallengeSummary {
    pub challenge: Challenge,
    /// Its first and last day on this device's calendar.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The program's or the segment's name.
    pub audience: String,
    pub audience_size: u32,
    /// Workers of the audience who reached the goal.
    pub reached: u32,
}

/// A challenge and its board: everyone it is for, by points earned within it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChallengeBoard {
    pub summary: ChallengeSummary,
    pub lines: Vec<ChallengeLine>,
}

/// How many lines a board shows.
const BOARD_LINES: usize = 50;

fn whole_number(
    raw: &str,
    field: &str,
    range: std::ops::RangeInclusive<i32>,
    problems: &mut Vec<ValidationError>,
) -> Option<i32> {
    let parsed = raw.trim().parse::<i32>().ok().filter(|n| range.contains(n));
    if parsed.is_none() {
        let problem = InvalidValue::OutOfRange { min: i64::from(*range.start()), max: i64::from(*range.end()) };
        problems.push(ValidationError::new(field, problem));
    }
    parsed
}

impl Service {
    pub fn points(&self) -> Result<Points, AppError> {
        Ok(self.store.point_values()?)
    }

    /// Sets what a completed touchpoint and a badge are worth; answers them.
    pub fn save_points(&self, input: PointsInput) -> Result<Points, AppError> {
        self.require_write(EntityKind::PointValues)?;
        let mut problems = Vec::new();
        let per_touchpoint = whole_number(&input.per_touchpoint, "per_touchpoint", 0..=MAX_POINT_VALUE, &mut problems);
        let per_badge = whole_number(&input.per_badge, "per_badge", 0..=MAX_POINT_VALUE, &mut problems);
        let (Some(per_touchpoint), Some(per_badge)) = (per_touchpoint, per_badge) else {
            return Err(AppError::invalid(problems));
        };
        let organization_id = self.organization_id()?;
        let id = PointValuesId::of_organization(organization_id);
        let now = self.store.now();
        let mut values =
            PointValues { id, organization_id, per_touchpoint, per_badge, created_at: now, updated_at: now };
        match self.store.get::<PointValues>(&RowKey::of(id))? {
            Some(stored) => {
                values.created_at = stored.created_at;
                self.store.update(&values)?;
            }
            None => self.store.create(&values)?,
        }
        self.points()
    }

    /// The organization's challenges, the latest to end first.
    pub fn challenges(&self) -> Result<Vec<ChallengeSummary>, AppError> {
        self.summaries(&[])
    }

    /// The challenges of a program's workers (what its report shows).
    pub(crate) fn program_challenges(&self, program: ProgramId) -> Result<Vec<ChallengeSummary>, AppError> {
        self.summaries(&[Filter::new("program_id", program.to_string())])
    }

    fn summaries(&self, filters: &[Filter]) -> Result<Vec<ChallengeSummary>, AppError> {
        let mut challenges = self.store.list_all::<Challenge>(filters)?;
        challenges.sort_by(|a, b| b.ends_at.cmp(&a.ends_at).then_with(|| a.title.as_str().cmp(b.title.as_str())));
        let boards = self.store.challenge_boards(&challenges)?;
        challenges
            .into_iter()
            .zip(boards)
            .map(|(challenge, lines)| Ok(self.board_of(challenge, lines)?.summary))
            .collect()
    }

    pub fn challenge_board(&self, id: ChallengeId) -> Result<ChallengeBoard, AppError> {
        let challenge = self.existing::<Challenge>(RowKey::of(id))?;
        let lines = self.store.challenge_boards(std::slice::from_ref(&challenge))?.pop().unwrap_or_default();
        let mut board = self.board_of(challenge, lines)?;
        board.lines.truncate(BOARD_LINES);
        Ok(board)
    }

    fn board_of(&self, challenge: Challenge, lines: Vec<ChallengeLine>) -> Result<ChallengeBoard, AppError> {
        let audience = match (challenge.program_id, challenge.segment_id) {
            (Some(program), _) => self.store.get::<Program>(&RowKey::of(program))?.map(|p| p.name.to_string()),
            (None, Some(segment)) => self.store.get::<Segment>(&RowKey::of(segment))?.map(|s| s.name.to_string()),
            (None, None) => None,
        };
        let summary = ChallengeSummary {
            starts_on: local_date(challenge.starts_at),
            // The window ends at the first instant after its last day.
            ends_on: local_date(Timestamp::from_millis(challenge.ends_at.millis() - 1).unwrap_or(challenge.ends_at)),
            audience: audience.unwrap_or_default(),
            audience_size: lines.len() as u32,
            reached: lines.iter().filter(|line| line.progress.reached).count() as u32,
            challenge,
        };
        Ok(ChallengeBoard { summary, lines })
    }

    /// Creates or edits a challenge; its days are this device's calendar's.
    pub fn save_challenge(&self, input: ChallengeInput) -> Result<ChallengeId, AppError> {
        self.require_write(EntityKind::Challenges)?;
        let mut problems = Vec::new();
        let title = Name::parse(&input.title).map_err(|e| problems.push(e.in_field("title"))).ok();
        let goal = whole_number(&input.goal, "goal", 1..=MAX_CHALLENGE_GOAL, &mut problems);
        let starts_on = parse_date(&input.starts_on).map_err(|e| problems.push(e.in_field("starts_on"))).ok();
        let ends_on = parse_date(&input.ends_on).map_err(|e| problems.push(e.in_field("ends_on"))).ok();
        if let (Some(first), Some(last)) = (starts_on, ends_on) {
            if last < first {
                problems.push(ValidationError::new("ends_on", InvalidValue::EndsBeforeStart));
            }
        }
        match (input.program_id, input.segment_id) {
            (Some(_), Some(_)) => problems.push(ValidationError::new("audience", InvalidValue::AudienceOfBoth)),
            (None, None) => problems.push(ValidationError::new("audience", InvalidValue::NoAudience)),
            (Some(program), None) => {
                if self.store.get::<Program>(&RowKey::of(program))?.is_none() {
                    problems.push(ValidationError::new("audience", InvalidValue::NotProgramOnDevice));
                }
            }
            (None, Some(segment)) => {
                if self.store.get::<Segment>(&RowKey::of(segment))?.is_none() {
                    problems.push(ValidationError::new("audience", InvalidValue::NotSegmentOnDevice));
                }
            }
        }
        let (Some(title), Some(goal), Some(starts_on), Some(ends_on)) = (title, goal, starts_on, ends_on) else {
            return Err(AppError::invalid(problems));
        };
        if !problems.is_empty() {
            return Err(AppError::invalid(problems));
        }
        let now = self.store.now();
        let mut challenge = Challenge {
            id: input.id.unwrap_or_default(),
            organization_id: self.organization_id()?,
            title,
            description: optional_text(&input.description),
            goal_kind: input.goal_kind,
            goal,
            starts_at: local_midnight(starts_on),
            ends_at: local_midnight(ends_on.checked_add_days(Days::new(1)).unwrap_or(ends_on)),
            program_id: input.program_id,
            segment_id: input.segment_id,
            created_by: self.user_id()?,
            created_at: now,
            updated_at: now,
        };
        match input.id {
            None => self.store.create(&challenge)?,
            Some(id) => {
                let stored = self.existing::<Challenge>(RowKey::of(id))?;
                challenge.created_by = stored.created_by;
                challenge.created_at = stored.created_at;
                self.store.update(&challenge)?;
            }
        }
        Ok(challenge.id)
    }

    /// A program's leaderboard by points (the first 50).
    pub fn leaderboard(&self, program: ProgramId) -> Result<Vec<Standing>, AppError> {
        Ok(self.store.leaderboard(program, BOARD_LINES)?)
    }
}

#[cfg(test)]
#[path = "challenges_tests.rs"]
mod tests;

//! Points, challenges and leaderboards, derived from progress and badges alone: nothing
//! of them is stored, so every device that holds the same rows shows the same numbers,
//! offline, and a correction of a session corrects them too.
//!
//! - A worker earns the organization's `per_touchpoint` points for each *different*
//!   touchpoint they completed (a program's touchpoint counts once however often it is
//!   recorded), and `per_badge` for each badge they hold.
//! - Within a **program** (its leaderboard), the touchpoints are that program's and the
//!   badges are all those the worker holds.
//! - Within a **challenge**, the touchpoints are those completed within its window
//!   (from `starts_at`, before `ends_at`), in its program when its audience is one, in
//!   any program when it is a segment; the badges are those awarded within the window.
//!   Its goal counts different touchpoints or points; a worker reaches it when the count
//!   is at least the goal.
//! - A leaderboard orders by points, most first, then by name and id; workers with the
//!   same points share a rank (1, 1, 3).
//!
//! Each count only grows as completions and badges are added (the property tests hold
//! it), and none depends on the order rows are read in.

use crate::{Challenge, ChallengeGoal, IdMap, PointValues, ProgramId, Score, Timestamp, TouchpointId, WorkerId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

/// What a completed touchpoint and a badge are worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Points {
    pub per_touchpoint: u32,
    pub per_badge: u32,
}

impl Points {
    /// Until an organization sets its own.
    pub const DEFAULT: Points = Points { per_touchpoint: 10, per_badge: 25 };
}

impl Default for Points {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl From<&PointValues> for Points {
    fn from(values: &PointValues) -> Self {
        // Stored values are checked to be 0..=MAX_POINT_VALUE.
        let points = |n: i32| u32::try_from(n).unwrap_or(0);
        Self { per_touchpoint: points(values.per_touchpoint), per_badge: points(values.per_badge) }
    }
}

/// One completed progress record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Completion {
    pub worker: WorkerId,
    pub program: ProgramId,
    pub touchpoint: TouchpointId,
    pub completed_at: Timestamp,
    pub score: Option<Score>,
}

/// One badge a worker holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Award {
    pub worker: WorkerId,
    pub awarded_at: Timestamp,
}

/// Which completions and badges count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    /// Only this program's touchpoints (None: any program's).
    pub program: Option<ProgramId>,
    /// Only what happened from the first instant and before the second (None: ever).
    pub window: Option<(Timestamp, Timestamp)>,
}

impl Scope {
    pub fn program(program: ProgramId) -> Self {
        Self { program: Some(program), window: None }
    }

    fn holds(&self, at: Timestamp) -> bool {
        self.window.is_none_or(|(from, before)| from <= at && at < before)
    }

    fn counts(&self, completion: &Completion) -> bool {
        self.program.is_none_or(|p| p == completion.program) && self.holds(completion.completed_at)
    }
}

/// What a worker earned within a scope.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, TS)]
pub struct Tally {
    /// Different touchpoints completed.
    pub touchpoints: u32,
    pub badges: u32,
    #[ts(type = "number")]
    pub points: u64,
    /// Mean of the best score on each of those touchpoints that has one, to two decimals.
    pub mean_score: Option<f64>,
}

/// Each worker's tally within the scope (workers with nothing are absent).
pub fn tallies(points: Points, scope: &Scope, completions: &[Completion], awards: &[Award]) -> IdMap<WorkerId, Tally> {
    // Per worker, per touchpoint: the best score (ordered maps, so the mean sums its
    // scores in one order on every device).
    let mut best: IdMap<WorkerId, BTreeMap<(ProgramId, TouchpointId), Option<f64>>> = IdMap::default();
    for completion in completions.iter().filter(|c| scope.counts(c)) {
        let entry =
            best.entry(completion.worker).or_default().entry((completion.program, completion.touchpoint)).or_default();
        if let Some(score) = completion.score.map(Score::value) {
            *entry = Some(entry.map_or(score, |held| held.max(score)));
        }
    }
    let mut badges: IdMap<WorkerId, u32> = IdMap::default();
    for award in awards.iter().filter(|a| scope.holds(a.awarded_at)) {
        *badges.entry(award.worker).or_default() += 1;
    }
    let workers: BTreeSet<WorkerId> = best.keys().chain(badges.keys()).copied().collect();
    workers
        .into_iter()
        .map(|worker| {
            let touched = best.get(&worker);
            let touchpoints = touched.map_or(0, |t| t.len() as u32);
            let scores: Vec<f64> = touched.into_iter().flat_map(|t| t.values().flatten().copied()).collect();
            let mean_score = (!scores.is_empty())
                .then(|| (scores.iter().sum::<f64>() / scores.len() as f64 * 100.0).round() / 100.0);
            let badges = badges.get(&worker).copied().unwrap_or(0);
            let earned = u64::from(touchpoints) * u64::from(points.per_touchpoint)
                + u64::from(badges) * u64::from(points.per_badge);
            (worker, Tally { touchpoints, badges, points: earned, mean_score })
        })
        .collect()
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Standing {
    /// 1 for the first; workers with the same points share a rank.
    pub rank: u32,
    pub worker_id: WorkerId,
    pub name: String,
    pub tally: Tally,
}

/// The audience (id and name) ranked by their tallies, as the module says.
pub fn leaderboard(audience: &[(WorkerId, String)], tallies: &IdMap<WorkerId, Tally>) -> Vec<Standing> {
    // Each worker once, however often the audience lists them.
    let mut lines: Vec<(WorkerId, &str, Tally)> = audience
        .iter()
        .map(|(id, name)| (id, name))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(id, name)| (*id, name.as_str(), tallies.get(id).copied().unwrap_or_default()))
        .collect();
    lines.sort_by(|a, b| {
        b.2.points
            .cmp(&a.2.points)
            .then_with(|| a.1.to_lowercase().cmp(&b.1.to_lowercase()))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut board: Vec<Standing> = Vec::with_capacity(lines.len());
    for (worker_id, name, tally) in lines {
        let rank = match board.last() {
            Some(last) if last.tally.points == tally.points => last.rank,
            _ => board.len() as u32 + 1,
        };
        board.push(Standing { rank, worker_id, name: name.to_owned(), tally });
    }
    board
}

/// How far a worker is toward a challenge's goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ChallengeProgress {
    /// Touchpoints or points, as the goal counts, so far.
    #[ts(type = "number")]
    pub count: u64,
    pub goal: u32,
    pub reached: bool,
}

impl Challenge {
    /// What counts toward the challenge: its window, and its program when it has one.
    pub fn scope(&self) -> Scope {
        Scope { program: self.program_id, window: Some((self.starts_at, self.ends_at)) }
    }

    /// A worker's progress from their tally within [`Challenge::scope`].
    pub fn progress(&self, tally: &Tally) -> ChallengeProgress {
        let count = match self.goal_kind {
            ChallengeGoal::Touchpoints => u64::from(tally.touchpoints),
            ChallengeGoal::Points => tally.points,
        };
        let goal = u32::try_from(self.goal).unwrap_or(u32::MAX);
        ChallengeProgress { count, goal, reached: count >= u64::from(goal) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChallengeId, Name, OrganizationId};
    use proptest::prelude::*;

    fn at(day: i64) -> Timestamp {
        Timestamp::from_millis(1_780_000_000_000 + day * 86_400_000).unwrap()
    }

    fn uuids(n: usize) -> impl Iterator<Item = uuid::Uuid> {
        (0..n).map(|i| uuid::Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + i as u128))
    }
    fn workers(n: usize) -> Vec<WorkerId> {
        uuids(n).map(WorkerId::from_uuid).collect()
    }
    fn programs(n: usize) -> Vec<ProgramId> {
        uuids(n).map(ProgramId::from_uuid).collect()
    }
    fn touchpoints(n: usize) -> Vec<TouchpointId> {
        uuids(n).map(TouchpointId::from_uuid).collect()
    }

    fn challenge(goal_kind: ChallengeGoal, goal: i32, program: Option<ProgramId>, from: i64, before: i64) -> Challenge {
        Challenge {
            id: ChallengeId::default(),
            organization_id: OrganizationId::default(),
            title: Name::parse("Five by June").unwrap(),
            description: None,
            goal_kind,
            goal,
            starts_at: at(from),
            ends_at: at(before),
            program_id: program,
            segment_id: None,
            created_by: None,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    #[test]
    fn a_touchpoint_counts_once_and_a_program_board_counts_every_badge() {
        let (workers, programs, touchpoints) = (workers(2), programs(2), touchpoints(3));
        let done = |worker: usize, program: usize, touchpoint: usize, day: i64, score: Option<f64>| Completion {
            worker: workers[worker],
            program: programs[program],
            touchpoint: touchpoints[touchpoint],
            completed_at: at(day),
            score: score.map(|s| Score::new(s).unwrap()),
        };
        let completions = [
            done(0, 0, 0, 1, Some(60.0)),
            done(0, 0, 0, 2, Some(80.0)), // again: counts once, with its best score
            done(0, 0, 1, 3, None),
            done(0, 1, 2, 3, Some(10.0)), // another program
            done(1, 0, 0, 4, Some(90.0)),
        ];
        let awards = [Award { worker: workers[1], awarded_at: at(4) }];
        let board = tallies(Points::DEFAULT, &Scope::program(programs[0]), &completions, &awards);
        assert_eq!(board[&workers[0]], Tally { touchpoints: 2, badges: 0, points: 20, mean_score: Some(80.0) });
        assert_eq!(board[&workers[1]], Tally { touchpoints: 1, badges: 1, points: 35, mean_score: Some(90.0) });
        let audience = vec![
            (workers[0], "Amina".to_owned()),
            (workers[1], "Baraka".to_owned()),
            (self::workers(3)[2], "Chidi".into()),
        ];
        let ranked = leaderboard(&audience, &board);
        let order: Vec<(&str, u32, u64)> = ranked.iter().map(|s| (s.name.as_str(), s.rank, s.tally.points)).collect();
        assert_eq!(order, [("Baraka", 1, 35), ("Amina", 2, 20), ("Chidi", 3, 0)]);
    }

    #[test]
    fn a_challenge_counts_its_window_and_its_goal() {
        let (workers, programs, touchpoints) = (workers(1), programs(2), touchpoints(6));
        let done = |program: usize, touchpoint: usize, day: i64| Completion {
            worker: workers[0],
            program: programs[program],
            touchpoint: touchpoints[touchpoint],
            completed_at: at(day),
            score: None,
        };
        // Before the window, on its first instant, inside, on the instant after it.
        let completions = [done(0, 0, 9), done(0, 1, 10), done(0, 2, 15), done(1, 3, 15), done(0, 4, 20)];
        let awards = [Award { worker: workers[0], awarded_at: at(12) }];
        let five = challenge(ChallengeGoal::Touchpoints, 5, Some(programs[0]), 10, 20);
        let tally = tallies(Points::DEFAULT, &five.scope(), &completions, &awards)[&workers[0]];
        assert_eq!((tally.touchpoints, tally.badges), (2, 1));
        assert_eq!(five.progress(&tally), ChallengeProgress { count: 2, goal: 5, reached: false });
        let anywhere = challenge(ChallengeGoal::Points, 55, None, 10, 20);
        let tally = tallies(Points::DEFAULT, &anywhere.scope(), &completions, &awards)[&workers[0]];
        assert_eq!(anywhere.progress(&tally), ChallengeProgress { count: 55, goal: 55, reached: true });
    }

    fn completion_strategy() -> impl Strategy<Value = (usize, usize, usize, i64, Option<u8>)> {
        (0usize..4, 0usize..2, 0usize..5, 0i64..30, prop::option::of(0u8..=100))
    }

    proptest! {
        /// Adding a completion or a badge never lowers anyone's points, touchpoints or
        /// challenge progress, nor raises anyone's rank number past a worker who gained
        /// nothing; and reading the rows in any order gives the same board.
        #[test]
        fn points_and_progress_only_grow_and_do_not_depend_on_order(
            rows in prop::collection::vec(completion_strategy(), 0..40),
            badges in prop::collection::vec((0usize..4, 0i64..30), 0..6),
            extra in completion_strategy(),
            extra_badge in any::<bool>(),
            per_touchpoint in 0u32..50,
            per_badge in 0u32..50,
            window in (0i64..30, 1i64..30),
            in_program in any::<bool>(),
            goal in 1i32..20,
            points_goal in any::<bool>(),
        ) {
            let (workers, programs, touchpoints) = (workers(4), programs(2), touchpoints(5));
            let made = |(w, p, t, day, score): (usize, usize, usize, i64, Option<u8>)| Completion {
                worker: workers[w],
                program: programs[p],
                touchpoint: touchpoints[t],
                completed_at: at(day),
                score: score.map(|s| Score::new(f64::from(s)).unwrap()),
            };
            let points = Points { per_touchpoint, per_badge };
            let kind = if points_goal { ChallengeGoal::Points } else { ChallengeGoal::Touchpoints };
            let the_challenge =
                challenge(kind, goal, in_program.then_some(programs[0]), window.0, window.0 + window.1);
            let completions: Vec<Completion> = rows.into_iter().map(made).collect();
            let awards: Vec<Award> = badges.iter().map(|(w, day)| Award { worker: workers[*w], awarded_at: at(*day) }).collect();
            let audience: Vec<(WorkerId, String)> =
                workers.iter().enumerate().map(|(i, w)| (*w, format!("Worker {i}"))).collect();

            let mut more = completions.clone();
            more.push(made(extra));
            let mut more_awards = awards.clone();
            if extra_badge {
                more_awards.push(Award { worker: workers[extra.0], awarded_at: at(extra.3) });
            }
            for scope in [Scope::default(), Scope::program(programs[0]), the_challenge.scope()] {
                let before = tallies(points, &scope, &completions, &awards);
                let after = tallies(points, &scope, &more, &more_awards);
                for worker in &workers {
                    let (b, a) = (before.get(worker).copied().unwrap_or_default(), after.get(worker).copied().unwrap_or_default());
                    prop_assert!(a.points >= b.points && a.touchpoints >= b.touchpoints && a.badges >= b.badges);
                    let (pb, pa) = (the_challenge.progress(&b), the_challenge.progress(&a));
                    prop_assert!(pa.count >= pb.count && (pa.reached || !pb.reached));
                }
                // Only the worker who gained can pass anyone: the others keep their order.
                let (board_before, board_after) = (leaderboard(&audience, &before), leaderboard(&audience, &after));
                let others = |board: &[Standing]| -> Vec<WorkerId> {
                    board.iter().map(|s| s.worker_id).filter(|w| *w != workers[extra.0]).collect()
                };
                prop_assert_eq!(others(&board_before), others(&board_after));

                let mut shuffled = completions.clone();
                shuffled.reverse();
                shuffled.rotate_left(completions.len() / 3);
                let mut shuffled_awards = awards.clone();
                shuffled_awards.reverse();
                let mut shuffled_audience = audience.clone();
                shuffled_audience.reverse();
                prop_assert_eq!(
                    leaderboard(&audience, &before),
                    leaderboard(&shuffled_audience, &tallies(points, &scope, &shuffled, &shuffled_awards))
                );
            }
        }
    }
}

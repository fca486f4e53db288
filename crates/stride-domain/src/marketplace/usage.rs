//! How a listing is used, for its publisher and its licensees: each licensee's tally of
//! its own workers (counts and sums, never a worker), added together across licensees,
//! and the figures drawn from them, each shown only when it is drawn from at least
//! [`MIN_WORKERS`] workers, so no worker of a client can be made out from them.

use crate::ids::{ContentId, ListingId, TouchpointId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The fewest workers a figure is drawn from before it is shown outside their own
/// organization.
pub const MIN_WORKERS: u32 = 5;

/// One touchpoint's tally: of the enrolled workers, how many completed it, and the best
/// score of each who has one.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TouchpointTally {
    pub completed: u32,
    pub scored: u32,
    pub score_sum: f64,
}

/// One quiz question's tally: how many workers answered it, and how many got it right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuestionTally {
    pub answered: u32,
    pub correct: u32,
}

/// A question of a listed quiz: the quiz's key and the question's id.
pub type QuestionKey = (ContentId, String);

/// What one licensee's workers did with its copy (or several licensees', added up), by
/// the snapshot's keys, so copies of different versions add up part by part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageTally {
    /// Workers enrolled in programs that hold the copy.
    pub workers: u32,
    pub touchpoints: BTreeMap<TouchpointId, TouchpointTally>,
    pub questions: BTreeMap<QuestionKey, QuestionTally>,
}

impl UsageTally {
    pub fn add(&mut self, other: &UsageTally) {
        self.workers += other.workers;
        for (key, tally) in &other.touchpoints {
            let mine = self.touchpoints.entry(*key).or_default();
            mine.completed += tally.completed;
            mine.scored += tally.scored;
            mine.score_sum += tally.score_sum;
        }
        for (key, tally) in &other.questions {
            let mine = self.questions.entry(key.clone()).or_default();
            mine.answered += tally.answered;
            mine.correct += tally.correct;
        }
    }
}

/// Who is looking, which decides what may be shown.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    /// The workers' own organization: every figure.
    Own,
    /// The publisher: figures drawn from [`MIN_WORKERS`] workers or more.
    Publisher,
    /// A licensee looking at everyone's figures beside its own (`own`): a figure is shown
    /// only when the other licensees' part of it is drawn from [`MIN_WORKERS`] workers
    /// or more, so its own numbers subtracted leave no small group to read.
    Licensee { own: &'a UsageTally },
}

impl Viewer<'_> {
    /// Whether a figure drawn from `drawn` workers (of which `own` are the viewer's) is shown.
    fn shows(&self, drawn: u32, own: impl Fn(&UsageTally) -> u32) -> bool {
        match self {
            Viewer::Own => true,
            Viewer::Publisher => drawn >= MIN_WORKERS,
            Viewer::Licensee { own: mine } => drawn.saturating_sub(own(mine)) >= MIN_WORKERS,
        }
    }
}

/// The names the figures are given: each part's, from the listing's versions.
#[derive(Debug, Clone, Default)]
pub struct UsageNames {
    /// Each touchpoint's name (its content's), in the newest version's order, and whether
    /// the newest version still has it.
    pub touchpoints: Vec<(TouchpointId, String, bool)>,
    /// Each quiz question: its quiz's name and its prompt, in order.
    pub questions: Vec<(QuestionKey, String, String)>,
}

/// The figures of a tally as a viewer may see them (None: drawn from too few workers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageFigures {
    /// Workers enrolled in programs that hold a copy.
    pub workers: Option<u32>,
    pub touchpoints: Vec<TouchpointUsage>,
    pub questions: Vec<QuestionUsage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TouchpointUsage {
    pub key: TouchpointId,
    pub name: String,
    /// Whether the newest version still has it.
    pub current: bool,
    /// Of the workers enrolled, the percentage who completed it.
    pub completed_percent: Option<f64>,
    /// The mean of each scored worker's best score.
    pub mean_score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionUsage {
    pub content_key: ContentId,
    pub question_id: String,
    pub quiz: String,
    pub prompt: String,
    /// Of the workers who answered it, the percentage who got it right.
    pub correct_percent: Option<f64>,
}

fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) * 100.0 / f64::from(whole)
    }
}

impl UsageTally {
    /// The workers enrolled, if `viewer` may see that count.
    pub fn workers_for(&self, viewer: Viewer<'_>) -> Option<u32> {
        viewer.shows(self.workers, |t| t.workers).then_some(self.workers)
    }

    /// The figures `viewer` may see, named by `names`.
    pub fn figures(&self, names: &UsageNames, viewer: Viewer<'_>) -> UsageFigures {
        let empty = TouchpointTally::default();
        let workers = self.workers;
        let touchpoints = names
            .touchpoints
            .iter()
            .map(|(key, name, current)| {
                let tally = self.touchpoints.get(key).unwrap_or(&empty);
                let scored_of = |t: &UsageTally| t.touchpoints.get(key).map_or(0, |t| t.scored);
                TouchpointUsage {
                    key: *key,
                    name: name.clone(),
                    current: *current,
                    completed_percent: viewer
                        .shows(workers, |t| t.workers)
                        .then(|| percent(tally.completed, workers).min(100.0))
                        .filter(|_| workers > 0),
                    mean_score: (viewer.shows(tally.scored, scored_of) && tally.scored > 0)
                        .then(|| tally.score_sum / f64::from(tally.scored)),
                }
            })
            .collect();
        let questions = names
            .questions
            .iter()
            .map(|(key, quiz, prompt)| {
                let tally = self.questions.get(key).copied().unwrap_or_default();
                let answered_of = |t: &UsageTally| t.questions.get(key).map_or(0, |q| q.answered);
                QuestionUsage {
                    content_key: key.0,
                    question_id: key.1.clone(),
                    quiz: quiz.clone(),
                    prompt: prompt.clone(),
                    correct_percent: (viewer.shows(tally.answered, answered_of) && tally.answered > 0)
                        .then(|| percent(tally.correct, tally.answered)),
                }
            })
            .collect();
        UsageFigures { workers: self.workers_for(viewer), touchpoints, questions }
    }
}

/// How many licensees' copies hold a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionUsage {
    pub number: u32,
    pub copies: u32,
}

/// A licensee, as the publisher sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenseeUsage {
    pub name: String,
    /// The version its copy holds (None: not copied in yet).
    pub version: Option<u32>,
    /// Its workers enrolled (None: fewer than [`MIN_WORKERS`]).
    pub workers: Option<u32>,
}

/// How a listing is used: for its publisher, across every licensee; for a licensee, its
/// own figures beside everyone's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingUsage {
    pub listing_id: ListingId,
    pub title: String,
    /// Newest first.
    pub versions: Vec<VersionUsage>,
    /// Every licensee, for the publisher (empty for a licensee).
    pub licensees: Vec<LicenseeUsage>,
    /// Across every licensee.
    pub all: UsageFigures,
    /// The asking licensee's own (None for the publisher).
    pub own: Option<UsageFigures>,
    /// Figures drawn from fewer workers than this are not shown.
    pub min_workers: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(workers: u32, key: TouchpointId, completed: u32) -> UsageTally {
        UsageTally {
            workers,
            touchpoints: BTreeMap::from([(
                key,
                TouchpointTally { completed, scored: completed, score_sum: 80.0 * f64::from(completed) },
            )]),
            questions: BTreeMap::new(),
        }
    }

    #[test]
    fn a_figure_from_fewer_than_five_workers_is_shown_to_their_own_organization_only() {
        let key = TouchpointId::new();
        let names = UsageNames { touchpoints: vec![(key, "Lifting".into(), true)], questions: vec![] };
        let small = tally(3, key, 2);
        assert_eq!(small.figures(&names, Viewer::Publisher).workers, None);
        assert_eq!(small.figures(&names, Viewer::Publisher).touchpoints[0].completed_percent, None);
        let own = small.figures(&names, Viewer::Own);
        assert_eq!((own.workers, own.touchpoints[0].mean_score), (Some(3), Some(80.0)));

        // Beside a licensee of 20, the small one's part is not left to subtract.
        let big = tally(20, key, 10);
        let mut all = big.clone();
        all.add(&small);
        let publisher = all.figures(&names, Viewer::Publisher);
        assert_eq!((publisher.workers, publisher.touchpoints[0].completed_percent), (Some(23), Some(percent(12, 23))));
        let to_big = all.figures(&names, Viewer::Licensee { own: &big });
        assert_eq!(to_big.workers, None, "23 less its own 20 is 3 workers of another");
        assert_eq!(to_big.touchpoints[0].mean_score, None);
        let to_small = all.figures(&names, Viewer::Licensee { own: &small });
        assert_eq!(to_small.workers, Some(23), "20 are the others'");
    }
}

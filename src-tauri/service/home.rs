//! Home: what is due today in each program (computed on the device from the touchpoints'
//! rules), the reminders found on the way (`reminders.rs`), what happened lately, and a
//! few counts.

use super::reminders::{DueSession, Overdue, Reminders};
use super::Service;
use crate::error::AppError;
use serde::Serialize;
use stride_domain::journey::{Day, Urgency};
use stride_domain::*;
use stride_store::{Activity, Counts, DueQuery};
use ts_rs::TS;

/// How many recent things home lists.
const RECENT: u32 = 12;
/// How many names home shows per due touchpoint (the group session has them all).
const NAMES_SHOWN: usize = 3;

/// A touchpoint due for some of a program's workers today.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DueTouchpoint {
    pub id: TouchpointId,
    /// The content's title (None when it has none).
    pub title: Option<String>,
    pub content_type: Option<ContentType>,
    pub journey: String,
    pub phase: String,
    /// Workers for whom it was due before today.
    pub overdue: u32,
    /// Workers for whom it becomes due today.
    pub today: u32,
    /// The first few of them, by name.
    pub names: Vec<String>,
}

/// One program's day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgramDay {
    pub id: ProgramId,
    pub name: String,
    /// Most overdue first.
    pub touchpoints: Vec<DueTouchpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Home {
    pub day_starts: Timestamp,
    /// Programs with something due today, by name.
    pub programs: Vec<ProgramDay>,
    pub recent: Vec<Activity>,
    pub counts: Counts,
    /// Touchpoints whose rule this app cannot read, left out of what is due.
    pub unreadable_rules: u32,
    pub reminders: Reminders,
}

/// What home counts of one touchpoint of one program.
struct Tally {
    first_due_at: Timestamp,
    overdue: u32,
    today: u32,
    /// The first few workers it is due for.
    workers: Vec<WorkerId>,
}

impl Service {
    /// Home as of `day`.
    pub fn home(&self, day: Day) -> Result<Home, AppError> {
        let (programs, reminders, unreadable_rules) = self.due_today(day)?;
        let week_ago = Timestamp::from_millis(day.starts.millis() - 6 * 24 * 60 * 60 * 1000).unwrap_or(day.starts);
        Ok(Home {
            day_starts: day.starts,
            reminders,
            programs,
            recent: self.store.recent_activity(RECENT)?,
            counts: self.store.counts(week_ago)?,
            unreadable_rules,
        })
    }

    /// The reminders of `day` alone (what the desktop is told), without home's other reads.
    pub fn reminders_of(&self, day: Day) -> Result<Reminders, AppError> {
        Ok(self.due_today(day)?.1)
    }

    /// One pass over what is due by the end of `day`: each program's due touchpoints,
    /// the reminders found on the way, and how many rules could not be read.
    fn due_today(&self, day: Day) -> Result<(Vec<ProgramDay>, Reminders, u32), AppError> {
        let store = &self.store;
        // Counted as they are judged: a large organization has hundreds of thousands
        // of due (enrollment, touchpoint) pairs, and home shows a line per touchpoint.
        let mut tally: IdMap<(ProgramId, TouchpointId), Tally> = IdMap::default();
        let mut overdue_workers: IdMap<WorkerId, Overdue> = IdMap::default();
        let query = DueQuery { day, until: Some(day.ends), program: None, worker: None };
        let unreadable = store.for_each_due(&query, |item| {
            let (overdue, today) = match item.urgency {
                Urgency::Overdue => (1, 0),
                Urgency::Today => (0, 1),
                Urgency::Later => return,
            };
            let entry = tally.entry((item.program_id, item.touchpoint_id)).or_insert_with(|| Tally {
                first_due_at: item.due_at,
                overdue: 0,
                today: 0,
                workers: Vec::new(),
            });
            entry.first_due_at = entry.first_due_at.min(item.due_at);
            entry.overdue += overdue;
            entry.today += today;
            if overdue > 0 {
                let late = overdue_workers
                    .entry(item.worker_id)
                    .or_insert(Overdue { first_due_at: item.due_at, touchpoints: 0 });
                late.first_due_at = late.first_due_at.min(item.due_at);
                late.touchpoints += 1;
            }
            if entry.workers.len() < NAMES_SHOWN {
                entry.workers.push(item.worker_id);
            }
        })?;
        // Named in two reads: home shows hundreds of lines at a large organization.
        let mut touchpoints: Vec<TouchpointId> = tally.keys().map(|(_, touchpoint)| *touchpoint).collect();
        touchpoints.sort_unstable();
        touchpoints.dedup();
        let labels = store.touchpoint_labels(&touchpoints)?;
        let workers: Vec<WorkerId> = tally.values().flat_map(|counted| counted.workers.iter().copied()).collect();
        let worker_names = store.worker_names(&workers)?;
        let mut by_program: IdMap<ProgramId, Vec<(Timestamp, DueTouchpoint)>> = IdMap::default();
        for ((program_id, touchpoint_id), counted) in tally {
            let label = labels.get(&touchpoint_id);
            by_program.entry(program_id).or_default().push((
                counted.first_due_at,
                DueTouchpoint {
                    id: touchpoint_id,
                    title: label.and_then(|label| label.title.clone()),
                    content_type: label.and_then(|label| label.content_type),
                    journey: label.map(|label| label.journey.clone()).unwrap_or_default(),
                    phase: label.map(|label| label.phase.clone()).unwrap_or_default(),
                    overdue: counted.overdue,
                    today: counted.today,
                    names: counted.workers.iter().filter_map(|worker| worker_names.get(worker).cloned()).collect(),
                },
            ));
        }
        let mut programs = Vec::new();
        for (program_id, mut touchpoints) in by_program {
            let Some(program) = store.get::<Program>(&RowKey::of(program_id))? else { continue };
            // Most overdue first; ties in delivery order (ids are time-ordered).
            touchpoints.sort_by_key(|(first_due_at, touchpoint)| (*first_due_at, touchpoint.id));
            programs.push(ProgramDay {
                id: program_id,
                name: program.name.to_string(),
                touchpoints: touchpoints.into_iter().map(|(_, touchpoint)| touchpoint).collect(),
            });
        }
        programs.sort_by(|a, b| a.name.cmp(&b.name));
        let due = programs
            .iter()
            .flat_map(|program| {
                program.touchpoints.iter().map(|touchpoint| DueSession {
                    program_id: program.id,
                    program: program.name.clone(),
                    touchpoint_id: touchpoint.id,
                    title: touchpoint.title.clone(),
                    workers: touchpoint.overdue + touchpoint.today,
                })
            })
            .collect();
        let reminders = self.reminders(day, due, overdue_workers)?;
        Ok((programs, reminders, unreadable.len() as u32))
    }

    /// The program's enrollments for whom a touchpoint is due by the end of `day`
    /// (overdue included): whom a group session on it would start with.
    pub fn due_enrollments(
        &self,
        program_id: ProgramId,
        touchpoint_id: TouchpointId,
        day: Day,
    ) -> Result<Vec<WorkerAssignmentId>, AppError> {
        let mut enrollments = Vec::new();
        let query = DueQuery { day, until: Some(day.ends), program: Some(program_id), worker: None };
        self.store.for_each_due(&query, |item| {
            if item.touchpoint_id == touchpoint_id {
                enrollments.push(item.assignment_id);
            }
        })?;
        Ok(enrollments)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, service, set_up_input};
    use super::*;
    use crate::service::{today, EnrollTarget, GroupSessionInput, RecordSyncState};
    use stride_domain::journey::Urgency;

    /// A program of one journey: `first` is due at enrollment, `second` two days after
    /// `first` is completed.
    fn program(service: &Service) -> (ProgramId, TouchpointId, TouchpointId) {
        let (first, second) = (TouchpointId::new(), TouchpointId::new());
        let after_first = JsonObject::try_from(serde_json::json!({"after_touchpoint": first, "after_days": 2})).ok();
        let touchpoints = [(first, 1, None), (second, 1, after_first)];
        let program =
            stride_store::fixtures::sample_program(&service.store, &touchpoints).expect("the program is written");
        (program, first, second)
    }

    #[test]
    fn home_shows_what_is_due_today_and_a_group_session_on_it_clears_it() {
        let (_dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        let (program_id, first, second) = program(&service);
        let amina = service.enroll_worker(form("Amina Wanjiru", "")).unwrap();
        let baraka = service.enroll_worker(form("Baraka Otieno", "")).unwrap();
        for worker in [amina.id, baraka.id] {
            assert_eq!(service.enroll_in_program(program_id, EnrollTarget::Worker(worker)).unwrap(), 1);
        }
        assert_eq!(service.enroll_in_program(program_id, EnrollTarget::Worker(amina.id)).unwrap(), 0);
        let day = today();

        let home = service.home(day).unwrap();
        assert_eq!(home.programs.len(), 1);
        let due = &home.programs[0].touchpoints;
        assert_eq!(due.len(), 1, "second waits for first");
        assert_eq!((due[0].id, due[0].today, due[0].overdue), (first, 2, 0));
        assert_eq!(
            (due[0].title.as_deref(), due[0].journey.as_str(), due[0].phase.as_str()),
            (Some("Lifting safely"), "Safety basics", "Week 1")
        );
        assert_eq!(due[0].names.len(), 2);
        assert_eq!((home.counts.workers, home.counts.programs, home.counts.active_enrollments), (2, 1, 2));
        assert_eq!(service.programs().unwrap()[0].active_enrollments, 2);
        let roster: Vec<_> = service.roster(program_id).unwrap().into_iter().map(|entry| entry.name).collect();
        assert_eq!(roster, ["Amina Wanjiru", "Baraka Otieno"]);
        assert_eq!(home.recent[0].kind, stride_store::ActivityKind::Enrollment);

        // The session starts with the two workers due; recording it for Amina clears hers.
        let due_now = service.due_enrollments(program_id, first, day).unwrap();
        assert_eq!(due_now.len(), 2);
        let amina_enrollment = service.worker_page(amina.id, day).unwrap().enrollments[0].id;
        assert!(due_now.contains(&amina_enrollment));
        let session = GroupSessionInput::present(program_id, first, &[amina_enrollment], "85");
        assert_eq!(service.record_group_session(session, day).unwrap().present, 1);
        let home = service.home(day).unwrap();
        assert_eq!((home.programs[0].touchpoints[0].today, home.programs[0].touchpoints[0].names.len()), (1, 1));
        assert_eq!(home.recent[0].kind, stride_store::ActivityKind::Progress);
        assert_eq!(home.counts.recorded_since, 1);

        // Amina's page: next is `second`, two days on; nothing has reached a server.
        let page = service.worker_page(amina.id, day).unwrap();
        assert_eq!(page.next.len(), 1);
        assert_eq!((page.next[0].touchpoint_id, page.next[0].urgency), (second, Urgency::Later));
        assert_eq!(page.sync, RecordSyncState::Waiting);
        assert_eq!(page.timeline[0].sync, RecordSyncState::Waiting);
        assert_eq!(page.enrollments[0].program_id, program_id);

        // Dropped, Baraka is due for nothing; the panel names whose records wait.
        let baraka_enrollment = service.worker_page(baraka.id, day).unwrap().enrollments[0].id;
        service.set_enrollment_status(baraka_enrollment, AssignmentStatus::Dropped).unwrap();
        assert!(service.home(day).unwrap().programs.is_empty());
        assert_eq!(service.programs().unwrap()[0].active_enrollments, 1);
        let roster = service.roster(program_id).unwrap();
        assert_eq!(
            (roster.len(), roster[0].assignment_id, roster[0].name.as_str()),
            (1, amina_enrollment, "Amina Wanjiru")
        );
        assert!(service.worker_page(baraka.id, day).unwrap().next.is_empty());
        let err = service.set_enrollment_status(WorkerAssignmentId::new(), AssignmentStatus::Active).unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::NotFound);
        let labels: Vec<_> =
            service.sync_details().unwrap().waiting_records.into_iter().filter_map(|record| record.label).collect();
        assert!(
            labels.iter().filter(|label| *label == "Amina Wanjiru").count() >= 3,
            "worker, enrollment, progress: {labels:?}"
        );
        assert!(labels.iter().any(|label| label == "Harvest season"));
        assert_eq!(service.program_choices().unwrap()[0].name, "Harvest season");
    }
}

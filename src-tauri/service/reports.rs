//! A program's report, computed on the device from what it holds: enrollment,
//! sessions and attendance, completion per touchpoint and phase, mean scores, each quiz
//! touchpoint's item analysis, the badges its workers hold and the progress of its
//! challenges; as figures for the screen and as CSV to hand on. The same data gives the same report on every device.

use super::challenges::ChallengeSummary;
use super::quizzes::{analyse, QuestionAnalysis};
use super::Service;
use crate::error::{AppError, ErrorCode};
use serde::Serialize;
use stride_domain::*;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TouchpointReport {
    pub id: TouchpointId,
    pub journey: String,
    pub phase: String,
    pub title: Option<String>,
    pub content_type: Option<ContentType>,
    /// Enrollments that completed it, and the share of all enrollments.
    pub completed: u32,
    pub completion_rate: Option<f64>,
    /// The mean of the scores recorded on it, to two decimals.
    pub mean_score: Option<f64>,
    pub scored: u32,
    /// A quiz touchpoint: how each question was answered by the program's workers.
    pub quiz: Option<QuizReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuizReport {
    pub attempts: u32,
    pub passed: u32,
    pub questions: Vec<QuestionAnalysis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PhaseReport {
    pub journey: String,
    pub phase: String,
    /// Enrollments that completed every touchpoint of the phase.
    pub completed: u32,
    pub completion_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BadgeReport {
    pub name: String,
    pub holders: u32,
}

/// A program's report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgramReport {
    pub program_id: ProgramId,
    pub program: String,
    pub enrolled: u32,
    pub active: u32,
    pub completed: u32,
    pub dropped: u32,
    pub sessions: u32,
    pub present: u32,
    pub absent: u32,
    /// Present over everyone on the sessions' rosters.
    pub attendance_rate: Option<f64>,
    pub touchpoints: Vec<TouchpointReport>,
    pub phases: Vec<PhaseReport>,
    pub badges: Vec<BadgeReport>,
    /// The challenges set for the program's workers, with how many reached each goal.
    pub challenges: Vec<ChallengeSummary>,
}

/// A share to four decimals (None of nobody).
fn rate(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) / f64::from(whole) * 10_000.0).round() / 10_000.0)
}

impl Service {
    /// The report of a program, from this device's data.
    pub fn program_report(&self, program_id: ProgramId) -> Result<ProgramReport, AppError> {
        let key = RowKey::of(program_id);
        let program = self
            .store
            .get::<Program>(&key)?
            .ok_or(stride_store::StoreError::NotFound { entity: EntityKind::Programs, key })?;
        let outline = self.program_outline(&program)?;
        let figures = self.store.program_figures(program_id)?;
        let count = |status| figures.enrollments.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
        let (active, completed, dropped) =
            (count(AssignmentStatus::Active), count(AssignmentStatus::Completed), count(AssignmentStatus::Dropped));
        let enrolled = active + completed + dropped;
        let mut touchpoints = Vec::new();
        let mut phases = Vec::new();
        for journey in &outline.journeys {
            for phase in &journey.phases {
                for touchpoint in &phase.touchpoints {
                    let found = figures.touchpoints.get(&touchpoint.id).copied().unwrap_or_default();
                    let quiz = match touchpoint.content_type {
                        Some(ContentType::Quiz) => self.quiz_report(program_id, touchpoint.id)?,
                        _ => None,
                    };
                    touchpoints.push(TouchpointReport {
                        id: touchpoint.id,
                        journey: journey.title.clone(),
                        phase: phase.name.clone(),
                        title: touchpoint.title.clone(),
                        content_type: touchpoint.content_type,
                        completed: found.completed,
                        completion_rate: rate(found.completed, enrolled),
                        mean_score: (found.scored > 0)
                            .then(|| (found.score_sum / f64::from(found.scored) * 100.0).round() / 100.0),
                        scored: found.scored,
                        quiz,
                    });
                }
                let all_done = figures
                    .completions
                    .values()
                    .filter(|done| {
                        !phase.touchpoints.is_empty() && phase.touchpoints.iter().all(|t| done.contains(&t.id))
                    })
                    .count() as u32;
                phases.push(PhaseReport {
                    journey: journey.title.clone(),
                    phase: phase.name.clone(),
                    completed: all_done,
                    completion_rate: rate(all_done, enrolled),
                });
            }
        }
        Ok(ProgramReport {
            program_id,
            program: program.name.to_string(),
            enrolled,
            active,
            completed,
            dropped,
            sessions: figures.sessions,
            present: figures.present,
            absent: figures.absent,
            attendance_rate: rate(figures.present, figures.present + figures.absent),
            touchpoints,
            phases,
            badges: figures.badges.into_iter().map(|(name, holders)| BadgeReport { name, holders }).collect(),
            challenges: self.program_challenges(program_id)?,
        })
    }

    fn quiz_report(&self, program: ProgramId, touchpoint: TouchpointId) -> Result<Option<QuizReport>, AppError> {
        let Some(found) = self.store.get::<Touchpoint>(&RowKey::of(touchpoint))? else { return Ok(None) };
        let versions = self.quiz_versions(found.content_id)?;
        if versions.is_empty() {
            return Ok(None);
        }
        let given = self.store.program_quiz_answers(program, touchpoint)?;
        let (attempts, passed, questions) = analyse(&versions, &given);
        Ok(Some(QuizReport { attempts, passed, questions }))
    }

    /// The report as CSV (one figure a line: section, what, value), written to the
    /// person's Downloads folder (else beside the device's data); answers the file.
    pub fn export_program_report(&self, program_id: ProgramId) -> Result<String, AppError> {
        let report = self.program_report(program_id)?;
        let csv = report_csv(&report);
        let folder = std::env::var_os("HOME")
            .map(|home| std::path::PathBuf::from(home).join("Downloads"))
            .filter(|folder| folder.is_dir())
            .or_else(|| self.store.path().parent().map(std::path::Path::to_path_buf))
            .ok_or_else(|| AppError::new(ErrorCode::ExportFailed, "no folder to write the report to"))?;
        let name: String =
            report.program.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect::<String>();
        let path = folder.join(format!("stride-report-{name}-{}.csv", self.store.now().date()));
        std::fs::write(&path, csv).map_err(|e| {
            AppError::new(ErrorCode::ExportFailed, format!("{} could not be written: {e}", path.display()))
        })?;
        Ok(path.display().to_string())
    }
}

/// A field of CSV, quoted when it must be (RFC 4180).
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The report as CSV: a header, then one figure a line.
pub fn report_csv(report: &ProgramReport) -> String {
    let mut lines = vec!["section,item,measure,value".to_owned()];
    let mut push = |section: &str, item: &str, measure: &str, value: String| {
        lines.push(format!("{},{},{},{}", field(section), field(item), field(measure), field(&value)));
    };
    let optional = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    push("program", &report.program, "enrolled", report.enrolled.to_string());
    push("program", &report.program, "active", report.active.to_string());
    push("program", &report.program, "completed", report.completed.to_string());
    push("program", &report.program, "dropped", report.dropped.to_string());
    push("attendance", "sessions", "count", report.sessions.to_string());
    push("attendance", "present", "count", report.present.to_string());
    push("attendance", "absent", "count", report.absent.to_string());
    push("attendance", "rate", "share", optional(report.attendance_rate));
    for t in &report.touchpoints {
        let item = format!("{} / {} / {}", t.journey, t.phase, t.title.as_deref().unwrap_or("untitled"));
        push("touchpoint", &item, "completed", t.completed.to_string());
        push("touchpoint", &item, "completion rate", optional(t.completion_rate));
        push("touchpoint", &item, "mean score", optional(t.mean_score));
        if let Some(quiz) = &t.quiz {
            push("quiz", &item, "attempts", quiz.attempts.to_string());
            push("quiz", &item, "passed", quiz.passed.to_string());
            for q in &quiz.questions {
                push("quiz question", &format!("{item} / {}", q.prompt), "answered", q.answered.to_string());
                push("quiz question", &format!("{item} / {}", q.prompt), "right", q.correct.to_string());
            }
        }
    }
    for p in &report.phases {
        let item = format!("{} / {}", p.journey, p.phase);
        push("phase", &item, "completed", p.completed.to_string());
        push("phase", &item, "completion rate", optional(p.completion_rate));
    }
    for b in &report.badges {
        push("badge", &b.name, "holders", b.holders.to_string());
    }
    for c in &report.challenges {
        let item = format!("{} ({} to {})", c.challenge.title, c.starts_on, c.ends_on);
        push("challenge", &item, &format!("goal of {}", c.challenge.goal_kind), c.challenge.goal.to_string());
        push("challenge", &item, "audience", c.audience_size.to_string());
        push("challenge", &item, "reached", c.reached.to_string());
    }
    lines.join("\r\n") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, service, set_up_input};
    use super::*;
    use crate::service::{today, EnrollTarget, GroupSessionInput};

    #[test]
    fn a_programs_report_counts_enrollment_attendance_completion_and_scores_and_its_csv_says_the_same() {
        let (_dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        let (first, second) = (TouchpointId::new(), TouchpointId::new());
        let program =
            stride_store::fixtures::sample_program(&service.store, &[(first, 1, None), (second, 2, None)]).unwrap();
        for name in ["Amina Wanjiru", "Baraka Otieno", "Chebet Kosgei", "Daudi \"DJ\" Mwangi"] {
            let worker = service.enroll_worker(form(name, "")).unwrap();
            service.enroll_in_program(program, EnrollTarget::Worker(worker.id)).unwrap();
        }
        let roster: Vec<_> = service.roster(program).unwrap().into_iter().map(|e| e.assignment_id).collect();
        let mut session = GroupSessionInput::present(program, first, &roster[..3], "80");
        session.lines[2].score = "50".into();
        session.lines.push(crate::service::sessions::SessionLineInput {
            assignment_id: roster[3],
            present: false,
            score: String::new(),
            feedback: String::new(),
            reflection: String::new(),
            quiz: None,
        });
        service.record_group_session(session, today()).unwrap();
        service.record_group_session(GroupSessionInput::present(program, second, &roster[..1], ""), today()).unwrap();
        service.set_enrollment_status(roster[3], AssignmentStatus::Dropped).unwrap();

        let report = service.program_report(program).unwrap();
        assert_eq!((report.enrolled, report.active, report.dropped), (4, 3, 1));
        assert_eq!((report.sessions, report.present, report.absent), (2, 4, 1));
        assert_eq!(report.attendance_rate, Some(0.8));
        let figures: Vec<_> =
            report.touchpoints.iter().map(|t| (t.completed, t.completion_rate, t.mean_score)).collect();
        assert_eq!(figures, [(3, Some(0.75), Some(70.0)), (1, Some(0.25), None)]);
        let phases: Vec<_> = report.phases.iter().map(|p| (p.phase.as_str(), p.completed)).collect();
        assert_eq!(phases, [("Week 1", 3), ("Week 2", 1)]);
        assert_eq!(service.program_report(program).unwrap(), report, "the same data, the same report");

        let csv = report_csv(&report);
        assert!(csv.starts_with("section,item,measure,value\r\nprogram,Harvest season,enrolled,4\r\n"), "{csv}");
        assert!(csv.contains("attendance,rate,share,0.8\r\n"));
        assert!(csv.contains("touchpoint,Safety basics / Week 1 / Lifting safely,mean score,70\r\n"));
        assert_eq!(field("Daudi \"DJ\", site 2"), "\"Daudi \"\"DJ\"\", site 2\"");
        let path = service.export_program_report(program).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), csv);
        std::fs::remove_file(path).unwrap();
    }
}

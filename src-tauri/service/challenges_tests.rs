//! Points and challenges through the service, on a real store: forms parsed at the
//! edge, and boards derived from the sessions recorded.

use super::super::tests::{form, service, set_up_input};
use super::*;
use crate::service::segments::{Combine, ConditionForm, SegmentForm, SegmentInput};
use crate::service::{today, EnrollTarget, GroupSessionInput};
use std::collections::BTreeMap;

fn fields(error: &AppError) -> Vec<&str> {
    error.fields.iter().map(|f| f.field.as_str()).collect()
}

fn challenge(title: &str, goal_kind: ChallengeGoal, goal: &str, days: (i64, i64)) -> ChallengeInput {
    let day = |offset: i64| (local_date(today().starts) + chrono::TimeDelta::days(offset)).to_string();
    ChallengeInput {
        id: None,
        title: title.into(),
        description: String::new(),
        goal_kind,
        goal: goal.into(),
        starts_on: day(days.0),
        ends_on: day(days.1),
        program_id: None,
        segment_id: None,
    }
}

#[test]
fn points_and_challenges_are_set_by_form_and_boards_follow_the_sessions_recorded() {
    let (_dir, service) = service();
    service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
    let (first, second) = (TouchpointId::new(), TouchpointId::new());
    let program =
        stride_store::fixtures::sample_program(&service.store, &[(first, 1, None), (second, 2, None)]).unwrap();
    let mut workers = Vec::new();
    for (name, site) in [("Amina Wanjiru", "Kisumu"), ("Baraka Otieno", "Kisumu"), ("Chebet Kosgei", "Eldoret")] {
        let mut input = form(name, "");
        input.custom_attributes = BTreeMap::from([("site".into(), site.into())]);
        let worker = service.enroll_worker(input).unwrap();
        service.enroll_in_program(program, EnrollTarget::Worker(worker.id)).unwrap();
        workers.push(worker);
    }
    let roster: Vec<_> = service.roster(program).unwrap().into_iter().map(|e| e.assignment_id).collect();

    // Point values: the defaults until set, then as typed, each problem by its field.
    assert_eq!(service.points().unwrap(), Points::DEFAULT);
    let err = service.save_points(PointsInput { per_touchpoint: "ten".into(), per_badge: "5000".into() }).unwrap_err();
    assert_eq!(fields(&err), ["per_touchpoint", "per_badge"]);
    let points = service.save_points(PointsInput { per_touchpoint: "20".into(), per_badge: " 5 ".into() }).unwrap();
    assert_eq!(points, Points { per_touchpoint: 20, per_badge: 5 });
    service.save_points(PointsInput { per_touchpoint: "20".into(), per_badge: "5".into() }).unwrap();
    assert_eq!(service.store.list_all::<PointValues>(&[]).unwrap().len(), 1, "one row, edited");

    // A challenge names every problem of its form.
    let mut bad = challenge(" ", ChallengeGoal::Touchpoints, "0", (3, 1));
    let err = service.save_challenge(bad.clone()).unwrap_err();
    assert_eq!(fields(&err), ["title", "goal", "ends_on", "audience"]);
    bad = challenge("Both", ChallengeGoal::Points, "10", (0, 0));
    bad.program_id = Some(program);
    bad.segment_id = Some(SegmentId::new());
    assert_eq!(fields(&service.save_challenge(bad.clone()).unwrap_err()), ["audience"]);
    bad.program_id = None;
    assert_eq!(fields(&service.save_challenge(bad).unwrap_err()), ["audience"], "a segment not on the device");

    let mut two_this_week = challenge("Two this week", ChallengeGoal::Touchpoints, "2", (0, 6));
    two_this_week.program_id = Some(program);
    let two_this_week = service.save_challenge(two_this_week).unwrap();
    let kisumu = service
        .save_segment(SegmentInput {
            id: None,
            name: "Kisumu".into(),
            form: SegmentForm {
                combine: Combine::All,
                conditions: vec![ConditionForm {
                    negate: false,
                    field: "site".into(),
                    op: "eq".into(),
                    value: "Kisumu".into(),
                }],
            },
        })
        .unwrap();
    let mut thirty_points = challenge("Thirty points", ChallengeGoal::Points, "30", (0, 0));
    thirty_points.segment_id = Some(kisumu);
    let thirty_points = service.save_challenge(thirty_points).unwrap();
    let mut next_month = challenge("Next month", ChallengeGoal::Touchpoints, "1", (30, 60));
    next_month.program_id = Some(program);
    service.save_challenge(next_month).unwrap();

    // Amina comes to both sessions, Baraka to the first.
    service.record_group_session(GroupSessionInput::present(program, first, &roster[..2], "80"), today()).unwrap();
    service.record_group_session(GroupSessionInput::present(program, second, &roster[..1], "60"), today()).unwrap();

    let board = service.challenge_board(two_this_week).unwrap();
    let lines: Vec<(u32, &str, u64, bool, u64)> = board
        .lines
        .iter()
        .map(|l| {
            (l.standing.rank, l.standing.name.as_str(), l.progress.count, l.progress.reached, l.standing.tally.points)
        })
        .collect();
    assert_eq!(
        lines,
        [(1, "Amina Wanjiru", 2, true, 40), (2, "Baraka Otieno", 1, false, 20), (3, "Chebet Kosgei", 0, false, 0)]
    );
    assert_eq!(
        (board.summary.audience.as_str(), board.summary.audience_size, board.summary.reached),
        ("Harvest season", 3, 1)
    );
    assert_eq!(board.summary.ends_on - board.summary.starts_on, chrono::TimeDelta::days(6), "the days typed");

    let board = service.challenge_board(thirty_points).unwrap();
    let lines: Vec<(&str, u64, bool)> =
        board.lines.iter().map(|l| (l.standing.name.as_str(), l.progress.count, l.progress.reached)).collect();
    assert_eq!(lines, [("Amina Wanjiru", 40, true), ("Baraka Otieno", 20, false)], "the segment's members only");

    let summaries: Vec<(String, u32)> =
        service.challenges().unwrap().into_iter().map(|c| (c.challenge.title.to_string(), c.reached)).collect();
    assert_eq!(summaries, [("Next month".into(), 0), ("Two this week".into(), 1), ("Thirty points".into(), 1)]);

    // The program's board counts every badge; its report lists its challenges.
    let board = service.leaderboard(program).unwrap();
    assert_eq!(board.iter().map(|s| s.tally.points).collect::<Vec<_>>(), [40, 20, 0]);
    let report = service.program_report(program).unwrap();
    let titles: Vec<&str> = report.challenges.iter().map(|c| c.challenge.title.as_str()).collect();
    assert_eq!(titles, ["Next month", "Two this week"]);
    let csv = crate::service::reports::report_csv(&report);
    assert!(csv.contains(",reached,1\r\n"), "{csv}");

    // Recording a session again edits nothing of the tallies: a touchpoint counts once.
    service.record_group_session(GroupSessionInput::present(program, first, &roster[..1], "90"), today()).unwrap();
    let board = service.challenge_board(two_this_week).unwrap();
    assert_eq!(board.lines[0].standing.tally.points, 40);
    assert_eq!(board.lines[0].standing.tally.mean_score, Some(75.0), "the best of each touchpoint: 90 and 60");
}

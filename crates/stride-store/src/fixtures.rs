//! Sample rows for tests (feature `fixtures`, off in the app): a program of one journey
//! whose touchpoints carry the rules a test gives them, and an experiment's variant for
//! those rules to name.

use crate::{Result, Store, StoreError};
use stride_domain::languages;
use stride_domain::*;

fn name(text: &str) -> Name {
    Name::parse(text).unwrap_or_else(|e| unreachable!("sample name {text:?}: {e}"))
}

/// Writes, in one commit, the program "Harvest season" of the journey "Safety basics",
/// whose phases "Week 1", "Week 2", … hold the touchpoints given as (id, week, rule),
/// each showing the video "Lifting safely". Returns the program's id.
pub fn sample_program(store: &Store, touchpoints: &[(TouchpointId, i32, Option<JsonObject>)]) -> Result<ProgramId> {
    let org = store.device().organization_id.ok_or(StoreError::NoOrganization)?;
    let now = store.now();
    let content = Content {
        id: ContentId::new(),
        organization_id: org,
        content_type: ContentType::Video,
        title: Some(name("Lifting safely")),
        description: None,
        media_url: None,
        license_type: None,
        created_at: now,
        updated_at: now,
        source: Source::default(),
    };
    let journey = JourneyBlueprint {
        id: JourneyBlueprintId::new(),
        organization_id: org,
        title: name("Safety basics"),
        purpose: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
        source: Source::default(),
        licensed_until: None,
    };
    let program = Program {
        id: ProgramId::new(),
        organization_id: org,
        name: name("Harvest season"),
        start_date: None,
        end_date: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
    };
    let weeks = touchpoints.iter().map(|(_, week, _)| *week).max().unwrap_or(0);
    let phases: Vec<Phase> = (1..=weeks)
        .map(|week| Phase {
            id: PhaseId::new(),
            journey_blueprint_id: journey.id,
            organization_id: org,
            name: name(&format!("Week {week}")),
            sequence_order: week,
            source: Source::default(),
        })
        .collect();
    store.write(|w| {
        w.create(&content)?;
        w.create(&journey)?;
        phases.iter().try_for_each(|phase| w.create(phase))?;
        w.create(&program)?;
        w.create(&ProgramBlueprint {
            id: ProgramBlueprintId::new(),
            program_id: program.id,
            journey_blueprint_id: journey.id,
            organization_id: org,
            order_in_program: 1,
        })?;
        for (id, week, rule_logic) in touchpoints {
            let rule = rule_logic.clone().map(serde_json::Value::from);
            let readable = rule
                .as_ref()
                .is_none_or(|rule| languages::check_column(EntityKind::Touchpoints, "rule_logic", rule).is_ok());
            w.create(&Touchpoint {
                id: *id,
                phase_id: phases[(*week - 1) as usize].id,
                content_id: content.id,
                organization_id: org,
                rule_logic: if readable { rule_logic.clone() } else { None },
                created_at: now,
                updated_at: now,
                source: Source::default(),
            })?;
            if let (false, Some(rule)) = (readable, rule) {
                // A rule this version cannot read only arrives from a newer version, by
                // pull, which writes it as it is: so here.
                w.conn().execute(
                    "UPDATE touchpoints SET rule_logic = ?1 WHERE id = ?2",
                    rusqlite::params![rule.to_string(), id.to_string()],
                )?;
            }
        }
        Ok(())
    })?;
    Ok(program.id)
}

/// Writes, in one commit, the active journey-level experiment "Video first" with its
/// variant "A". Returns the variant's id.
pub fn sample_variant(store: &Store) -> Result<ExperimentVariantId> {
    let org = store.device().organization_id.ok_or(StoreError::NoOrganization)?;
    let now = store.now();
    let experiment = Experiment {
        id: ExperimentId::new(),
        organization_id: org,
        experiment_type: ExperimentType::JourneyLevel,
        name: name("Video first"),
        status: ExperimentStatus::Active,
        start_date: None,
        end_date: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
        program_id: None,
        segment_id: None,
    };
    let variant = ExperimentVariant {
        id: ExperimentVariantId::new(),
        experiment_id: experiment.id,
        organization_id: org,
        variant_name: name("A"),
        variant_details: None,
        created_at: now,
        updated_at: now,
    };
    store.write(|w| w.create(&experiment).and_then(|()| w.create(&variant)))?;
    Ok(variant.id)
}

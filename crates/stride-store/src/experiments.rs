//! Experiments on the device: assigning an audience's workers to variants (by the pure
//! function of `stride_domain::experiment`, so every device writes the same rows), and
//! the raw outcomes per variant that the results are computed from.

use crate::codec::id_column;
use crate::{Result, Store, Writer};
use stride_domain::experiment::{assign, assignment_id, weight_of, WeightedVariant};
use stride_domain::{
    Entity, Experiment, ExperimentAssignment, ExperimentId, ExperimentStatus, ExperimentVariant, ExperimentVariantId,
    IdMap, IdSet, RowKey, WorkerId,
};

/// What a variant's workers did: one entry per assigned live worker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantOutcomes {
    pub variant: Option<ExperimentVariant>,
    /// Assigned workers.
    pub assigned: u64,
    /// Of them, those with a completed enrollment (in the audience's program, when the
    /// experiment has one; else in any).
    pub completed: u64,
    /// Each scored worker's mean score.
    pub mean_scores: Vec<f64>,
}

/// The workers assigned in an experiment (to any of its variants).
fn assigned_in(conn: &rusqlite::Connection, experiment: ExperimentId) -> Result<IdSet<WorkerId>> {
    let mut statement = conn.prepare_cached(
        "SELECT ea.worker_id FROM experiment_assignments ea
         JOIN experiment_variants v ON v.id = ea.experiment_variant_id
         WHERE v.experiment_id = ?1 AND ea.worker_id IS NOT NULL AND ea.deleted_at IS NULL",
    )?;
    let mut rows = statement.query([experiment.to_string()])?;
    let mut assigned = IdSet::default();
    while let Some(row) = rows.next()? {
        assigned.insert(id_column(row, 0, "worker")?);
    }
    Ok(assigned)
}

impl Store {
    /// The workers assigned in an experiment.
    pub fn assigned_workers(&self, experiment: ExperimentId) -> Result<IdSet<WorkerId>> {
        self.with_conn(|conn| assigned_in(conn, experiment))
    }

    /// The experiment's live variants, by id (the order assignment uses).
    pub fn variants_of(&self, experiment: ExperimentId) -> Result<Vec<ExperimentVariant>> {
        let mut variants =
            self.list_all::<ExperimentVariant>(&[crate::Filter::new("experiment_id", experiment.to_string())])?;
        variants.sort_by_key(|v| v.id);
        Ok(variants)
    }

    /// The workers the experiment is for: its program's enrolled workers or its
    /// segment's members (none without an audience).
    pub fn audience(&self, experiment: &Experiment) -> Result<Vec<WorkerId>> {
        if let Some(program) = experiment.program_id {
            return self.with_conn(|conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT DISTINCT a.worker_id FROM worker_assignments a
                     JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                     WHERE a.program_id = ?1 AND a.deleted_at IS NULL",
                )?;
                let mut rows = statement.query([program.to_string()])?;
                let mut workers = Vec::new();
                while let Some(row) = rows.next()? {
                    workers.push(id_column(row, 0, "worker")?);
                }
                Ok(workers)
            });
        }
        match experiment.segment_id {
            Some(segment) => self.segment_members(segment),
            None => Ok(Vec::new()),
        }
    }

    /// Per variant (in id order), what its assigned workers did.
    pub fn experiment_outcomes(&self, experiment: &Experiment) -> Result<Vec<VariantOutcomes>> {
        let variants = self.variants_of(experiment.id)?;
        let index: IdMap<ExperimentVariantId, usize> = variants.iter().enumerate().map(|(i, v)| (v.id, i)).collect();
        let mut outcomes: Vec<VariantOutcomes> =
            variants.into_iter().map(|v| VariantOutcomes { variant: Some(v), ..Default::default() }).collect();
        let program = experiment.program_id.map(|p| p.to_string());
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT ea.experiment_variant_id,
                   EXISTS (SELECT 1 FROM worker_assignments a WHERE a.worker_id = ea.worker_id
                           AND a.deleted_at IS NULL AND a.status = 'completed'
                           AND (?2 IS NULL OR a.program_id = ?2)),
                   (SELECT avg(p.score) FROM worker_progress p
                    JOIN worker_assignments a ON a.id = p.worker_assignment_id AND a.deleted_at IS NULL
                    WHERE a.worker_id = ea.worker_id AND p.deleted_at IS NULL AND p.score IS NOT NULL
                      AND (?2 IS NULL OR a.program_id = ?2))
                 FROM experiment_assignments ea
                 JOIN experiment_variants v ON v.id = ea.experiment_variant_id AND v.deleted_at IS NULL
                 JOIN workers w ON w.id = ea.worker_id AND w.deleted_at IS NULL
                 WHERE v.experiment_id = ?1 AND ea.deleted_at IS NULL",
            )?;
            let mut rows = statement.query(rusqlite::params![experiment.id.to_string(), program])?;
            while let Some(row) = rows.next()? {
                let variant: ExperimentVariantId = id_column(row, 0, "variant")?;
                let Some(&i) = index.get(&variant) else { continue };
                let outcome = &mut outcomes[i];
                outcome.assigned += 1;
                if row.get::<_, bool>(1)? {
                    outcome.completed += 1;
                }
                if let Some(mean) = row.get::<_, Option<f64>>(2)? {
                    outcome.mean_scores.push(mean);
                }
            }
            Ok(())
        })?;
        Ok(outcomes)
    }
}

impl Writer<'_, '_> {
    /// Records the variant of each of `workers` not yet assigned in the experiment (an
    /// active one with variants). Returns how many were assigned now.
    pub fn assign_to_experiment(&mut self, experiment: &Experiment, workers: &[WorkerId]) -> Result<u32> {
        if experiment.status != ExperimentStatus::Active {
            return Ok(0);
        }
        let variants: Vec<WeightedVariant> = {
            let columns = ExperimentVariant::KIND.spec().columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
            let sql =
                format!("SELECT {columns} FROM experiment_variants WHERE experiment_id = ?1 AND deleted_at IS NULL");
            crate::repository::select_rows::<ExperimentVariant>(
                self.conn(),
                ExperimentVariant::KIND.spec(),
                &sql,
                &[rusqlite::types::Value::Text(experiment.id.to_string())],
            )?
            .into_iter()
            // A variant whose weight cannot be read takes no one.
            .filter_map(|v| Some(WeightedVariant { id: v.id, weight: weight_of(v.variant_details.as_ref()).ok()? }))
            .collect()
        };
        // A worker keeps the variant they were given first, however it was recorded.
        let already = assigned_in(self.conn(), experiment.id)?;
        let mut assigned = 0;
        for worker in workers {
            let Some(variant) = assign(experiment.id, *worker, &variants) else { return Ok(0) };
            let id = assignment_id(experiment.id, *worker);
            if already.contains(worker) || self.exists::<ExperimentAssignment>(&RowKey::of(id))? {
                continue;
            }
            self.create(&ExperimentAssignment {
                id,
                experiment_variant_id: variant,
                worker_id: Some(*worker),
                organization_id: experiment.organization_id,
                assigned_at: self.now(),
            })?;
            assigned += 1;
        }
        Ok(assigned)
    }

    /// Assigns `worker` in every active experiment whose audience is `program`.
    pub fn assign_in_program_experiments(
        &mut self,
        program: stride_domain::ProgramId,
        worker: WorkerId,
    ) -> Result<u32> {
        let columns = Experiment::KIND.spec().columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns} FROM experiments WHERE program_id = ?1 AND status = 'active' AND deleted_at IS NULL"
        );
        let experiments = crate::repository::select_rows::<Experiment>(
            self.conn(),
            Experiment::KIND.spec(),
            &sql,
            &[rusqlite::types::Value::Text(program.to_string())],
        )?;
        let mut assigned = 0;
        for experiment in &experiments {
            assigned += self.assign_to_experiment(experiment, &[worker])?;
        }
        Ok(assigned)
    }
}

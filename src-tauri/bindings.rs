//! The TypeScript bindings of every type that crosses IPC, generated from the Rust
//! types into ui/src/lib/bindings.ts. The file is committed; the test below fails when
//! it is stale. Regenerate with `make bindings`.

#[cfg(test)]
mod tests {
    use crate::error::{AppError, ErrorCode};
    use crate::service::{
        Account, AwardForm, BadgeDraft, BadgeInput, Combine, ConditionForm, ContentInput, ContentItem, ExperimentDraft,
        ExperimentInput, ExperimentResults, JourneyDraft, JourneyInput, MediaProgress, Offline, OpenedMedia,
        OrganizationOverview, PhaseDraft, PhaseInput, PreviewState, PreviewStep, ProgramDraft, ProgramInput, RuleForm,
        SegmentDraft, SegmentForm, SegmentInput, SegmentPreview, TierUsage, TouchpointDraft, TouchpointInput,
        VariantDraft, VariantInput, VariantResult, WorkerRef,
    };
    use crate::service::{
        BadgeAward, DueTouchpoint, EnrollTarget, Enrollment, GroupSessionInput, Home, JourneyOutline, NextTouchpoint,
        PhaseOutline, ProgramChoice, ProgramDay, ProgramOutline, ProgressEntry, SegmentChoice, TouchpointOutline,
        WorkerPage,
    };
    use crate::service::{
        DeviceStatus, RecordSyncState, RefusedChange, SetUpInput, SignInInput, SyncDetails, SyncPhase, SyncProgress,
        SyncSummary, WaitingChanges, WaitingRecord, WorkerQuery,
    };
    use stride_domain::input::WorkerInput;
    use stride_domain::*;
    use ts_rs::{Config, TS};

    fn declaration<T: TS + ?Sized + 'static>(config: &Config) -> String {
        let docs = T::docs().map(|docs| format!("{docs}\n")).unwrap_or_default();
        format!("{docs}export {}\n", T::decl(config))
    }

    fn generate() -> String {
        // serde sends 64-bit integers as plain JSON numbers.
        let config = Config::new().with_large_int("number");
        let declarations = [
            declaration::<OrganizationId>(&config),
            declaration::<WorkerId>(&config),
            declaration::<DeviceId>(&config),
            declaration::<Name>(&config),
            declaration::<Timestamp>(&config),
            declaration::<PhoneNumber>(&config),
            declaration::<Score>(&config),
            declaration::<CustomAttributes>(&config),
            declaration::<OrganizationType>(&config),
            declaration::<SubscriptionTier>(&config),
            declaration::<Role>(&config),
            declaration::<Organization>(&config),
            declaration::<Worker>(&config),
            declaration::<Page<()>>(&config),
            declaration::<WorkerInput>(&config),
            declaration::<stride_domain::duplicates::DuplicateReason>(&config),
            declaration::<stride_domain::duplicates::DuplicateCandidate>(&config),
            declaration::<stride_store::EnrollmentFilter>(&config),
            declaration::<WorkerQuery>(&config),
            declaration::<WorkerAssignmentId>(&config),
            declaration::<WorkerProgressId>(&config),
            declaration::<AssignmentStatus>(&config),
            declaration::<ContentType>(&config),
            declaration::<RecordSyncState>(&config),
            declaration::<stride_domain::journey::Urgency>(&config),
            declaration::<Enrollment>(&config),
            declaration::<NextTouchpoint>(&config),
            declaration::<ProgressEntry>(&config),
            declaration::<BadgeAward>(&config),
            declaration::<WorkerPage>(&config),
            declaration::<TouchpointId>(&config),
            declaration::<ProgramId>(&config),
            declaration::<TouchpointOutline>(&config),
            declaration::<PhaseOutline>(&config),
            declaration::<JourneyOutline>(&config),
            declaration::<stride_store::RosterEntry>(&config),
            declaration::<ProgramOutline>(&config),
            declaration::<GroupSessionInput>(&config),
            declaration::<SegmentId>(&config),
            declaration::<SegmentChoice>(&config),
            declaration::<crate::service::SegmentName>(&config),
            declaration::<ProgramChoice>(&config),
            declaration::<DueTouchpoint>(&config),
            declaration::<ProgramDay>(&config),
            declaration::<stride_store::ActivityKind>(&config),
            declaration::<stride_store::Activity>(&config),
            declaration::<stride_store::Counts>(&config),
            declaration::<Home>(&config),
            declaration::<EnrollTarget>(&config),
            declaration::<SetUpInput>(&config),
            declaration::<DeviceStatus>(&config),
            declaration::<SignInInput>(&config),
            declaration::<SyncSummary>(&config),
            declaration::<SyncPhase>(&config),
            declaration::<SyncProgress>(&config),
            declaration::<EntityKind>(&config),
            declaration::<RowKey>(&config),
            declaration::<ChangeOp>(&config),
            declaration::<RefusedChange>(&config),
            declaration::<WaitingChanges>(&config),
            declaration::<WaitingRecord>(&config),
            declaration::<stride_store::SyncStartedBy>(&config),
            declaration::<stride_store::SyncRun>(&config),
            declaration::<SyncDetails>(&config),
            declaration::<ContentId>(&config),
            declaration::<JourneyBlueprintId>(&config),
            declaration::<PhaseId>(&config),
            declaration::<ExperimentId>(&config),
            declaration::<ExperimentVariantId>(&config),
            declaration::<BadgeId>(&config),
            declaration::<UserId>(&config),
            declaration::<JsonObject>(&config),
            declaration::<ExperimentType>(&config),
            declaration::<ExperimentStatus>(&config),
            declaration::<Content>(&config),
            declaration::<Experiment>(&config),
            declaration::<Badge>(&config),
            declaration::<stride_domain::access::Screen>(&config),
            declaration::<stride_domain::access::Permissions>(&config),
            declaration::<stride_domain::tier::TierLimits>(&config),
            declaration::<stride_domain::stats::Interval>(&config),
            declaration::<stride_domain::stats::SampleRatio>(&config),
            declaration::<Account>(&config),
            declaration::<TierUsage>(&config),
            declaration::<OrganizationOverview>(&config),
            declaration::<ContentInput>(&config),
            declaration::<Offline>(&config),
            declaration::<ContentItem>(&config),
            declaration::<MediaProgress>(&config),
            declaration::<OpenedMedia>(&config),
            declaration::<JourneyInput>(&config),
            declaration::<PhaseInput>(&config),
            declaration::<RuleForm>(&config),
            declaration::<TouchpointInput>(&config),
            declaration::<TouchpointDraft>(&config),
            declaration::<PhaseDraft>(&config),
            declaration::<JourneyDraft>(&config),
            declaration::<PreviewState>(&config),
            declaration::<PreviewStep>(&config),
            declaration::<ProgramInput>(&config),
            declaration::<ProgramDraft>(&config),
            declaration::<Combine>(&config),
            declaration::<ConditionForm>(&config),
            declaration::<SegmentForm>(&config),
            declaration::<SegmentInput>(&config),
            declaration::<SegmentDraft>(&config),
            declaration::<WorkerRef>(&config),
            declaration::<SegmentPreview>(&config),
            declaration::<VariantInput>(&config),
            declaration::<ExperimentInput>(&config),
            declaration::<VariantDraft>(&config),
            declaration::<ExperimentDraft>(&config),
            declaration::<VariantResult>(&config),
            declaration::<ExperimentResults>(&config),
            declaration::<AwardForm>(&config),
            declaration::<BadgeInput>(&config),
            declaration::<BadgeDraft>(&config),
            declaration::<stride_store::LeaderboardEntry>(&config),
            declaration::<stride_store::DeletePlan>(&config),
            declaration::<stride_store::ClearedField>(&config),
            declaration::<stride_store::Orphan>(&config),
            declaration::<crate::service::OrphanRecord>(&config),
            declaration::<stride_store::LostEdit>(&config),
            declaration::<crate::service::LostEditRecord>(&config),
            declaration::<stride_domain::api::ChangeAuthor>(&config),
            declaration::<stride_domain::api::HistoryEntry>(&config),
            declaration::<stride_domain::api::HistoryConflict>(&config),
            declaration::<stride_domain::api::RecordHistory>(&config),
            declaration::<ValidationError>(&config),
            declaration::<ErrorCode>(&config),
            declaration::<AppError>(&config),
        ];
        format!(
            "// Generated from the Rust types by src-tauri/bindings.rs (`make bindings`). Do not edit.\n\n{}",
            declarations.join("\n")
        )
    }

    #[test]
    fn typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
        let generated = generate();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write the bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == generated, "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result");
    }
}

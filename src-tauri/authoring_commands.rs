//! The commands of authoring and program design (content, journeys, programs, segments,
//! experiments, badges, points and challenges), of the marketplace, and of the account and
//! organization, declared once each like `commands.rs`.

use crate::events::emit;
use crate::ipc::{commands, RawBytes};
use crate::service::{
    Account, BadgeDraft, BadgeInput, CatalogView, ChallengeBoard, ChallengeInput, ChallengeSummary, ContentInput,
    ContentItem, ExperimentDraft, ExperimentInput, ExperimentResults, JourneyDraft, JourneyInput, OpenedMedia,
    OrganizationOverview, PhaseInput, PointsInput, PreviewStep, ProgramDraft, ProgramInput, ProgramReport, QuizInput,
    QuizOverview, SegmentDraft, SegmentForm, SegmentInput, SegmentPreview, TouchpointInput, WellBeingQuestionInput,
};
use stride_domain::marketplace::{
    ApplyUpdate, CatalogQuery, CopyUpdate, License, LicenseDecision, LicenseRequest, Licenses, ListingDetail,
    ListingUpdate, ListingUsage, MarketplaceCopy, NewListing, NewVersion,
};
use stride_domain::points::{Points, Standing};
use stride_domain::{
    BadgeId, ChallengeId, ContentId, ExperimentId, JourneyBlueprintId, LicenseId, ListingId, PhaseId, ProgramId,
    SegmentId, TouchpointId, WellBeingQuestion, WorkerId,
};

commands! {
    /// The marketplace's catalog, filtered: from the server, or as last seen when offline.
    fn marketplace_catalog(query: CatalogQuery) -> CatalogView = online |_app, service| service.catalog(query).await;
    /// A marketplace listing's page (online).
    fn marketplace_listing(id: ListingId) -> ListingDetail = online |_app, service| service.listing(id).await;
    /// How a listing is used, as the asking organization may see it (online).
    fn listing_usage(id: ListingId) -> ListingUsage = online |_app, service| service.listing_usage(id).await;
    /// Publishes a journey or content item to the marketplace (an expert organization's authors).
    fn publish_listing(listing: NewListing) -> ListingDetail =
        online |_app, service| service.publish_listing(listing).await;
    /// Publishes a listing's journey or content as it is now, as its next version.
    fn publish_listing_version(id: ListingId, version: NewVersion) -> ListingDetail =
        online |_app, service| service.publish_version(id, version).await;
    /// Changes a listing's description or terms, withdraws it, or publishes it again.
    fn update_listing(id: ListingId, update: ListingUpdate) -> ListingDetail =
        online |_app, service| service.update_listing(id, update).await;
    /// Asks for a license to a listing (a free listing's is granted at once).
    fn request_license(id: ListingId, request: LicenseRequest) -> License =
        online |_app, service| service.request_license(id, request).await;
    /// The licenses the organization holds, and those of its own listings.
    fn marketplace_licenses() -> Licenses = online |_app, service| service.licenses().await;
    /// Grants or declines a request for one of the organization's listings.
    fn decide_license(id: LicenseId, decision: LicenseDecision) -> License =
        online |_app, service| service.decide_license(id, decision).await;
    /// Copies a licensed listing's latest version into the organization, then syncs.
    fn copy_listing(license: LicenseId) -> MarketplaceCopy = online |_app, service| service.copy_listing(license).await;
    /// What the listing's newest version would change in the organization's copy.
    fn copy_update(license: LicenseId) -> CopyUpdate = online |_app, service| service.copy_update(license).await;
    /// Applies the version previewed to the organization's copy, then syncs.
    fn apply_update(license: LicenseId, update: ApplyUpdate) -> MarketplaceCopy =
        online |_app, service| service.apply_update(license, update).await;
    /// Makes a forkable copy the organization's own, then syncs.
    fn fork_copy(license: LicenseId) -> MarketplaceCopy = online |_app, service| service.fork_copy(license).await;
    /// The signed-in account: its role, the screens it sees and what it may write.
    fn account() -> Account = run |service| service.account();
    /// The organization's type, tier, the tier's limits and how much of them is used.
    fn organization_overview() -> OrganizationOverview = run |service| service.organization_overview();
    /// The content library, with whether each item's media is on this device.
    fn content_library() -> Vec<ContentItem> = run |service| service.content_library();
    /// Downloads a content item's media for offline use (progress: onMediaProgress).
    fn download_media(id: ContentId) -> ContentItem =
        online |app, service| service.download_media(id, move |progress| emit(&app, progress)).await;
    /// Opens downloaded media with no network: text as text, audio and video by type.
    fn open_media(id: ContentId) -> OpenedMedia = run |service| service.open_media(id);
    /// The bytes of downloaded media, to play from a blob.
    fn media_bytes(id: ContentId) -> RawBytes = run |service| service.media_bytes(id).map(RawBytes);
    /// A quiz's latest version, its attempts and how each question was answered.
    fn quiz(content_id: ContentId) -> QuizOverview = run |service| service.quiz(content_id);
    /// A program's report, computed on this device from what it holds.
    fn program_report(program_id: ProgramId) -> ProgramReport = run |service| service.program_report(program_id);
    /// Writes a program's report as CSV to the Downloads folder; answers the file.
    fn export_program_report(program_id: ProgramId) -> String =
        run |service| service.export_program_report(program_id);
    /// The organization's well-being questions, in the order they are asked.
    fn well_being_questions() -> Vec<WellBeingQuestion> = run |service| service.well_being_questions();
    /// Adds or edits a well-being question; answers the questions as they now stand.
    fn save_well_being_question(input: WellBeingQuestionInput) -> Vec<WellBeingQuestion> =
        run |service| service.save_well_being_question(input);
    /// Saves a quiz's questions, as a new version when they changed.
    fn save_quiz(input: QuizInput) -> QuizOverview = run |service| service.save_quiz(input);
    fn save_content(input: ContentInput) -> ContentId = run |service| service.save_content(input);
    fn journeys() -> Vec<JourneyDraft> = run |service| service.journeys();
    fn save_journey(input: JourneyInput) -> JourneyBlueprintId = run |service| service.save_journey(input);
    fn save_phase(input: PhaseInput) -> PhaseId = run |service| service.save_phase(input);
    fn move_phase(id: PhaseId, earlier: bool) -> () = run |service| service.move_phase(id, earlier);
    fn save_touchpoint(input: TouchpointInput) -> TouchpointId = run |service| service.save_touchpoint(input);
    /// What a worker would see of each touchpoint of a journey, judged by its rules.
    fn preview_journey(journey: JourneyBlueprintId, worker: WorkerId) -> Vec<PreviewStep> =
        run |service| service.preview_journey(journey, worker);
    fn program_drafts() -> Vec<ProgramDraft> = run |service| service.program_drafts();
    fn save_program(input: ProgramInput) -> ProgramId = run |service| service.save_program(input);
    fn segment_drafts() -> Vec<SegmentDraft> = run |service| service.segment_drafts();
    /// Who a segment form selects right now: the count and the first 50 by name.
    fn preview_segment(form: SegmentForm) -> SegmentPreview = run |service| service.preview_segment(form);
    fn save_segment(input: SegmentInput) -> SegmentId = run |service| service.save_segment(input);
    fn experiment_drafts() -> Vec<ExperimentDraft> = run |service| service.experiment_drafts();
    fn save_experiment(input: ExperimentInput) -> ExperimentId = run |service| service.save_experiment(input);
    /// Assigns the audience's workers not yet assigned; answers how many.
    fn assign_experiment(id: ExperimentId) -> u32 = run |service| service.assign_experiment(id);
    fn experiment_results(id: ExperimentId) -> ExperimentResults = run |service| service.experiment_results(id);
    fn badge_drafts() -> Vec<BadgeDraft> = run |service| service.badge_drafts();
    fn save_badge(input: BadgeInput) -> BadgeId = run |service| service.save_badge(input);
    fn award_badge(badge: BadgeId, worker: WorkerId) -> () = run |service| service.award_badge(badge, worker);
    /// A program's enrolled workers ranked by the points they earned in it.
    fn leaderboard(program: ProgramId) -> Vec<Standing> = run |service| service.leaderboard(program);
    /// What a completed touchpoint and a badge are worth.
    fn points() -> Points = run |service| service.points();
    fn save_points(input: PointsInput) -> Points = run |service| service.save_points(input);
    /// The organization's challenges, with how many of each audience reached the goal.
    fn challenges() -> Vec<ChallengeSummary> = run |service| service.challenges();
    fn save_challenge(input: ChallengeInput) -> ChallengeId = run |service| service.save_challenge(input);
    /// A challenge's audience ranked by the points earned within it, with their progress.
    fn challenge_board(id: ChallengeId) -> ChallengeBoard = run |service| service.challenge_board(id);
}

//! The marketplace from the window: the catalog (fetched whole, kept for reading
//! offline, and filtered here by the domain's one rule, `CatalogQuery::matches`), a
//! listing's page, publishing and new versions for an expert organization's authors,
//! licenses asked for and decided by administrators, and copying a licensed version in
//! (then a sync, so the copy is on this device at once), its updates and fork, and how
//! a listing is used. The server is the authority; the service checks the role and
//! what was typed first.

use super::Service;
use crate::error::AppError;
use serde::Serialize;
use std::sync::Arc;
use stride_domain::marketplace::*;
use stride_domain::*;
use stride_store::SyncStartedBy;
use stride_sync::{Client, ClientError};
use ts_rs::TS;

/// The catalog as the window shows it: fetched now, or as last seen when offline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CatalogView {
    pub listings: Vec<Listing>,
    /// When the catalog shown was fetched (None: never yet).
    pub seen_at: Option<Timestamp>,
    /// Whether the server could not be reached, so this is the catalog last seen.
    pub offline: bool,
}

impl Service {
    /// The catalog filtered by `query`: from the server (kept for offline reading), or the
    /// one kept when the server cannot be reached.
    pub async fn catalog(self: &Arc<Self>, query: CatalogQuery) -> Result<CatalogView, AppError> {
        let language = query.language().map_err(|e| AppError::invalid(vec![e.in_field("language")]))?;
        let client = self.marketplace_client(|_| true, "browse the marketplace").await?;
        let filter = |catalog: Catalog| -> Vec<Listing> {
            catalog.listings.into_iter().filter(|listing| query.matches(listing, language.as_ref())).collect()
        };
        match client.catalog(&CatalogQuery::default()).await {
            Ok(catalog) => {
                let kept = catalog.clone();
                let seen_at = self
                    .blocking(move |service| {
                        service.store.keep_catalog(&kept)?;
                        Ok(service.store.now())
                    })
                    .await?;
                Ok(CatalogView { listings: filter(catalog), seen_at: Some(seen_at), offline: false })
            }
            Err(ClientError::Unreachable(_)) => {
                let kept = self.blocking(|service| Ok(service.store.last_catalog()?)).await?;
                let (listings, seen_at) = match kept {
                    Some((catalog, seen_at)) => (filter(catalog), Some(seen_at)),
                    None => (Vec::new(), None),
                };
                Ok(CatalogView { listings, seen_at, offline: true })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// A listing's page: terms, versions, a preview of the latest, this organization's license.
    pub async fn listing(self: &Arc<Self>, id: ListingId) -> Result<ListingDetail, AppError> {
        let client = self.marketplace_client(|_| true, "browse the marketplace").await?;
        Ok(client.listing(id).await?)
    }

    /// How a listing is used: for its publisher, across licensees; for a licensee, its
    /// own figures beside everyone's (each from five workers or more).
    pub async fn listing_usage(self: &Arc<Self>, id: ListingId) -> Result<ListingUsage, AppError> {
        let client = self.marketplace_client(|p| p.publishes || p.licenses, "read how listings are used").await?;
        Ok(client.listing_usage(id).await?)
    }

    /// Publishes one of this organization's journeys or content items as a new listing.
    pub async fn publish_listing(self: &Arc<Self>, listing: NewListing) -> Result<ListingDetail, AppError> {
        listing.validate().map_err(AppError::invalid)?;
        let source = listing.source_id;
        let kind = listing.kind;
        self.blocking(move |service| service.require_publishable(kind, source)).await?;
        let client = self.marketplace_client(|p| p.publishes, "publish to the marketplace").await?;
        Ok(client.publish_listing(&listing).await?)
    }

    /// Publishes the listing's journey or content item as it is on the server now, as its
    /// next version (after a sync, so this device's last edits are in it).
    pub async fn publish_version(
        self: &Arc<Self>,
        id: ListingId,
        version: NewVersion,
    ) -> Result<ListingDetail, AppError> {
        version.validate().map_err(AppError::invalid)?;
        let client = self.marketplace_client(|p| p.publishes, "publish to the marketplace").await?;
        self.sync(SyncStartedBy::Button, |_| {}).await?;
        Ok(client.publish_version(id, &version).await?)
    }

    /// Changes a listing's description or terms, withdraws it, or publishes it again.
    pub async fn update_listing(
        self: &Arc<Self>,
        id: ListingId,
        update: ListingUpdate,
    ) -> Result<ListingDetail, AppError> {
        let client = self.marketplace_client(|p| p.publishes, "change a marketplace listing").await?;
        Ok(client.update_listing(id, &update).await?)
    }

    /// Asks for a license to a listing (a free listing's is granted at once).
    pub async fn request_license(
        self: &Arc<Self>,
        id: ListingId,
        request: LicenseRequest,
    ) -> Result<License, AppError> {
        request.validate().map_err(AppError::invalid)?;
        let client = self.marketplace_client(|p| p.licenses, "license marketplace listings").await?;
        Ok(client.request_license(id, &request).await?)
    }

    /// The licenses this organization holds, and those of its own listings.
    pub async fn licenses(self: &Arc<Self>) -> Result<Licenses, AppError> {
        let client = self.marketplace_client(|_| true, "browse the marketplace").await?;
        Ok(client.licenses().await?)
    }

    /// Grants or declines a request for one of this organization's listings.
    pub async fn decide_license(
        self: &Arc<Self>,
        id: LicenseId,
        decision: LicenseDecision,
    ) -> Result<License, AppError> {
        decision.validate().map_err(AppError::invalid)?;
        let client = self.marketplace_client(|p| p.licenses, "decide licenses").await?;
        Ok(client.decide_license(id, &decision).await?)
    }

    /// Copies the latest version of a licensed listing into this organization, then syncs
    /// so it is on this device.
    pub async fn copy_listing(self: &Arc<Self>, license: LicenseId) -> Result<MarketplaceCopy, AppError> {
        let client = self.marketplace_client(|p| p.licenses, "copy marketplace listings in").await?;
        let copy = client.copy_listing(license).await?;
        self.sync_after("copy").await;
        Ok(copy)
    }

    /// What the listing's newest version would change in this organization's copy.
    pub async fn copy_update(self: &Arc<Self>, license: LicenseId) -> Result<CopyUpdate, AppError> {
        let client = self.marketplace_client(|p| p.licenses, "update marketplace copies").await?;
        Ok(client.copy_update(license).await?)
    }

    /// Applies the version previewed to this organization's copy, then syncs so the
    /// change is on this device.
    pub async fn apply_update(
        self: &Arc<Self>,
        license: LicenseId,
        update: ApplyUpdate,
    ) -> Result<MarketplaceCopy, AppError> {
        let client = self.marketplace_client(|p| p.licenses, "update marketplace copies").await?;
        let copy = client.apply_update(license, &update).await?;
        self.sync_after("update").await;
        Ok(copy)
    }

    /// Makes a forkable copy this organization's own, then syncs.
    pub async fn fork_copy(self: &Arc<Self>, license: LicenseId) -> Result<MarketplaceCopy, AppError> {
        let client = self.marketplace_client(|p| p.licenses, "fork marketplace copies").await?;
        let copy = client.fork_copy(license).await?;
        self.sync_after("fork").await;
        Ok(copy)
    }

    /// A sync after the server changed this organization's rows: one that fails now
    /// brings them at the next.
    async fn sync_after(self: &Arc<Self>, what: &'static str) {
        if let Err(error) = self.sync(SyncStartedBy::Button, |_| {}).await {
            tracing::info!(error.code = %error.code, after = what, "the sync after a marketplace change did not finish");
        }
    }

    /// A journey with touchpoints, or a content item, of this organization's own (not a
    /// copy of someone else's listing): what may be published.
    fn require_publishable(&self, kind: ListingKind, source: uuid::Uuid) -> Result<(), AppError> {
        let problem = |problem| Err(AppError::invalid(vec![ValidationError::new("source_id", problem)]));
        let source_of = match kind {
            ListingKind::Journey => {
                let journey = self.existing::<JourneyBlueprint>(RowKey::of(JourneyBlueprintId::from_uuid(source)))?;
                let in_journey = [stride_store::Filter::new("journey_blueprint_id", source.to_string())];
                let phases = self.store.list_all::<Phase>(&in_journey)?;
                let touchpoints = self.store.list_all::<Touchpoint>(&[])?;
                if !touchpoints.iter().any(|t| phases.iter().any(|p| p.id == t.phase_id)) {
                    return problem(InvalidValue::NothingToPublish);
                }
                journey.source
            }
            ListingKind::Content => self.existing::<Content>(RowKey::of(ContentId::from_uuid(source)))?.source,
        };
        if source_of.source_listing_id.is_some() {
            return problem(InvalidValue::CopiedFromListing);
        }
        Ok(())
    }

    /// A client signed in as a role `allowed` lets do `what`; anyone else is refused before asking.
    async fn marketplace_client(
        self: &Arc<Self>,
        allowed: impl FnOnce(&access::Permissions) -> bool + Send + 'static,
        what: &'static str,
    ) -> Result<Client, AppError> {
        self.blocking(move |service| service.client_if_permitted(allowed, what)).await
    }
}
